import type { UnitRule } from '@liandong/contracts';
import type { Db } from '../../db/database.ts';

/*
 * The default catalogue: 事件 (events) and 部件 (public facilities) as county platforms use them,
 * 大类 two digits + 小类 two more. Working-time limits are in working minutes (a working day is
 * 450 min: 08:30–12:00, 13:30–17:30); emergencies use natural minutes. Categories an AI camera
 * reports need a duty officer's confirmation (~70% precision) and merge repeats within
 * 10 min / 200 m. Department codes are the ones every county import must provide.
 */

const WD = 450; // one working day, in working minutes

type Seed = {
  code: string;
  zh: string;
  en: string;
  family?: 'event' | 'component';
  urgency?: 'normal' | 'urgent' | 'critical';
  limit?: number | null;
  kind?: 'working' | 'natural';
  confirm?: boolean;
  /** AI-video scene: 10 min / 200 m dedup window. */
  video?: boolean;
  lead?: UnitRule | null;
  co?: UnitRule[];
  process?: string;
};

const v = (level: 'grid' | 'village' | 'township' | 'county'): UnitRule => ({ level });
const d = (department: string): UnitRule => ({ department });

const MAJORS: Seed[] = [
  { code: '01', zh: '市容环境', en: 'City appearance and sanitation' },
  { code: '02', zh: '公用设施', en: 'Public facilities', family: 'component' },
  { code: '03', zh: '宣传广告', en: 'Advertising and posting' },
  { code: '04', zh: '施工管理', en: 'Construction management' },
  { code: '05', zh: '突发事件', en: 'Emergencies', urgency: 'urgent', kind: 'natural' },
  { code: '06', zh: '街面秩序', en: 'Street order' },
  { code: '07', zh: '社会治理', en: 'Social governance' },
  { code: '08', zh: '生态环境与农业', en: 'Ecology, environment and agriculture' },
];

