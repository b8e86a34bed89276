import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Grid, Input, Modal, Popconfirm, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, itemsOf } from '../../api/client.ts';
import { unitTree, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import type { User } from '../../api/types.ts';
import { ROLES } from '../../lib/constants.ts';
import { errorText } from '../../lib/errors.ts';

export function UsersTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const isMobile = !Grid.useBreakpoint().md;
  const [role, setRole] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [addingTo, setAddingTo] = useState<User | null>(null);
  const [userForm] = Form.useForm();
  const [memberForm] = Form.useForm();
  const units = useOrgUnits();
  const unitName = useUnitName();
  const unitOptions = useMemo(() => unitTree(units.data ?? [], unitName), [units.data, unitName]);
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));

  const users = useQuery({
    queryKey: ['users', role],
    queryFn: async () => itemsOf<User>(await api.get('/api/v1/users', { role, limit: 200 })),
  });
  const done = (text: string) => {
    message.success(text);
    void queryClient.invalidateQueries({ queryKey: ['users'] });
  };
  const onError = (e: unknown) => message.error(errorText(t, e));

  const createUser = useMutation({
    mutationFn: (body: unknown) => api.post('/api/v1/users', body),
    onSuccess: () => {
      setCreating(false);
      userForm.resetFields();
      done(t('admin.userCreated'));
    },
    onError,
  });
  const addMembership = useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: unknown }) => api.post(`/api/v1/users/${userId}/memberships`, body),
    onSuccess: () => {
      setAddingTo(null);
      memberForm.resetFields();
      done(t('admin.membershipAdded'));
    },
    onError,
  });
  const removeMembership = useMutation({
    mutationFn: ({ userId, membershipId }: { userId: string; membershipId: string }) => api.delete(`/api/v1/users/${userId}/memberships/${membershipId}`),
    onSuccess: () => done(t('admin.membershipRemoved')),
    onError,
  });

  const activeTag = (a: boolean) => (a ? <Tag color="green">{t('admin.activeYes')}</Tag> : <Tag>{t('admin.activeNo')}</Tag>);
  const memberships = (u: User) => (
    <Space wrap size={[4, 4]}>
      {u.memberships.map((m) => (
        <Popconfirm
          key={m.id}
          title={t('admin.removeMembershipConfirm')}
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          onConfirm={() => removeMembership.mutate({ userId: u.id, membershipId: m.id })}
        >
          <Tag closable onClose={(e) => e.preventDefault()} style={{ cursor: 'pointer' }}>
            {unitName(units.data?.find((x) => x.id === m.orgUnitId)) || m.orgUnitName} · {t(`roles.${m.role}`)}
          </Tag>
        </Popconfirm>
      ))}
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => setAddingTo(u)}>
        {t('admin.addMembership')}
      </Button>
    </Space>
  );

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select allowClear placeholder={t('admin.roleFilter')} style={{ width: 180 }} options={roleOptions} value={role} onChange={setRole} />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('admin.createUser')}
        </Button>
      </Space>
      {users.error && <Alert type="error" showIcon message={errorText(t, users.error)} />}
      <Table<User>
        rowKey="id"
        size="small"
        loading={users.isLoading}
        dataSource={users.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={isMobile ? undefined : { x: 'max-content' }}
        columns={
          isMobile
            ? [
                // On a phone one column: name, account and state, then the posts underneath.
                {
                  title: t('admin.users'),
                  key: 'user',
                  render: (_: unknown, u) => (
                    <Space direction="vertical" size={4} style={{ width: '100%' }}>
                      <Space size={6} wrap>
                        <Typography.Text strong>{u.displayName}</Typography.Text>
                        <Typography.Text type="secondary">{u.username}</Typography.Text>
                        {activeTag(u.isActive)}
                      </Space>
                      {memberships(u)}
                    </Space>
                  ),
                },
              ]
            : [
                { title: t('admin.username'), dataIndex: 'username' },
                { title: t('admin.displayName'), dataIndex: 'displayName' },
                { title: t('admin.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
                { title: t('admin.active'), dataIndex: 'isActive', render: (a: boolean) => activeTag(a) },
                { title: t('admin.memberships'), key: 'memberships', render: (_: unknown, u) => memberships(u) },
              ]
        }
      />
      <Modal
        open={creating}
        title={t('admin.createUser')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={createUser.isPending}
        onCancel={() => setCreating(false)}
        onOk={async () => {
          const v = await userForm.validateFields();
          createUser.mutate({
            username: v.username,
            displayName: v.displayName,
            ...(v.phone ? { phone: v.phone } : {}),
            password: v.password,
            memberships: v.orgUnitId && v.role ? [{ orgUnitId: v.orgUnitId, role: v.role }] : [],
          });
        }}
      >
        <Form form={userForm} layout="vertical">
          <Form.Item name="username" label={t('admin.username')} rules={[{ required: true, pattern: /^[A-Za-z0-9_.-]{2,64}$/, message: t('common.required') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('admin.displayName')} rules={[{ required: true, message: t('common.required') }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="phone" label={t('admin.phone')}>
            <Input maxLength={20} />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('admin.password')}
            extra={t('admin.passwordHint')}
            rules={[{ required: true, min: 8, message: t('admin.passwordHint') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="orgUnitId" label={t('admin.orgUnit')}>
            <TreeSelect treeData={unitOptions} showSearch treeNodeFilterProp="title" allowClear />
          </Form.Item>
          <Form.Item name="role" label={t('admin.role')}>
            <Select options={roleOptions} allowClear />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!addingTo}
        title={`${t('admin.addMembership')}：${addingTo?.displayName ?? ''}`}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={addMembership.isPending}
        onCancel={() => setAddingTo(null)}
        onOk={async () => {
          const v = await memberForm.validateFields();
          if (addingTo) addMembership.mutate({ userId: addingTo.id, body: { orgUnitId: v.orgUnitId, role: v.role } });
        }}
      >
        <Form form={memberForm} layout="vertical">
          <Form.Item name="orgUnitId" label={t('admin.orgUnit')} rules={[{ required: true, message: t('common.required') }]}>
            <TreeSelect treeData={unitOptions} showSearch treeNodeFilterProp="title" />
          </Form.Item>
          <Form.Item name="role" label={t('admin.role')} rules={[{ required: true, message: t('common.required') }]}>
            <Select options={roleOptions} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
