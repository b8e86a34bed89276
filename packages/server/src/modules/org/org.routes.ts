import { CreateOrgUnitRequest, ImportReport, LocateResult, OrgUnit, OrgUnitKind, UpdateOrgUnitRequest } from '@liandong/contracts';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { AppError } from '../../errors.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { importBoundaries } from './boundary-import.ts';
import { createOrgUnit, getBoundaryCollection, getOrgUnitById, listOrgUnits, locatePoint, updateOrgUnit } from './org.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });
// Empty strings must be refused, not coerced to 0 (a point in the Gulf of Guinea).
const coordinate = (min: number, max: number) => z.string().trim().min(1, 'is required').transform(Number).pipe(z.number().min(min).max(max));
const LocateQuery = z.object({ lng: coordinate(-180, 180), lat: coordinate(-90, 90) });
const ListQuery = z.object({ parentId: z.string().min(1).optional(), kind: OrgUnitKind.optional() });
const BoundaryQuery = z.object({ kind: z.enum(['county', 'township', 'village', 'grid']), parentId: z.string().min(1).optional() });
const ImportQuery = z.object({ dryRun: z.enum(['1', '0', 'true', 'false']).optional() });
const FeatureCollectionBody = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).min(1) });
const FeatureCollectionResponse = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      properties: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), code: z.string().nullable(), kind: OrgUnitKind }),
      geometry: z.unknown(),
    }),
  ),
});

const IMPORT_DESCRIPTION = `Body: a GeoJSON FeatureCollection (WGS-84). Each feature has properties
\`{kind: county|township|village|grid, code, name, nameEn?, parentCode}\` (parentCode names the unit one level up,
in the file or already stored; none for a county) and a Polygon or MultiPolygon geometry (holes allowed).
Units are matched by (kind, code): stored ones get the new name and boundary, others are created.
The set is checked as a whole: invalid geometry, duplicate codes, orphans (missing parent or parent of the wrong
level), overlaps between siblings or outside the parent, and gaps in a parent not covered by its children
(areas above 10 m²). Every issue blocks: when there is any, nothing is written and the answer is 422
BOUNDARY_INVALID with the issue list in \`details.issues\`. With \`?dryRun=1\` the report is returned (200) and
nothing is written.`;

/** Organisation (api.md): the territorial tree, departments and stations, point location, boundary import. */
export function registerOrgRoutes(app: Api, deps: AppDeps): void {
  const signedIn = authenticate({ apiKeyScopes: ['org:read'] });
  const admin = authenticate({ roles: ['admin'] });

  app.get(
    '/org-units',
    {
      schema: {
        tags: ['org'],
        summary: 'List org units (without boundaries)',
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(OrgUnit) }) },
      },
      preHandler: signedIn,
    },
    async (req) => ({ items: await listOrgUnits(deps, req.query) }),
  );

  app.get(
    '/org-units/locate',
    {
      schema: {
        tags: ['org'],
        summary: 'The territorial chain (county, township, village, grid) of a point',
        description:
          'A point on the shared edge of two grids belongs to exactly one of them (the one east, or north on an east-west edge). 422 OUTSIDE_JURISDICTION when the point is in no grid.',
        querystring: LocateQuery,
        response: { 200: LocateResult },
      },
      preHandler: signedIn,
    },
    async (req) => locatePoint(deps, req.query.lng, req.query.lat),
  );

  app.get(
    '/org-units/boundaries',
    {
      schema: {
        tags: ['org'],
        summary: 'Boundaries of one level as a GeoJSON FeatureCollection, for maps',
        description: 'Coordinates rounded to 6 decimals. `parentId` limits the result to that unit’s subtree.',
        querystring: BoundaryQuery,
        response: { 200: FeatureCollectionResponse },
      },
      preHandler: signedIn,
    },
    async (req) => getBoundaryCollection(deps, req.query),
  );

  app.get(
    '/org-units/:id',
    {
      schema: { tags: ['org'], summary: 'One org unit, with its boundary GeoJSON when territorial', params: IdParams, response: { 200: OrgUnit } },
      preHandler: signedIn,
    },
    async (req) => getOrgUnitById(deps, req.params.id),
  );

  app.post(
    '/org-units',
    {
      schema: { tags: ['org'], summary: 'Create a department or station (admin)', body: CreateOrgUnitRequest, response: { 201: OrgUnit } },
      preHandler: admin,
    },
    async (req, reply) => reply.code(201).send(await createOrgUnit(deps, principalOf(req), req.body, { ip: req.ip })),
  );

  app.patch(
    '/org-units/:id',
    {
      schema: { tags: ['org'], summary: 'Rename or re-code an org unit (admin)', params: IdParams, body: UpdateOrgUnitRequest, response: { 200: OrgUnit } },
      preHandler: admin,
    },
    async (req) => updateOrgUnit(deps, principalOf(req), req.params.id, req.body, { ip: req.ip }),
  );

  app.post(
    '/org-units/import',
    {
      schema: {
        tags: ['org'],
        summary: 'Import boundaries (admin)',
        description: IMPORT_DESCRIPTION,
        querystring: ImportQuery,
        body: FeatureCollectionBody,
        response: { 200: ImportReport },
      },
      // Boundary files are large: allow the upload limit, but check the caller before reading the body.
      bodyLimit: Math.max(deps.config.http.bodyLimitBytes, deps.config.http.uploadLimitBytes),
      onRequest: admin,
    },
    async (req) => {
      const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
      const report = await importBoundaries(deps, req.body, { dryRun, actorUserId: principalOf(req).userId, ip: req.ip });
      if (!dryRun && !report.applied) {
        throw new AppError('BOUNDARY_INVALID', `The boundary set has ${report.issues.length} issue(s); nothing was written`, report);
      }
      return report;
    },
  );
}
