import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * An inbound message's raw bytes move to their own table, inbound_raw (one row per message, written
 * in the same transaction). On SQLite an UPDATE rewrites the whole record, and a ~10 KB raw lives
 * in overflow pages: every state change of a message (the claim, the 'done' mark, the account
 * server's source_action = 'done') copied all of them into the WAL. Now those updates touch a
 * row of a few dozen bytes; the raw is written once and only read. PostgreSQL already kept large
 * values out of line (TOAST); it gets the same schema so both backends run the same queries.
 *
 * inbound_messages.raw is dropped: both backends can (SQLite ≥ 3.35, the column is in no index
 * or constraint). On SQLite the drop rewrites the table (its freed pages are reused by later
 * messages; the file does not shrink without VACUUM); on PostgreSQL it is a catalogue change.
 * SQLite runs migrations outside a transaction (Kysely's migrator): this one takes its own, so a
 * crash leaves either the old schema or the new one, never the raw bytes in neither place.
 */
export async function m012InboundRaw(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const up = async (db: Kysely<unknown>) => {
    await db.schema.createTable('inbound_raw')
      // SQLite: an INTEGER PRIMARY KEY is the rowid itself, no second index.
      .addColumn('inbound_message_id', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey().references('inbound_messages.id').onDelete('cascade'))
      .addColumn('raw', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .execute();
    const from = db as Kysely<{ inbound_messages: { id: number; raw: Buffer } }>;
    await (db as Kysely<{ inbound_raw: { inbound_message_id: number; raw: Buffer } }>).insertInto('inbound_raw')
      .columns(['inbound_message_id', 'raw'])
      .expression(from.selectFrom('inbound_messages').select(['id', 'raw']))
      .execute();
    await db.schema.alterTable('inbound_messages').dropColumn('raw').execute();
  };
  // PostgreSQL: the migrator already runs each migration in a transaction (DDL included).
  if (dialect === 'sqlite') await db.transaction().execute(up);
  else await up(db);
}
