import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TaskView } from './tasks.api.ts';
import { durationText, shortTime } from './task-helpers.ts';

/** Traffic-light colours: 绿 on time, 黄 warning, 红 overdue, grey paused (shelved). */
export const SLA_HEX: Record<TaskView['slaState'], string> = { on_time: '#52c41a', warning: '#faad14', overdue: '#f5222d', paused: '#8c8c8c' };

/** The light and its word, e.g. ● 正常 — coloured and labelled so it reads without colour too. */
export function SlaBadge({ state }: { state: TaskView['slaState'] }) {
  const { t } = useTranslation();
  return (
    <span className={`ld-sla ld-sla-${state}`} data-testid="sla-light" data-sla={state}>
      <span className="ld-sla-dot" style={{ background: SLA_HEX[state] }} />
      {t(`tasks.sla.${state}`)}
    </span>
  );
}

/** Light, due time and time left (or over) for an open task; the server decides the colour. */
export function SlaLight({ task, now = Date.now() }: { task: TaskView; now?: number }) {
  const { t } = useTranslation();
  const open = task.status === 'open' || task.status === 'claimed' || task.status === 'shelved';
  const due = task.dueAt ? Date.parse(task.dueAt) : null;
  let rest: string | null = null;
  if (open && task.slaState === 'paused') rest = t('tasks.pausedClock');
  else if (open && due !== null) rest = due >= now ? t('tasks.left', { d: durationText(t, due - now) }) : t('tasks.over', { d: durationText(t, now - due) });
  return (
    <Space direction="vertical" size={0}>
      <SlaBadge state={task.slaState} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {due !== null ? t('tasks.due', { time: shortTime(task.dueAt) }) : t('tasks.noLimit')}
      </Typography.Text>
      {rest && (
        <Typography.Text style={{ fontSize: 12 }} type={task.slaState === 'overdue' ? 'danger' : task.slaState === 'warning' ? 'warning' : undefined}>
          {rest}
        </Typography.Text>
      )}
    </Space>
  );
}
