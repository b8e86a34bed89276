import { z } from 'zod';

/* Duty rosters (值班表): /duty-rosters, one definition for the server's routes and the web app. */

const Id = z.string().min(1).max(64);
const IsoTime = z.string().datetime({ offset: true });

/** One person on duty for a unit over [startsAt, endsAt). */
export const RosterEntry = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  userId: z.string(),
  userName: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type RosterEntry = z.infer<typeof RosterEntry>;

/** GET /duty-rosters: entries of a unit overlapping [from, to) (default: a day ago to a week ahead). */
export const RosterQuery = z.object({ orgUnitId: Id, from: IsoTime.optional(), to: IsoTime.optional() });
export type RosterQuery = z.infer<typeof RosterQuery>;

export const RosterList = z.object({ items: z.array(RosterEntry), from: z.string(), to: z.string() });
export type RosterList = z.infer<typeof RosterList>;

/** POST /duty-rosters: puts a member of the unit on duty. */
export const CreateRosterEntryRequest = z
  .object({
    orgUnitId: Id,
    userId: Id,
    startsAt: IsoTime,
    endsAt: IsoTime,
    note: z.string().trim().max(200).nullable().optional(),
  })
  .strict();
export type CreateRosterEntryRequest = z.infer<typeof CreateRosterEntryRequest>;

export const RosterEntryParams = z.object({ id: Id });
