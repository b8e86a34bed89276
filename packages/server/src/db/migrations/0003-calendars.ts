import type { Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Working calendars (工作日历): the working periods of a day and the working weekdays, in a
  // fixed UTC offset. Exactly one is the default, which limits without a calendar of their own use.
  await db.schema
    .createTable('calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tz_offset_minutes', 'integer', (c) => c.notNull())
    // JSON [{"start":"08:30","end":"12:00"}, …]
    .addColumn('working_periods', 'text', (c) => c.notNull())
    // JSON ISO weekdays [1, 2, 3, 4, 5]
    .addColumn('weekly_working_days', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // At most one default: a second concurrent seeding conflicts here instead of adding a twin.
  await db.schema.createIndex('calendars_one_default').on('calendars').column('is_default').unique().where('is_default', '=', 1).execute();

  // Dates that depart from the weekly pattern: holidays off, adjusted working days (调休) worked.
  await db.schema
    .createTable('calendar_days')
    .addColumn('calendar_id', 'text', (c) => c.notNull().references('calendars.id').onDelete('cascade'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('calendar_days_pk', ['calendar_id', 'date'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar_days').execute();
  await db.schema.dropTable('calendars').execute();
}
