import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { AppDeps } from '../deps.ts';
import { defaultIds } from '../lib/ids.ts';
import { writeAudit } from '../modules/auth/audit.ts';
import type { Principal } from '../modules/auth/principal.ts';
import { startDemoProcesses } from './demo-processes.ts';
import { seedCatalogue } from '../modules/catalog/catalog.seed.ts';
import type { EventActor } from '../modules/events/event-actor.ts';
import { createEvent } from '../modules/events/event-create.service.ts';
import {
  countDemo,
  findCounties,
  findDemoEventStates,
  insertRows,
  isDemoComplete,
  listDemoExternalIds,
  loadDemoPeople,
  loadPlanCategories,
  loadPlanGrids,
  DEMO_MARKER_ACTION,
  type DemoPerson,
} from './demo.repository.ts';
import { planEvents, type PlannedEvent } from './events.generator.ts';
import { generateOrg, uuidv7At } from './org.generator.ts';
import { createRng, hashString } from './prng.ts';
import { DEMO_COUNTY_CODE, generateTerritory } from './territory.generator.ts';
import { finalizeBatch } from './demo-finalize.ts';
import { seedDemoVehicles } from '../modules/vehicles/vehicles.demo.ts';

export interface DemoProgress {
  (step: string, done: number, total: number): void;
}
export interface DemoResult {
  created: boolean;
  /** The shared password of every demo account when this run created them, else null. */
  password: string | null;
  counts: Record<string, number>;
}

export interface DemoOptions {
  password?: string;
  seed: number;
  onProgress?: DemoProgress;
  /** Days of history (default 730). */
  days?: number;
  /** Average events per day (default 30). */
  eventsPerDay?: number;
}

const EVENT_BATCH = 250;

/**
 * Seeds the deterministic demo county: territory, departments and stations, users for every
 * role, the catalogue, and two years of events created through the events service at their
 * historical times, then carried through handling to where they stood at seeding time.
 *
 * Idempotent and resumable: the organisation, users and catalogue go in one transaction (all or
 * nothing); events go in batches, each identified by a `demo-NNNNNN` externalId and planned from
 * the seed and the county's creation time, so an interrupted run picks up where it stopped.
 * An audit record `demo.seeded` marks completion; once present, a run changes nothing.
 */
export async function seedDemoCounty(deps: AppDeps, opts: DemoOptions): Promise<DemoResult> {
  const progress: DemoProgress = opts.onProgress ?? (() => {});
  const days = opts.days ?? 730;
  const eventsPerDay = opts.eventsPerDay ?? 30;
  const counties = await findCounties(deps.db);
  const other = counties.find((c) => c.code !== DEMO_COUNTY_CODE);
  if (other) {
    throw new Error(
      `The database already holds the county ${other.name} (${other.code ?? 'no code'}); the demo county is only seeded into a database without one.`,
    );
  }
  let county = counties.find((c) => c.code === DEMO_COUNTY_CODE);
  let password: string | null = null;
  if (county && (await isDemoComplete(deps.db))) {
    // The vehicle registry also reaches demo databases seeded before it existed.
    await seedDemoVehicles(deps.db, opts.seed, county.created_at);
    // Demo databases seeded before the process engine get their open events' processes.
    await startDemoProcesses(deps, progress);
    return { created: false, password: null, counts: await countDemo(deps.db) };
  }
  if (!county) {
    password = opts.password ?? randomBytes(9).toString('base64url');
    const nowIso = deps.clock.now().toISOString();
    progress('territory', 0, 1);
    const territory = generateTerritory(opts.seed);
    // One hash for every account: argon2 is slow by design and the demo has ~550 users.
    const passwordHash = await hash(password);
    const org = generateOrg(territory, opts.seed, nowIso, passwordHash);
    await deps.db.transaction().execute(async (trx) => {
      await insertRows(trx, 'org_units', org.units, (d) => progress('territory', d, org.units.length));
      const taken = new Set((await trx.selectFrom('users').select('username').execute()).map((r) => r.username));
      const users = org.users.filter((u) => !taken.has(u.username));
      const kept = new Set(users.map((u) => u.id));
      await insertRows(trx, 'users', users, (d) => progress('users', d, users.length));
      await insertRows(
        trx,
        'memberships',
        org.memberships.filter((m) => kept.has(m.user_id)),
      );
      progress('catalogue', 0, 1);
      await seedCatalogue(trx, nowIso);
      progress('catalogue', 1, 1);
    });
    await deps.territory.reload();
    county = (await findCounties(deps.db)).find((c) => c.code === DEMO_COUNTY_CODE)!;
  }
  await seedDemoVehicles(deps.db, opts.seed, county.created_at);
  const events = await seedEvents(deps, { seed: opts.seed, anchorMs: Date.parse(county.created_at), days, eventsPerDay, progress });
  await startDemoProcesses(deps, progress);
  await writeAudit(deps.db, {
    at: deps.clock.now().toISOString(),
    actorUserId: null,
    actorName: 'demo',
    action: DEMO_MARKER_ACTION,
    targetType: 'org_unit',
    targetId: county.id,
    details: { seed: opts.seed, days, eventsPerDay, events },
  });
  return { created: true, password, counts: await countDemo(deps.db) };
}

interface EventSeedOptions {
  seed: number;
  anchorMs: number;
  days: number;
  eventsPerDay: number;
  progress: DemoProgress;
}

