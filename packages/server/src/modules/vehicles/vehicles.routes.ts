import { CreateVehicleRequest, PutVehicleRequest, Vehicle, VehicleImportReport } from '@liandong/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { readMultipart } from '../../http/multipart.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { VEHICLE_READERS } from './vehicles.policy.ts';
import { getVehicle, importVehicles, listVehicles, putVehicle, removeVehicle } from './vehicles.service.ts';

const PlateParams = z.object({ plate: z.string().min(1).max(32) });
const ctxOf = (req: FastifyRequest) => ({ ip: req.ip ?? null });

/** File types accepted as a raw import body (besides multipart/form-data with a `file` field). */
const RAW_IMPORT_TYPES = [
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

const IMPORT_DESCRIPTION = `CSV (UTF-8 or GB18030; comma, semicolon or tab) or XLSX (first sheet), as multipart/form-data
(field \`file\`) or as the raw request body. The first row is the header: 车牌号/plate and 车主/owner are
required, 电话/phone, 类型/type and 备注/note optional, in any order. Valid rows are written (new plates
count as \`imported\`, registered ones as \`updated\`); each refused row is listed in \`errors\` with its row
number (header = row 1), the column and the reason. A file that cannot be read or lacks a required column
is refused whole (400).`;

/** The vehicle registry of the thematic database (api.md, Video: Vehicles). */
export function registerVehicleRoutes(app: Api, deps: AppDeps): void {
  // Own plugin scope: the raw-body parsers below apply to these routes only.
  void app.register(async (api: Api) => {
    const readers = authenticate({ roles: VEHICLE_READERS });
    const adminOnly = authenticate({ roles: ['admin'] });
    api.addContentTypeParser(RAW_IMPORT_TYPES, { parseAs: 'buffer', bodyLimit: deps.config.http.uploadLimitBytes }, (_req, body, done) => done(null, body));

    api.get(
      '/vehicles',
      {
        schema: {
          tags: ['vehicles'],
          summary: 'Registered vehicles by plate (owner name and phone masked except for administrators)',
          description: '`q` matches part of a plate; for administrators also part of the owner’s name or phone.',
          querystring: z.object({
            q: z.string().trim().min(1).max(64).optional(),
            cursor: z.string().max(200).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ items: z.array(Vehicle), nextCursor: z.string().nullable() }) },
        },
        preHandler: readers,
      },
      async (req) => listVehicles(deps, principalOf(req), req.query),
    );

    api.get(
      '/vehicles/:plate',
      {
        schema: { tags: ['vehicles'], summary: 'One vehicle by plate (any spelling: 蒙j·12345)', params: PlateParams, response: { 200: Vehicle } },
        preHandler: readers,
      },
      async (req) => getVehicle(deps, principalOf(req), req.params.plate),
    );

    api.post(
      '/vehicles',
      {
        schema: {
          tags: ['vehicles'],
          summary: 'Register or replace a vehicle (admin): 201 when new, 200 when replaced',
          body: CreateVehicleRequest,
          response: { 200: Vehicle, 201: Vehicle },
        },
        preHandler: adminOnly,
      },
      async (req, reply) => {
        const { plate, ...rest } = req.body;
        const r = await putVehicle(deps, principalOf(req), plate, rest, ctxOf(req), 'body.plate');
        return reply.code(r.created ? 201 : 200).send(r.vehicle);
      },
    );

    api.put(
      '/vehicles/:plate',
      {
        schema: {
          tags: ['vehicles'],
          summary: 'Register or replace a vehicle (admin): 201 when new, 200 when replaced',
          params: PlateParams,
          body: PutVehicleRequest,
          response: { 200: Vehicle, 201: Vehicle },
        },
        preHandler: adminOnly,
      },
      async (req, reply) => {
        const r = await putVehicle(deps, principalOf(req), req.params.plate, req.body, ctxOf(req));
        return reply.code(r.created ? 201 : 200).send(r.vehicle);
      },
    );

    api.delete(
      '/vehicles/:plate',
      { schema: { tags: ['vehicles'], summary: 'Remove a vehicle from the registry (admin)', params: PlateParams }, preHandler: adminOnly },
      async (req, reply) => {
        await removeVehicle(deps, principalOf(req), req.params.plate, ctxOf(req));
        return reply.code(204).send();
      },
    );

    api.post(
      '/vehicles/import',
      {
        schema: {
          tags: ['vehicles'],
          summary: 'Import vehicles from a CSV or XLSX file (admin)',
          description: IMPORT_DESCRIPTION,
          consumes: ['multipart/form-data', ...RAW_IMPORT_TYPES],
          response: { 200: VehicleImportReport },
        },
        preHandler: adminOnly,
      },
      async (req) => importVehicles(deps, principalOf(req), await uploadedBytes(req), ctxOf(req)),
    );
  });
}

async function uploadedBytes(req: FastifyRequest): Promise<Buffer> {
  if (req.isMultipart()) {
    const file = (await readMultipart(req)).files.find((f) => f.fieldname === 'file')?.bytes;
    if (!file) throw new AppError('VALIDATION_FAILED', 'The multipart body has no `file` field', [{ path: 'body.file', message: 'required' }]);
    return file;
  }
  if (Buffer.isBuffer(req.body)) return req.body;
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data (field `file`) or as a text/csv or XLSX body');
}
