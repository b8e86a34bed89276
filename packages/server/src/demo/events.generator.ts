import { isMachineSource, sourceProfile, type EventSource, type EventStatus } from '@liandong/contracts';
import { personName, phoneNumber } from './names.ts';
import { createRng, hashString, type Rng } from './prng.ts';
import { samplePointInPolygon, type PolygonGeometry } from './territory.generator.ts';

export interface PlanGrid {
  code: string;
  boundary: PolygonGeometry;
  villageName: string;
  townshipName: string;
  /** Urban communities see more events than rural villages. */
  community: boolean;
}

export interface PlanCategory {
  code: string;
  name: string;
  timeLimitMinutes: number | null;
  timeLimitKind: string;
  requiresConfirmation: boolean;
  dedupWindowMinutes: number;
}

export type PlanActor =
  { kind: 'grid_worker'; gridCode: string } | { kind: 'officer' } | { kind: 'deputy' } | { kind: 'duty_officer' } | { kind: 'system'; name: string };

/** One historical event: what createEvent receives, and how its handling went up to the anchor time. */
export interface PlannedEvent {
  seq: number;
  externalId: string;
  createdMs: number;
  occurredMs: number;
  category: string;
  title: string;
  description: string;
  source: EventSource;
  lng: number;
  lat: number;
  address: string;
  gridCode: string;
  actor: PlanActor;
  reporter?: { name: string; phone: string };
  /** The handling steps that happened before the anchor time; a missing step did not happen (yet). */
  steps: {
    acceptedMs?: number;
    dispatchedMs?: number;
    feedbackMs?: number;
    closedMs?: number;
    rejectedMs?: number;
  };
  /** Status at the anchor time. */
  status: EventStatus;
  closingKind: 'normal' | 'overdue' | 'self_corrected' | 'special' | null;
  dueMs: number | null;
  rating: number | null;
  supervisedMs: number | null;
  urgesMs: number[];
}

export interface EventPlanOptions {
  seed: number;
  /** The plan ends here (the moment the county was seeded). */
  anchorMs: number;
  days: number;
  /** Average events per day over the whole period. */
  eventsPerDay: number;
  grids: PlanGrid[];
  categories: PlanCategory[];
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const SHANGHAI_MS = 8 * 3_600_000;

const SOURCES: ReadonlyArray<readonly [EventSource, number]> = [
  ['patrol', 44],
  ['video', 20],
  ['citizen', 9],
  ['hotline', 8],
  ['officer', 7],
  ['iot', 5],
  ['deputy', 4],
  ['superior', 3],
];

/** What each source typically reports, weighted (codes of the default catalogue). */
const CATEGORIES_BY_SOURCE: Record<EventSource, ReadonlyArray<readonly [string, number]>> = {
  patrol: [
    ['0707', 30],
    ['0101', 12],
    ['0102', 6],
    ['0104', 6],
    ['0106', 4],
    ['0202', 6],
    ['0201', 3],
    ['0203', 4],
    ['0206', 2],
    ['0301', 6],
    ['0605', 4],
    ['0702', 4],
    ['0704', 4],
    ['0801', 2],
    ['0602', 3],
    ['0208', 1],
    ['0204', 1],
    ['0705', 2],
  ],
  video: [
    ['0101', 14],
    ['0104', 10],
    ['0105', 10],
    ['0106', 6],
    ['0301', 5],
    ['0403', 5],
    ['0404', 4],
    ['0502', 3],
    ['0503', 0.5],
    ['0504', 2],
    ['0505', 3],
    ['0602', 12],
    ['0603', 10],
    ['0604', 10],
    ['0605', 8],
    ['0801', 3],
    ['0803', 3],
    ['0501', 2],
  ],
  iot: [
    ['0701', 6],
    ['0806', 2],
    ['0207', 2],
  ],
  citizen: [
    ['0401', 8],
    ['0108', 5],
    ['0601', 10],
    ['0103', 4],
    ['0202', 4],
    ['0606', 3],
    ['0607', 2],
    ['0702', 3],
    ['0203', 3],
    ['0207', 2],
  ],
  hotline: [
    ['0401', 6],
    ['0108', 4],
    ['0601', 6],
    ['0705', 5],
    ['0706', 2],
    ['0702', 5],
    ['0606', 3],
    ['0607', 2],
    ['0207', 3],
    ['0205', 2],
  ],
  officer: [
    ['0601', 14],
    ['0602', 5],
    ['0603', 5],
    ['0107', 2],
    ['0302', 2],
    ['0604', 3],
  ],
  deputy: [
    ['0703', 10],
    ['0704', 1],
    ['0705', 1],
  ],
  superior: [
    ['0402', 5],
    ['0704', 4],
    ['0802', 3],
    ['0804', 2],
    ['0507', 1],
    ['0506', 0.3],
    ['0805', 0.2],
    ['0508', 1],
  ],
};

const SPOTS = [
  '路口',
  '菜市场旁',
  '码头',
  '公交站',
  '小区门口',
  '沿街商铺前',
  '桥头',
  '渔港',
  '学校门口',
  '停车场',
  '老街',
  '海堤',
  '村委会旁',
  '文化礼堂前',
  '卫生院旁',
  '农贸市场',
  '工业园区',
  '滨海公路',
];

const HOURS_DAY = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.6, 1, 1.5, 1.8, 1.8, 1.5, 1, 1.3, 1.6, 1.7, 1.5, 1.2, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3];
const HOURS_WORK = [0, 0, 0, 0, 0, 0, 0, 0.3, 1.5, 2, 2, 1.2, 0.3, 0.8, 1.8, 1.8, 1.5, 0.5, 0, 0, 0, 0, 0, 0];
const HOURS_PUBLIC = [0.05, 0, 0, 0, 0, 0.05, 0.3, 0.8, 1.3, 1.5, 1.5, 1.2, 1, 1.2, 1.4, 1.4, 1.3, 1.1, 1, 1, 0.9, 0.7, 0.3, 0.1];

