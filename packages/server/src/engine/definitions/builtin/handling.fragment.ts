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
      warnShare: 0.8,
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'handled', title: t('已处置', 'Handled'), next: 'feedback' }],
      allow: { return: { next: returnTo }, transfer: true, extend: true, shelve: true },
    },
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
      overdueActions: ['urge'],
      outcomes: [
        { key: 'pass', title: t('核查通过', 'Passed'), next: 'closing' },
        { key: 'fail', title: t('返工', 'Rework'), next: 'handle' },
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
