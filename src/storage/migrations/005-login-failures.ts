import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/** Failed sign-ins, shared by every web process: the login throttle reads them. */
export async function m005LoginFailures(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema.createTable('login_failures')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_username').on('login_failures').columns(['username', 'at']).execute();
}
