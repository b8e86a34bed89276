import type { ProcessDefinitionInput } from '@liandong/contracts';
import { confirmationNodes, handlingNodes } from './handling.fragment.ts';
import { t } from './text.ts';

/** The standard closed loop of domain.md: accept → dispatch → handle → feedback → verify → close. */
export const STANDARD_PROCESS: ProcessDefinitionInput = {
  key: 'standard',
  name: t('标准闭环流程', 'Standard closed loop'),
  description: t('立案、派遣、处置、反馈、核查、结案', 'Accept, dispatch, handle, feedback, verify, close'),
  start: 'needs_confirmation',
  nodes: [
    // A confirmed alarm counts as accepted: it goes on to dispatch.
    ...confirmationNodes('accept', 'dispatch'),
    {
      id: 'accept',
      kind: 'task',
      title: t('立案', 'Accept'),
      assignee: { role: 'duty_officer', unit: 'county' },
      eventStatus: 'reported',
      // The county duty room works around the clock: its steps run on natural time.
      timeLimit: { minutes: 60, kind: 'natural' },
      timeLimitByUrgency: { urgent: { minutes: 30, kind: 'natural' }, critical: { minutes: 15, kind: 'natural' } },
      overdueActions: ['urge'],
      outcomes: [
        { key: 'accept', title: t('立案', 'Accept'), next: 'dispatch' },
        { key: 'reject', title: t('不予立案', 'Reject'), next: 'rejected' },
        { key: 'void', title: t('作废', 'Void'), next: 'voided' },
      ],
    },
    {
      id: 'dispatch',
      kind: 'task',
      title: t('派遣', 'Dispatch'),
      assignee: { role: 'dispatcher', unit: 'county' },
      eventStatus: 'accepted',
      timeLimit: { minutes: 30, kind: 'natural' },
      timeLimitByUrgency: { urgent: { minutes: 15, kind: 'natural' }, critical: { minutes: 10, kind: 'natural' } },
      overdueActions: ['urge'],
      outcomes: [{ key: 'dispatched', title: t('已派遣', 'Dispatched'), next: 'handle' }],
    },
    ...handlingNodes('dispatch'),
    { id: 'rejected', kind: 'end', title: t('不予立案', 'Rejected'), status: 'rejected' },
    { id: 'voided', kind: 'end', title: t('作废', 'Void'), status: 'void' },
  ],
};
