import type { ProcessDefinitionInput } from '@liandong/contracts';
import { t } from './text.ts';

type NodeInput = ProcessDefinitionInput['nodes'][number];

/**
 * Steps 4–6 of the standard loop (handle → feedback → verify → close or rework), shared by the
 * processes that reach handling by different roads. `returnTo` is where a mis-dispatched event
 * goes back to (the dispatcher's task).
 */
export function handlingNodes(returnTo: string): NodeInput[] {
  return [
    {
      id: 'handle',
      kind: 'task',
      title: t('处置', 'Handle'),
      assignee: { role: 'handler', unit: 'lead' },
      eventStatus: 'dispatched',
      timeLimit: { from: 'category' },
      // Urgent and critical events are handled round the clock: the category's hours in natural time.
      timeLimitByUrgency: { urgent: { from: 'category', kind: 'natural' }, critical: { from: 'category', kind: 'natural' } },
      warnShare: 0.8,
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'handled', title: t('已处置', 'Handled'), next: 'feedback' }],
      allow: { return: { next: returnTo }, transfer: true, extend: true, shelve: true },
    },
    ...verificationNodes('handle'),
  ];
}

/**
 * Steps 5–6: the handler's feedback awaits verification on site by the grid worker; passed, the
 * event closes; failed, it goes to `reworkAt`.
 */
export function verificationNodes(reworkAt: string): NodeInput[] {
  return [
    {
      id: 'feedback',
      kind: 'action',
      title: t('反馈', 'Feedback'),
      action: 'set_status',
      params: { status: 'awaiting_verification' },
      next: 'verify',
    },
    {
      id: 'verify',
      kind: 'task',
      title: t('核查', 'Verify on site'),
      assignee: { role: 'grid_worker', unit: 'grid' },
      eventStatus: 'awaiting_verification',
      timeLimit: { minutes: 120, kind: 'working' },
      timeLimitByUrgency: { urgent: { minutes: 120, kind: 'natural' }, critical: { minutes: 60, kind: 'natural' } },
      overdueActions: ['urge'],
      outcomes: [
        { key: 'pass', title: t('核查通过', 'Passed'), next: 'closing' },
        { key: 'fail', title: t('返工', 'Rework'), next: reworkAt },
      ],
    },
    ...closingNodes(),
  ];
}

/** Closes as overdue when any step ran over its limit, else as normal (按期结案 counts on this). */
export function closingNodes(): NodeInput[] {
  return [
    {
      id: 'closing',
      kind: 'decision',
      title: t('结案', 'Close'),
      branches: [{ when: { field: 'event.overdue', op: 'eq', value: true }, next: 'closed_overdue', title: t('超期', 'Overdue') }],
      default: 'closed_normal',
    },
    { id: 'closed_normal', kind: 'end', title: t('按期结案', 'Closed on time'), closingKind: 'normal' },
    { id: 'closed_overdue', kind: 'end', title: t('超期结案', 'Closed overdue'), closingKind: 'overdue' },
  ];
}

/** The duty officer confirms an alarm (on to `confirmedNext`) or marks it false (closed as erroneous, node `false_alarm`). */
export function confirmNodes(confirmedNext: string): NodeInput[] {
  return [
    {
      id: 'confirm',
      kind: 'task',
      title: t('告警确认', 'Confirm the alarm'),
      assignee: { role: 'duty_officer', unit: 'county' },
      eventStatus: 'pending_confirmation',
      timeLimit: { minutes: 15, kind: 'natural' },
      overdueActions: ['urge'],
      outcomes: [
        { key: 'confirm', title: t('确认', 'Confirm'), next: confirmedNext },
        { key: 'reject', title: t('误报', 'False alarm'), next: 'false_alarm' },
      ],
    },
    { id: 'false_alarm', kind: 'end', title: t('误报结案', 'Closed as false alarm'), closingKind: 'erroneous' },
  ];
}

/**
 * For events that arrive unconfirmed (a camera's or a sensor's report in a category that needs a
 * person to confirm it: status pending_confirmation), the duty officer confirms first; a false
 * alarm closes as erroneous. Everything else goes straight on to `next`.
 */
export function confirmationNodes(next: string, confirmedNext: string = next): NodeInput[] {
  return [
    {
      id: 'needs_confirmation',
      kind: 'decision',
      title: t('是否待确认', 'Needs confirmation?'),
      branches: [{ when: { field: 'event.status', op: 'eq', value: 'pending_confirmation' }, next: 'confirm', title: t('待确认', 'Unconfirmed') }],
      default: next,
    },
    ...confirmNodes(confirmedNext),
  ];
}
