import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Empty, Grid, List, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.ts';
import { URGENCY_COLORS } from '../../lib/constants.ts';
import type { Urgency } from '../../api/types.ts';
import { INBOX_TABS, useTasks, useUnitLabel, type InboxTab, type TaskView } from './tasks.api.ts';
import { SlaLight } from './SlaLight.tsx';
import { localTitle, shortTime } from './task-helpers.ts';
import './tasks.css';

const TABS = Object.keys(INBOX_TABS) as InboxTab[];

/** Re-renders every half minute so that "time left" stays true while the page is open. */
function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** 我的待办: the caller's tasks, their units' tasks, those due soon or overdue, and what they have done. */
export default function TaskInboxPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as InboxTab) : 'mine';
  const isMobile = !Grid.useBreakpoint().md;
  const tasks = useTasks(tab);
  const now = useNow();
  const rows = tasks.data ?? [];

  return (
    <Card
      size="small"
      title={
        <Space size={8} wrap>
          <span>{t('tasks.title')}</span>
          {tasks.data && (
            <Typography.Text type="secondary" style={{ fontWeight: 'normal' }} data-testid="task-count">
              {t('tasks.count', { count: rows.length })}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        <Button size="small" icon={<ReloadOutlined />} loading={tasks.isFetching} onClick={() => void tasks.refetch()} aria-label={t('tasks.refresh')}>
          {isMobile ? null : t('tasks.refresh')}
        </Button>
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'mine' ? {} : { tab: k }, { replace: true })}
        items={TABS.map((k) => ({ key: k, label: <span data-testid={`tab-${k}`}>{t(`tasks.tab.${k}`)}</span> }))}
        size={isMobile ? 'small' : 'middle'}
        tabBarGutter={isMobile ? 14 : undefined}
        style={{ marginTop: -8 }}
      />
      {tasks.error && <Alert type="error" showIcon message={errorText(t, tasks.error)} style={{ marginBottom: 12 }} />}
      {isMobile ? (
        <TaskCards rows={rows} loading={tasks.isLoading} tab={tab} now={now} />
      ) : (
        <TaskTable rows={rows} loading={tasks.isLoading} tab={tab} now={now} />
      )}
    </Card>
  );
}

interface ListProps {
  rows: TaskView[];
  loading: boolean;
  tab: InboxTab;
  now: number;
}

function Flags({ task }: { task: TaskView }) {
  const { t } = useTranslation();
  const open = task.status === 'open' || task.status === 'claimed' || task.status === 'shelved';
  return (
    <Space size={[4, 4]} wrap>
      {task.supervised && (
        <Tag color="magenta" data-testid="supervised-badge">
          {t('tasks.supervised')}
        </Tag>
      )}
      {open && task.pendingRequest && (
        <Tag color="gold" data-testid="pending-badge">
          {t(`tasks.pending.${task.pendingRequest.kind}`)}
        </Tag>
      )}
      {open && task.urgeCount > 0 && <Tag color="orange">{t('tasks.urged', { count: task.urgeCount })}</Tag>}
    </Space>
  );
}

function EventLink({ task }: { task: TaskView }) {
  return (
    <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
      <Link to={`/events/${task.eventId}`} data-testid="task-event-link" style={{ fontWeight: 500 }}>
        {task.eventTitle}
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {task.eventCode}
      </Typography.Text>
    </Space>
  );
}

function StatusText({ task }: { task: TaskView }) {
  const { t, i18n } = useTranslation();
  if (task.status === 'completed') {
    const outcome = task.outcomes.find((o) => o.key === task.outcome);
    return <Tag color="green">{localTitle(outcome?.title, i18n.language) || t('tasks.status.completed')}</Tag>;
  }
  const color = { open: 'blue', claimed: 'processing', shelved: 'default', returned: 'orange', cancelled: 'default', completed: 'green' }[task.status];
  return <Tag color={color}>{t(`tasks.status.${task.status}`)}</Tag>;
}

