import type { ProcessDefinitionInput } from '@liandong/contracts';
import { confirmNodes, handlingNodes } from './handling.fragment.ts';
import { t } from './text.ts';

/**
 * AI alarms of uncertain precision: the duty officer confirms (then the event is handled as in
 * the standard loop, routed by place and category) or rejects it as a false positive.
 */
export const AI_ALARM_PROCESS: ProcessDefinitionInput = {
  key: 'ai-alarm',
  name: t('智能告警确认处置', 'AI alarm: confirm, then handle'),
  description: t('值班员确认告警后派遣处置，误报则结案', 'The duty officer confirms, then it is handled; false alarms close'),
  start: 'confirm',
  nodes: [
    ...confirmNodes('route'),
    {
      id: 'route',
      kind: 'action',
      title: t('自动派遣', 'Dispatch by routing'),
      action: 'set_status',
      params: { status: 'dispatched' },
      next: 'handle',
    },
    {
      id: 'redispatch',
      kind: 'task',
      title: t('重新派遣', 'Re-dispatch'),
      assignee: { role: 'dispatcher', unit: 'county' },
      eventStatus: 'accepted',
      timeLimit: { minutes: 30, kind: 'natural' },
      timeLimitByUrgency: { urgent: { minutes: 15, kind: 'natural' }, critical: { minutes: 10, kind: 'natural' } },
      overdueActions: ['urge'],
      outcomes: [{ key: 'dispatched', title: t('已派遣', 'Dispatched'), next: 'handle' }],
    },
    ...handlingNodes('redispatch'),
  ],
};
