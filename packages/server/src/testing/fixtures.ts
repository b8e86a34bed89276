import { hash } from '@node-rs/argon2';
import type { Role } from '@liandong/contracts';
import type { Db } from '../db/database.ts';
import { defaultIds } from '../lib/ids.ts';

/**
 * A small county for tests: 2 townships × 2 villages × 2 grids, rectangles that tile
 * 122.0–122.4°E × 30.0–30.2°N exactly, five departments, a user per role and a few categories.
 * Inserted directly (not through services) so every module's tests can rely on it.
 */
export const FIXTURE_PASSWORD = 'fixture-pass-1';
export const FIXTURE_NOW = '2026-11-27T00:00:00.000Z';

type Box = [number, number, number, number]; // minLng, minLat, maxLng, maxLat
const polygon = ([a, b, c, d]: Box) => ({
  type: 'Polygon',
  coordinates: [
    [
      [a, b],
      [c, b],
      [c, d],
      [a, d],
      [a, b],
    ],
  ],
});

export interface Fixture {
  units: Record<string, string>;
  users: Record<string, { id: string; username: string }>;
  /** A point inside each grid, keyed like the grid. */
  points: Record<string, { lng: number; lat: number }>;
}

const UNITS: Array<{ key: string; parent: string | null; kind: string; code: string; name: string; nameEn: string; box?: Box; area?: string }> = [
  { key: 'county', parent: null, kind: 'county', code: '330999', name: '测试县', nameEn: 'Test County', box: [122.0, 30.0, 122.4, 30.2] },
  { key: 'tA', parent: 'county', kind: 'township', code: '330999001', name: '东港镇', nameEn: 'Donggang Town', box: [122.0, 30.0, 122.2, 30.2] },
  { key: 'tB', parent: 'county', kind: 'township', code: '330999002', name: '西岙镇', nameEn: 'Xi’ao Town', box: [122.2, 30.0, 122.4, 30.2] },
  { key: 'vA1', parent: 'tA', kind: 'village', code: '330999001001', name: '南浦村', nameEn: 'Nanpu Village', box: [122.0, 30.0, 122.2, 30.1] },
  { key: 'vA2', parent: 'tA', kind: 'village', code: '330999001002', name: '北塘社区', nameEn: 'Beitang Community', box: [122.0, 30.1, 122.2, 30.2] },
  { key: 'vB1', parent: 'tB', kind: 'village', code: '330999002001', name: '石桥村', nameEn: 'Shiqiao Village', box: [122.2, 30.0, 122.4, 30.1] },
  { key: 'vB2', parent: 'tB', kind: 'village', code: '330999002002', name: '山前村', nameEn: 'Shanqian Village', box: [122.2, 30.1, 122.4, 30.2] },
  { key: 'gA1a', parent: 'vA1', kind: 'grid', code: '330999001001-01', name: '南浦村第一网格', nameEn: 'Nanpu Grid 1', box: [122.0, 30.0, 122.1, 30.1] },
  { key: 'gA1b', parent: 'vA1', kind: 'grid', code: '330999001001-02', name: '南浦村第二网格', nameEn: 'Nanpu Grid 2', box: [122.1, 30.0, 122.2, 30.1] },
  { key: 'gA2a', parent: 'vA2', kind: 'grid', code: '330999001002-01', name: '北塘社区第一网格', nameEn: 'Beitang Grid 1', box: [122.0, 30.1, 122.1, 30.2] },
  { key: 'gA2b', parent: 'vA2', kind: 'grid', code: '330999001002-02', name: '北塘社区第二网格', nameEn: 'Beitang Grid 2', box: [122.1, 30.1, 122.2, 30.2] },
  { key: 'gB1a', parent: 'vB1', kind: 'grid', code: '330999002001-01', name: '石桥村第一网格', nameEn: 'Shiqiao Grid 1', box: [122.2, 30.0, 122.3, 30.1] },
  { key: 'gB1b', parent: 'vB1', kind: 'grid', code: '330999002001-02', name: '石桥村第二网格', nameEn: 'Shiqiao Grid 2', box: [122.3, 30.0, 122.4, 30.1] },
  { key: 'gB2a', parent: 'vB2', kind: 'grid', code: '330999002002-01', name: '山前村第一网格', nameEn: 'Shanqian Grid 1', box: [122.2, 30.1, 122.3, 30.2] },
  { key: 'gB2b', parent: 'vB2', kind: 'grid', code: '330999002002-02', name: '山前村第二网格', nameEn: 'Shanqian Grid 2', box: [122.3, 30.1, 122.4, 30.2] },
  { key: 'water', parent: 'county', kind: 'department', code: 'water', name: '县水利局', nameEn: 'Water Resources Bureau' },
  { key: 'enforcement', parent: 'county', kind: 'department', code: 'enforcement', name: '县综合行政执法局', nameEn: 'Law Enforcement Bureau' },
  { key: 'construction', parent: 'county', kind: 'department', code: 'construction', name: '县住建局', nameEn: 'Housing and Construction Bureau' },
  { key: 'civil', parent: 'county', kind: 'department', code: 'civil_affairs', name: '县民政局', nameEn: 'Civil Affairs Bureau' },
  { key: 'traffic', parent: 'county', kind: 'department', code: 'traffic_police', name: '县交警大队', nameEn: 'Traffic Police Brigade' },
  {
    key: 'enforcementA',
    parent: 'enforcement',
    kind: 'station',
    code: 'enforcement-330999001',
    name: '东港执法中队',
    nameEn: 'Donggang Enforcement Squad',
    area: 'tA',
  },
];

