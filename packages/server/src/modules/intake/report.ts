import { CreateEventRequest, sourceProfile } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError, errorCodeOfIssues } from '../../errors.ts';
import { presentCategory } from '../catalog/catalog.presenter.ts';
import { findCategoryRowCached, hasActiveSubcategoriesCached } from '../catalog/catalog.repository.ts';
import { isSystemActor, type EventActor } from '../events/event-actor.ts';
import type { AcceptedReport } from '../events/event-write.ts';
import { DEFAULT_OCCURRED_AT_BOUNDS, occurredAtProblem } from '../events/events.policy.ts';
import { assertWithinKeyBinding } from '../events/key-binding.ts';
import { routeEvent } from '../events/routing.policy.ts';
import { plateOrThrow } from '../vehicles/plate.ts';

/** A report as every channel hands it in: the body of POST /api/v1/events (contracts' CreateEventRequest). */
export type Report = CreateEventRequest;

/**
 * Reads an untyped report (a channel with no schema of its own, a script): the one shape check,
 * with api.md's error shape. HTTP routes have Fastify check the same schema at the edge and hand
 * the typed body straight to submitReport, so no body is checked twice.
 */
export function parseReport(raw: unknown): Report {
  const parsed = CreateEventRequest.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      errorCodeOfIssues(parsed.error.issues),
      'Invalid event',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

export type AcceptDeps = Pick<AppDeps, 'clock' | 'territory' | 'logger' | 'caches' | 'bus' | 'db'> & Partial<Pick<AppDeps, 'config'>>;

/** The checks that come before a repeat is answered: the plate's normal form, and who may file a report self-handled. */
export function normalizedReport(actor: EventActor, report: Report): Report {
  const input: Report = { ...report };
  if (input.plate !== undefined) input.plate = plateOrThrow(input.plate, 'body.plate').plate;
  if (input.selfHandled && !(actor.kind === 'user' && actor.roles.includes('grid_worker'))) {
    throw new AppError('FORBIDDEN', 'Only grid workers close what they fixed on the spot (selfHandled)');
  }
  return input;
}

/**
 * What the intake decides about a (normalized) report before anything is written, each once: its leaf category in use, when it happened, where
 * it is and who handles it (条块合一), whether a unit-bound key may file there, and the status it
 * starts in (a machine's alarm of a category that asks for confirmation waits for the duty room).
 */
export async function acceptReport(deps: AcceptDeps, actor: EventActor, input: Report): Promise<AcceptedReport> {
  const categoryRow = await findCategoryRowCached(deps, input.category);
  if (!categoryRow) throw new AppError('UNKNOWN_CATEGORY', `Unknown category ${input.category}`, { category: input.category });
  const category = presentCategory(categoryRow);
  if (!category.isActive) {
    throw new AppError('UNKNOWN_CATEGORY', `Category ${input.category} is no longer in use`, { category: input.category, reason: 'inactive' });
  }
  if (await hasActiveSubcategoriesCached(deps, category.code)) {
    throw new AppError('CATEGORY_NOT_LEAF', `Category ${input.category} is a major category (大类): file the event under one of its subcategories`, {
      category: input.category,
    });
  }
  const occurredAtError =
    input.occurredAt === undefined ? null : occurredAtProblem(input.occurredAt, deps.clock.now(), deps.config?.events ?? DEFAULT_OCCURRED_AT_BOUNDS);
  if (occurredAtError) throw new AppError('OCCURRED_AT_OUT_OF_RANGE', occurredAtError, [{ path: 'body.occurredAt', message: occurredAtError }]);

  const chain = deps.territory.locate(input.location.lng, input.location.lat);
  if (!chain) throw new AppError('OUTSIDE_JURISDICTION', 'The location is outside the county', { lng: input.location.lng, lat: input.location.lat });
  const routing = routeEvent(deps.territory, chain, category);
  if (routing.unresolved.length)
    deps.logger.warn({ category: category.code, departments: routing.unresolved }, 'routing rule names a department the org tree lacks');
  if (!isSystemActor(actor)) assertWithinKeyBinding(deps, actor, chain, [routing.lead.id, ...routing.co.map((u) => u.id)]);

  const profile = sourceProfile(input.source);
  const status = category.requiresConfirmation && profile.needsConfirmation ? 'pending_confirmation' : 'reported';
  return { input, category, chain, routing, status, mergeNearby: profile.dedup.nearby };
}

/** Largest process variables a report carries into its process (JSON text). */
const MAX_VARS_CHARS = 8 * 1024;

/** Process variables must be a plain JSON object of modest size: they are stored with the queue and the instance. */
export function checkedVars(vars: unknown): Record<string, unknown> | null {
  if (vars === undefined || vars === null) return null;
  if (typeof vars !== 'object' || Array.isArray(vars) || Object.getPrototypeOf(vars) !== Object.prototype) {
    throw new AppError('VALIDATION_FAILED', 'Process variables must be an object', [{ path: 'vars', message: 'Expected an object' }]);
  }
  const text = JSON.stringify(vars);
  if (text.length > MAX_VARS_CHARS)
    throw new AppError('VALIDATION_FAILED', `Process variables exceed ${MAX_VARS_CHARS} characters`, [{ path: 'vars', message: 'Too large' }]);
  return JSON.parse(text) as Record<string, unknown>;
}