const MINORS: Seed[] = [
  // 01 市容环境
  { code: '0101', zh: '暴露垃圾', en: 'Exposed garbage', limit: 240, confirm: true, video: true, lead: v('village'), process: 'ai-alarm' },
  { code: '0102', zh: '积存垃圾渣土', en: 'Accumulated garbage and muck', limit: 480, lead: v('village') },
  { code: '0103', zh: '道路不洁', en: 'Unclean road surface', limit: 120, lead: d('construction') },
  { code: '0104', zh: '乱堆物堆料', en: 'Materials piled in public space', limit: 240, confirm: true, video: true, lead: v('village'), process: 'ai-alarm' },
  { code: '0105', zh: '垃圾满溢', en: 'Overflowing garbage bin', limit: 120, confirm: true, video: true, lead: d('construction'), process: 'ai-alarm' },
  { code: '0106', zh: '沿街晾挂', en: 'Laundry hung along the street', limit: 240, confirm: true, video: true, lead: v('village'), process: 'ai-alarm' },
  { code: '0107', zh: '废弃车辆', en: 'Abandoned vehicle', limit: 2 * WD, lead: d('enforcement'), co: [d('traffic_police')], process: 'collaboration' },
  { code: '0108', zh: '餐饮油烟污染', en: 'Restaurant cooking fumes', limit: 3 * WD, lead: d('enforcement'), co: [d('environment')], process: 'collaboration' },
  // 02 公用设施 (部件)
  { code: '0201', zh: '井盖破损', en: 'Broken manhole cover', family: 'component', urgency: 'urgent', limit: 480, lead: d('construction') },
  { code: '0202', zh: '路灯损坏', en: 'Broken street lamp', family: 'component', limit: 3 * WD, lead: d('construction') },
  { code: '0203', zh: '道路破损', en: 'Damaged road surface', family: 'component', limit: 5 * WD, lead: d('transport') },
  { code: '0204', zh: '消防栓损坏', en: 'Damaged fire hydrant', family: 'component', limit: 2 * WD, lead: d('fire_rescue') },
  { code: '0205', zh: '交通信号灯故障', en: 'Traffic light failure', family: 'component', urgency: 'urgent', limit: 120, lead: d('traffic_police') },
  { code: '0206', zh: '护栏损坏', en: 'Damaged guardrail', family: 'component', limit: 3 * WD, lead: d('transport') },
  { code: '0207', zh: '供水管道漏水', en: 'Leaking water main', family: 'component', urgency: 'urgent', limit: 240, lead: d('water') },
  {
    code: '0208',
    zh: '树木倒伏',
    en: 'Fallen tree',
    family: 'component',
    urgency: 'urgent',
    limit: 120,
    kind: 'natural',
    lead: d('construction'),
    co: [d('transport')],
    process: 'collaboration',
  },
  // 03 宣传广告
  { code: '0301', zh: '违规张贴小广告', en: 'Illegal flyers and posters', limit: 240, confirm: true, video: true, lead: v('village'), process: 'ai-alarm' },
  { code: '0302', zh: '违规户外广告', en: 'Unauthorised outdoor billboard', limit: 5 * WD, lead: d('enforcement') },
  // 04 施工管理
  { code: '0401', zh: '施工扰民', en: 'Construction noise nuisance', limit: 240, lead: d('enforcement'), co: [d('environment')], process: 'collaboration' },
  {
    code: '0402',
    zh: '违法建设',
    en: 'Illegal construction',
    limit: 20 * WD,
    lead: d('enforcement'),
    co: [d('natural_resources'), v('township')],
    process: 'collaboration',
  },
  {
    code: '0403',
    zh: '工地扬尘',
    en: 'Construction site dust',
    limit: 480,
    confirm: true,
    video: true,
    lead: d('construction'),
    co: [d('environment')],
    process: 'ai-alarm',
  },
  {
    code: '0404',
    zh: '道路遗撒',
    en: 'Spillage from trucks on the road',
    limit: 240,
    confirm: true,
    video: true,
    lead: d('enforcement'),
    co: [d('transport')],
    process: 'ai-alarm',
  },
  // 05 突发事件
  {
    code: '0501',
    zh: '饮用水源地违规活动',
    en: 'Activity at a drinking-water source',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: v('village'),
    co: [d('water'), v('township')],
    process: 'collaboration',
  },
  {
    code: '0502',
    zh: '道路积水',
    en: 'Water on the road',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: d('construction'),
    co: [d('traffic_police')],
    process: 'ai-alarm',
  },
  {
    code: '0503',
    zh: '火情',
    en: 'Fire',
    urgency: 'critical',
    limit: 15,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: d('fire_rescue'),
    co: [v('township'), d('emergency')],
    process: 'ai-alarm',
  },
  {
    code: '0504',
    zh: '人员聚集',
    en: 'Crowd gathering',
    urgency: 'urgent',
    limit: 30,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: d('public_security'),
    co: [v('township')],
    process: 'ai-alarm',
  },
  {
    code: '0505',
    zh: '重点区域入侵',
    en: 'Intrusion into a protected area',
    urgency: 'urgent',
    limit: 30,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: v('village'),
    co: [d('public_security')],
    process: 'ai-alarm',
  },
  {
    code: '0506',
    zh: '危化品泄漏',
    en: 'Hazardous chemical leak',
    urgency: 'critical',
    limit: 15,
    kind: 'natural',
    lead: d('emergency'),
    co: [d('environment'), d('fire_rescue')],
    process: 'collaboration',
  },
  {
    code: '0507',
    zh: '地质灾害隐患',
    en: 'Geological hazard',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    lead: d('natural_resources'),
    co: [v('township')],
    process: 'collaboration',
  },
  {
    code: '0508',
    zh: '交通事故',
    en: 'Traffic accident',
    urgency: 'critical',
    limit: 15,
    kind: 'natural',
    lead: d('traffic_police'),
    co: [d('health')],
    process: 'collaboration',
  },
  // 06 街面秩序
  { code: '0601', zh: '违规停车', en: 'Illegal parking', limit: 60, kind: 'natural', lead: d('enforcement'), process: 'parking' },
  { code: '0602', zh: '占道经营', en: 'Road-occupying business', limit: 240, confirm: true, video: true, lead: d('enforcement'), process: 'ai-alarm' },
  { code: '0603', zh: '流动摊贩', en: 'Street vendors', limit: 120, confirm: true, video: true, lead: d('enforcement'), process: 'ai-alarm' },
  { code: '0604', zh: '店外经营', en: 'Business spilling out of a shop', limit: 240, confirm: true, video: true, lead: d('enforcement'), process: 'ai-alarm' },
  {
    code: '0605',
    zh: '非机动车乱停放',
    en: 'Disorderly non-motor vehicle parking',
    limit: 120,
    confirm: true,
    video: true,
    lead: v('village'),
    process: 'ai-alarm',
  },
  { code: '0606', zh: '无证经营', en: 'Unlicensed business', limit: 5 * WD, lead: d('market_regulation') },
  {
    code: '0607',
    zh: '食品安全隐患',
    en: 'Food safety hazard',
    urgency: 'urgent',
    limit: 3 * WD,
    lead: d('market_regulation'),
    co: [d('health')],
    process: 'collaboration',
  },
  // 07 社会治理
  {
    code: '0701',
    zh: '独居老人异常',
    en: 'Person under care inactive',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    lead: v('grid'),
    co: [d('civil_affairs')],
    process: 'care-inactivity',
  },
  { code: '0702', zh: '邻里纠纷', en: 'Neighbour dispute', limit: 5 * WD, lead: v('village') },
  { code: '0703', zh: '民生诉求', en: "Residents' concern (via a people's deputy)", limit: 5 * WD, lead: v('township'), process: 'deputy-concern' },
  { code: '0704', zh: '安全隐患', en: 'Safety hazard', limit: 3 * WD, lead: d('emergency'), co: [v('township')], process: 'collaboration' },
  {
    code: '0705',
    zh: '困难群众救助',
    en: 'Assistance for people in hardship',
    limit: 5 * WD,
    lead: d('civil_affairs'),
    co: [v('village')],
    process: 'collaboration',
  },
  { code: '0706', zh: '校园周边安全', en: 'Safety around schools', limit: 3 * WD, lead: d('education'), co: [d('public_security')], process: 'collaboration' },
  { code: '0707', zh: '网格自行处置', en: 'Handled on the spot by the grid', limit: null, lead: v('grid'), process: 'self-handled' },
  // 08 生态环境与农业
  {
    code: '0801',
    zh: '露天焚烧',
    en: 'Open burning',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    confirm: true,
    video: true,
    lead: v('village'),
    co: [d('environment')],
    process: 'ai-alarm',
  },
  { code: '0802', zh: '污水直排', en: 'Untreated sewage discharge', limit: 3 * WD, lead: d('environment'), co: [d('water')], process: 'collaboration' },
  { code: '0803', zh: '非法捕捞', en: 'Illegal fishing', limit: 2 * WD, confirm: true, video: true, lead: d('agriculture'), process: 'ai-alarm' },
  {
    code: '0804',
    zh: '非法占用耕地',
    en: 'Illegal occupation of farmland',
    limit: 10 * WD,
    lead: d('natural_resources'),
    co: [d('agriculture')],
    process: 'collaboration',
  },
  {
    code: '0805',
    zh: '传染病疫情',
    en: 'Infectious disease outbreak',
    urgency: 'critical',
    limit: 120,
    kind: 'natural',
    lead: d('health'),
    co: [v('township')],
    process: 'collaboration',
  },
  {
    code: '0806',
    zh: '水质异常',
    en: 'Abnormal water quality',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    confirm: true,
    lead: d('water'),
    co: [d('environment')],
    process: 'collaboration',
  },
];

