import type { CreateEventRequest } from '@liandong/contracts';
import { submitReport, type IntakeDeps, type SubmitResult } from '../intake/intake.ts';
import { parseReport } from '../intake/report.ts';
import type { EventActor } from './event-actor.ts';

export { isUniqueViolation } from './event-write.ts';

export type CreateEventDeps = IntakeDeps;
export type CreateEventResult = SubmitResult;

export interface CreateEventOptions {
  /** Notify the on-duty staff of the event's units (default). Off for history being imported or seeded. */
  linkage?: boolean;
}

/**
 * An event from an untyped body (scripts, the demo's history, tests): read once (parseReport)
 * and handed to the intake, the one way a report becomes an event (modules/intake/intake.ts);
 * the events module writes it (event-write.ts).
 */
export async function createEvent(
  deps: CreateEventDeps,
  actor: EventActor,
  rawInput: CreateEventRequest,
  opts: CreateEventOptions = {},
): Promise<CreateEventResult> {
  return submitReport(deps, actor, parseReport(rawInput), { linkage: opts.linkage });
}
