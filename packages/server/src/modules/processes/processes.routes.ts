import {
  ActivatedProcessVersion,
  ProcessDetail,
  ProcessKey,
  ProcessList,
  ProcessValidation,
  ProcessVersionDetail,
  SavedProcessVersion,
  type Role,
} from '@liandong/contracts';
import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { activateProcess, getProcess, getProcessVersion, listProcesses, saveProcess, validateProcess } from './processes.service.ts';

/** Those who watch and run the center read processes; only administrators change them. */
const READERS: Role[] = ['admin', 'leader', 'duty_officer', 'dispatcher'];
const KeyParams = z.object({ key: ProcessKey });
// The definition is checked by the process validator, which lists every problem at once (422
// PROCESS_INVALID) instead of the first shape error.
const DefinitionBody = z.record(z.string(), z.unknown()).describe('A process definition (see ProcessDefinition), plus an optional `note` for the version');

/** The configuration center's processes (api.md "Processes"): versioned definitions and their activation. */
export function registerProcessRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/processes',
    {
      schema: { tags: ['processes'], summary: 'Every process, one per key, with its active version and usage', response: { 200: ProcessList } },
      preHandler: authenticate({ roles: READERS }),
    },
    async () => listProcesses(deps),
  );

  app.post(
    '/processes/validate',
    {
      schema: {
        tags: ['processes'],
        summary: 'Validates a definition without saving it (every problem listed)',
        body: DefinitionBody,
        response: { 200: ProcessValidation },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req) => validateProcess(req.body),
  );

  app.get(
    '/processes/:key',
    {
      schema: { tags: ['processes'], summary: "The active version's definition and the version history", params: KeyParams, response: { 200: ProcessDetail } },
      preHandler: authenticate({ roles: READERS }),
    },
    async (req) => getProcess(deps, req.params.key),
  );

  app.get(
    '/processes/:key/versions/:version',
    {
      schema: {
        tags: ['processes'],
        summary: 'One saved version (versions never change)',
        params: KeyParams.extend({ version: z.coerce.number().int().positive().max(1_000_000) }),
        response: { 200: ProcessVersionDetail },
      },
      preHandler: authenticate({ roles: READERS }),
    },
    async (req) => getProcessVersion(deps, req.params.key, req.params.version),
  );

  app.put(
    '/processes/:key',
    {
      schema: {
        tags: ['processes'],
        summary: 'Saves a new version, active unless ?activate=false (admin); running instances stay on theirs',
        params: KeyParams,
        querystring: z.object({ activate: z.enum(['true', 'false']).default('true') }),
        body: DefinitionBody,
        response: { 201: SavedProcessVersion },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req, reply) => {
      const saved = await saveProcess(deps, principalOf(req), req.params.key, req.body, { activate: req.query.activate === 'true' });
      return reply.code(201).send(saved);
    },
  );

  app.post(
    '/processes/:key/activate',
    {
      schema: {
        tags: ['processes'],
        summary: 'Makes a saved version the one new instances start on (admin)',
        params: KeyParams,
        body: z.object({ version: z.number().int().positive() }).strict(),
        response: { 200: ActivatedProcessVersion },
      },
      preHandler: authenticate({ roles: ['admin'] }),
    },
    async (req) => activateProcess(deps, principalOf(req), req.params.key, req.body.version),
  );
}
