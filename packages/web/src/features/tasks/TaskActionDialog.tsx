import { useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal, Radio, Select, Space, TreeSelect, Typography, type UploadFile } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../api/auth.tsx';
import { unitTree, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import { PhotoUpload, uploadedIds } from '../../components/PhotoUpload.tsx';
import { useTaskAction, type TaskAction, type TaskActionRequest, type TaskView } from './tasks.api.ts';
import { isApprover, isTaskHandler, localTitle, shortTime, taskErrorText } from './task-helpers.ts';

export type DialogKind = 'complete' | 'return' | 'transfer' | 'extend' | 'shelve' | 'approve' | 'refuse';

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 480 } as const;

/** One modal for the task actions that need words: outcome and photos, a reason, a unit, more time. */
export function TaskActionDialog({ dialog, onClose }: { dialog: { kind: DialogKind; task: TaskView } | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { me } = useAuth();
  const [form] = Form.useForm();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const act = useTaskAction();
  const units = useOrgUnits();
  const unitName = useUnitName();

  const kind = dialog?.kind;
  const task = dialog?.task;
  const title = task ? localTitle(task.title, i18n.language) : '';
  const grantsAtOnce = !!task && isApprover(me) && !isTaskHandler(me, task);

  const close = () => {
    setFiles([]);
    setError(null);
    onClose();
  };

  const submit = async () => {
    if (!task || !kind) return;
    // A missing outcome or reason shows its message under the field; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const note = typeof v.note === 'string' && v.note.trim() ? v.note.trim() : undefined;
    let action: TaskAction = kind === 'refuse' ? 'approve' : kind;
    let body: TaskActionRequest = note ? { note } : {};
    let done = t(`tasks.done.${kind}`);
    switch (kind) {
      case 'complete': {
        const attachments = uploadedIds(files).map((dataId) => ({ dataId }));
        body = { ...body, outcome: v.outcome ?? task.outcomes[0]?.key, ...(attachments.length ? { attachments } : {}) };
        break;
      }
      case 'transfer':
        body = { ...body, toUnitId: v.toUnitId };
        break;
      case 'extend':
        body = { ...body, extraMinutes: Math.round(v.amount * UNIT_MINUTES[v.unit as keyof typeof UNIT_MINUTES]) };
        done = grantsAtOnce ? t('tasks.done.extendGranted') : t('tasks.done.extendAsked');
        break;
      case 'shelve':
        done = grantsAtOnce ? t('tasks.done.shelveGranted') : t('tasks.done.shelveAsked');
        break;
      case 'approve':
      case 'refuse':
        action = 'approve';
        body = { ...body, approved: kind === 'approve' };
        break;
    }
    setError(null);
    act.mutate(
      { task, action, body },
      {
        onSuccess: () => {
          message.success(done);
          form.resetFields();
          close();
        },
        // Kept in the dialog: what the user typed stays, and they see why (e.g. someone else acted first).
        onError: (e) => setError(taskErrorText(t, i18n.language, e)),
      },
    );
  };

  const what = task?.pendingRequest ? t(`tasks.pendingWhat.${task.pendingRequest.kind}`) : '';
  const heading =
    kind === 'complete'
      ? t('tasks.form.completeTitle', { title })
      : kind === 'return'
        ? t('tasks.form.returnTitle', { title })
        : kind === 'transfer'
          ? t('tasks.form.transferTitle', { title })
          : kind === 'extend'
            ? t('tasks.form.extendTitle', { title })
            : kind === 'shelve'
              ? t('tasks.form.shelveTitle', { title })
              : kind === 'approve'
                ? t('tasks.form.approveTitle', { what, title })
                : t('tasks.form.refuseTitle', { what, title });

  return (
    <Modal
      open={!!dialog}
      title={heading}
      okText={kind === 'refuse' ? t('tasks.refuse') : kind === 'approve' ? t('tasks.approve') : t('common.submit')}
      okButtonProps={{ danger: kind === 'refuse' || kind === 'return', ...({ 'data-testid': 'task-dialog-ok' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      confirmLoading={act.isPending}
      onOk={submit}
      onCancel={close}
      destroyOnHidden
      data-testid="task-dialog"
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ unit: 'hours', amount: 1, outcome: task?.outcomes.length === 1 ? task.outcomes[0]!.key : undefined }}
      >
        {kind === 'complete' && task && (
          <>
            <Form.Item
              hidden={task.outcomes.length === 0}
              name="outcome"
              label={t('tasks.form.outcome')}
              rules={[{ required: task.outcomes.length > 0, message: t('tasks.form.outcomeRequired') }]}
            >
              <Radio.Group data-testid="task-outcomes">
                <Space direction="vertical">
                  {task.outcomes.map((o) => (
                    <Radio key={o.key} value={o.key} data-outcome={o.key}>
                      {localTitle(o.title, i18n.language) || o.key}
                    </Radio>
                  ))}
                </Space>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="note" label={t('tasks.form.note')}>
              <Input.TextArea rows={3} maxLength={2000} placeholder={t('tasks.form.notePlaceholder')} data-testid="task-note" />
            </Form.Item>
            <Form.Item label={t('tasks.form.photos')}>
              <PhotoUpload files={files} onChange={setFiles} labels={{ upload: t('tasks.form.upload'), failed: t('tasks.form.uploadFailed') }} />
            </Form.Item>
          </>
        )}
        {kind === 'return' && (
          <Form.Item name="note" label={t('tasks.form.returnNote')} rules={[{ required: true, whitespace: true, message: t('tasks.form.returnRequired') }]}>
            <Input.TextArea rows={3} maxLength={2000} placeholder={t('tasks.form.returnPlaceholder')} data-testid="task-note" />
          </Form.Item>
        )}
        {kind === 'transfer' && (
          <>
            <Form.Item name="toUnitId" label={t('tasks.form.toUnit')} rules={[{ required: true, message: t('tasks.form.toUnitRequired') }]}>
              <TreeSelect
                showSearch
                treeNodeFilterProp="title"
                loading={units.isLoading}
                treeData={unitTree(
                  (units.data ?? []).filter((u) => u.id !== task?.unitId),
                  unitName,
                )}
                treeDefaultExpandAll={false}
                listHeight={320}
                data-testid="task-unit"
              />
            </Form.Item>
            <Form.Item name="note" label={t('tasks.form.reason')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {kind === 'extend' && task && (
          <>
            <Typography.Paragraph type="secondary">
              {grantsAtOnce ? t('tasks.form.extendHintApprover', { due: shortTime(task.dueAt) }) : t('tasks.form.extendHint', { due: shortTime(task.dueAt) })}
            </Typography.Paragraph>
            <Form.Item label={t('tasks.form.extra')} required>
              <Space.Compact>
                <Form.Item name="amount" noStyle rules={[{ required: true, message: t('tasks.form.extraRequired') }]}>
                  <InputNumber min={1} max={999} precision={0} style={{ width: 120 }} data-testid="task-extra" />
                </Form.Item>
                <Form.Item name="unit" noStyle>
                  <Select
                    style={{ width: 190 }}
                    options={(['minutes', 'hours', 'days'] as const).map((u) => ({ value: u, label: t(`tasks.form.unit${u[0]!.toUpperCase()}${u.slice(1)}`) }))}
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
            <Form.Item name="note" label={t('tasks.form.reason')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {kind === 'shelve' && (
          <>
            <Typography.Paragraph type="secondary">{grantsAtOnce ? t('tasks.form.shelveHintApprover') : t('tasks.form.shelveHint')}</Typography.Paragraph>
            <Form.Item name="note" label={t('tasks.form.reason')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {(kind === 'approve' || kind === 'refuse') && (
          <Form.Item name="note" label={t('tasks.form.approveNote')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        )}
      </Form>
      {error && <Alert type="error" showIcon message={error} data-testid="task-error" />}
    </Modal>
  );
}