/** Creates the planned events that do not exist yet and brings every one to its planned state. */
async function seedEvents(deps: AppDeps, o: EventSeedOptions): Promise<number> {
  const [grids, categories, people] = await Promise.all([loadPlanGrids(deps.db), loadPlanCategories(deps.db), loadDemoPeople(deps.db)]);
  const plan = planEvents({ seed: o.seed, anchorMs: o.anchorMs, days: o.days, eventsPerDay: o.eventsPerDay, grids, categories });
  const existing = await listDemoExternalIds(deps.db);
  const actors = actorResolver(deps, people);
  o.progress('events', 0, plan.length);
  for (let start = 0; start < plan.length; start += EVENT_BATCH) {
    const batch = plan.slice(start, start + EVENT_BATCH);
    for (const e of batch) {
      if (existing.has(e.externalId)) continue;
      await createHistoricalEvent(deps, o.seed, e, actors.creator(e));
    }
    const states = await findDemoEventStates(
      deps.db,
      batch.map((e) => e.externalId),
    );
    const todo = batch.filter((e) => {
      const s = states.get(e.externalId);
      return s && s.status !== e.status;
    });
    if (todo.length) {
      await deps.db.transaction().execute((trx) => finalizeBatch(trx, { events: todo, states, actors, seed: o.seed, anchorMs: o.anchorMs }));
    }
    o.progress('events', Math.min(plan.length, start + batch.length), plan.length);
  }
  return plan.length;
}

async function createHistoricalEvent(deps: AppDeps, seed: number, e: PlannedEvent, actor: EventActor): Promise<void> {
  const clock = { now: () => new Date(e.createdMs) };
  const idRng = createRng((seed ^ hashString(`ids:${e.seq}`)) >>> 0);
  const ids = { id: () => uuidv7At(e.createdMs, idRng), token: defaultIds.token };
  await createEvent(
    {
      db: deps.db,
      dialect: deps.dialect,
      writes: deps.writes,
      territory: deps.territory,
      logger: deps.logger,
      caches: deps.caches,
      stream: deps.stream,
      bus: deps.bus,
      engineHost: deps.engineHost,
      clock,
      ids,
    },
    actor,
    {
      category: e.category,
      title: e.title,
      description: e.description,
      location: { lng: e.lng, lat: e.lat, address: e.address },
      source: e.source,
      occurredAt: new Date(e.occurredMs).toISOString(),
      reporter: e.reporter,
      externalId: e.externalId,
    },
    { linkage: false },
  ); // history: nobody is notified of events two years old
}

export interface ActorResolver {
  creator(e: PlannedEvent): EventActor;
  /** The first person with a role in a unit, or one with the role anywhere (stable per event). */
  inUnit(unitId: string | null, role: string, seq: number): DemoPerson | undefined;
  withRole(role: string, seq: number): DemoPerson | undefined;
  byUserId(userId: string): DemoPerson | undefined;
  asPrincipal(p: DemoPerson): Principal;
}

function actorResolver(deps: AppDeps, people: DemoPerson[]): ActorResolver {
  const byUsername = new Map(people.map((p) => [p.username, p]));
  const byUserId = new Map(people.map((p) => [p.userId, p]));
  const byRole = new Map<string, DemoPerson[]>();
  const byUnitRole = new Map<string, DemoPerson[]>();
  for (const p of people) {
    byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
    const k = `${p.orgUnitId}:${p.role}`;
    byUnitRole.set(k, [...(byUnitRole.get(k) ?? []), p]);
  }
  const pickOf = (list: DemoPerson[] | undefined, seq: number) => (list?.length ? list[seq % list.length] : undefined);
  const asPrincipal = (p: DemoPerson): Principal => {
    const unit = deps.territory.getUnit(p.orgUnitId);
    return {
      kind: 'user',
      userId: p.userId,
      name: p.displayName,
      roles: [p.role],
      memberships: [
        { orgUnitId: p.orgUnitId, orgUnitKind: unit?.kind ?? 'county', orgUnitName: unit?.name ?? '', orgUnitPath: unit?.path ?? '/', role: p.role },
      ],
    } as Principal;
  };
  const resolver: ActorResolver = {
    inUnit: (unitId, role, seq) => (unitId ? pickOf(byUnitRole.get(`${unitId}:${role}`), seq) : undefined) ?? pickOf(byRole.get(role), seq),
    withRole: (role, seq) => pickOf(byRole.get(role), seq),
    byUserId: (id) => byUserId.get(id),
    asPrincipal,
    creator(e) {
      const township = deps.territory.findByCode('township', e.gridCode.slice(0, 9));
      let person: DemoPerson | undefined;
      switch (e.actor.kind) {
        case 'system':
          return { kind: 'system', name: e.actor.name };
        case 'grid_worker':
          person = byUsername.get(`gw-${e.actor.gridCode}`);
          break;
        case 'officer':
          person = byUsername.get(`officer-${e.gridCode.slice(0, 9)}-${(e.seq % 2) + 1}`);
          break;
        case 'deputy':
          person = resolver.inUnit(township?.id ?? null, 'deputy', e.seq);
          break;
        case 'duty_officer':
          person = resolver.withRole('duty_officer', e.seq);
          break;
      }
      return person ? asPrincipal(person) : { kind: 'system', name: '演示数据 Demo data' };
    },
  };
  return resolver;
}
