import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * Sign-in attempts carry the client address: the throttle counts per (username, address)
 * and per address, so guessing from one place cannot lock a user out everywhere.
 */
export async function m010LoginAddress(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('login_failures').addColumn('address', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('login_failures_address').on('login_failures').columns(['address', 'at']).execute();
}
