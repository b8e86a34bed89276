import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Descriptions, Empty, Form, Input, Modal, Row, Space, Tree, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { unitTree, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import { toBoundaryCollection } from '../../api/geo.ts';
import type { OrgUnit } from '../../api/types.ts';
import { CountyMap } from '../../components/CountyMap.tsx';
import { errorText } from '../../lib/errors.ts';

export function UnitsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const units = useOrgUnits();
  const unitName = useUnitName();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm();
  const tree = useMemo(() => unitTree(units.data ?? [], unitName), [units.data, unitName]);

  const detail = useQuery({
    queryKey: ['org-unit', selected, 'detail'],
    queryFn: () => api.get<OrgUnit>(`/api/v1/org-units/${selected}`),
    enabled: !!selected,
  });
  const boundary = useMemo(() => (detail.data?.boundary ? toBoundaryCollection([detail.data]) : undefined), [detail.data]);
  const parent = units.data?.find((u) => u.id === detail.data?.parentId);
  const county = units.data?.find((u) => u.kind === 'county');

  const create = useMutation({
    mutationFn: (body: unknown) => api.post<OrgUnit>('/api/v1/org-units', body),
    onSuccess: (u) => {
      message.success(t('admin.departmentCreated'));
      setCreating(false);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['org-units'] });
      if (u?.id) setSelected(u.id);
    },
    onError: (e) => message.error(errorText(t, e)),
  });

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={9} lg={8}>
        <Space style={{ marginBottom: 8 }}>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('admin.createDepartment')}
          </Button>
        </Space>
        {units.error && <Alert type="error" showIcon message={errorText(t, units.error)} />}
        <div style={{ maxHeight: 560, overflow: 'auto', border: '1px solid #f0f0f0', borderRadius: 6, padding: 8 }}>
          {tree.length ? (
            <Tree
              treeData={tree}
              defaultExpandedKeys={county ? [county.id] : []}
              selectedKeys={selected ? [selected] : []}
              onSelect={(keys) => setSelected((keys[0] as string) ?? null)}
              titleRender={(n) => (
                <span>
                  {n.title}{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`unitKind.${n.kind}`)}
                  </Typography.Text>
                </span>
              )}
            />
          ) : (
            <Empty />
          )}
        </div>
      </Col>
      <Col xs={24} md={15} lg={16}>
        {!selected ? (
          <Empty description={t('admin.selectUnit')} />
        ) : detail.error ? (
          <Alert type="error" showIcon message={errorText(t, detail.error)} />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Descriptions bordered size="small" column={{ xs: 1, sm: 2 }} title={detail.data ? unitName(detail.data) : ''}>
              <Descriptions.Item label={t('admin.name')}>{detail.data?.name}</Descriptions.Item>
              <Descriptions.Item label={t('admin.nameEn')}>{detail.data?.nameEn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('admin.code')}>{detail.data?.code ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('admin.kind')}>{detail.data ? t(`unitKind.${detail.data.kind}`) : ''}</Descriptions.Item>
              <Descriptions.Item label={t('admin.parent')}>{parent ? unitName(parent) : '—'}</Descriptions.Item>
            </Descriptions>
            <Typography.Text strong>{t('admin.boundary')}</Typography.Text>
            {boundary?.features.length ? (
              <CountyMap base={boundary} outlines={boundary} height={360} />
            ) : (
              !detail.isLoading && <Typography.Text type="secondary">{t('admin.noBoundary')}</Typography.Text>
            )}
          </Space>
        )}
      </Col>
      <Modal
        open={creating}
        title={t('admin.createDepartment')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        onOk={async () => {
          const v = await form.validateFields();
          create.mutate({ kind: 'department', parentId: county?.id ?? null, name: v.name, nameEn: v.nameEn || undefined, code: v.code });
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('admin.name')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('admin.nameEn')}>
            <Input maxLength={128} />
          </Form.Item>
          <Form.Item name="code" label={t('admin.code')} rules={[{ required: true, pattern: /^[a-z0-9_-]+$/, message: t('common.required') }]}>
            <Input maxLength={64} placeholder="water" />
          </Form.Item>
        </Form>
      </Modal>
    </Row>
  );
}
