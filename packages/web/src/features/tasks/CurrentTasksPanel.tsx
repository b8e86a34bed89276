import { useMemo, useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Space, Tag, Typography } from 'antd';
import {
  CheckOutlined,
  CloseOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  RollbackOutlined,
  ScheduleOutlined,
  SendOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../api/auth.tsx';
import { useOrgUnits } from '../../api/catalog.ts';
import type { TimelineEntry } from '../../api/types.ts';
import { fetchTaskOrNull, TASKS_KEY, useTaskAction, useUnitLabel, type TaskView } from './tasks.api.ts';
import { isApprover, isTaskHandler, localTitle, mayOpenTask, minutesText, shortTime, stepActionLabel, taskErrorText } from './task-helpers.ts';
import { SlaLight } from './SlaLight.tsx';
import { TaskActionDialog, type DialogKind } from './TaskActionDialog.tsx';
import './tasks.css';

const ENDED = new Set(['task.completed', 'task.returned', 'task.cancelled']);

interface CreatedTask {
  id: string;
  title: { zh: string; en: string } | null;
  unitId: string | null;
  unitName: string;
  role: string;
  dueAt: string | null;
}

/**
 * The tasks the timeline says are still open (created, not completed, returned or cancelled),
 * with the unit they sit with now. Reading them from the timeline shows every viewer of the event
 * where it stands, including steps in units whose tasks they may not open.
 */
export function openTasksOf(entries: TimelineEntry[]): CreatedTask[] {
  const open = new Map<string, CreatedTask>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const id = typeof e.data.taskId === 'string' ? e.data.taskId : null;
    if (!id) continue;
    if (e.kind === 'task.created') {
      open.set(id, {
        id,
        title: (e.data.title as CreatedTask['title']) ?? null,
        unitId: typeof e.data.unitId === 'string' ? e.data.unitId : null,
        unitName: String(e.data.unitName ?? e.orgUnit?.name ?? ''),
        role: String(e.data.role ?? ''),
        dueAt: typeof e.data.dueAt === 'string' ? e.data.dueAt : null,
      });
    } else if (ENDED.has(e.kind)) open.delete(id);
    else if (e.kind === 'task.transferred' && open.has(id)) {
      const task = open.get(id)!;
      task.unitId = typeof e.data.toUnitId === 'string' ? e.data.toUnitId : null;
      task.unitName = String(e.data.toUnitName ?? '');
    }
  }
  return [...open.values()];
}

/** 当前环节: the event's open steps, each with the buttons its step allows the signed-in user. */
export function CurrentTasksPanel({ entries, finished }: { entries: TimelineEntry[]; finished: boolean }) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const created = useMemo(() => openTasksOf(entries), [entries]);
  // Only the tasks the server lets this user open are asked for (the rule of GET /tasks/:id): the
  // others are shown from the timeline, without a request answered 404. The unit tree is needed
  // only for the command side (approvers of the units above).
  const units = useOrgUnits(isApprover(me));
  const mayOpen = created.map((c) => mayOpenTask(me, c.unitId, units.data));
  const results = useQueries({
    queries: created.map((c, i) => ({ queryKey: [...TASKS_KEY, 'one', c.id], queryFn: () => fetchTaskOrNull(c.id), enabled: mayOpen[i] === true })),
  });
  const [dialog, setDialog] = useState<{ kind: DialogKind; task: TaskView } | null>(null);

  const rows = created.map((c, i) => ({ created: c, task: mayOpen[i] ? (results[i]?.data ?? null) : null, loading: results[i]?.isLoading ?? false }));
  const visible = rows.filter((r) => !r.task || ['open', 'claimed', 'shelved'].includes(r.task.status));
  const failed = results.find((r) => r.error)?.error;

  return (
    <Card size="small" title={t('tasks.current')} data-testid="current-tasks" loading={results.some((r) => r.isLoading) && !visible.length}>
      {failed && <Alert type="error" showIcon message={taskErrorText(t, i18n.language, failed)} style={{ marginBottom: 8 }} />}
      {visible.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={finished ? t('tasks.noCurrentClosed') : t('tasks.noCurrent')} style={{ margin: '8px 0' }} />
      ) : (
        visible.map((r) =>
          r.task ? (
            <CurrentTask key={r.created.id} task={r.task} onDialog={(kind) => setDialog({ kind, task: r.task! })} />
          ) : (
            <OthersTask key={r.created.id} created={r.created} />
          ),
        )
      )}
      <TaskActionDialog dialog={dialog} onClose={() => setDialog(null)} />
    </Card>
  );
}

/** A step the user may not open: who has it and until when. */
function OthersTask({ created }: { created: CreatedTask }) {
  const { t, i18n } = useTranslation();
  const unitLabel = useUnitLabel();
  return (
    <div className="ld-current-task" data-testid="current-task" data-readonly="1">
      <Space direction="vertical" size={2}>
        <Typography.Text strong>{localTitle(created.title, i18n.language)}</Typography.Text>
        <Typography.Text type="secondary">
          {t('tasks.handler', { unit: unitLabel(created.unitId, created.unitName), role: created.role ? t(`roles.${created.role}`) : '' })}
          {created.dueAt && ` · ${t('tasks.due', { time: shortTime(created.dueAt) })}`}
        </Typography.Text>
      </Space>
    </div>
  );
}

