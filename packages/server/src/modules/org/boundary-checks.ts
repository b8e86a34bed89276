import { TERRITORIAL_KINDS, type BoundaryIssue, type TerritorialKind } from '@liandong/contracts';
import polygonClipping, { type MultiPolygon as ClipMultiPolygon, type Polygon as ClipPolygon } from 'polygon-clipping';
import { z } from 'zod';
import { checkAreaGeometry } from '../../lib/geo/geometry-check.ts';
import { areaM2OfPolygons, bboxOf, centroidOfPolygons, polygonsOf, type AreaGeometry } from '../../lib/geo/geometry.ts';

/*
 * Pure validation of a boundary set against the units already stored: no database, no clock.
 * Every issue is blocking (see boundary-import.ts for why there are no warnings).
 */

export const BoundaryFeatureProperties = z.object({
  kind: z.enum(TERRITORIAL_KINDS),
  code: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().max(200).nullish(),
  parentCode: z.string().trim().min(1).max(64).nullish(),
});

/** A stored territorial unit as the checks see it. */
export interface ExistingUnit {
  id: string;
  kind: TerritorialKind;
  code: string;
  parentId: string | null;
  path: string;
  depth: number;
  geometry: AreaGeometry | null;
}

/** A unit of the imported file that passed the per-feature checks. */
export interface PlannedUnit {
  key: string;
  kind: TerritorialKind;
  code: string;
  name: string;
  nameEn: string | null | undefined;
  /** Key of the parent (in the file or stored); null for a county. */
  parentKey: string | null;
  geometry: AreaGeometry;
  existing?: ExistingUnit;
}

export interface BoundaryCheckResult {
  planned: PlannedUnit[];
  issues: BoundaryIssue[];
  featureCount: number;
}

export const unitKey = (kind: string, code: string) => `${kind}:${code}`;
const PARENT_KIND: Record<TerritorialKind, TerritorialKind | null> = { county: null, township: 'county', village: 'township', grid: 'village' };

/**
 * Checks features one by one (fields, geometry, duplicates, parents), then the topology of
 * every sibling group touched by the file (overlaps, units sticking out of their parent, gaps).
 * `onStep` is called once per feature per phase (2 × features in all).
 */
