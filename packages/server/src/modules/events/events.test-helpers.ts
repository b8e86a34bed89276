import type { TestApp } from '../../testing/test-app.ts';

/** Row counts of every table an event write touches: a refused request must leave them all unchanged. */
export async function countEventRows(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['events', 'event_units', 'event_timeline', 'attachments', 'event_code_counters'] as const) {
    const r = await t.deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[table] = Number(r.n);
  }
  const seq = await t.deps.db
    .selectFrom('event_code_counters')
    .select((eb) => eb.fn.sum('last_seq').as('s'))
    .executeTakeFirst();
  out.code_seq_total = Number(seq?.s ?? 0);
  return out;
}

export function eventBody(t: TestApp, over: Record<string, unknown> = {}) {
  return { category: '0201', title: '井盖缺失', source: 'patrol', location: { ...t.fixture.points.gA1a, address: '南浦路12号' }, ...over };
}

/** Creates an API key with the given scopes (as the fixture admin) and returns a requester using it. */
export async function apiKeyRequester(t: TestApp, scopes: string[], orgUnitId?: string) {
  const res = await t.as('admin')('POST', '/api/v1/api-keys', { name: `key-${scopes.join('-')}`, scopes, ...(orgUnitId ? { orgUnitId } : {}) });
  if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
  const key = res.json().key as string;
  return (method: 'GET' | 'POST', url: string, body?: unknown) => t.app.inject({ method, url, payload: body as never, headers: { 'x-api-key': key } });
}

/** Moves an event to closed directly (the process engine that closes events is another module). */
export async function closeEventDirectly(t: TestApp, id: string): Promise<void> {
  const at = t.clock.now().toISOString();
  await t.deps.db.updateTable('events').set({ status: 'closed', is_open: 0, closing_kind: 'normal', closed_at: at }).where('id', '=', id).execute();
}
