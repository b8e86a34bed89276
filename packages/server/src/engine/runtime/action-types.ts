import type { ActionNode } from '@liandong/contracts';
import type { ActionSpec } from '../definitions/action-registry.ts';
import type { StepContext, TokenState } from './step-context.ts';

/** 'done': go on to `next`; 'deferred': the token waits for the scheduler to run it outside the step (webhooks). */
export type ActionOutcome = 'done' | 'deferred';

/**
 * An automatic step the engine can run: what the validator checks (its spec) and what runs it,
 * inside the step's transaction. Side effects on the outside world only ever go through the
 * outbox (ctx.notify) or a deferred timer, so a rolled back step leaves no trace. A handler
 * throws ActionError for failures the process may route around.
 */
export interface EngineAction extends ActionSpec {
  run(ctx: StepContext, token: TokenState, node: ActionNode, params: Record<string, unknown>): Promise<ActionOutcome>;
}

/** Finds the phones of an SMS recipient kind (send_sms's `to`), e.g. the vehicle's owner. */
export type SmsRecipientLookup = (ctx: StepContext) => Promise<Array<{ phone: string | null; userId: string | null }>>;

/** What processes may run: actions by name, and the SMS recipients modules added. */
export interface EngineActions {
  readonly actions: Readonly<Record<string, EngineAction>>;
  readonly smsRecipients: Readonly<Record<string, SmsRecipientLookup>>;
}

/** What a module adds to the engine (see createEngineActions). */
export interface ActionRegistration {
  actions?: Record<string, EngineAction>;
  smsRecipients?: Record<string, SmsRecipientLookup>;
}
