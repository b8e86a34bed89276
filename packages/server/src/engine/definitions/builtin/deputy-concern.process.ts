import type { ProcessDefinitionInput } from '@liandong/contracts';
import { t } from './text.ts';

/**
 * 民生小事时时督: the township dispatches a deputy's concern to a department; while the department
 * works, a reminder goes out whenever it has not updated progress for 4 working hours (a
 * `progress.updated` signal restarts the wait); the reply closes the event and the deputy's
 * rating (signal `event.rated`) ends the process, or a week passes without one.
 */
export const DEPUTY_CONCERN_PROCESS: ProcessDefinitionInput = {
  key: 'deputy-concern',
  name: t('代表民生关切督办', "Deputy's concern"),
  description: t('乡镇派遣、部门办理、进度提醒、答复、代表评价', 'Township dispatch, department handling, progress reminders, reply, rating'),
  start: 'township_dispatch',
  nodes: [
    {
      id: 'township_dispatch',
      kind: 'task',
      title: t('乡镇派遣', 'Township dispatch'),
      assignee: { role: 'dispatcher', unit: 'township' },
      eventStatus: 'accepted',
      timeLimit: { minutes: 60, kind: 'working' },
      overdueActions: ['urge'],
      outcomes: [{ key: 'dispatched', title: t('已派遣', 'Dispatched'), next: 'working' }],
    },
    { id: 'working', kind: 'parallel', title: t('办理与进度提醒', 'Handling with progress reminders'), branches: ['handle', 'progress_wait'] },
    {
      id: 'handle',
      kind: 'task',
      title: t('部门办理', 'Department handles'),
      assignee: { role: 'handler', unit: 'lead' },
      eventStatus: 'dispatched',
      timeLimit: { from: 'category' },
      warnShare: 0.8,
      overdueActions: ['urge', 'escalate', 'notify_leader'],
      outcomes: [{ key: 'replied', title: t('已答复', 'Replied'), next: 'replied' }],
      allow: { transfer: true, extend: true, shelve: true },
    },
    {
      id: 'progress_wait',
      kind: 'wait',
      title: t('等待进度更新', 'Waiting for progress'),
      timer: { duration: { minutes: 240, kind: 'working' }, next: 'progress_remind' },
      // Sent by the platform when a handler comments (POST /events/:id/comments), never by a caller.
      signal: { name: 'progress.updated', next: 'progress_wait', senders: [{ kind: 'platform' }] },
    },
    {
      id: 'progress_remind',
      kind: 'action',
      title: t('进度提醒', 'Progress reminder'),
      action: 'notify_unit',
      params: { unit: 'lead', role: 'handler', template: 'event.urged', sms: true },
      next: 'progress_wait',
      onError: 'progress_wait',
    },
    { id: 'replied', kind: 'join', title: t('已答复', 'Replied'), parallel: 'working', mode: 'any', next: 'closing' },
    {
      id: 'closing',
      kind: 'decision',
      title: t('答复结案', 'Reply and close'),
      branches: [{ when: { field: 'event.overdue', op: 'eq', value: true }, next: 'close_overdue', title: t('超期', 'Overdue') }],
      default: 'close_normal',
    },
    { id: 'close_normal', kind: 'action', title: t('按期结案', 'Close on time'), action: 'close', params: { kind: 'normal' }, next: 'rating' },
    { id: 'close_overdue', kind: 'action', title: t('超期结案', 'Close overdue'), action: 'close', params: { kind: 'overdue' }, next: 'rating' },
    {
      id: 'rating',
      kind: 'wait',
      title: t('代表评价', 'Deputy rates'),
      // Sent by the platform when the deputy rates (POST /events/:id/rating).
      signal: { name: 'event.rated', next: 'rated', senders: [{ kind: 'platform' }] },
      timer: { duration: { minutes: 7 * 24 * 60, kind: 'natural' }, next: 'unrated' },
    },
    { id: 'rated', kind: 'end', title: t('已评价', 'Rated') },
    { id: 'unrated', kind: 'end', title: t('未评价', 'Not rated') },
  ],
};
