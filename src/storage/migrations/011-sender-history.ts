import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * The desktop shows a contact's earlier cases of the same sender on every open: an expression
 * index on the lower-cased sender (newest first) keeps that an index range scan instead of a scan
 * of every contact, on SQLite and PostgreSQL alike.
 */
export async function m011SenderHistory(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await sql`create index if not exists contacts_sender_history on contacts (lower(from_address), created_at)`.execute(db);
}