const SOURCE_PHRASE: Record<EventSource, string> = {
  patrol: '网格员巡查发现',
  video: '智能视频识别发现',
  iot: '物联感知设备告警',
  citizen: '市民反映',
  hotline: '12345热线来电反映',
  officer: '执法队员巡查发现',
  deputy: '人大代表收集群众反映',
  superior: '上级交办',
};

/**
 * Two years of events as a plan, a pure function of its options: volume grows as the platform
 * is adopted, dips at weekends and peaks in summer; sources and categories are weighted the way
 * county platforms report them; each event's handling (accept, dispatch, feedback, close) is
 * drawn against its category's time limit, and events still in hand at the anchor stay open.
 */
export function planEvents(o: EventPlanOptions): PlannedEvent[] {
  const rng = createRng((o.seed ^ hashString('events')) >>> 0);
  const categories = new Map(o.categories.map((c) => [c.code, c]));
  const gridWeights = o.grids.map((g) => [g, g.community ? 3 : 1] as const);
  const phones = new Set<string>();
  const startMs = o.anchorMs - o.days * DAY_MS;
  const drafts: Array<{ createdMs: number; source: EventSource; category: PlanCategory }> = [];
  // days + 1 day starts, so that today (up to the anchor) has its events too.
  for (let d = 0; d <= o.days; d++) {
    const dayMs = startOfShanghaiDay(startMs + d * DAY_MS);
    const weekday = new Date(dayMs + SHANGHAI_MS).getUTCDay();
    const progress = o.days > 1 ? d / (o.days - 1) : 1;
    const season = 1 + 0.15 * Math.sin(((dayOfYear(dayMs) - 100) / 365) * 2 * Math.PI);
    const mean = o.eventsPerDay * (0.7 + 0.6 * progress) * (weekday === 0 || weekday === 6 ? 0.75 : 1.1) * season;
    const count = Math.max(0, Math.round(mean + rng.normal() * Math.sqrt(mean)));
    for (let i = 0; i < count; i++) {
      const source = rng.weighted(
        weekday === 0 || weekday === 6 ? SOURCES.map(([s, w]) => [s, s === 'patrol' || s === 'officer' ? w * 0.4 : w] as const) : SOURCES,
      );
      const options = CATEGORIES_BY_SOURCE[source].filter(([c]) => categories.has(c));
      const category = options.length ? categories.get(rng.weighted(options))! : rng.pick(o.categories);
      const hours = source === 'patrol' || source === 'officer' || source === 'superior' ? HOURS_WORK : isMachineSource(source) ? HOURS_DAY : HOURS_PUBLIC;
      const hour = rng.weighted(hours.map((w, h) => [h, w] as const));
      const createdMs = dayMs + hour * 3_600_000 + rng.int(0, 3_599_999);
      if (createdMs >= o.anchorMs - MIN_MS || createdMs < startMs) continue;
      drafts.push({ createdMs, source, category });
    }
  }
  drafts.sort((a, b) => a.createdMs - b.createdMs);
  // Keep reports of one category apart by more than its dedup window, so none is merged into another.
  const lastOf = new Map<string, number>();
  const spaced: typeof drafts = [];
  for (const dr of drafts) {
    const gap = (dr.category.dedupWindowMinutes + 1) * MIN_MS;
    const last = lastOf.get(dr.category.code);
    if (dr.category.dedupWindowMinutes > 0 && last !== undefined && dr.createdMs - last < gap) dr.createdMs = last + gap;
    if (dr.createdMs >= o.anchorMs - MIN_MS) continue;
    lastOf.set(dr.category.code, dr.createdMs);
    spaced.push(dr);
  }
  spaced.sort((a, b) => a.createdMs - b.createdMs);

  return spaced.map((dr, i) => {
    const seq = i + 1;
    const er = createRng((o.seed ^ hashString(`event:${seq}`)) >>> 0);
    const grid = er.weighted(gridWeights);
    const [lng, lat] = samplePointInPolygon(er, grid.boundary);
    const spot = er.pick(SPOTS);
    const cat = dr.category;
    const where = `${grid.villageName}${spot}`;
    const actor: PlanActor =
      dr.source === 'patrol'
        ? { kind: 'grid_worker', gridCode: grid.code }
        : dr.source === 'officer'
          ? { kind: 'officer' }
          : dr.source === 'deputy'
            ? { kind: 'deputy' }
            : dr.source === 'hotline' || dr.source === 'superior'
              ? { kind: 'duty_officer' }
              : { kind: 'system', name: dr.source === 'video' ? '视频中台' : dr.source === 'iot' ? '物联中台' : '市民上报' };
    const reporter = dr.source === 'citizen' || dr.source === 'hotline' ? { name: personName(er), phone: phoneNumber(er, phones) } : undefined;
    const planned: PlannedEvent = {
      seq,
      externalId: `demo-${String(seq).padStart(6, '0')}`,
      createdMs: dr.createdMs,
      occurredMs: dr.createdMs - er.int(1, isMachineSource(dr.source) ? 5 : 90) * MIN_MS,
      category: cat.code,
      title: dr.source === 'superior' ? `上级交办：${where}${cat.name}` : `${where}${cat.name}`,
      description: `${SOURCE_PHRASE[dr.source]}：${grid.townshipName}${where}${cat.name}，请及时处置。`,
      source: dr.source,
      lng,
      lat,
      address: `${grid.townshipName}${where}`,
      gridCode: grid.code,
      actor,
      reporter,
      steps: {},
      status: 'reported',
      closingKind: null,
      dueMs: null,
      rating: null,
      supervisedMs: null,
      urgesMs: [],
    };
    planHandling(er, planned, cat, o.anchorMs);
    return planned;
  });
}

