import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * Commands to the queue engine's leader from other processes (PostgreSQL): a row per command,
 * answered in the transaction of the decision it causes, or cancelled by its sender when the
 * leader does not answer in time. And an index for the leader's sweep of contacts not routed yet.
 */
export async function m008AcdCommands(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema.createTable('acd_commands')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('answered_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .execute();
  await db.schema.createIndex('acd_commands_status').on('acd_commands').columns(['status', 'id']).execute();
  await db.schema.createIndex('contacts_routing').on('contacts').columns(['routing', 'status']).execute();
}
