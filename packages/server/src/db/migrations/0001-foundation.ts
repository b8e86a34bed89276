import type { Kysely } from 'kysely';

// Frozen in time: this migration imports nothing from application code.
// Types are chosen to mean the same on SQLite and PostgreSQL.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('org_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text')
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('area_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('boundary', 'text')
    .addColumn('centroid_lng', 'double precision')
    .addColumn('centroid_lat', 'double precision')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('org_units_parent_idx').on('org_units').column('parent_id').execute();
  await db.schema.createIndex('org_units_path_idx').on('org_units').column('path').execute();
  await db.schema.createIndex('org_units_code_idx').on('org_units').columns(['kind', 'code']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('org_unit_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('memberships_unique', ['user_id', 'org_unit_id', 'role'])
    .execute();
  await db.schema.createIndex('memberships_unit_idx').on('memberships').columns(['org_unit_id', 'role']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('org_unit_id', 'text', (c) => c.references('org_units.id'))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

  await db.schema
    .createTable('categories')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('parent_code', 'text', (c) => c.references('categories.code'))
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('default_urgency', 'text', (c) => c.notNull())
    .addColumn('time_limit_minutes', 'integer')
    .addColumn('time_limit_kind', 'text', (c) => c.notNull())
    .addColumn('requires_confirmation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dedup_window_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dedup_radius_m', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('lead_rule', 'text')
    .addColumn('co_handling_rules', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('process_key', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('category_code', 'text', (c) => c.notNull().references('categories.code'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_open', 'integer', (c) => c.notNull())
    .addColumn('closing_kind', 'text')
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('lng', 'double precision', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('county_id', 'text')
    .addColumn('township_id', 'text')
    .addColumn('village_id', 'text')
    .addColumn('grid_id', 'text')
    .addColumn('lead_unit_id', 'text')
    .addColumn('reporter_user_id', 'text')
    .addColumn('reporter_name', 'text')
    .addColumn('reporter_phone', 'text')
    .addColumn('tracking_token', 'text', (c) => c.notNull().unique())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('supervised', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('urge_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicate_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rating_score', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Plaza: open events of a scope, newest first (ids are UUIDv7, so id order is time order).
  // Every index is a page written per new event, so there are few: the county-wide one, and
  // one per township carrying village and grid ids so village and grid scopes filter inside it.
  await db.schema.createIndex('events_open_idx').on('events').columns(['is_open', 'id']).execute();
  await db.schema.createIndex('events_township_open_idx').on('events').columns(['township_id', 'is_open', 'id', 'village_id', 'grid_id']).execute();
  await db.schema.createIndex('events_reporter_idx').on('events').columns(['reporter_user_id', 'id']).execute();
  // Dedup: recent events of a category near a place.
  await db.schema.createIndex('events_dedup_idx').on('events').columns(['category_code', 'is_open', 'created_at']).execute();

  // Every (source, externalId) an integration has sent, with the event it ended up in — created or
  // merged into — so a repeat of a merged report is answered, not merged a second time.
  await db.schema
    .createTable('event_intake_keys')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_intake_keys_pk', ['source', 'external_id'])
    .execute();

  await db.schema
    .createTable('event_units')
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('org_unit_id', 'text', (c) => c.notNull().references('org_units.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_units_pk', ['event_id', 'org_unit_id'])
    .execute();
  await db.schema.createIndex('event_units_unit_idx').on('event_units').columns(['org_unit_id', 'event_id']).execute();

  await db.schema
    .createTable('event_timeline')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('org_unit_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addUniqueConstraint('event_timeline_seq_unique', ['event_id', 'seq'])
    .execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.references('events.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('mime', 'text')
    .addColumn('size_bytes', 'integer')
    .addColumn('sha256', 'text')
    .addColumn('storage_path', 'text')
    .addColumn('url', 'text')
    .addColumn('original_name', 'text')
    .addColumn('uploaded_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_event_idx').on('attachments').column('event_id').execute();

  await db.schema
    .createTable('event_code_counters')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'event_code_counters',
    'attachments',
    'event_timeline',
    'event_units',
    'event_intake_keys',
    'events',
    'categories',
    'audit_log',
    'api_keys',
    'sessions',
    'memberships',
    'users',
    'org_units',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
