import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Empty, Form, Grid, Input, Modal, Popconfirm, Select, Space, Tag, TreeSelect, Typography } from 'antd';
import { DeleteOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../notifications/notifications.css';
import dayjs, { type Dayjs } from 'dayjs';
import { useAuth } from '../../api/auth.tsx';
import { unitTree, useOrgUnits, useUnitName } from '../../api/catalog.ts';
import { errorText } from '../../lib/errors.ts';
import { HANDLING_ROLES, useAddRosterEntry, useRemoveRosterEntry, useRoster, useUnitMembers, type RosterEntry } from './duty.api.ts';

const KEEPER_ROLES = ['admin', 'leader', 'dispatcher'] as const;

/** Monday 00:00 local time of the week holding `d`. */
function weekStart(d: Dayjs): Dayjs {
  const day = (d.day() + 6) % 7;
  return d.startOf('day').subtract(day, 'day');
}

/** 值班表: a week of one unit's roster — who is on duty when — with entries added and removed. */
export default function DutyRosterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { me, hasRole } = useAuth();
  const isMobile = !Grid.useBreakpoint().md;
  const units = useOrgUnits();
  const unitName = useUnitName();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [week, setWeek] = useState(() => weekStart(dayjs()));
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();

  useEffect(() => {
    if (!unitId && me?.memberships.length) setUnitId(me.memberships.find((m) => m.role !== 'integrator')?.orgUnitId ?? me.memberships[0].orgUnitId);
  }, [me, unitId]);

  const from = week.toISOString();
  const to = week.add(7, 'day').toISOString();
  const roster = useRoster(unitId, from, to);
  const members = useUnitMembers(unitId);
  const add = useAddRosterEntry();
  const remove = useRemoveRosterEntry();
  const canEdit = hasRole(...KEEPER_ROLES);

  const tree = useMemo(() => unitTree(units.data ?? [], unitName), [units.data, unitName]);
  const entries = roster.data?.items ?? [];
  const days = Array.from({ length: 7 }, (_, i) => week.add(i, 'day'));
  const now = dayjs();
  const onDutyNow = entries.filter((e) => dayjs(e.startsAt) <= now && now < dayjs(e.endsAt));
  const standIns = (members.data ?? []).filter((u) => u.memberships.some((m) => m.orgUnitId === unitId && HANDLING_ROLES.includes(m.role)));

  const entriesOn = (day: Dayjs) => entries.filter((e) => dayjs(e.startsAt) < day.add(1, 'day') && dayjs(e.endsAt) > day);
  const span = (e: RosterEntry, day: Dayjs) => {
    const s = dayjs(e.startsAt);
    const end = dayjs(e.endsAt);
    const left = s.isBefore(day) ? '…' : s.format('HH:mm');
    const right = end.isAfter(day.add(1, 'day')) ? '…' : end.format('HH:mm');
    return `${left}–${right}`;
  };

  const submit = async () => {
    const v = await form.validateFields();
    const start = v.start as Dayjs;
    const end = v.end as Dayjs;
    add.mutate(
      { orgUnitId: unitId!, userId: v.userId, startsAt: start.toISOString(), endsAt: end.toISOString(), note: v.note || undefined },
      {
        onSuccess: () => {
          message.success(t('duty.added'));
          setAdding(false);
          form.resetFields();
        },
        onError: (e) => message.error(errorText(t, e)),
      },
    );
  };

  const dayCard = (day: Dayjs) => {
    const list = entriesOn(day);
    const isToday = day.isSame(now, 'day');
    return (
      <div key={day.toISOString()} className={`ld-duty-day${isToday ? ' ld-duty-today' : ''}`} data-testid="duty-day">
        <div className="ld-duty-day-head">
          <span>{day.format(t('duty.dayFormat'))}</span>
          {isToday && <Tag color="blue">{t('duty.today')}</Tag>}
        </div>
        {list.length === 0 ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('duty.nobody')}
          </Typography.Text>
        ) : (
          list.map((e) => (
            <div key={e.id} className="ld-duty-entry" data-testid="duty-entry">
              <div style={{ minWidth: 0 }}>
                <div className="ld-duty-name">{e.userName}</div>
                <div className="ld-duty-time">{span(e, day)}</div>
                {e.note && <div className="ld-duty-time">{e.note}</div>}
              </div>
              {canEdit && (
                <Popconfirm title={t('duty.removeConfirm')} onConfirm={() => remove.mutate(e.id, { onError: (err) => message.error(errorText(t, err)) })}>
                  <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                </Popconfirm>
              )}
            </div>
          ))
        )}
      </div>
    );
  };

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('duty.title')}
        extra={
          canEdit && (
            <Button type="primary" icon={<PlusOutlined />} disabled={!unitId} onClick={() => setAdding(true)} data-testid="duty-add">
              {isMobile ? '' : t('duty.add')}
            </Button>
          )
        }
      >
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Space wrap size={8} style={{ width: '100%' }}>
            <TreeSelect
              value={unitId}
              onChange={setUnitId}
              treeData={tree}
              showSearch
              treeNodeFilterProp="title"
              treeDefaultExpandAll={false}
              placeholder={t('duty.unit')}
              style={{ width: isMobile ? 'calc(100vw - 64px)' : 280 }}
              data-testid="duty-unit"
            />
            <Space.Compact>
              <Button icon={<LeftOutlined />} onClick={() => setWeek((w) => w.subtract(7, 'day'))} aria-label={t('duty.prevWeek')} />
              <Button onClick={() => setWeek(weekStart(dayjs()))}>{t('duty.thisWeek')}</Button>
              <Button icon={<RightOutlined />} onClick={() => setWeek((w) => w.add(7, 'day'))} aria-label={t('duty.nextWeek')} />
            </Space.Compact>
            <Typography.Text type="secondary">
              {week.format('YYYY-MM-DD')} – {week.add(6, 'day').format('MM-DD')}
            </Typography.Text>
          </Space>
          {roster.error && <Alert type="error" showIcon message={errorText(t, roster.error)} />}
          {unitId && !roster.isLoading && (
            <Alert
              type={onDutyNow.length ? 'success' : 'info'}
              showIcon
              data-testid="duty-now"
              message={
                onDutyNow.length
                  ? t('duty.onDutyNow', { names: onDutyNow.map((e) => e.userName).join('、') })
                  : t('duty.fallbackNow', { names: standIns.map((u) => u.displayName).join('、') || t('common.none') })
              }
            />
          )}
          {!unitId ? <Empty description={t('duty.pickUnit')} /> : <div className={isMobile ? 'ld-duty-list' : 'ld-duty-week'}>{days.map(dayCard)}</div>}
        </Space>
      </Card>

      <Modal
        title={t('duty.add')}
        open={adding}
        onCancel={() => setAdding(false)}
        onOk={submit}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={add.isPending}
        destroyOnClose
      >
        <Form form={form} layout="vertical" initialValues={{ start: now.add(1, 'hour').startOf('hour'), end: now.add(9, 'hour').startOf('hour') }}>
          <Form.Item name="userId" label={t('duty.person')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="duty-person"
              options={(members.data ?? []).map((u) => ({
                value: u.id,
                label: `${u.displayName}（${u.memberships
                  .filter((m) => m.orgUnitId === unitId)
                  .map((m) => t(`roles.${m.role}`))
                  .join('、')}）`,
              }))}
            />
          </Form.Item>
          <Form.Item name="start" label={t('duty.startsAt')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="duty-start" />
          </Form.Item>
          <Form.Item
            name="end"
            label={t('duty.endsAt')}
            dependencies={['start']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, v: Dayjs | undefined) =>
                  !v || !getFieldValue('start') || v.isAfter(getFieldValue('start')) ? Promise.resolve() : Promise.reject(new Error(t('duty.endAfterStart'))),
              }),
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} data-testid="duty-end" />
          </Form.Item>
          <Form.Item name="note" label={t('duty.note')}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