/** The department codes the catalogue's routing rules refer to; a county import must provide them. */
export const CATALOGUE_DEPARTMENT_CODES = [
  'water',
  'enforcement',
  'construction',
  'civil_affairs',
  'traffic_police',
  'environment',
  'market_regulation',
  'emergency',
  'health',
  'education',
  'transport',
  'natural_resources',
  'agriculture',
  'public_security',
  'fire_rescue',
] as const;

/** The seed entries, parents first (exported for the demo generator and tests). */
export const CATALOGUE_SEED: readonly Seed[] = [...MAJORS, ...MINORS];

/**
 * Inserts the default catalogue's categories that are missing; existing codes are left as an
 * administrator may have edited them. Returns how many were inserted.
 */
export async function seedCatalogue(db: Db, nowIso: string): Promise<number> {
  const existing = new Set((await db.selectFrom('categories').select('code').execute()).map((r) => r.code));
  const majors = new Map(MAJORS.map((m) => [m.code, m]));
  let inserted = 0;
  for (const [i, s] of CATALOGUE_SEED.entries()) {
    if (existing.has(s.code)) continue;
    const parentCode = s.code.length > 2 ? s.code.slice(0, 2) : null;
    const parent = parentCode ? majors.get(parentCode) : undefined;
    await db
      .insertInto('categories')
      .values({
        code: s.code,
        parent_code: parentCode,
        family: s.family ?? parent?.family ?? 'event',
        name_zh: s.zh,
        name_en: s.en,
        default_urgency: s.urgency ?? parent?.urgency ?? 'normal',
        time_limit_minutes: s.limit ?? null,
        time_limit_kind: s.kind ?? parent?.kind ?? 'working',
        requires_confirmation: s.confirm ? 1 : 0,
        dedup_window_minutes: s.video ? 10 : 0,
        dedup_radius_m: s.video ? 200 : 0,
        lead_rule: s.lead ? JSON.stringify(s.lead) : null,
        co_handling_rules: JSON.stringify(s.co ?? []),
        process_key: parentCode ? (s.process ?? 'standard') : null,
        is_active: 1,
        sort_order: i,
        updated_at: nowIso,
      })
      .execute();
    inserted++;
  }
  return inserted;
}
