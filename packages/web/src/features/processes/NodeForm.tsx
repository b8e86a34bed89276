import { useEffect, useState } from 'react';
import { Button, Checkbox, Divider, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Switch, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AssigneeUnit, ProcessDefinition, ProcessNode, Role, SignalSender, TaskNode } from '@liandong/contracts';
import { ACTION_DEFAULT_PARAMS, ACTION_NAMES, CLOSING_KINDS, EVENT_STATUSES, OVERDUE_ACTIONS, ROLES, UNIT_RULES } from './process-graph.ts';
import { KIND_STYLE } from './ProcessDiagram.tsx';
import { ConditionEditor } from './ConditionEditor.tsx';

type Lang = 'zh' | 'en';

export interface NodeFormProps {
  node: ProcessNode;
  definition: ProcessDefinition;
  editable: boolean;
  problems: string[];
  onChange(node: ProcessNode): void;
  onDelete(): void;
  onMakeStart(): void;
}

/** The form of the selected node: what a user of the center edits instead of JSON. */
export function NodeForm({ node, definition, editable, problems, onChange, onDelete, onMakeStart }: NodeFormProps) {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'zh';
  const style = KIND_STYLE[node.kind];
  const targets = definition.nodes
    .filter((n) => n.id !== node.id)
    .map((n) => ({ value: n.id, label: `${n.title?.[lang] || n.id} · ${t(`processes.kind.${n.kind}`)}` }));
  const senderLabel = (s: SignalSender): string => {
    switch (s.kind) {
      case 'platform':
        return t('processes.sender.platform');
      case 'reporter':
        return t('processes.sender.reporter');
      case 'role':
        return `${typeof s.unit === 'object' ? `${t('processes.unit.department')} ${s.unit.department}` : t(`processes.unit.${s.unit}`)} · ${t(`roles.${s.role}`)}`;
      case 'apiKey':
        return t('processes.sender.apiKey', { scope: s.scope });
    }
  };
  const nextSelect = (value: string | undefined, set: (v: string | undefined) => void, allowClear = false, testId?: string) => (
    <Select
      value={value || undefined}
      options={targets}
      onChange={(v) => set(v)}
      allowClear={allowClear}
      placeholder={t('processes.field.none')}
      disabled={!editable}
      showSearch
      optionFilterProp="label"
      data-testid={testId}
    />
  );
  const title = node.title ?? { zh: '', en: '' };
  const setTitle = (patch: Partial<{ zh: string; en: string }>) => onChange({ ...node, title: { ...title, ...patch } } as ProcessNode);

  return (
    <Form layout="vertical" size="small" disabled={!editable} className="ld-node-form" data-testid="node-form" data-node={node.id}>
      <Space align="center" wrap style={{ marginBottom: 12 }}>
        <Tag color={style.color} icon={style.icon} style={{ marginInlineEnd: 0 }}>
          {t(`processes.kind.${node.kind}`)}
        </Tag>
        <Typography.Text type="secondary" copyable={{ text: node.id }}>
          {t('processes.nodeId')}: {node.id}
        </Typography.Text>
        {definition.start === node.id ? (
          <Tag color="green">{t('processes.isStart')}</Tag>
        ) : (
          editable && (
            <Button size="small" type="link" onClick={onMakeStart} style={{ padding: 0 }}>
              {t('processes.setStart')}
            </Button>
          )
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -4 }}>
        {t(`processes.kindHelp.${node.kind}`)}
      </Typography.Paragraph>
      {problems.length > 0 && (
        <ul className="ld-node-problems">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      <Space.Compact block style={{ gap: 8 }}>
        <Form.Item label={t('processes.field.titleZh')} style={{ flex: 1 }}>
          <Input value={title.zh} onChange={(e) => setTitle({ zh: e.target.value })} data-testid="node-title-zh" />
        </Form.Item>
        <Form.Item label={t('processes.field.titleEn')} style={{ flex: 1 }}>
          <Input value={title.en} onChange={(e) => setTitle({ en: e.target.value })} />
        </Form.Item>
      </Space.Compact>

      {node.kind === 'task' && <TaskFields node={node} onChange={onChange} nextSelect={nextSelect} lang={lang} />}

      {node.kind === 'action' && <ActionFields node={node} onChange={onChange} nextSelect={nextSelect} editable={editable} />}

      {node.kind === 'wait' && (
        <>
          <Divider plain orientation="left" style={{ margin: '8px 0' }}>
            <Switch
              size="small"
              checked={Boolean(node.timer)}
              onChange={(on) => onChange({ ...node, timer: on ? { duration: { minutes: 30, kind: 'natural' }, next: '' } : undefined })}
            />{' '}
            {t('processes.field.timer')}
          </Divider>
          {node.timer && (
            <>
              <Space wrap>
                <Form.Item label={t('processes.field.timerMinutes')}>
                  <InputNumber
                    min={1}
                    value={node.timer.duration.minutes}
                    onChange={(v) => onChange({ ...node, timer: { ...node.timer!, duration: { ...node.timer!.duration, minutes: Number(v ?? 0) } } })}
                    data-testid="wait-timer-minutes"
                  />
                </Form.Item>
                <Form.Item label={t('processes.field.timeKind')}>
                  <TimeKindRadio
                    value={node.timer.duration.kind}
                    onChange={(kind) => onChange({ ...node, timer: { ...node.timer!, duration: { ...node.timer!.duration, kind } } })}
                  />
                </Form.Item>
              </Space>
              <Form.Item label={t('processes.field.next')}>
                {nextSelect(node.timer.next, (v) => onChange({ ...node, timer: { ...node.timer!, next: v ?? '' } }))}
              </Form.Item>
            </>
          )}
          <Divider plain orientation="left" style={{ margin: '8px 0' }}>
            <Switch
              size="small"
              checked={Boolean(node.signal)}
              onChange={(on) => onChange({ ...node, signal: on ? { name: 'vehicle.gone', next: '' } : undefined })}
            />{' '}
            {t('processes.field.signal')}
          </Divider>
          {node.signal && (
            <>
              <Form.Item label={t('processes.field.signalName')}>
                <Input
                  value={node.signal.name}
                  onChange={(e) => onChange({ ...node, signal: { ...node.signal!, name: e.target.value.trim() } })}
                  placeholder="vehicle.gone"
                />
              </Form.Item>
              <Form.Item label={t('processes.field.next')}>
                {nextSelect(node.signal.next, (v) => onChange({ ...node, signal: { ...node.signal!, next: v ?? '' } }))}
              </Form.Item>
              <Form.Item label={t('processes.field.signalSenders')} extra={t('processes.sender.adminAlways')}>
                <Space wrap size={4} data-testid="signal-senders">
                  {node.signal.senders?.length ? (
                    node.signal.senders.map((s, i) => <Tag key={i}>{senderLabel(s)}</Tag>)
                  ) : (
                    <Typography.Text type="secondary">{t('processes.sender.default')}</Typography.Text>
                  )}
                </Space>
              </Form.Item>
            </>
          )}
        </>
      )}

      {node.kind === 'decision' && (
        <>
          <Divider plain orientation="left" style={{ margin: '8px 0' }}>
            {t('processes.field.branches')}
          </Divider>
          {node.branches.map((b, i) => (
            <div key={i} className="ld-subcard">
              <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                <Typography.Text strong>{t('processes.edge.branch', { n: i + 1 })}</Typography.Text>
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => onChange({ ...node, branches: node.branches.filter((_, j) => j !== i) })}
                />
              </Space>
              <Form.Item label={t('processes.field.branchTitle')}>
                <Input
                  value={b.title?.[lang] ?? ''}
                  onChange={(e) => {
                    const v = e.target.value;
                    const t2 = { zh: b.title?.zh ?? v, en: b.title?.en ?? v, [lang]: v };
                    onChange({ ...node, branches: node.branches.map((x, j) => (j === i ? { ...x, title: v ? t2 : undefined } : x)) });
                  }}
                />
              </Form.Item>
              <ConditionEditor
                value={b.when}
                editable={editable}
                onChange={(when) => onChange({ ...node, branches: node.branches.map((x, j) => (j === i ? { ...x, when } : x)) })}
              />
              <Form.Item label={t('processes.field.next')}>
                {nextSelect(b.next, (v) => onChange({ ...node, branches: node.branches.map((x, j) => (j === i ? { ...x, next: v ?? '' } : x)) }))}
              </Form.Item>
            </div>
          ))}
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...node, branches: [...node.branches, { when: { field: 'event.urgency', op: 'eq', value: 'urgent' }, next: '' }] })}
          >
            {t('processes.field.addBranch')}
          </Button>
          <Form.Item label={t('processes.field.default')} style={{ marginTop: 12 }}>
            {nextSelect(node.default, (v) => onChange({ ...node, default: v }), true, 'decision-default')}
          </Form.Item>
        </>
      )}

      {node.kind === 'parallel' && (
        <Form.Item label={t('processes.field.parallelBranches')}>
          <Select mode="multiple" value={node.branches} options={targets} onChange={(v) => onChange({ ...node, branches: v })} />
        </Form.Item>
      )}

      {node.kind === 'join' && (
        <>
          <Form.Item label={t('processes.field.joinParallel')}>
            <Select
              value={node.parallel || undefined}
              options={definition.nodes.filter((n) => n.kind === 'parallel').map((n) => ({ value: n.id, label: n.title?.[lang] || n.id }))}
              onChange={(v) => onChange({ ...node, parallel: v })}
            />
          </Form.Item>
          <Form.Item label={t('processes.field.joinMode')}>
            <Radio.Group value={node.mode ?? 'all'} onChange={(e) => onChange({ ...node, mode: e.target.value })}>
              <Radio value="all">{t('processes.joinMode.all')}</Radio>
              <Radio value="any">{t('processes.joinMode.any')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item label={t('processes.field.next')}>{nextSelect(node.next, (v) => onChange({ ...node, next: v ?? '' }))}</Form.Item>
        </>
      )}

      {node.kind === 'end' && (
        <>
          <Form.Item label={t('processes.field.closingKind')}>
            <Select
              value={node.closingKind ?? (node.status ? `status:${node.status}` : '')}
              onChange={(v: string) => {
                const { closingKind: _c, status: _s, ...rest } = node;
                if (v.startsWith('status:')) onChange({ ...rest, status: v.slice(7) as 'rejected' | 'void' });
                else if (v) onChange({ ...rest, closingKind: v as (typeof CLOSING_KINDS)[number] });
                else onChange(rest);
              }}
              options={[
                ...CLOSING_KINDS.map((k) => ({ value: k, label: t(`closingKind.${k}`) })),
                { value: 'status:rejected', label: `${t('processes.field.endStatus')}${t('processes.endStatus.rejected')}` },
                { value: 'status:void', label: `${t('processes.field.endStatus')}${t('processes.endStatus.void')}` },
                { value: '', label: t('processes.field.leaveAsIs') },
              ]}
            />
          </Form.Item>
        </>
      )}

      {editable && (
        <Popconfirm
          title={t('processes.deleteNodeConfirm', { title: title[lang] || node.id })}
          onConfirm={onDelete}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
        >
          <Button danger icon={<DeleteOutlined />} block style={{ marginTop: 16 }} data-testid="node-delete">
            {t('processes.deleteNode')}
          </Button>
        </Popconfirm>
      )}
    </Form>
  );
}

