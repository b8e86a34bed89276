import type { ProcessDefinitionInput } from '@liandong/contracts';
import { confirmationNodes, verificationNodes } from './handling.fragment.ts';
import { t } from './text.ts';

/**
 * Several units at once: the lead unit and every co-handling unit work in parallel; when all have
 * finished the lead's result is verified on site; rework goes to the lead unit alone.
 */
export const COLLABORATION_PROCESS: ProcessDefinitionInput = {
  key: 'collaboration',
  name: t('多部门协同处置', 'Multi-unit collaboration'),
  description: t('主办单位与协办单位同时处置，完成后核查结案', 'Lead and co-handling units work at once, then verification'),
  start: 'needs_confirmation',
  nodes: [
    ...confirmationNodes('together'),
    { id: 'together', kind: 'parallel', title: t('协同处置', 'Handle together'), branches: ['lead_handle', 'co_handle'] },
    {
      id: 'lead_handle',
      kind: 'task',
      title: t('主办处置', 'Lead unit handles'),
      assignee: { role: 'handler', unit: 'lead' },
      eventStatus: 'dispatched',
      timeLimit: { from: 'category' },
      warnShare: 0.8,
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'handled', title: t('已处置', 'Handled'), next: 'all_done' }],
      allow: { transfer: true, extend: true, shelve: true },
    },
    {
      id: 'co_handle',
      kind: 'task',
      title: t('协办处置', 'Co-handling units handle'),
      assignee: { role: 'handler', unit: 'co' },
      timeLimit: { from: 'category' },
      warnShare: 0.8,
      overdueActions: ['urge'],
      outcomes: [{ key: 'done', title: t('已协办', 'Done'), next: 'all_done' }],
      allow: { extend: true },
    },
    { id: 'all_done', kind: 'join', title: t('汇合', 'All done'), parallel: 'together', mode: 'all', next: 'feedback' },
    {
      id: 'rework',
      kind: 'task',
      title: t('返工', 'Rework'),
      assignee: { role: 'handler', unit: 'lead' },
      eventStatus: 'in_progress',
      timeLimit: { from: 'category' },
      overdueActions: ['urge', 'escalate'],
      outcomes: [{ key: 'handled', title: t('已处置', 'Handled'), next: 'feedback' }],
    },
    ...verificationNodes('rework'),
  ],
};
