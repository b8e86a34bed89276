import type { Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

export async function up(db: Kysely<any>): Promise<void> {
  // One row per process key: which version new instances start on.
  await db.schema
    .createTable('processes')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('active_version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  // Published versions never change: instances refer to (key, version) for their whole life.
  await db.schema
    .createTable('process_versions')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    // The normalised definition (defaults filled, layout positions included), JSON.
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('process_versions_pk', ['key', 'version'])
    .execute();

  // A running process for an event. `vars` is JSON (small: flags and counters, never personal data).
  await db.schema
    .createTable('process_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('process_key', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('vars', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  await db.schema.createIndex('process_instances_event_idx').on('process_instances').column('event_id').execute();

  // Where an instance stands: one row per live token. A parallel gives its branch tokens a fork
  // id; a join counts the arrived tokens of its fork. A token waiting for a signal names it.
  await db.schema
    .createTable('process_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('process_instances.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('fork_id', 'text')
    .addColumn('signal', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('process_tokens_instance_idx').on('process_tokens').column('instance_id').execute();

  // Human work items. The SLA clock: started_at + limit (kind, minutes + extra) → due_at and
  // warn_at; shelving pauses it (paused_at) and resuming pushes both out by the paused time.
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('process_instances.id').onDelete('cascade'))
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('title_zh', 'text', (c) => c.notNull())
    .addColumn('title_en', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('note', 'text')
    .addColumn('time_kind', 'text')
    .addColumn('limit_minutes', 'integer')
    .addColumn('extra_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('warn_share', 'real', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text')
    .addColumn('warn_at', 'text')
    .addColumn('paused_at', 'text')
    // An extension or shelving waiting for approval: JSON {kind, extraMinutes?, note, by, at}.
    .addColumn('pending_request', 'text')
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('urge_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addColumn('completed_by', 'text')
    .execute();
  await db.schema.createIndex('tasks_unit_idx').on('tasks').columns(['unit_id', 'status']).execute();
  await db.schema.createIndex('tasks_user_idx').on('tasks').columns(['user_id', 'status']).execute();
  await db.schema.createIndex('tasks_event_idx').on('tasks').column('event_id').execute();
  await db.schema.createIndex('tasks_instance_idx').on('tasks').column('instance_id').execute();

  // Durable timers: a row per pending timer, deleted in the transaction that fires it, so a
  // timer fires once; one that fell due while the process was down fires at the next start.
  await db.schema
    .createTable('process_timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('instance_id', 'text', (c) => c.notNull().references('process_instances.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_id', 'text')
    .addColumn('task_id', 'text')
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('process_timers_due_idx').on('process_timers').column('due_at').execute();
  await db.schema.createIndex('process_timers_instance_idx').on('process_timers').column('instance_id').execute();

  // The vehicle registry of the thematic database: plate → owner (personal data: masked in
  // lists, shown in full only to administrators and the enforcement roles).
  await db.schema
    .createTable('vehicles')
    .addColumn('plate', 'text', (c) => c.primaryKey())
    .addColumn('plate_kind', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('owner_phone', 'text')
    .addColumn('vehicle_type', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // The process a queued event starts when it is not its category's (e.g. 自行处置 by a grid worker).
  await db.schema.alterTable('linkage_queue').addColumn('process_key', 'text').execute();

  // Events learn their plate (parking) and whether any step ran over its limit.
  await db.schema.alterTable('events').addColumn('plate', 'text').execute();
  await db.schema
    .alterTable('events')
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('events_plate_idx').on('events').columns(['plate', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('events_plate_idx').execute();
  await db.schema.alterTable('linkage_queue').dropColumn('process_key').execute();
  await db.schema.alterTable('events').dropColumn('overdue').execute();
  await db.schema.alterTable('events').dropColumn('plate').execute();
  for (const table of ['vehicles', 'process_timers', 'tasks', 'process_tokens', 'process_instances', 'process_versions', 'processes']) {
    await db.schema.dropTable(table).execute();
  }
}
