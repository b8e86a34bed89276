import type { ProcessDefinitionInput } from '@liandong/contracts';
import { t } from './text.ts';

/** 自行处置: a grid worker fixed it on the spot; reported and closed in one step. */
export const SELF_HANDLED_PROCESS: ProcessDefinitionInput = {
  key: 'self-handled',
  name: t('自行处置', 'Self-handled'),
  description: t('网格员现场处置，上报即结案', 'Fixed on the spot by the grid worker: closed when reported'),
  start: 'closed',
  nodes: [{ id: 'closed', kind: 'end', title: t('自行处置结案', 'Closed as self-handled'), closingKind: 'normal' }],
};
