import { sql, type Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

/*
 * One main process per event, kept by the database (issue 11: after a crash, `serve --demo`
 * started a second process for every event whose linkage was pending):
 *
 * - `run` numbers an event's processes: 1 is the one its creation (or the demo, or an import)
 *   starts, a reopened event starts the next. (event_id, run) is unique, so a second "first"
 *   process cannot exist, even after the first one ended. It also serves lookups by event, in
 *   place of the plain index on event_id.
 * - At most one live instance (running, suspended, failed) per event: a partial unique index.
 *
 * Databases that already hold duplicates are repaired first: of an event's live instances the
 * earliest is kept and the others are cancelled (their open tasks cancelled, their timers and
 * tokens removed); then every event's instances are numbered in the order they started.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  const live = sql`("status" in ('running', 'suspended', 'failed'))`;
  const extra = sql`select "id" from "process_instances" x where ${live} and exists (
    select 1 from "process_instances" y where y."event_id" = x."event_id" and y."status" in ('running', 'suspended', 'failed') and y."id" < x."id")`;
  await sql`update "tasks" set "status" = 'cancelled', "updated_at" = ${now}, "completed_at" = ${now}
    where "status" in ('open', 'claimed', 'shelved') and "instance_id" in (${extra})`.execute(db);
  await sql`delete from "process_timers" where "instance_id" in (${extra})`.execute(db);
  await sql`delete from "process_tokens" where "instance_id" in (${extra})`.execute(db);
  await sql`update "process_instances" set "status" = 'cancelled', "updated_at" = ${now}, "ended_at" = ${now} where "id" in (${extra})`.execute(db);

  await db.schema
    .alterTable('process_instances')
    .addColumn('run', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update "process_instances" set "run" = (
      select count(*) from "process_instances" p where p."event_id" = "process_instances"."event_id" and p."id" <= "process_instances"."id")
    where "event_id" in (select "event_id" from "process_instances" group by "event_id" having count(*) > 1)`.execute(db);

  await db.schema.createIndex('process_instances_event_run_key').unique().on('process_instances').columns(['event_id', 'run']).execute();
  await db.schema.dropIndex('process_instances_event_idx').execute();
  await sql`create unique index "process_instances_live_key" on "process_instances" ("event_id") where ${live}`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('process_instances_live_key').execute();
  await db.schema.createIndex('process_instances_event_idx').on('process_instances').column('event_id').execute();
  await db.schema.dropIndex('process_instances_event_run_key').execute();
  await db.schema.alterTable('process_instances').dropColumn('run').execute();
}
