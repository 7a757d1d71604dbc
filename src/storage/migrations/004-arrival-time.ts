import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * When a message arrived at its mailbox (IMAP INTERNALDATE; the time of receipt for SMTP).
 * Mail that was already in a mailbox before its account was added is backlog: it becomes
 * contacts as usual, but is never answered automatically.
 */
export async function m004ArrivalTime(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('inbound_messages').addColumn('arrived_at', 'bigint').execute();
}
