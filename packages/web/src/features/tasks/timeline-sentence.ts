import type { TFunction } from 'i18next';
import type { TimelineEntry } from '../../api/types.ts';
import { localTitle, minutesText, shortTime } from './task-helpers.ts';

type Localized = { zh: string; en: string };

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function titleOf(v: unknown, lang: string): string {
  if (v && typeof v === 'object' && 'zh' in v) return localTitle(v as Localized, lang);
  return str(v);
}

function known(t: TFunction, key: string): string | null {
  const s = t(key);
  return s !== key ? s : null;
}

/**
 * A readable sentence for what the process engine and task actions write to the timeline
 * (e.g. 创建待办「处置」→ 南浦村（处置人员），时限 12-01 15:30), or null for kinds it does not
 * know. Built only from names, titles, times and counts: the engine's data holds no phone numbers,
 * and none are read here.
 */
export function processTimelineSentence(
  t: TFunction,
  lang: string,
  entry: TimelineEntry,
  unitLabel: (id: unknown, fallback: string) => string = (_id, f) => f,
): string | null {
  const d = entry.data ?? {};
  const title = titleOf(d.title, lang);
  const due = typeof d.dueAt === 'string' ? shortTime(d.dueAt) : '';
  const minutes = typeof d.extraMinutes === 'number' ? minutesText(t, d.extraMinutes) : '';
  switch (entry.kind) {
    case 'process.started':
      return t('tasks.tl.processStarted', { name: titleOf(d.name, lang) || str(d.process) });
    case 'process.ended': {
      const how = (d.closingKind && known(t, `closingKind.${str(d.closingKind)}`)) || (d.status && known(t, `status.${str(d.status)}`));
      return how ? t('tasks.tl.processEnded', { how }) : t('tasks.tl.processEndedPlain');
    }
    case 'process.failed':
      return t('tasks.tl.processFailed', { title: title || str(d.nodeId) });
    case 'task.created': {
      const role = d.role ? (known(t, `roles.${str(d.role)}`) ?? str(d.role)) : '';
      const args = { title, unit: unitLabel(d.unitId, str(d.unitName) || entry.orgUnit?.name || ''), role };
      return due ? t('tasks.tl.taskCreatedDue', { ...args, due }) : t('tasks.tl.taskCreated', args);
    }
    case 'task.claimed':
      return t('tasks.tl.taskClaimed', { title });
    case 'task.completed': {
      const outcome = titleOf(d.outcomeTitle, lang) || (d.outcome && known(t, `outcome.${str(d.outcome)}`)) || '';
      return outcome ? t('tasks.tl.taskCompleted', { title, outcome }) : t('tasks.tl.taskCompletedPlain', { title });
    }
    case 'task.returned':
      return t('tasks.tl.taskReturned', { title });
    case 'task.transferred':
      return t('tasks.tl.taskTransferred', { title, from: unitLabel(d.fromUnitId, str(d.fromUnitName)), to: unitLabel(d.toUnitId, str(d.toUnitName)) });
    case 'task.extend_requested':
      return t('tasks.tl.extendRequested', { title, d: minutes });
    case 'task.extended':
      return t('tasks.tl.extended', { title, d: minutes, due });
    case 'task.extend_rejected':
      return t('tasks.tl.extendRejected', { title });
    case 'task.shelve_requested':
      return t('tasks.tl.shelveRequested', { title });
    case 'task.shelved':
      return t('tasks.tl.shelved', { title });
    case 'task.shelve_rejected':
      return t('tasks.tl.shelveRejected', { title });
    case 'task.resumed':
      return due ? t('tasks.tl.resumed', { title, due }) : t('tasks.tl.resumedPlain', { title });
    case 'task.cancelled':
      return t('tasks.tl.cancelled', { title });
    case 'task.skipped':
      return t('tasks.tl.skipped', { title: title || str(d.nodeId) });
    case 'sla.warning':
      return t('tasks.tl.slaWarning', { title, due });
    case 'sla.overdue':
      return t('tasks.tl.slaOverdue', { title });
    case 'urged':
      // A person's urge keeps the plain 催办 label with its note; the engine's says why it happened.
      return d.automatic === true ? t('tasks.tl.autoUrged') : null;
    case 'escalated':
      return d.toUnitName ? t('tasks.tl.escalated', { unit: unitLabel(d.toUnitId, str(d.toUnitName)) }) : null;
    case 'wait.timed_out':
      return title ? t('tasks.tl.waitTimedOut', { title }) : t('tasks.tl.waitTimedOutPlain');
    case 'signal.received': {
      const name = str(d.name);
      return t('tasks.tl.signal', { name: known(t, `tasks.tl.signals.${name.replace(/\./g, '_')}`) ?? name });
    }
    case 'sms.queued': {
      const base = known(t, `tasks.tl.sms.${str(d.to)}`) ?? t('tasks.tl.sms.unit');
      const count = typeof d.count === 'number' ? d.count : 0;
      return count > 1 ? base + t('tasks.tl.smsCount', { count }) : base;
    }
    case 'unit.notified': {
      const count = typeof d.people === 'number' ? d.people : 0;
      return title ? t('tasks.tl.unitNotifiedTitle', { title, count }) : t('tasks.tl.unitNotified', { count });
    }
    case 'vehicle.looked_up':
      return d.found ? t('tasks.tl.vehicleFound', { plate: str(d.plate) }) : t('tasks.tl.vehicleMissing', { plate: str(d.plate) });
    case 'status.changed': {
      const status = d.status ? known(t, `status.${str(d.status)}`) : null;
      return status ? t('tasks.tl.statusChanged', { status }) : null;
    }
    case 'closed': {
      const kind = d.closingKind ? known(t, `closingKind.${str(d.closingKind)}`) : null;
      return kind ? t('tasks.tl.closed', { kind }) : null;
    }
    case 'process.cancelled':
      return d.reason === 'reopened' ? t('tasks.tl.processCancelledReopened') : t('tasks.tl.processCancelled');
    case 'process.step_skipped':
      return t('tasks.tl.stepSkipped', { title: title || str(d.nodeId) });
    case 'process.retry':
    case 'process.skip':
    case 'process.suspend':
    case 'process.resume':
    case 'process.migrate':
      return t(`tasks.tl.processAdmin.${entry.kind.slice('process.'.length)}`, { version: d.version });
    case 'action.failed':
      return t('tasks.tl.actionFailed', { title: title || str(d.action) });
    default:
      return null;
  }
}

/** Kinds whose data fields (status, outcome codes) the sentence already says. */
export function sentenceSaysAll(kind: string): boolean {
  return kind.startsWith('task.') || kind.startsWith('process.') || kind.startsWith('sla.') || kind === 'status.changed' || kind === 'closed';
}

/** The process engine writes as a system actor named in both languages; show one. */
export function isEngineActor(entry: TimelineEntry): boolean {
  return !entry.actor?.id && !!entry.actor?.name?.startsWith('流程引擎');
}

/** Timeline dot colours for the engine's kinds: yellow and red lights as on the inbox. */
export function processTimelineColor(kind: string): string | null {
  if (kind === 'sla.warning' || kind.endsWith('_requested')) return '#faad14';
  if (kind === 'sla.overdue' || kind === 'escalated' || kind.endsWith('.failed') || kind.endsWith('_rejected')) return '#f5222d';
  if (kind === 'task.completed' || kind === 'process.ended') return '#52c41a';
  if (kind === 'task.created' || kind === 'task.claimed' || kind === 'process.started') return '#1677ff';
  if (kind === 'task.shelved' || kind === 'task.cancelled' || kind === 'task.skipped') return '#8c8c8c';
  return null;
}
