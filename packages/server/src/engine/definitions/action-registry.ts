import { ACTION_PARAMS, type ActionName } from '@liandong/contracts';
import type { z } from 'zod';

/**
 * What the validator needs to know about an action: its parameters, the notification templates
 * a call uses, and the process variables it sets (so conditions may read them). The runtime
 * keeps its handlers keyed by the same names.
 */
export interface ActionSpec {
  params: z.ZodType<Record<string, unknown>>;
  templates?: (params: Record<string, unknown>) => string[];
  produces?: (params: Record<string, unknown>) => string[];
}

export type ActionRegistry = Readonly<Record<string, ActionSpec>>;

const templateOf = (params: Record<string, unknown>) => (typeof params.template === 'string' ? [params.template] : []);

const SPECS: Record<ActionName, Omit<ActionSpec, 'params'>> = {
  send_sms: { templates: templateOf },
  notify_unit: { templates: templateOf },
  lookup_vehicle_owner: { produces: () => ['ownerFound'] },
  call_webhook: { produces: () => ['webhookStatus'] },
  set_field: {
    produces: (p) => (typeof p.field === 'string' && p.field.startsWith('vars.') ? [p.field.slice('vars.'.length)] : []),
  },
  set_status: {},
  close: {},
};

/** The built-in actions (contracts' ACTION_PARAMS with what they use and produce). */
export const BUILTIN_ACTIONS: ActionRegistry = Object.fromEntries(
  (Object.keys(ACTION_PARAMS) as ActionName[]).map((name) => [name, { params: ACTION_PARAMS[name], ...SPECS[name] }]),
);
