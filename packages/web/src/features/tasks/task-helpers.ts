import type { TFunction } from 'i18next';
import dayjs from 'dayjs';
import type { MeResponse, OrgUnit } from '../../api/types.ts';
import { ApiError } from '../../api/client.ts';
import { errorText } from '../../lib/errors.ts';
import type { TaskView } from './tasks.api.ts';

/** Roles that grant extensions and shelving and may act on tasks of the units below them (server: tasks.policy.ts). */
const APPROVING_ROLES = ['dispatcher', 'duty_officer', 'leader', 'admin'] as const;

/** The task's own people: the one who claimed it, or anyone with its role in its unit. */
export function isTaskHandler(me: MeResponse | undefined, task: Pick<TaskView, 'assigneeUserId' | 'unitId' | 'role'>): boolean {
  if (!me) return false;
  if (task.assigneeUserId) return task.assigneeUserId === me.user.id;
  return me.memberships.some((m) => m.orgUnitId === task.unitId && m.role === task.role);
}

/** Whether the user is on the command side; the server decides whether the unit is below theirs (403 otherwise). */
export function isApprover(me: MeResponse | undefined): boolean {
  return !!me?.roles.some((r) => (APPROVING_ROLES as readonly string[]).includes(r));
}

/** "2 小时 15 分" / "3 天 4 小时" / "45 分钟": coarse enough to read at a glance. */
export function durationText(t: TFunction, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return t('tasks.dur.lessThanMinute');
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? t('tasks.dur.dh', { d, h }) : t('tasks.dur.d', { n: d });
  if (h > 0) return m > 0 ? t('tasks.dur.hm', { h, m }) : t('tasks.dur.h', { n: h });
  return t('tasks.dur.m', { n: m });
}

/** Minutes as the user would say them ("90 分钟" → "1 小时 30 分"). */
export function minutesText(t: TFunction, minutes: number): string {
  return durationText(t, minutes * 60_000);
}

/** "12-01 15:30" this year, "2027-01-04 09:00" otherwise. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = dayjs(iso);
  return d.year() === dayjs().year() ? d.format('MM-DD HH:mm') : d.format('YYYY-MM-DD HH:mm');
}

/** The task's title in the current language. */
export function localTitle(title: { zh: string; en: string } | null | undefined, lang: string): string {
  if (!title) return '';
  return (lang === 'en' ? title.en || title.zh : title.zh || title.en) ?? '';
}

/**
 * What went wrong, in the user's language: the code's text, and for a 409 the state the task is
 * in now (someone else may have acted first). In English the server's own message says it best.
 */
export function taskErrorText(t: TFunction, lang: string, err: unknown): string {
  if (!(err instanceof ApiError)) return errorText(t, err);
  if (lang === 'en' && err.message && err.status >= 400 && err.status < 500) return err.message;
  const base = errorText(t, err);
  const status = (err.details as { status?: string } | undefined)?.status;
  if (err.code === 'INVALID_STATE' && status) {
    const key = `tasks.status.${status}`;
    return t('tasks.errorState', { text: base, status: t(key) !== key ? t(key) : status });
  }
  return base;
}

/** Mobile numbers typed into a note are shown masked (the timeline never shows phone numbers). */
export function maskPhones(text: string): string {
  return text.replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2');
}

/**
 * Whether the user may open a task of `unitId` (the server's rule for GET /tasks/:id): an
 * administrator, a member of the task's unit, or the command side of a unit above it. `null`
 * while the unit tree an approver needs is loading; tasks given to one person go to a unit the
 * person is a member of, so they are covered.
 */
export function mayOpenTask(me: MeResponse | undefined, unitId: string | null, units: readonly Pick<OrgUnit, 'id' | 'parentId'>[] | undefined): boolean | null {
  if (!me || !unitId) return false;
  if (me.roles.includes('admin')) return true;
  if (me.memberships.some((m) => m.orgUnitId === unitId)) return true;
  const approving = new Set(me.memberships.filter((m) => (APPROVING_ROLES as readonly string[]).includes(m.role)).map((m) => m.orgUnitId));
  if (!approving.size) return false;
  if (!units) return null;
  const byId = new Map(units.map((u) => [u.id, u]));
  for (let u = byId.get(unitId), hops = 0; u && hops < 16; u = u.parentId ? byId.get(u.parentId) : undefined, hops++) if (approving.has(u.id)) return true;
  return false;
}

/**
 * What the step's main button says: the step's own name, which says what it does (立案, 派遣,
 * 处置, 核查 — an author names steps by their action), and only for a step without a name the
 * plain "办理" / "Complete". The outcome is chosen in the dialog.
 */
export function stepActionLabel(t: TFunction, lang: string, task: Pick<TaskView, 'title'>): string {
  return localTitle(task.title, lang) || t('tasks.complete');
}
