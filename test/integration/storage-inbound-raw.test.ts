import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { migrator } from '../../src/storage/migrations/index.js';
import type { DialectName, Storage } from '../../src/storage/db.js';
import { claimInbound, getInboundRaw, storeInboundBatch } from '../../src/storage/repositories/inbound.js';

/**
 * Migration 012 moves inbound messages' raw bytes into inbound_raw. A database that an earlier
 * version filled keeps every message's bytes exactly (binary, large, small), the email server
 * claims them with their bytes, and inbound_messages no longer has the column. Storing writes the
 * raw row only for a message row it inserted, matched by UID whatever order RETURNING uses.
 */

type OldSchema = {
  accounts: { id: string; address: string; protocol: string; host: string; port: number; security: string; created_at: number; updated_at: number };
  inbound_messages: { id?: number; account_id: string; uidvalidity: number | null; uid: number | null; raw: Buffer; size: number; sha256: string; stored_at: number; status: string; source_action: string };
};

/** The database as the version before migration 012 left it (no Storage: openStorage would migrate to the latest). */
async function openAtVersion011(tdb: TestDatabase): Promise<Kysely<OldSchema>> {
  const db = tdb.dialect === 'sqlite'
    ? new Kysely<OldSchema>({ dialect: new SqliteDialect({ database: new SQLite(join(tdb.dataDir, 'switchyard.sqlite')) }) })
    : new Kysely<OldSchema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: tdb.databaseUrl! }) }) });
  const { error, results } = await migrator(db, tdb.dialect).migrateTo('011-sender-history');
  if (error) throw error;
  expect(results?.some((r) => r.migrationName === '012-inbound-raw')).toBe(false);
  return db;
}

const ALL_BYTES = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
const LARGE = Buffer.alloc(300_000, 'x');
const SMALL = Buffer.from('Subject: hi\r\n\r\nhello\r\n');

const columnsOf = async (storage: Storage, table: string) =>
  (await storage.db.introspection.getTables()).find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];

