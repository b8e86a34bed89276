import type { Kysely } from 'kysely';

// Frozen in time: imports nothing from application code.

/*
 * Process variables travel with a report into its process (issue 12.1): the linkage queue keeps
 * the variables the submitter gave (JSON text; null: none) until the linkage worker starts the
 * event's process with them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('linkage_queue').addColumn('vars', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('linkage_queue').dropColumn('vars').execute();
}
