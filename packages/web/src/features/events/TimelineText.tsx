import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../api/types.ts';
import { formatTime } from '../../lib/format.ts';
import { isEngineActor, processTimelineSentence, sentenceSaysAll } from '../tasks/timeline-sentence.ts';
import { maskPhones } from '../tasks/task-helpers.ts';
import { useUnitLabel } from '../tasks/tasks.api.ts';
import { useAuth } from '../../api/auth.tsx';

const TEXT_FIELDS = ['text', 'note', 'comment', 'reason', 'message'] as const;

/** One timeline step: what happened, who did it, in which unit, when, and its note. */
export function TimelineText({ entry }: { entry: TimelineEntry }) {
  const { t, i18n } = useTranslation();
  const key = `timeline.${entry.kind}`;
  const unitLabel = useUnitLabel();
  const isAdmin = useAuth().hasRole('admin');
  const sentence = processTimelineSentence(t, i18n.language, entry, unitLabel);
  const label = sentence ?? (t(key) !== key ? t(key) : t('timeline.other', { kind: entry.kind }));
  // The sentence already names the status and outcome; repeating them as tags would say it twice.
  const plain = !(sentence && sentenceSaysAll(entry.kind));
  const data = entry.data ?? {};
  const to = !plain ? null : typeof data.to === 'string' ? data.to : typeof data.status === 'string' ? data.status : null;
  // The engine's reasons are codes (reopened, no_assignee_unit) that its sentence already puts in words;
  // its error messages are technical English, for the administrators who can retry or skip the step.
  const fields = sentence ? TEXT_FIELDS.filter((f) => f !== 'reason' && (f !== 'message' || isAdmin)) : TEXT_FIELDS;
  const texts = fields
    .map((f) => data[f])
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .map(maskPhones);
  const score = typeof data.score === 'number' ? data.score : null;
  // Outcomes are codes (complete, return…): shown only when we have words for them.
  const outcomeKey = typeof data.outcome === 'string' ? `outcome.${data.outcome}` : null;
  const outcome = plain && outcomeKey && t(outcomeKey) !== outcomeKey ? t(outcomeKey) : null;
  const lead = typeof data.leadUnitName === 'string' ? unitLabel(data.leadUnitId, data.leadUnitName) : null;
  const coIds = Array.isArray(data.coHandlingUnitIds) ? (data.coHandlingUnitIds as unknown[]) : [];
  const coNames = Array.isArray(data.coHandlingUnitNames) ? (data.coHandlingUnitNames as string[]).map((n, i) => unitLabel(coIds[i], n)) : [];
  const actor = isEngineActor(entry) ? t('tasks.tl.engine') : (entry.actor?.name ?? (entry.actor?.id ? null : t('event.system')));
  const who = [entry.orgUnit ? unitLabel(entry.orgUnit.id, entry.orgUnit.name) : null, actor].filter(Boolean).join(' · ');
  return (
    <Space direction="vertical" size={0} data-testid="timeline-entry" data-kind={entry.kind}>
      <Space size={8} wrap>
        <Typography.Text strong>{label}</Typography.Text>
        {to && t(`status.${to}`) !== `status.${to}` && <Typography.Text type="secondary">{t('timeline.to', { to: t(`status.${to}`) })}</Typography.Text>}
        {outcome && <Typography.Text type="secondary">{outcome}</Typography.Text>}
        {score !== null && <Typography.Text>{'★'.repeat(Math.max(0, Math.min(5, score)))}</Typography.Text>}
      </Space>
      {who && <Typography.Text type="secondary">{who}</Typography.Text>}
      {lead && (
        <Typography.Text>
          {t('event.leadUnit')}：{lead}
          {coNames.length > 0 && `；${t('event.coUnits')}：${coNames.join('、')}`}
        </Typography.Text>
      )}
      {entry.kind === 'notified' && <NotifiedText data={data} />}
      {texts.map((s, i) => (
        <Typography.Paragraph key={i} style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
          {s}
        </Typography.Paragraph>
      ))}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatTime(entry.at)}
      </Typography.Text>
    </Space>
  );
}

interface NotifiedUnit {
  unitId?: string;
  unitName?: string;
  role?: string;
  users?: number;
}

/** Linkage on creation: who was told, per unit, in counts (the timeline never holds numbers). */
function NotifiedText({ data }: { data: Record<string, unknown> }) {
  const { t } = useTranslation();
  const unitLabel = useUnitLabel();
  const units = Array.isArray(data.units) ? (data.units as NotifiedUnit[]) : [];
  const invalid = typeof data.invalidPhones === 'number' ? data.invalidPhones : 0;
  return (
    <Space direction="vertical" size={0}>
      <Typography.Text>
        {t('notify.notifiedSummary', { count: Number(data.inApp ?? 0), inApp: Number(data.inApp ?? 0), sms: Number(data.sms ?? 0) })}
      </Typography.Text>
      {units.length > 0 && (
        <Typography.Text type="secondary">
          {units
            .map((u) =>
              t('notify.notifiedUnit', {
                unit: unitLabel(u.unitId, u.unitName ?? ''),
                role: t(u.role === 'lead' ? 'notify.roleLead' : 'notify.roleCo'),
                users: u.users ?? 0,
              }),
            )
            .join('；')}
        </Typography.Text>
      )}
      {invalid > 0 && <Typography.Text type="warning">{t('notify.notifiedInvalid', { count: invalid })}</Typography.Text>}
    </Space>
  );
}