const USERS: Array<{ key: string; name: string; phone: string; unit: string; role: Role }> = [
  { key: 'admin', name: '系统管理员', phone: '13800000001', unit: 'county', role: 'admin' },
  { key: 'leader', name: '县领导', phone: '13800000002', unit: 'county', role: 'leader' },
  { key: 'duty', name: '县值班员', phone: '13800000003', unit: 'county', role: 'duty_officer' },
  { key: 'dispatcherA', name: '东港镇调度员', phone: '13800000004', unit: 'tA', role: 'dispatcher' },
  { key: 'handlerVA1', name: '南浦村干部', phone: '13800000005', unit: 'vA1', role: 'handler' },
  { key: 'gwA1a', name: '南浦网格员', phone: '13800000006', unit: 'gA1a', role: 'grid_worker' },
  { key: 'gwB1a', name: '石桥网格员', phone: '13800000007', unit: 'gB1a', role: 'grid_worker' },
  { key: 'waterHandler', name: '水利局经办人', phone: '13800000008', unit: 'water', role: 'handler' },
  { key: 'officer', name: '执法队员', phone: '13800000009', unit: 'enforcementA', role: 'officer' },
  { key: 'deputy', name: '人大代表', phone: '13800000010', unit: 'tA', role: 'deputy' },
  { key: 'integrator', name: '集成商', phone: '13800000011', unit: 'county', role: 'integrator' },
];