for (const dialect of BACKENDS as DialectName[]) {
  describe(`inbound raw bytes in their own table (${dialect})`, () => {
    let tdb: TestDatabase;
    let storage: Storage | null = null;
    beforeEach(async () => { tdb = await createTestDatabase(dialect); });
    afterEach(async () => { await storage?.close(); storage = null; await tdb.drop(); });

    it('migration 012 keeps the raw bytes of messages stored before it', async () => {
      const old = await openAtVersion011(tdb);
      const now = Date.now();
      await old.insertInto('accounts').values({ id: 'acc', address: 'support@example.com', protocol: 'imap', host: 'localhost', port: 143, security: 'none', created_at: now, updated_at: now }).execute();
      const raws = [ALL_BYTES, LARGE, SMALL];
      const ids: number[] = [];
      for (const [i, raw] of raws.entries()) {
        const r = await old.insertInto('inbound_messages').values({
          account_id: 'acc', uidvalidity: 7, uid: i + 1, raw, size: raw.length, sha256: 'x', stored_at: now, status: i === 0 ? 'done' : 'stored', source_action: 'done',
        }).returning('id').executeTakeFirstOrThrow();
        ids.push(Number(r.id));
      }
      await old.destroy();

      storage = await tdb.open(); // runs the migrations to the latest
      expect(await columnsOf(storage, 'inbound_messages')).not.toContain('raw');
      expect(await columnsOf(storage, 'inbound_raw')).toEqual(expect.arrayContaining(['inbound_message_id', 'raw']));
      for (const [i, id] of ids.entries()) expect(Buffer.compare((await getInboundRaw(storage.db, id))!, raws[i])).toBe(0);
      expect(Number((await storage.db.selectFrom('inbound_raw').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(3);

      // The two stored ones are claimed with their bytes, in id order.
      const claimed = await claimInbound(storage, 'w1', 10, Date.now(), 60_000);
      expect(claimed.map((m) => m.id)).toEqual(ids.slice(1));
      expect(claimed.map((m) => Buffer.compare(m.raw, raws[ids.indexOf(m.id)]))).toEqual([0, 0]);
      expect(claimed.map((m) => m.status)).toEqual(['processing', 'processing']);

      // Deleting a message deletes its bytes (foreign key, on delete cascade; SQLite has foreign_keys on).
      await storage.db.deleteFrom('inbound_messages').where('id', '=', ids[0]).execute();
      expect(await getInboundRaw(storage.db, ids[0])).toBeNull();
    });

    it('storeInboundBatch writes the raw row only for a message row it inserted, matched by UID', async () => {
      storage = await tdb.open();
      const now = Date.now();
      await storage.db.insertInto('accounts').values({ id: 'acc', address: 'support@example.com', protocol: 'imap', host: 'localhost', port: 143, security: 'none', created_at: now, updated_at: now } as never).execute();
      const msg = (uid: number, text = `message ${uid}`) => ({ accountId: 'acc', uidvalidity: 9, uid, raw: Buffer.from(`Subject: ${text}\r\n\r\n${text}\r\n`), sourceAction: 'pending' as const });
      const first = await storeInboundBatch(storage, [msg(1), msg(2)], now);
      expect(first.map((r) => r.stored)).toEqual([true, true]);

      // UID 2 is stored already; UID 3 repeats within the batch (its first occurrence counts), 4 is new.
      const second = await storeInboundBatch(storage, [msg(2, 'again'), msg(3), msg(3, 'repeat'), msg(4)], now, { mailbox: 'INBOX' });
      expect(second.map((r) => r.stored)).toEqual([false, true, false, true]);
      expect(second[0].id).toBeNull();
      expect(second[2].id).toBeNull();
      expect(second[1].id! < second[3].id!).toBe(true); // ids follow the UIDs, as row-by-row inserts gave them
      expect((await getInboundRaw(storage.db, first[1].id!))!.toString()).toContain('message 2');
      expect((await getInboundRaw(storage.db, second[1].id!))!.toString()).toContain('message 3');
      expect((await getInboundRaw(storage.db, second[3].id!))!.toString()).toContain('message 4');
      const rows = await storage.db.selectFrom('inbound_messages').innerJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'inbound_messages.id')
        .select(['uid', 'size', 'inbound_raw.raw']).orderBy('uid').execute();
      expect(rows.map((r) => [Number(r.uid), r.size === r.raw.length])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
      expect(Number((await storage.db.selectFrom('account_cursors').select('last_uid').executeTakeFirstOrThrow()).last_uid)).toBe(4);

      // Without a UID (SMTP): always a new message.
      const smtp = await storeInboundBatch(storage, [{ accountId: 'acc', uidvalidity: null, uid: null, raw: SMALL, sourceAction: 'none' }], now);
      expect(smtp[0].stored).toBe(true);
      expect(Buffer.compare((await getInboundRaw(storage.db, smtp[0].id!))!, SMALL)).toBe(0);
    });

    it('a message whose raw bytes are missing is quarantined with the reason; the rest of the claim goes on', async () => {
      storage = await tdb.open();
      const now = Date.now();
      await storage.db.insertInto('accounts').values({ id: 'acc', address: 'support@example.com', protocol: 'imap', host: 'localhost', port: 143, security: 'none', created_at: now, updated_at: now } as never).execute();
      const msg = (uid: number) => ({ accountId: 'acc', uidvalidity: 9, uid, raw: Buffer.from(`Subject: m${uid}\r\n\r\nm${uid}\r\n`), sourceAction: 'pending' as const });
      const stored = await storeInboundBatch(storage, [msg(1), msg(2), msg(3)], now);
      await storage.db.deleteFrom('inbound_raw').where('inbound_message_id', '=', stored[1].id!).execute();
      const claimed = await claimInbound(storage, 'w1', 10, now, 60_000);
      expect(claimed.map((m) => m.id)).toEqual([stored[0].id, stored[2].id]);
      const lost = await storage.db.selectFrom('inbound_messages').select(['status', 'error']).where('id', '=', stored[1].id!).executeTakeFirstOrThrow();
      expect(lost).toMatchObject({ status: 'quarantined', error: expect.stringMatching(/^message\.raw_missing: /) });
      const q = await storage.db.selectFrom('quarantine').select(['inbound_message_id', 'reason_code', 'reason']).execute();
      expect(q).toEqual([{ inbound_message_id: stored[1].id, reason_code: 'message.raw_missing', reason: expect.stringMatching(/no raw bytes/) }]);
      expect(await claimInbound(storage, 'w1', 10, now, 60_000)).toEqual([]); // nothing left to claim: it does not come back
    });
  });
}