function planHandling(rng: Rng, e: PlannedEvent, cat: PlanCategory, anchorMs: number): void {
  const created = e.createdMs;
  const pending = cat.requiresConfirmation && sourceProfile(e.source).needsConfirmation;
  e.status = pending ? 'pending_confirmation' : 'reported';
  // Working minutes are turned into calendar time at 24 h per 450 working minutes (nights and weekends).
  const limitMs = cat.timeLimitMinutes === null ? null : cat.timeLimitMinutes * MIN_MS * (cat.timeLimitKind === 'working' ? 3.2 : 1);
  e.dueMs = limitMs === null ? null : created + limitMs;
  const at = (ms: number) => (ms < anchorMs ? ms : undefined);

  // Reports that turn out to be nothing: AI false positives, unfounded public reports.
  const rejectShare = pending ? 0.22 : e.source === 'citizen' || e.source === 'hotline' ? 0.04 : 0;
  if (rng.chance(rejectShare)) {
    const rejectedMs = at(created + rng.int(2, 20) * MIN_MS);
    if (rejectedMs) {
      e.steps.rejectedMs = rejectedMs;
      e.status = 'rejected';
    }
    return;
  }
  if (limitMs === null) {
    // Fixed on the spot by the grid worker (自行处置): reported and closed in one go.
    const closedMs = at(created + rng.int(5, 60) * MIN_MS);
    if (closedMs) {
      e.steps.closedMs = closedMs;
      e.status = 'closed';
      e.closingKind = 'normal';
    }
    return;
  }
  // Some of the last hours' reports still wait in the duty room's queue.
  if (anchorMs - created < 6 * 3_600_000 && rng.chance(0.6)) return;
  const acceptedMs = created + rng.int(pending ? 2 : 5, pending ? 15 : 40) * MIN_MS;
  const dispatchedMs = acceptedMs + rng.int(3, 30) * MIN_MS;
  const selfCorrected = cat.code === '0601' && rng.chance(0.45);
  // Handling takes about a third of the limit, with a long tail of hard cases (shelved, extended).
  const hard = rng.chance(0.1) ? rng.float(3, 12) : 1;
  const duration = selfCorrected ? rng.int(8, 25) * MIN_MS : Math.min(90 * DAY_MS, hard * limitMs * Math.exp(Math.log(0.33) + 0.55 * rng.normal()));
  const feedbackMs = Math.max(dispatchedMs + MIN_MS, created + duration);
  // The grid worker's on-site check (核查) before closing: minutes for emergencies, hours otherwise.
  const verifyMs = selfCorrected
    ? MIN_MS
    : cat.timeLimitKind === 'natural'
      ? rng.int(5, 45) * MIN_MS
      : Math.min(24 * 60 * MIN_MS, Math.max(30 * MIN_MS, rng.float(0.05, 0.4) * limitMs));
  const closedMs = feedbackMs + verifyMs;
  e.steps.acceptedMs = at(acceptedMs);
  e.steps.dispatchedMs = at(dispatchedMs);
  e.steps.feedbackMs = at(feedbackMs);
  e.steps.closedMs = at(closedMs);
  if (e.steps.closedMs) {
    e.status = 'closed';
    e.closingKind = selfCorrected ? 'self_corrected' : rng.chance(0.01) ? 'special' : e.dueMs !== null && feedbackMs > e.dueMs ? 'overdue' : 'normal';
    if (e.source === 'citizen' || e.source === 'hotline' || e.source === 'deputy') {
      if (rng.chance(0.6))
        e.rating = rng.weighted([
          [5, 60],
          [4, 25],
          [3, 9],
          [2, 4],
          [1, 2],
        ] as const);
    }
  } else if (e.steps.feedbackMs) e.status = 'awaiting_verification';
  else if (e.steps.dispatchedMs) e.status = anchorMs - dispatchedMs > 30 * MIN_MS ? 'in_progress' : 'dispatched';
  else if (e.steps.acceptedMs) e.status = 'accepted';

  const lastMs = Math.min(closedMs, anchorMs);
  if (e.source === 'deputy') {
    // Deputies follow their concerns closely and urge now and then.
    const urges = rng.weighted([
      [0, 60],
      [1, 30],
      [2, 10],
    ] as const);
    for (let i = 0; i < urges; i++) {
      const u = dispatchedMs + rng.float(0.2, 0.9) * (lastMs - dispatchedMs);
      if (u > dispatchedMs && u < lastMs) e.urgesMs.push(Math.round(u));
    }
    e.urgesMs.sort((a, b) => a - b);
  }
  if (rng.chance(0.02) || (e.dueMs !== null && lastMs > e.dueMs && rng.chance(0.3))) {
    const s = e.dueMs !== null && e.dueMs < lastMs ? e.dueMs + MIN_MS : dispatchedMs + MIN_MS;
    if (s < lastMs) e.supervisedMs = s;
  }
}

function startOfShanghaiDay(ms: number): number {
  return Math.floor((ms + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS;
}

function dayOfYear(ms: number): number {
  const d = new Date(ms + SHANGHAI_MS);
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS);
}
