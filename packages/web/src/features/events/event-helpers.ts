import type { EventView } from '../../api/types.ts';

const FINAL = new Set(['closed', 'rejected', 'void']);

/** Open and past its due time (the server's SLA decides; this only drives the red tag). */
export function isOverdue(e: Pick<EventView, 'status' | 'dueAt'>, now = Date.now()): boolean {
  return !FINAL.has(e.status) && !!e.dueAt && Date.parse(e.dueAt) < now;
}

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}
