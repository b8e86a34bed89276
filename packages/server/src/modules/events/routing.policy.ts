import type { UnitRule } from '@liandong/contracts';
import type { LocatedChain, Territory, UnitInfo } from '../org/territory.ts';

export interface Routing {
  lead: UnitInfo;
  co: UnitInfo[];
  /** Department codes a rule named that the org tree lacks (the rule was skipped). */
  unresolved: string[];
}

/**
 * Which unit a rule names for an event at `chain` (条块合一): a territorial level of the
 * location, or a department — its local station for the event's township when it has one.
 */
export function resolveUnitRule(territory: Territory, chain: LocatedChain, rule: UnitRule): UnitInfo | undefined {
  if ('level' in rule) return chain[rule.level];
  const department = territory.findByCode('department', rule.department);
  if (!department) return undefined;
  const station = territory.children(department.id).find((u) => u.kind === 'station' && u.areaUnitId === chain.township.id);
  return station ?? department;
}

/** Lead and co-handling units of a category at a place. Without a lead rule the village leads. */
export function routeEvent(territory: Territory, chain: LocatedChain, rules: { leadRule: UnitRule | null; coHandlingRules: UnitRule[] }): Routing {
  const unresolved: string[] = [];
  const resolve = (rule: UnitRule) => {
    const unit = resolveUnitRule(territory, chain, rule);
    if (!unit && 'department' in rule) unresolved.push(rule.department);
    return unit;
  };
  const lead = (rules.leadRule && resolve(rules.leadRule)) || chain.village;
  const co: UnitInfo[] = [];
  for (const rule of rules.coHandlingRules) {
    const unit = resolve(rule);
    if (unit && unit.id !== lead.id && !co.some((c) => c.id === unit.id)) co.push(unit);
  }
  return { lead, co, unresolved };
}