type NextSelect = (value: string | undefined, set: (v: string | undefined) => void, allowClear?: boolean, testId?: string) => React.ReactNode;

function TimeKindRadio({ value, onChange }: { value: 'working' | 'natural'; onChange(v: 'working' | 'natural'): void }) {
  const { t } = useTranslation();
  return (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} optionType="button" buttonStyle="solid">
      <Radio.Button value="working">{t('processes.timeKind.working')}</Radio.Button>
      <Radio.Button value="natural">{t('processes.timeKind.natural')}</Radio.Button>
    </Radio.Group>
  );
}

function TaskFields({ node, onChange, nextSelect, lang }: { node: TaskNode; onChange(n: ProcessNode): void; nextSelect: NextSelect; lang: Lang }) {
  const { t } = useTranslation();
  const unit = node.assignee?.unit;
  const unitKind = typeof unit === 'object' ? 'department' : unit;
  const setAssignee = (patch: { role?: string; unit?: AssigneeUnit }) =>
    onChange({ ...node, assignee: { role: (patch.role ?? node.assignee?.role ?? 'handler') as Role, unit: patch.unit ?? unit ?? 'township' } });
  const limit = node.timeLimit;
  const limitMode = !limit ? 'none' : 'from' in limit ? 'category' : 'fixed';
  const outcomes = node.outcomes ?? [];
  return (
    <>
      <Divider plain orientation="left" style={{ margin: '8px 0' }}>
        {t('processes.field.assignee')}
      </Divider>
      <Space.Compact block style={{ gap: 8 }}>
        <Form.Item label={t('processes.field.unit')} style={{ flex: 1 }}>
          <Select
            value={unitKind}
            placeholder={t('processes.field.none')}
            onChange={(v: string) =>
              setAssignee({ unit: v === 'department' ? { department: typeof unit === 'object' ? unit.department : 'enforcement' } : (v as AssigneeUnit) })
            }
            options={[...UNIT_RULES, 'department'].map((u) => ({ value: u, label: t(`processes.unit.${u}`) }))}
            data-testid="task-unit"
          />
        </Form.Item>
        <Form.Item label={t('processes.field.role')} style={{ flex: 1 }}>
          <Select
            value={node.assignee?.role}
            placeholder={t('processes.field.none')}
            onChange={(v: string) => setAssignee({ role: v })}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </Form.Item>
      </Space.Compact>
      {typeof unit === 'object' && (
        <Form.Item label={t('processes.field.department')}>
          <Input value={unit.department} onChange={(e) => setAssignee({ unit: { department: e.target.value.trim() } })} />
        </Form.Item>
      )}

      <Divider plain orientation="left" style={{ margin: '8px 0' }}>
        {t('processes.field.timeLimit')}
      </Divider>
      <Form.Item>
        <Radio.Group
          value={limitMode}
          onChange={(e) => {
            const m = e.target.value as string;
            onChange({ ...node, timeLimit: m === 'none' ? undefined : m === 'category' ? { from: 'category' } : { minutes: 240, kind: 'working' } });
          }}
        >
          <Radio value="category">{t('processes.field.limitFromCategory')}</Radio>
          <Radio value="fixed">{t('processes.field.limitFixed')}</Radio>
          <Radio value="none">{t('processes.field.limitNone')}</Radio>
        </Radio.Group>
      </Form.Item>
      {limit && !('from' in limit) && (
        <Space wrap>
          <Form.Item label={t('processes.field.minutes')}>
            <InputNumber min={1} value={limit.minutes} onChange={(v) => onChange({ ...node, timeLimit: { ...limit, minutes: Number(v ?? 0) } })} />
          </Form.Item>
          <Form.Item label={t('processes.field.timeKind')}>
            <TimeKindRadio value={limit.kind} onChange={(kind) => onChange({ ...node, timeLimit: { ...limit, kind } })} />
          </Form.Item>
        </Space>
      )}
      {limit && (
        <>
          <Form.Item label={t('processes.field.warnShare')}>
            <InputNumber
              min={10}
              max={95}
              step={5}
              addonAfter="%"
              value={Math.round((node.warnShare ?? 0.8) * 100)}
              onChange={(v) => onChange({ ...node, warnShare: v ? Number(v) / 100 : undefined })}
            />
          </Form.Item>
          <Form.Item label={t('processes.field.overdueActions')}>
            <Checkbox.Group
              value={node.overdueActions ?? []}
              onChange={(v) => onChange({ ...node, overdueActions: v as TaskNode['overdueActions'] })}
              options={OVERDUE_ACTIONS.map((a) => ({ value: a, label: t(`processes.overdue.${a}`) }))}
            />
          </Form.Item>
        </>
      )}
      <Form.Item label={t('processes.field.eventStatus')}>
        <Select
          allowClear
          value={node.eventStatus}
          placeholder={t('processes.field.none')}
          onChange={(v) => onChange({ ...node, eventStatus: v })}
          options={EVENT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
      </Form.Item>

      <Divider plain orientation="left" style={{ margin: '8px 0' }}>
        {t('processes.field.outcomes')}
      </Divider>
      {outcomes.map((o, i) => (
        <div key={i} className="ld-subcard">
          <Space.Compact block style={{ gap: 8 }}>
            <Form.Item label={t('processes.field.outcomeTitle')} style={{ flex: 1 }}>
              <Input
                value={o.title?.[lang] ?? ''}
                onChange={(e) => {
                  const v = e.target.value;
                  const title = { zh: o.title?.zh ?? v, en: o.title?.en ?? v, [lang]: v };
                  onChange({ ...node, outcomes: outcomes.map((x, j) => (j === i ? { ...x, title: v ? title : undefined } : x)) });
                }}
              />
            </Form.Item>
            <Form.Item label={t('processes.field.outcomeKey')} style={{ width: 110 }}>
              <Input
                value={o.key}
                onChange={(e) => onChange({ ...node, outcomes: outcomes.map((x, j) => (j === i ? { ...x, key: e.target.value.trim() } : x)) })}
              />
            </Form.Item>
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              style={{ marginTop: 24 }}
              onClick={() => onChange({ ...node, outcomes: outcomes.filter((_, j) => j !== i) })}
            />
          </Space.Compact>
          <Form.Item label={t('processes.field.next')}>
            {nextSelect(o.next, (v) => onChange({ ...node, outcomes: outcomes.map((x, j) => (j === i ? { ...x, next: v ?? '' } : x)) }))}
          </Form.Item>
        </div>
      ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        onClick={() => onChange({ ...node, outcomes: [...outcomes, { key: `outcome_${outcomes.length + 1}`, next: '' }] })}
      >
        {t('processes.field.addOutcome')}
      </Button>

      <Divider plain orientation="left" style={{ margin: '8px 0' }}>
        {t('processes.field.allow')}
      </Divider>
      <Checkbox.Group
        value={(['transfer', 'extend', 'shelve'] as const).filter((k) => node.allow?.[k])}
        onChange={(v) =>
          onChange({
            ...node,
            allow: {
              ...node.allow,
              transfer: v.includes('transfer') || undefined,
              extend: v.includes('extend') || undefined,
              shelve: v.includes('shelve') || undefined,
            },
          })
        }
        options={(['transfer', 'extend', 'shelve'] as const).map((k) => ({ value: k, label: t(`processes.allowOp.${k}`) }))}
      />
      <Form.Item label={t('processes.field.allowReturn')} style={{ marginTop: 8 }}>
        {nextSelect(node.allow?.return?.next, (v) => onChange({ ...node, allow: { ...node.allow, return: v ? { next: v } : undefined } }), true)}
      </Form.Item>
    </>
  );
}

function ActionFields({
  node,
  onChange,
  nextSelect,
  editable,
}: {
  node: Extract<ProcessNode, { kind: 'action' }>;
  onChange(n: ProcessNode): void;
  nextSelect: NextSelect;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(node.params ?? {}, null, 2));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText(JSON.stringify(node.params ?? {}, null, 2));
    setBad(false);
  }, [node.id, node.action]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <>
      <Form.Item label={t('processes.field.action')}>
        <Select
          value={node.action}
          onChange={(v: string) => onChange({ ...node, action: v, params: ACTION_DEFAULT_PARAMS[v] ?? {} })}
          options={ACTION_NAMES.map((a) => ({ value: a, label: `${t(`processes.action.${a}`)} (${a})` }))}
        />
      </Form.Item>
      <Form.Item label={t('processes.field.params')} validateStatus={bad ? 'error' : undefined} help={bad ? t('processes.field.paramsInvalid') : undefined}>
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 8 }}
          value={text}
          disabled={!editable}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          onChange={(e) => {
            setText(e.target.value);
            try {
              const v = JSON.parse(e.target.value) as unknown;
              if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
              setBad(false);
              onChange({ ...node, params: v as Record<string, unknown> });
            } catch {
              setBad(true);
            }
          }}
        />
      </Form.Item>
      <Form.Item label={t('processes.field.next')}>{nextSelect(node.next, (v) => onChange({ ...node, next: v ?? '' }))}</Form.Item>
      <Form.Item label={t('processes.field.onError')}>{nextSelect(node.onError, (v) => onChange({ ...node, onError: v }), true)}</Form.Item>
    </>
  );
}
