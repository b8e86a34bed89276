import { CreateRosterEntryRequest, RosterEntry, RosterEntryParams, RosterList, RosterQuery } from '@liandong/contracts';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { createRosterEntry, deleteRosterEntryById, listRosterEntries } from './duty.service.ts';

// Request and response shapes are the contract's (packages/contracts/src/duty.ts), shared with the web app.

/** Duty rosters (值班表): who of a unit is on duty when; event linkage notifies them. */
export function registerDutyRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/duty-rosters',
    {
      schema: {
        tags: ['duty'],
        summary: 'Roster entries of a unit overlapping [from, to) (default: a day ago to a week ahead)',
        querystring: RosterQuery,
        response: { 200: RosterList },
      },
      preHandler: authenticate(),
    },
    async (req) => listRosterEntries(deps, principalOf(req), req.query),
  );

  app.post(
    '/duty-rosters',
    {
      schema: {
        tags: ['duty'],
        summary: 'Puts a member of the unit on duty for [startsAt, endsAt) (admin, or a leader/dispatcher of the unit or above)',
        body: CreateRosterEntryRequest,
        response: { 201: RosterEntry },
      },
      preHandler: authenticate(),
    },
    async (req, reply) => reply.code(201).send(await createRosterEntry(deps, principalOf(req), req.body)),
  );

  app.delete(
    '/duty-rosters/:id',
    { schema: { tags: ['duty'], summary: 'Removes a roster entry', params: RosterEntryParams }, preHandler: authenticate() },
    async (req, reply) => {
      await deleteRosterEntryById(deps, principalOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
}
