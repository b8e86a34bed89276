import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Col, Grid, Input, Modal, Radio, Row, Space, Spin, Tag, Typography } from 'antd';
import { DeleteOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../api/auth.tsx';
import { errorText } from '../../lib/errors.ts';
import { useCalendars, useCalendarYear, useSetDay, useUpdateCalendar, type CalendarDay, type WorkingPeriod } from './calendar.api.ts';
import './calendar.css';

type DayKind = 'workday' | 'restday' | 'holiday' | 'adjusted';

/** ISO weekday, 1 = Monday … 7 = Sunday (the calendar API's numbering). */
const isoWeekday = (d: Dayjs) => ((d.day() + 6) % 7) + 1;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The six weeks shown for a month, Monday first as Chinese calendars are. */
function gridDays(month: Dayjs): Dayjs[] {
  const first = month.startOf('month');
  const start = first.subtract(isoWeekday(first) - 1, 'day');
  return Array.from({ length: 42 }, (_, i) => start.add(i, 'day'));
}

/** `/calendar`: the working calendar — holidays, adjusted working days (调休) and the working periods of a day. */
export default function CalendarPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { hasRole } = useAuth();
  const editable = hasRole('admin');
  const screens = Grid.useBreakpoint();
  const isMobile = !screens.md;
  const [month, setMonth] = useState(() => dayjs().startOf('month'));
  const calendars = useCalendars();
  const calendarId = calendars.data?.items[0]?.id;
  const year = useCalendarYear(calendarId, month.year());
  const setDay = useSetDay(calendarId ?? '');
  const update = useUpdateCalendar(calendarId ?? '');
  const [editing, setEditing] = useState<{ date: Dayjs; kind: 'holiday' | 'workday' | 'pattern'; note: string } | null>(null);

  const marked = useMemo(() => new Map<string, CalendarDay>((year.data?.days ?? []).map((d) => [d.date, d])), [year.data]);
  const missingYears = calendars.data?.items[0]?.missingHolidayYears ?? [];
  const weekly = year.data?.weeklyWorkingDays ?? calendars.data?.items[0]?.weeklyWorkingDays ?? [1, 2, 3, 4, 5];

  const kindOf = (d: Dayjs): DayKind => {
    const m = marked.get(d.format('YYYY-MM-DD'));
    if (m?.kind === 'holiday') return 'holiday';
    if (m?.kind === 'workday') return weekly.includes(isoWeekday(d)) ? 'workday' : 'adjusted';
    return weekly.includes(isoWeekday(d)) ? 'workday' : 'restday';
  };

  const openDay = (d: Dayjs) => {
    if (!editable) return;
    const m = marked.get(d.format('YYYY-MM-DD'));
    setEditing({ date: d, kind: m?.kind ?? 'pattern', note: m?.note ?? '' });
  };

  const saveDay = async () => {
    if (!editing) return;
    const date = editing.date.format('YYYY-MM-DD');
    try {
      if (editing.kind === 'pattern') {
        if (marked.has(date)) await setDay.mutateAsync({ date, kind: null });
      } else {
        await setDay.mutateAsync({ date, kind: editing.kind, note: editing.note.trim() });
      }
      message.success(t('calendar.daySaved', { date }));
      setEditing(null);
    } catch (err) {
      message.error(errorText(t, err));
    }
  };

  const monthDays = [...marked.values()].filter((d) => d.date.startsWith(month.format('YYYY-MM')));

  const cell = (d: Dayjs) => {
    const kind = kindOf(d);
    const inMonth = d.month() === month.month();
    const note = marked.get(d.format('YYYY-MM-DD'))?.note;
    return (
      <div
        className={`ld-cal-cell is-${kind}${inMonth ? '' : ' is-other'}${d.isSame(dayjs(), 'day') ? ' is-today' : ''}`}
        data-testid={`day-${d.format('YYYY-MM-DD')}`}
        data-kind={kind}
        title={note ?? undefined}
      >
        <div className="ld-cal-date">
          <span>{d.date()}</span>
          {kind === 'holiday' && <span className="ld-cal-badge is-holiday">{t('calendar.badge.holiday')}</span>}
          {kind === 'adjusted' && <span className="ld-cal-badge is-adjusted">{t('calendar.badge.adjusted')}</span>}
        </div>
        {!isMobile && note && <div className="ld-cal-note">{note}</div>}
      </div>
    );
  };

  return (
    <div>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('calendar.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('calendar.subtitle')}</Typography.Paragraph>
      {!editable && <Alert type="info" showIcon message={t('calendar.readOnly')} style={{ marginBottom: 12 }} />}
      {editable && !!missingYears.length && (
        <Alert
          type="warning"
          showIcon
          data-testid="calendar-missing-holidays"
          message={t('calendar.missingHolidays', { years: missingYears.join(t('calendar.yearSeparator')) })}
          style={{ marginBottom: 12 }}
        />
      )}
      {(calendars.error || year.error) && <Alert type="error" showIcon message={errorText(t, calendars.error ?? year.error)} style={{ marginBottom: 12 }} />}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={17}>
          <Card
            size="small"
            title={
              <Space>
                <Button size="small" icon={<LeftOutlined />} onClick={() => setMonth(month.subtract(1, 'month'))} aria-label="prev" />
                <Typography.Text strong style={{ minWidth: 96, display: 'inline-block', textAlign: 'center' }}>
                  {t('calendar.month', { year: month.year(), month: month.month() + 1 })}
                </Typography.Text>
                <Button size="small" icon={<RightOutlined />} onClick={() => setMonth(month.add(1, 'month'))} aria-label="next" />
                <Button size="small" onClick={() => setMonth(dayjs().startOf('month'))}>
                  {t('calendar.today')}
                </Button>
              </Space>
            }
            extra={
              !isMobile && (
                <Space size={12} className="ld-cal-legend">
                  {(['workday', 'restday', 'holiday', 'adjusted'] as const).map((k) => (
                    <span key={k}>
                      <i className={`is-${k}`} />
                      {t(`calendar.legend.${k}`)}
                    </span>
                  ))}
                </Space>
              )
            }
          >
            {isMobile && (
              <Space size={12} className="ld-cal-legend" wrap style={{ marginBottom: 8 }}>
                {(['workday', 'restday', 'holiday', 'adjusted'] as const).map((k) => (
                  <span key={k}>
                    <i className={`is-${k}`} />
                    {t(`calendar.legend.${k}`)}
                  </span>
                ))}
              </Space>
            )}
            <Spin spinning={year.isLoading}>
              <div className="ld-cal" role="grid">
                {[1, 2, 3, 4, 5, 6, 7].map((w) => (
                  <div key={w} className="ld-cal-head" role="columnheader">
                    {t(`calendar.weekday.${w}`)}
                  </div>
                ))}
                {gridDays(month).map((d) => (
                  <div
                    key={d.format('YYYY-MM-DD')}
                    role="gridcell"
                    style={{ cursor: editable ? 'pointer' : undefined }}
                    onClick={() => {
                      if (d.month() !== month.month()) setMonth(d.startOf('month'));
                      openDay(d);
                    }}
                  >
                    {cell(d)}
                  </div>
                ))}
              </div>
            </Spin>
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {year.data && (
              <WorkingSettings
                key={year.data.updatedAt}
                periods={year.data.workingPeriods}
                weekdays={year.data.weeklyWorkingDays}
                editable={editable}
                saving={update.isPending}
                onSave={async (body) => {
                  try {
                    await update.mutateAsync(body);
                    message.success(t('calendar.settingsSaved'));
                  } catch (err) {
                    message.error(errorText(t, err));
                  }
                }}
              />
            )}
            <Card size="small" title={t('calendar.marked')}>
              {monthDays.length === 0 ? (
                <Typography.Text type="secondary">{t('calendar.noneMarked')}</Typography.Text>
              ) : (
                <Space direction="vertical" size={4} style={{ width: '100%' }}>
                  {monthDays.map((d) => {
                    const kind = kindOf(dayjs(d.date));
                    return (
                      <Space key={d.date} size={8} style={{ cursor: editable ? 'pointer' : undefined }} onClick={() => openDay(dayjs(d.date))}>
                        <Tag color={kind === 'holiday' ? 'red' : 'orange'} style={{ marginInlineEnd: 0 }}>
                          {t(`calendar.legend.${kind}`)}
                        </Tag>
                        <span>
                          {d.date.slice(5)} {t(`calendar.weekday.${isoWeekday(dayjs(d.date))}`)}
                        </span>
                        {d.note && <Typography.Text type="secondary">{d.note}</Typography.Text>}
                      </Space>
                    );
                  })}
                </Space>
              )}
            </Card>
          </Space>
        </Col>
      </Row>
      <Modal
        open={Boolean(editing)}
        title={editing && t('calendar.dayTitle', { date: editing.date.format('YYYY-MM-DD'), weekday: t(`calendar.weekday.${isoWeekday(editing.date)}`) })}
        onOk={saveDay}
        onCancel={() => setEditing(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={setDay.isPending}
      >
        {editing && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>{t('calendar.dayKind')}</Typography.Text>
            <Radio.Group value={editing.kind} onChange={(e) => setEditing({ ...editing, kind: e.target.value })}>
              <Space direction="vertical">
                <Radio value="holiday">{t('calendar.asHoliday')}</Radio>
                <Radio value="workday">{t('calendar.asWorkday')}</Radio>
                <Radio value="pattern">
                  {t('calendar.asPattern', { what: t(weekly.includes(isoWeekday(editing.date)) ? 'calendar.legend.workday' : 'calendar.legend.restday') })}
                </Radio>
              </Space>
            </Radio.Group>
            {editing.kind !== 'pattern' && (
              <>
                <Typography.Text>{t('calendar.note')}</Typography.Text>
                <Input
                  value={editing.note}
                  maxLength={100}
                  placeholder={t('calendar.notePlaceholder')}
                  onChange={(e) => setEditing({ ...editing, note: e.target.value })}
                />
              </>
            )}
          </Space>
        )}
      </Modal>
    </div>
  );
}

function WorkingSettings(props: {
  periods: WorkingPeriod[];
  weekdays: number[];
  editable: boolean;
  saving: boolean;
  onSave(body: { workingPeriods: WorkingPeriod[]; weeklyWorkingDays: number[] }): void;
}) {
  const { t } = useTranslation();
  const [periods, setPeriods] = useState(props.periods);
  const [weekdays, setWeekdays] = useState(props.weekdays);
  useEffect(() => setPeriods(props.periods), [props.periods]);
  const valid =
    periods.length > 0 &&
    periods.every((p) => HHMM.test(p.start) && HHMM.test(p.end) && minutesOf(p.start) < minutesOf(p.end)) &&
    [...periods].sort((a, b) => a.start.localeCompare(b.start)).every((p, i, all) => i === 0 || minutesOf(all[i - 1]!.end) <= minutesOf(p.start));
  const minutes = valid ? periods.reduce((s, p) => s + minutesOf(p.end) - minutesOf(p.start), 0) : 0;
  const dirty =
    JSON.stringify(periods) !== JSON.stringify(props.periods) || JSON.stringify([...weekdays].sort()) !== JSON.stringify([...props.weekdays].sort());
  return (
    <Card size="small" title={t('calendar.periods')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {periods.map((p, i) => (
          <Space.Compact key={i} block>
            <Input
              value={p.start}
              disabled={!props.editable}
              maxLength={5}
              onChange={(e) => setPeriods(periods.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)))}
              data-testid={`period-${i}-start`}
            />
            <Input value="—" disabled style={{ width: 40, textAlign: 'center', pointerEvents: 'none' }} />
            <Input
              value={p.end}
              disabled={!props.editable}
              maxLength={5}
              onChange={(e) => setPeriods(periods.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)))}
              data-testid={`period-${i}-end`}
            />
            {props.editable && (
              <Button icon={<DeleteOutlined />} disabled={periods.length === 1} onClick={() => setPeriods(periods.filter((_, j) => j !== i))} />
            )}
          </Space.Compact>
        ))}
        {props.editable && (
          <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => setPeriods([...periods, { start: '18:00', end: '20:00' }])}>
            {t('calendar.addPeriod')}
          </Button>
        )}
        {valid ? (
          <Typography.Text type="secondary">{t('calendar.perDay', { hours: Math.round((minutes / 60) * 100) / 100 })}</Typography.Text>
        ) : (
          <Typography.Text type="danger">{t('calendar.periodsInvalid')}</Typography.Text>
        )}
        <Typography.Text strong>{t('calendar.weekdays')}</Typography.Text>
        <Checkbox.Group
          disabled={!props.editable}
          value={weekdays}
          onChange={(v) => setWeekdays((v as number[]).sort((a, b) => a - b))}
          options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: t(`calendar.weekday.${d}`) }))}
        />
        {props.editable && (
          <Button
            type="primary"
            block
            disabled={!valid || !dirty || weekdays.length === 0}
            loading={props.saving}
            onClick={() => props.onSave({ workingPeriods: periods, weeklyWorkingDays: weekdays })}
          >
            {t('calendar.saveSettings')}
          </Button>
        )}
      </Space>
    </Card>
  );
}