function CurrentTask({ task, onDialog }: { task: TaskView; onDialog: (kind: DialogKind) => void }) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const { message } = App.useApp();
  const act = useTaskAction();
  const unitLabel = useUnitLabel();
  const handler = isTaskHandler(me, task);
  const approver = isApprover(me);
  // The command side above the unit may act too (re-dispatch, grant); the server has the last word.
  const canAct = handler || approver;
  const working = task.status === 'open' || task.status === 'claimed';
  const direct = (action: 'claim' | 'resume', done: string) =>
    act.mutate({ task, action }, { onSuccess: () => message.success(done), onError: (e) => message.error(taskErrorText(t, i18n.language, e)) });
  const pending = task.pendingRequest;
  const grantsAtOnce = approver && !handler;

  return (
    <div className={`ld-current-task is-${task.slaState}`} data-testid="current-task" data-task-id={task.id} data-node={task.nodeId} data-status={task.status}>
      <Space direction="vertical" size={8} style={{ width: '100%' }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start" wrap>
          <Space direction="vertical" size={2}>
            <Space size={6} wrap>
              <Typography.Text strong style={{ fontSize: 15 }}>
                {localTitle(task.title, i18n.language)}
              </Typography.Text>
              <Tag color={task.status === 'open' ? 'blue' : task.status === 'claimed' ? 'processing' : 'default'}>{t(`tasks.status.${task.status}`)}</Tag>
              {task.supervised && <Tag color="magenta">{t('tasks.supervised')}</Tag>}
            </Space>
            <Typography.Text type="secondary">
              {t('tasks.handler', { unit: unitLabel(task.unitId, task.unitName), role: t(`roles.${task.role}`) })}
            </Typography.Text>
          </Space>
          <SlaLight task={task} />
        </Space>

        {pending && (
          <Alert
            type="warning"
            showIcon
            data-testid="pending-request"
            message={t('tasks.pendingBy', {
              name: pending.byName,
              what: t(`tasks.pendingWhat.${pending.kind}`),
              extra: pending.kind === 'extend' && pending.extraMinutes ? ` ${minutesText(t, pending.extraMinutes)}` : '',
            })}
            description={pending.note ? t('tasks.pendingNote', { note: pending.note }) : undefined}
            action={
              approver ? (
                <Space direction="vertical" size={4}>
                  <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => onDialog('approve')} data-testid="task-approve">
                    {t('tasks.approve')}
                  </Button>
                  <Button size="small" danger icon={<CloseOutlined />} onClick={() => onDialog('refuse')} data-testid="task-refuse">
                    {t('tasks.refuse')}
                  </Button>
                </Space>
              ) : undefined
            }
          />
        )}

        {canAct && (
          <Space wrap size={[8, 8]}>
            {task.status === 'open' && handler && (
              <Button
                icon={<SendOutlined />}
                loading={act.isPending && act.variables?.action === 'claim'}
                onClick={() => direct('claim', t('tasks.done.claim'))}
                data-testid="task-claim"
              >
                {t('tasks.claim')}
              </Button>
            )}
            {working && (
              <Button type="primary" icon={<CheckOutlined />} onClick={() => onDialog('complete')} data-testid="task-complete">
                {stepActionLabel(t, i18n.language, task)}
              </Button>
            )}
            {working && task.allowed.return && (
              <Button icon={<RollbackOutlined />} onClick={() => onDialog('return')} data-testid="task-return">
                {t('tasks.return')}
              </Button>
            )}
            {working && task.allowed.transfer && (
              <Button icon={<SwapOutlined />} onClick={() => onDialog('transfer')} data-testid="task-transfer">
                {t('tasks.transfer')}
              </Button>
            )}
            {working && task.allowed.extend && task.dueAt && !pending && (
              <Button icon={<ScheduleOutlined />} onClick={() => onDialog('extend')} data-testid="task-extend">
                {grantsAtOnce ? t('tasks.extendNow') : t('tasks.extendAsk')}
              </Button>
            )}
            {working && task.allowed.shelve && !pending && (
              <Button icon={<PauseCircleOutlined />} onClick={() => onDialog('shelve')} data-testid="task-shelve">
                {grantsAtOnce ? t('tasks.shelveNow') : t('tasks.shelveAsk')}
              </Button>
            )}
            {task.status === 'shelved' && (
              <Button
                type="primary"
                icon={<PlayCircleOutlined />}
                loading={act.isPending && act.variables?.action === 'resume'}
                onClick={() => direct('resume', t('tasks.done.resume'))}
                data-testid="task-resume"
              >
                {t('tasks.resume')}
              </Button>
            )}
          </Space>
        )}
      </Space>
    </div>
  );
}