export function checkBoundarySet(features: unknown[], existing: ExistingUnit[], opts: { toleranceM2: number; onStep?: () => void }): BoundaryCheckResult {
  const issues: BoundaryIssue[] = [];
  const step = opts.onStep ?? (() => {});
  const existingByKey = new Map(existing.map((u) => [unitKey(u.kind, u.code), u]));
  const existingById = new Map(existing.map((u) => [u.id, u]));

  // 1. Fields and geometry, feature by feature.
  const parsed: Array<PlannedUnit & { parentCode: string | null; position: number }> = [];
  const seen = new Map<string, number>();
  const rejected = new Set<string>();
  features.forEach((feature, i) => {
    step();
    const position = i + 1;
    const f = (feature && typeof feature === 'object' ? feature : {}) as { type?: unknown; properties?: unknown; geometry?: unknown };
    const rawCode = (f.properties as { code?: unknown } | null | undefined)?.code;
    const label = typeof rawCode === 'string' && rawCode.trim() ? rawCode.trim() : `#${position}`;
    if (f.type !== 'Feature') {
      issues.push({ kind: 'missing_field', featureIds: [label], message: `Feature ${position} (${label}): "type" must be "Feature"` });
      return;
    }
    const props = BoundaryFeatureProperties.safeParse(f.properties ?? {});
    if (!props.success) {
      const detail = props.error.issues.map((e) => `${e.path.join('.') || 'properties'}: ${e.message}`).join('; ');
      issues.push({ kind: 'missing_field', featureIds: [label], message: `Feature ${position} (${label}): ${detail}` });
      return;
    }
    const p = props.data;
    const { geometry, problems } = checkAreaGeometry(f.geometry);
    if (!geometry) {
      rejected.add(unitKey(p.kind, p.code));
      issues.push({ kind: 'invalid_geometry', featureIds: [p.code], message: `Feature ${position} (${p.kind} ${p.code}): ${problems.join('; ')}` });
      return;
    }
    const key = unitKey(p.kind, p.code);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ kind: 'duplicate_code', featureIds: [p.code], message: `${p.kind} code ${p.code} appears in features ${first} and ${position}` });
      return;
    }
    seen.set(key, position);
    parsed.push({
      key,
      kind: p.kind,
      code: p.code,
      name: p.name,
      nameEn: p.nameEn,
      parentKey: null,
      parentCode: p.parentCode ?? null,
      geometry,
      existing: existingByKey.get(key),
      position,
    });
  });
  const fileByKey = new Map(parsed.map((u) => [u.key, u]));
  const codesInFile = new Map<string, string>(parsed.map((u) => [u.code, u.kind]));

  // 2. Parents: the parent must be of the level right above, in the file or already stored.
  const planned: PlannedUnit[] = [];
  for (const u of parsed) {
    const parentKind = PARENT_KIND[u.kind];
    const what = `${u.kind} ${u.code}`;
    if (!parentKind) {
      if (u.parentCode) issues.push({ kind: 'orphan', featureIds: [u.code], message: `${what}: a county has no parent, but parentCode is ${u.parentCode}` });
      else planned.push(u);
      continue;
    }
    if (!u.parentCode) {
      issues.push({ kind: 'orphan', featureIds: [u.code], message: `${what}: parentCode is missing (expected a ${parentKind})` });
      continue;
    }
    const parentKey = unitKey(parentKind, u.parentCode);
    if (rejected.has(parentKey)) {
      issues.push({ kind: 'orphan', featureIds: [u.code], message: `${what}: its parent ${parentKind} ${u.parentCode} has problems of its own` });
      continue;
    }
    if (!fileByKey.has(parentKey) && !existingByKey.has(parentKey)) {
      const otherKind = codesInFile.get(u.parentCode) ?? existing.find((e) => e.code === u.parentCode)?.kind;
      issues.push({
        kind: 'orphan',
        featureIds: [u.code],
        message: otherKind
          ? `${what}: parent ${u.parentCode} is a ${otherKind}, but the parent of a ${u.kind} must be a ${parentKind}`
          : `${what}: parent ${parentKind} ${u.parentCode} is neither in the file nor stored`,
      });
      continue;
    }
    if (u.existing) {
      const storedParent = u.existing.parentId ? existingById.get(u.existing.parentId) : undefined;
      if (storedParent && unitKey(storedParent.kind, storedParent.code) !== parentKey) {
        issues.push({
          kind: 'orphan',
          featureIds: [u.code],
          message: `${what} is stored under ${storedParent.kind} ${storedParent.code}; moving a unit to ${parentKind} ${u.parentCode} is not supported by import`,
        });
        continue;
      }
    }
    planned.push({ ...u, parentKey });
  }
  // A unit whose parent was rejected cannot be placed either; say so once, at the unit.
  const accepted = new Set(planned.map((u) => u.key));
  let dropped = true;
  while (dropped) {
    dropped = false;
    for (let i = planned.length - 1; i >= 0; i--) {
      const u = planned[i];
      if (u.parentKey && fileByKey.has(u.parentKey) && !accepted.has(u.parentKey)) {
        issues.push({
          kind: 'orphan',
          featureIds: [u.code],
          message: `${u.kind} ${u.code}: its parent ${u.parentKey.replace(':', ' ')} has problems of its own`,
        });
        accepted.delete(u.key);
        planned.splice(i, 1);
        dropped = true;
      }
    }
  }

  // 3. Topology, per sibling group touched by the file. The result after import is what counts:
  // stored units keep their stored shape unless the file replaces it.
  interface Node {
    key: string;
    code: string;
    kind: string;
    geometry: AreaGeometry | null;
    fromFile: boolean;
    bbox?: [number, number, number, number];
  }
  const nodes = new Map<string, Node>();
  const parentOf = new Map<string, string | null>();
  for (const e of existing) {
    const parent = e.parentId ? existingById.get(e.parentId) : undefined;
    nodes.set(unitKey(e.kind, e.code), { key: unitKey(e.kind, e.code), code: e.code, kind: e.kind, geometry: e.geometry, fromFile: false });
    parentOf.set(unitKey(e.kind, e.code), parent ? unitKey(parent.kind, parent.code) : null);
  }
  for (const u of planned) {
    nodes.set(u.key, { key: u.key, code: u.code, kind: u.kind, geometry: u.geometry, fromFile: true });
    parentOf.set(u.key, u.parentKey);
  }
  const groups = new Map<string, Node[]>();
  for (const [key, parent] of parentOf) {
    const group = `${parent ?? ''}`;
    const list = groups.get(group) ?? [];
    list.push(nodes.get(key)!);
    groups.set(group, list);
  }
  const tolerance = opts.toleranceM2;
  const clip = (g: AreaGeometry) => polygonsOf(g) as unknown as ClipPolygon[];
  const fmt = (m2: number) => (m2 >= 1e6 ? `${(m2 / 1e6).toFixed(3)} km²` : `${Math.round(m2)} m²`);
  const at = (pieces: ClipMultiPolygon) => {
    const [x, y] = centroidOfPolygons(pieces as never);
    return `near [${x.toFixed(6)}, ${y.toFixed(6)}]`;
  };
  const safely = (codes: string[], what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      issues.push({ kind: 'invalid_geometry', featureIds: codes, message: `Could not ${what}: ${(err as Error).message}` });
    }
  };

  for (const [parentKey, members] of groups) {
    const parent = parentKey ? nodes.get(parentKey) : undefined;
    const touched = members.some((m) => m.fromFile) || !!parent?.fromFile;
    if (!touched) continue;
    const shaped = members.filter((m): m is Node & { geometry: AreaGeometry } => m.geometry !== null);
    for (const m of shaped) m.bbox ??= bboxOf(m.geometry);

    // Overlapping siblings: every point must lie in one unit of each level.
    for (let i = 0; i < shaped.length; i++) {
      for (let j = i + 1; j < shaped.length; j++) {
        const a = shaped[i];
        const b = shaped[j];
        if (!a.fromFile && !b.fromFile) continue;
        if (a.bbox![2] <= b.bbox![0] || b.bbox![2] <= a.bbox![0] || a.bbox![3] <= b.bbox![1] || b.bbox![3] <= a.bbox![1]) continue;
        safely([a.code, b.code], `compare ${a.kind} ${a.code} with ${b.kind} ${b.code}`, () => {
          const common = polygonClipping.intersection(clip(a.geometry), clip(b.geometry));
          const area = areaM2OfPolygons(common as never);
          if (area > tolerance) {
            issues.push({
              kind: 'overlap',
              featureIds: [a.code, b.code],
              areaM2: round(area),
              message: `${a.kind} ${a.code} and ${b.kind} ${b.code} overlap by ${fmt(area)} ${at(common)}`,
            });
          }
        });
      }
    }
    if (!parent?.geometry) continue;
    const parentGeometry = parent.geometry;
    // Children sticking out of their parent would be located into the wrong parent's chain.
    for (const m of shaped) {
      if (!m.fromFile && !parent.fromFile) continue;
      safely([m.code, parent.code], `compare ${m.kind} ${m.code} with its parent`, () => {
        const outside = polygonClipping.difference(clip(m.geometry), clip(parentGeometry));
        const area = areaM2OfPolygons(outside as never);
        if (area > tolerance) {
          issues.push({
            kind: 'overlap',
            featureIds: [m.code, parent.code],
            areaM2: round(area),
            message: `${m.kind} ${m.code} extends ${fmt(area)} outside its parent ${parent.kind} ${parent.code} ${at(outside)}`,
          });
        }
      });
    }
    // Gaps: parts of the parent in no child. Only parents that have children are checked:
    // a township imported without villages is not a gap, it is an unfinished tree.
    if (!shaped.length) continue;
    safely([parent.code], `check ${parent.kind} ${parent.code} for gaps`, () => {
      const rest = polygonClipping.difference(clip(parentGeometry), ...shaped.map((m) => clip(m.geometry)));
      const pieces = rest.filter((piece) => areaM2OfPolygons([piece] as never) > tolerance);
      if (!pieces.length) return;
      const area = areaM2OfPolygons(pieces as never);
      issues.push({
        kind: 'gap',
        featureIds: [parent.code],
        areaM2: round(area),
        message: `${fmt(area)} of ${parent.kind} ${parent.code} (${pieces.length} piece${pieces.length > 1 ? 's' : ''}) lie in none of its ${shaped[0].kind}s, ${at(pieces)}`,
      });
    });
  }
  for (let i = 0; i < features.length; i++) step();
  return { planned, issues, featureCount: features.length };
}

const round = (m2: number) => Math.round(m2 * 10) / 10;
