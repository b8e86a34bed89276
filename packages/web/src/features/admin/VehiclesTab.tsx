import { useMemo, useState } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Vehicle, VehicleImportReport } from '@liandong/contracts';
import { api } from '../../api/client.ts';
import { useAuth } from '../../api/auth.tsx';
import { errorText } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';

interface VehiclePage {
  items: Vehicle[];
  nextCursor: string | null;
}

/** The vehicle registry of the thematic database: search, register, edit, remove, import a file. */
export function VehiclesTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const isAdmin = useAuth().hasRole('admin');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Vehicle | 'new' | null>(null);
  const [report, setReport] = useState<VehicleImportReport | null>(null);
  const [importing, setImporting] = useState(false);
  const [form] = Form.useForm();

  const vehicles = useInfiniteQuery({
    queryKey: ['vehicles', q],
    queryFn: ({ pageParam }) => api.get<VehiclePage>('/api/v1/vehicles', { q: q || undefined, cursor: pageParam, limit: 100 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => vehicles.data?.pages.flatMap((p) => p.items) ?? [], [vehicles.data]);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['vehicles'] });
  const onError = (e: unknown) => message.error(errorText(t, e));

  const save = useMutation({
    mutationFn: (v: { plate: string; ownerName: string; ownerPhone?: string; vehicleType?: string; note?: string }) =>
      api.put<Vehicle>(`/api/v1/vehicles/${encodeURIComponent(v.plate)}`, {
        ownerName: v.ownerName,
        ownerPhone: v.ownerPhone || null,
        vehicleType: v.vehicleType || null,
        note: v.note || null,
      }),
    onSuccess: (saved) => {
      setEditing(null);
      form.resetFields();
      message.success(t('vehicles.saved', { plate: saved.plate }));
      refresh();
    },
    onError,
  });
  const remove = useMutation({
    mutationFn: (plate: string) => api.delete(`/api/v1/vehicles/${encodeURIComponent(plate)}`),
    onSuccess: (_r, plate) => {
      message.success(t('vehicles.removed', { plate }));
      refresh();
    },
    onError,
  });

  const upload = async (file: File) => {
    setImporting(true);
    try {
      const body = new FormData();
      body.append('file', file);
      setReport(await api.upload<VehicleImportReport>('/api/v1/vehicles/import', body));
      refresh();
    } catch (e) {
      onError(e);
    } finally {
      setImporting(false);
    }
  };

  const openEditor = (v: Vehicle | 'new') => {
    setEditing(v);
    form.setFieldsValue(
      v === 'new'
        ? { plate: '', ownerName: '', ownerPhone: '', vehicleType: '', note: '' }
        : { plate: v.plate, ownerName: v.ownerName, ownerPhone: v.ownerPhone ?? '', vehicleType: v.vehicleType ?? '', note: v.note ?? '' },
    );
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search allowClear placeholder={t('vehicles.searchPlaceholder')} style={{ width: 320 }} onSearch={(v) => setQ(v.trim())} />
        {isAdmin && (
          <>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor('new')}>
              {t('vehicles.add')}
            </Button>
            <Upload
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={importing}>
                {t('vehicles.import')}
              </Button>
            </Upload>
          </>
        )}
      </Space>
      {isAdmin && <Typography.Text type="secondary">{t('vehicles.importHint')}</Typography.Text>}
      {rows.some((v) => v.masked) && <Alert type="info" showIcon message={t('vehicles.maskedHint')} />}
      {vehicles.error && <Alert type="error" showIcon message={errorText(t, vehicles.error)} />}
      <Table<Vehicle>
        rowKey="plate"
        size="small"
        loading={vehicles.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('vehicles.plate'), dataIndex: 'plate', render: (p: string) => <Typography.Text strong>{p}</Typography.Text> },
          {
            title: t('vehicles.plateKind'),
            dataIndex: 'plateKind',
            render: (k: Vehicle['plateKind']) => <Tag color={k === 'new_energy' ? 'green' : undefined}>{t(`vehicles.kinds.${k}`)}</Tag>,
          },
          { title: t('vehicles.owner'), dataIndex: 'ownerName' },
          { title: t('vehicles.phone'), dataIndex: 'ownerPhone', render: (p: string | null) => p ?? '—' },
          { title: t('vehicles.type'), dataIndex: 'vehicleType', render: (v: string | null) => v ?? '—', responsive: ['md'] },
          { title: t('vehicles.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—', responsive: ['lg'] },
          { title: t('vehicles.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatTime(v), responsive: ['lg'] },
          ...(isAdmin
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, v: Vehicle) => (
                    <Space size="small">
                      <Button size="small" type="link" onClick={() => openEditor(v)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('vehicles.removeConfirm', { plate: v.plate })}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => remove.mutate(v.plate)}
                      >
                        <Button size="small" type="link" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {vehicles.hasNextPage && (
        <Button block loading={vehicles.isFetchingNextPage} onClick={() => void vehicles.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('vehicles.add') : t('vehicles.edit')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(null)}
        onOk={async () => save.mutate(await form.validateFields())}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="plate" label={t('vehicles.plate')} extra={t('vehicles.plateHint')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={16} disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="ownerName" label={t('vehicles.owner')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="ownerPhone" label={t('vehicles.phone')}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item name="vehicleType" label={t('vehicles.type')}>
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item name="note" label={t('vehicles.note')}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2 }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={report !== null} title={t('vehicles.importTitle')} footer={null} onCancel={() => setReport(null)} width={720}>
        {report && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <Tag color="green">{t('vehicles.imported', { count: report.imported })}</Tag>
              <Tag color="blue">{t('vehicles.updated', { count: report.updated })}</Tag>
              {report.errors.length > 0 && <Tag color="red">{t('vehicles.failed', { count: new Set(report.errors.map((e) => e.row)).size })}</Tag>}
            </Space>
            {report.errors.length === 0 ? (
              <Alert type="success" showIcon message={t('vehicles.allGood')} />
            ) : (
              <Table
                rowKey={(e) => `${e.row}:${e.field}`}
                size="small"
                dataSource={report.errors}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { title: t('vehicles.errorRow'), dataIndex: 'row', width: 80 },
                  { title: t('vehicles.errorField'), dataIndex: 'field', width: 100, render: (f: string) => t(`vehicles.fields.${f}`, { defaultValue: f }) },
                  // The server's reason is English; the row and column say where to look in any language.
                  { title: t('vehicles.errorMessage'), dataIndex: 'message' },
                ]}
              />
            )}
          </Space>
        )}
      </Modal>
    </Space>
  );
}
