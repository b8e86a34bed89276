import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, Switch, Table, Tag } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { useCategories, useCategoryName, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import type { Category, UnitRule } from '../../api/types.ts';
import { URGENCIES } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';

const LEVELS = ['grid', 'village', 'township', 'county'] as const;

/** A routing rule as two form fields: type + value. */
interface RuleFields {
  type: 'none' | 'level' | 'department';
  level?: (typeof LEVELS)[number];
  department?: string;
}
const toFields = (r: UnitRule | null | undefined): RuleFields =>
  !r ? { type: 'none' } : 'level' in r ? { type: 'level', level: r.level } : { type: 'department', department: r.department };
const fromFields = (f: RuleFields | undefined): UnitRule | null =>
  !f || f.type === 'none' ? null : f.type === 'level' ? { level: f.level ?? 'grid' } : { department: f.department ?? '' };

export function CatalogTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const categories = useCategories();
  const categoryName = useCategoryName();
  const units = useOrgUnits();
  const unitName = useUnitName();
  const [editing, setEditing] = useState<Category | null>(null);
  const [form] = Form.useForm();

  const departments = useMemo(
    () => (units.data ?? []).filter((u) => u.kind === 'department' && u.code).map((u) => ({ value: u.code!, label: `${unitName(u)}（${u.code}）` })),
    [units.data, unitName],
  );
  const ruleText = (r: UnitRule | null) => {
    if (!r) return '—';
    if ('level' in r) return t(`admin.level_${r.level}`);
    return departments.find((d) => d.value === r.department)?.label ?? r.department;
  };

  const save = useMutation({
    mutationFn: ({ code, body }: { code: string; body: unknown }) => api.put(`/api/v1/categories/${code}`, body),
    onSuccess: () => {
      message.success(t('admin.categorySaved'));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: ['categories'] });
    },
    onError: (e) => message.error(errorText(t, e)),
  });

  const open = (c: Category) => {
    setEditing(c);
    form.setFieldsValue({
      ...c,
      lead: toFields(c.leadRule),
      co: c.coHandlingRules.map(toFields),
    });
  };

  const onSave = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    const body = {
      nameZh: v.nameZh,
      nameEn: v.nameEn,
      defaultUrgency: v.defaultUrgency,
      timeLimitMinutes: v.timeLimitMinutes ?? null,
      timeLimitKind: v.timeLimitKind,
      requiresConfirmation: !!v.requiresConfirmation,
      dedupWindowMinutes: v.dedupWindowMinutes ?? 0,
      dedupRadiusM: v.dedupRadiusM ?? 0,
      leadRule: fromFields(v.lead),
      coHandlingRules: ((v.co ?? []) as RuleFields[]).map(fromFields).filter((r): r is UnitRule => r !== null),
      isActive: !!v.isActive,
    };
    save.mutate({ code: editing.code, body });
  };

  const ruleEditor = (name: (string | number)[], allowNone: boolean) => (
    <Form.Item noStyle shouldUpdate>
      {() => {
        const type = form.getFieldValue([...name, 'type']);
        return (
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name={[...name, 'type']} noStyle>
              <Select
                style={{ width: 140 }}
                options={[
                  ...(allowNone ? [{ value: 'none', label: t('admin.ruleNone') }] : []),
                  { value: 'level', label: t('admin.ruleLevel') },
                  { value: 'department', label: t('admin.ruleDepartment') },
                ]}
              />
            </Form.Item>
            {type === 'level' && (
              <Form.Item name={[...name, 'level']} noStyle rules={[{ required: true }]}>
                <Select style={{ flex: 1 }} options={LEVELS.map((l) => ({ value: l, label: t(`admin.level_${l}`) }))} />
              </Form.Item>
            )}
            {type === 'department' && (
              <Form.Item name={[...name, 'department']} noStyle rules={[{ required: true }]}>
                <Select style={{ flex: 1 }} options={departments} showSearch optionFilterProp="label" />
              </Form.Item>
            )}
          </Space.Compact>
        );
      }}
    </Form.Item>
  );

  const rows = [...(categories.data ?? [])].sort((a, b) => a.code.localeCompare(b.code));
  return (
    <>
      {categories.error && <Alert type="error" showIcon message={errorText(t, categories.error)} />}
      <Table<Category>
        rowKey="code"
        size="small"
        loading={categories.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('admin.catCode'), dataIndex: 'code' },
          {
            title: t('admin.catName'),
            key: 'name',
            render: (_: unknown, c) => (c.parentCode ? <span style={{ paddingLeft: 16 }}>{categoryName(c)}</span> : <b>{categoryName(c)}</b>),
          },
          { title: t('admin.family'), dataIndex: 'family', render: (f: string) => t(`admin.family_${f}`), responsive: ['lg'] },
          {
            title: t('admin.timeLimit'),
            key: 'limit',
            render: (_: unknown, c) =>
              c.timeLimitMinutes ? `${t('common.minutes', { count: c.timeLimitMinutes })}（${t(`admin.timeLimitKind_${c.timeLimitKind}`)}）` : '—',
          },
          { title: t('admin.defaultUrgency'), dataIndex: 'defaultUrgency', render: (u: string) => t(`urgency.${u}`), responsive: ['md'] },
          {
            title: t('admin.requiresConfirmation'),
            dataIndex: 'requiresConfirmation',
            render: (b: boolean) => (b ? t('common.yes') : t('common.no')),
            responsive: ['lg'],
          },
          { title: t('admin.leadRule'), dataIndex: 'leadRule', render: ruleText },
          {
            title: t('admin.coRules'),
            dataIndex: 'coHandlingRules',
            render: (rs: UnitRule[]) => rs.map((r, i) => <Tag key={i}>{ruleText(r)}</Tag>),
            responsive: ['md'],
          },
          {
            title: t('admin.isActive'),
            dataIndex: 'isActive',
            render: (b: boolean) => (b ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c) => (
              <Button size="small" onClick={() => open(c)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer
        open={!!editing}
        width={Math.min(560, window.innerWidth)}
        title={`${t('admin.editCategory')} ${editing?.code ?? ''}`}
        onClose={() => setEditing(null)}
        destroyOnHidden
        extra={
          <Button type="primary" loading={save.isPending} onClick={onSave}>
            {t('common.save')}
          </Button>
        }
      >
        <Form form={form} layout="vertical">
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="nameZh" label={t('admin.catName')} rules={[{ required: true, message: t('common.required') }]}>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="nameEn" label={t('admin.catNameEn')} rules={[{ required: true, message: t('common.required') }]}>
                <Input maxLength={128} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="timeLimitMinutes" label={t('admin.timeLimitMinutes')}>
                <InputNumber min={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="timeLimitKind" label={t('admin.timeLimitKind')}>
                <Select options={['working', 'natural'].map((k) => ({ value: k, label: t(`admin.timeLimitKind_${k}`) }))} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="defaultUrgency" label={t('admin.defaultUrgency')}>
                <Select options={URGENCIES.map((u) => ({ value: u, label: t(`urgency.${u}`) }))} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="requiresConfirmation" label={t('admin.requiresConfirmation')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="isActive" label={t('admin.isActive')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="dedupWindowMinutes" label={t('admin.dedupWindow')}>
                <InputNumber min={0} max={10080} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="dedupRadiusM" label={t('admin.dedupRadius')}>
                <InputNumber min={0} max={10000} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item label={t('admin.leadRule')}>{ruleEditor(['lead'], true)}</Form.Item>
          <Form.Item label={t('admin.coRules')}>
            <Form.List name="co">
              {(fields, { add, remove }) => (
                <Space direction="vertical" style={{ width: '100%' }}>
                  {fields.map((f) => (
                    <Space.Compact key={f.key} style={{ width: '100%' }}>
                      <div style={{ flex: 1 }}>{ruleEditor(['co', f.name], false)}</div>
                      <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                    </Space.Compact>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ type: 'level', level: 'township' })} block>
                    {t('admin.addRule')}
                  </Button>
                </Space>
              )}
            </Form.List>
          </Form.Item>
        </Form>
      </Drawer>
    </>
  );
}