function TaskTable({ rows, loading, tab, now }: ListProps) {
  const { t, i18n } = useTranslation();
  const unitLabel = useUnitLabel();
  const done = tab === 'done';
  const columns: ColumnsType<TaskView> = [
    { title: t('tasks.col.event'), key: 'event', render: (_, r) => <EventLink task={r} />, ellipsis: false },
    { title: t('tasks.col.step'), key: 'step', width: 110, render: (_, r) => <Typography.Text strong>{localTitle(r.title, i18n.language)}</Typography.Text> },
    {
      title: t('tasks.col.unit'),
      key: 'unit',
      width: 170,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <span>{unitLabel(r.unitId, r.unitName)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`roles.${r.role}`)}
          </Typography.Text>
        </Space>
      ),
    },
    done
      ? { title: t('tasks.col.completedAt'), key: 'completedAt', width: 130, render: (_, r) => shortTime(r.completedAt) }
      : { title: t('tasks.col.sla'), key: 'sla', width: 170, render: (_, r) => <SlaLight task={r} now={now} /> },
    {
      title: t('tasks.col.urgency'),
      key: 'urgency',
      width: 96,
      render: (_, r) => <Tag color={URGENCY_COLORS[r.urgency as Urgency]}>{t(`urgency.${r.urgency}`)}</Tag>,
    },
    { title: t('tasks.col.status'), key: 'status', width: 110, render: (_, r) => <StatusText task={r} /> },
    { title: t('tasks.col.flags'), key: 'flags', width: 150, render: (_, r) => <Flags task={r} /> },
    {
      title: t('common.actions'),
      key: 'go',
      width: 84,
      render: (_, r) => (
        <Link to={`/events/${r.eventId}`}>
          <Button size="small" type={done ? 'default' : 'primary'}>
            {done ? t('tasks.view') : t('tasks.open')}
          </Button>
        </Link>
      ),
    },
  ];
  return (
    <Table<TaskView>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={rows}
      loading={loading}
      pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      locale={{ emptyText: <Empty description={t(`tasks.empty.${tab}`)} /> }}
      onRow={(r) => ({ 'data-testid': 'task-row', 'data-task-id': r.id, 'data-sla': r.slaState }) as React.HTMLAttributes<HTMLElement>}
      scroll={{ x: 960 }}
    />
  );
}

/** Phones: one card per task, the light as the card's left edge. */
function TaskCards({ rows, loading, tab, now }: ListProps) {
  const { t, i18n } = useTranslation();
  const unitLabel = useUnitLabel();
  const done = tab === 'done';
  return (
    <List<TaskView>
      loading={loading}
      dataSource={rows}
      locale={{ emptyText: <Empty description={t(`tasks.empty.${tab}`)} /> }}
      split={false}
      renderItem={(r) => (
        <List.Item style={{ padding: '0 0 8px' }}>
          <Card
            size="small"
            className={`ld-task-card is-${done ? 'done' : r.slaState}`}
            style={{ width: '100%' }}
            data-testid="task-row"
            data-task-id={r.id}
            data-sla={r.slaState}
          >
            <Space direction="vertical" size={6} style={{ width: '100%' }}>
              <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
                <EventLink task={r} />
                <StatusText task={r} />
              </Space>
              <Typography.Text>
                <Typography.Text strong>{localTitle(r.title, i18n.language)}</Typography.Text>
                <Typography.Text type="secondary"> · {unitLabel(r.unitId, r.unitName)}</Typography.Text>
              </Typography.Text>
              <Space style={{ width: '100%', justifyContent: 'space-between' }} align="end" wrap>
                {done ? (
                  <Typography.Text type="secondary">
                    {t('tasks.col.completedAt')}：{shortTime(r.completedAt)}
                  </Typography.Text>
                ) : (
                  <SlaLight task={r} now={now} />
                )}
                <Space size={4} wrap>
                  {r.urgency !== 'normal' && <Tag color={URGENCY_COLORS[r.urgency as Urgency]}>{t(`urgency.${r.urgency}`)}</Tag>}
                  <Flags task={r} />
                </Space>
              </Space>
            </Space>
          </Card>
        </List.Item>
      )}
    />
  );
}
