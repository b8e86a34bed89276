import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { createRosterEntry, deleteRosterEntryById, listRosterEntries } from './duty.service.ts';

const IsoTime = z.string().datetime({ offset: true });
const RosterEntry = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  userId: z.string(),
  userName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
});

/** Duty rosters (值班表): who of a unit is on duty when; event linkage notifies them. */
export function registerDutyRoutes(app: Api, deps: AppDeps): void {
  app.get(
    '/duty-rosters',
    {
      schema: {
        tags: ['duty'],
        summary: 'Roster entries of a unit overlapping [from, to) (default: a day ago to a week ahead)',
        querystring: z.object({ orgUnitId: z.string().min(1).max(64), from: IsoTime.optional(), to: IsoTime.optional() }),
        response: { 200: z.object({ items: z.array(RosterEntry), from: z.string(), to: z.string() }) },
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
        body: z
          .object({
            orgUnitId: z.string().min(1).max(64),
            userId: z.string().min(1).max(64),
            startsAt: IsoTime,
            endsAt: IsoTime,
            note: z.string().trim().max(200).nullable().optional(),
          })
          .strict(),
        response: { 201: RosterEntry },
      },
      preHandler: authenticate(),
    },
    async (req, reply) => reply.code(201).send(await createRosterEntry(deps, principalOf(req), req.body)),
  );

  app.delete(
    '/duty-rosters/:id',
    { schema: { tags: ['duty'], summary: 'Removes a roster entry', params: z.object({ id: z.string().min(1).max(64) }) }, preHandler: authenticate() },
    async (req, reply) => {
      await deleteRosterEntryById(deps, principalOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
}
