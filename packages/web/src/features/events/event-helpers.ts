import { isFinalStatus } from '@liandong/contracts/values';
import type { EventView, TimelineEntry } from '../../api/types.ts';

/**
 * The red tag: the server's `overdue` (open and past its deadline by the server's clock — the one
 * definition the plaza filter and the inbox use too), never this browser's clock.
 */
export function isOverdue(e: Pick<EventView, 'overdue'>): boolean {
  return e.overdue === true;
}

/** The contract's final statuses (closed, rejected, void). */
export const isFinal = isFinalStatus;

/**
 * Whether the signed-in user may rate the handling (the server's rule: the reporter, once, after
 * closing). The reporter is the actor of the timeline's `reported` entry.
 */
export function canRate(e: Pick<EventView, 'status' | 'ratingScore'>, timeline: readonly TimelineEntry[], userId: string | undefined): boolean {
  if (e.status !== 'closed' || e.ratingScore !== null || !userId) return false;
  return timeline.some((entry) => entry.kind === 'reported' && entry.actor.id === userId);
}