const CATEGORIES: Array<{
  code: string;
  parent: string | null;
  family: string;
  zh: string;
  en: string;
  urgency: string;
  limit: number | null;
  kind: string;
  confirm: number;
  window: number;
  radius: number;
  lead: object | null;
  co: object[];
  process?: string;
}> = [
  {
    code: '01',
    parent: null,
    family: 'event',
    zh: '市容环境',
    en: 'City appearance',
    urgency: 'normal',
    limit: null,
    kind: 'working',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: null,
    co: [],
  },
  {
    code: '0101',
    parent: '01',
    family: 'event',
    zh: '暴露垃圾',
    en: 'Exposed garbage',
    urgency: 'normal',
    limit: 240,
    kind: 'working',
    confirm: 0,
    window: 10,
    radius: 200,
    lead: { level: 'village' },
    co: [],
  },
  {
    code: '02',
    parent: null,
    family: 'component',
    zh: '公用设施',
    en: 'Public facilities',
    urgency: 'normal',
    limit: null,
    kind: 'working',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: null,
    co: [],
  },
  {
    code: '0201',
    parent: '02',
    family: 'component',
    zh: '井盖破损',
    en: 'Broken manhole cover',
    urgency: 'urgent',
    limit: 480,
    kind: 'working',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: { department: 'construction' },
    co: [],
  },
  {
    code: '05',
    parent: null,
    family: 'event',
    zh: '突发事件',
    en: 'Emergencies',
    urgency: 'urgent',
    limit: null,
    kind: 'natural',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: null,
    co: [],
  },
  {
    code: '06',
    parent: null,
    family: 'event',
    zh: '街面秩序',
    en: 'Street order',
    urgency: 'normal',
    limit: null,
    kind: 'working',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: null,
    co: [],
  },
  {
    code: '0601',
    parent: '06',
    family: 'event',
    zh: '违规停车',
    en: 'Illegal parking',
    urgency: 'normal',
    limit: 30,
    kind: 'natural',
    confirm: 0,
    window: 0,
    radius: 0,
    lead: { department: 'enforcement' },
    co: [],
    process: 'parking',
  },
  {
    code: '0501',
    parent: '05',
    family: 'event',
    zh: '饮用水源地违规活动',
    en: 'Activity at a drinking-water source',
    urgency: 'urgent',
    limit: 60,
    kind: 'natural',
    confirm: 1,
    window: 10,
    radius: 200,
    lead: { level: 'village' },
    co: [{ department: 'water' }, { level: 'township' }],
  },
];

export async function seedFixture(db: Db): Promise<Fixture> {
  const now = FIXTURE_NOW;
  const units: Record<string, string> = {};
  const paths: Record<string, string> = {};
  for (const u of UNITS) {
    const id = defaultIds.id();
    units[u.key] = id;
    const parentPath = u.parent ? paths[u.parent] : '/';
    paths[u.key] = `${parentPath}${id}/`;
    await db
      .insertInto('org_units')
      .values({
        id,
        parent_id: u.parent ? units[u.parent] : null,
        kind: u.kind,
        code: u.code,
        name: u.name,
        name_en: u.nameEn,
        path: paths[u.key],
        depth: paths[u.key].split('/').length - 3,
        area_unit_id: u.area ? units[u.area] : null,
        boundary: u.box ? JSON.stringify(polygon(u.box)) : null,
        centroid_lng: u.box ? (u.box[0] + u.box[2]) / 2 : null,
        centroid_lat: u.box ? (u.box[1] + u.box[3]) / 2 : null,
        sort_order: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const passwordHash = await hash(FIXTURE_PASSWORD);
  const users: Fixture['users'] = {};
  for (const u of USERS) {
    const id = defaultIds.id();
    users[u.key] = { id, username: u.key };
    await db
      .insertInto('users')
      .values({ id, username: u.key, display_name: u.name, phone: u.phone, password_hash: passwordHash, is_active: 1, created_at: now, updated_at: now })
      .execute();
    await db.insertInto('memberships').values({ id: defaultIds.id(), user_id: id, org_unit_id: units[u.unit], role: u.role, created_at: now }).execute();
  }
  for (const [i, c] of CATEGORIES.entries()) {
    await db
      .insertInto('categories')
      .values({
        code: c.code,
        parent_code: c.parent,
        family: c.family,
        name_zh: c.zh,
        name_en: c.en,
        default_urgency: c.urgency,
        time_limit_minutes: c.limit,
        time_limit_kind: c.kind,
        requires_confirmation: c.confirm,
        dedup_window_minutes: c.window,
        dedup_radius_m: c.radius,
        lead_rule: c.lead ? JSON.stringify(c.lead) : null,
        co_handling_rules: JSON.stringify(c.co),
        process_key: c.process ?? null,
        is_active: 1,
        sort_order: i,
        updated_at: now,
      })
      .execute();
  }
  const points: Fixture['points'] = {};
  for (const u of UNITS) {
    if (u.kind === 'grid' && u.box) points[u.key] = { lng: (u.box[0] + u.box[2]) / 2, lat: (u.box[1] + u.box[3]) / 2 };
  }
  return { units, users, points };
}
