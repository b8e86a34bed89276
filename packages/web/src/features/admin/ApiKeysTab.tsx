import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError, itemsOf } from '../../api/client.ts';
import type { ApiKeyView } from '../../api/types.ts';
import { API_KEY_SCOPES } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';
import { formatTime } from '../../lib/format.ts';

/** Revokes a key: DELETE, or the action-style route where a server exposes that instead. */
async function revokeKey(id: string): Promise<void> {
  try {
    await api.delete(`/api/v1/api-keys/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'ROUTE_NOT_FOUND') await api.post(`/api/v1/api-keys/${id}/revoke`);
    else throw e;
  }
}

export function ApiKeysTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [form] = Form.useForm();

  const keys = useQuery({ queryKey: ['api-keys'], queryFn: async () => itemsOf<ApiKeyView>(await api.get('/api/v1/api-keys')) });
  const create = useMutation({
    mutationFn: (body: unknown) => api.post<{ key: string }>('/api/v1/api-keys', body),
    onSuccess: (res) => {
      setCreating(false);
      form.resetFields();
      setNewKey(res.key);
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (e) => message.error(errorText(t, e)),
  });
  const revoke = useMutation({
    mutationFn: revokeKey,
    onSuccess: () => {
      message.success(t('admin.revoked'));
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (e) => message.error(errorText(t, e)),
  });

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
        {t('admin.createKey')}
      </Button>
      {keys.error && <Alert type="error" showIcon message={errorText(t, keys.error)} />}
      <Table<ApiKeyView>
        rowKey="id"
        size="small"
        loading={keys.isLoading}
        dataSource={keys.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('admin.keyName'), dataIndex: 'name' },
          { title: t('admin.keyPrefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
          { title: t('admin.scopes'), dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: t('admin.createdAt'), dataIndex: 'createdAt', render: formatTime, responsive: ['md'] },
          { title: t('admin.lastUsedAt'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? formatTime(v) : t('admin.never')), responsive: ['lg'] },
          {
            title: t('admin.active'),
            dataIndex: 'revokedAt',
            render: (v: string | null) =>
              v ? (
                <Tag>
                  {t('admin.revoked')} {formatTime(v)}
                </Tag>
              ) : (
                <Tag color="green">{t('admin.valid')}</Tag>
              ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, k) =>
              !k.revokedAt && (
                <Popconfirm title={t('admin.revokeConfirm')} okText={t('admin.revoke')} cancelText={t('common.cancel')} onConfirm={() => revoke.mutate(k.id)}>
                  <Button size="small" danger>
                    {t('admin.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={creating}
        title={t('admin.createKey')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        onOk={async () => create.mutate(await form.validateFields())}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('admin.keyName')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="scopes" label={t('admin.scopes')} rules={[{ required: true, message: t('common.required') }]}>
            <Select mode="multiple" options={API_KEY_SCOPES.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!newKey}
        title={t('admin.keyCreated')}
        onOk={() => setNewKey(null)}
        onCancel={() => setNewKey(null)}
        okText={t('common.close')}
        cancelButtonProps={{ style: { display: 'none' } }}
        maskClosable={false}
        destroyOnHidden
      >
        <Alert type="warning" showIcon message={t('admin.keyShownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph
          copyable={{ text: newKey ?? '', tooltips: [t('admin.copy'), t('admin.copied')] }}
          code
          data-testid="new-api-key"
          style={{ wordBreak: 'break-all' }}
        >
          {newKey}
        </Typography.Paragraph>
      </Modal>
    </Space>
  );
}
