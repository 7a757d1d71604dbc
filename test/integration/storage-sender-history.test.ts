import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { migrateToLatest } from '../../src/storage/migrations/index.js';
import type { Storage } from '../../src/storage/db.js';

/**
 * The desktop asks for the sender's earlier cases whenever a contact opens. Over a year of mail
 * that must be an index lookup on the lower-cased sender, not a scan of every contact: the
 * planner of each backend is asked how it runs the query the desk repository issues.
 */
for (const dialect of BACKENDS) {
  describe(`sender history lookup (${dialect})`, () => {
    let tdb: TestDatabase;
    let storage: Storage;
    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      storage = await tdb.open();
      await migrateToLatest(storage);
    });
    afterAll(async () => { await storage?.close(); await tdb?.drop(); });

    it('uses the contacts_sender_history index', async () => {
      const query = sql`select id from contacts where lower(from_address) = ${'anna@example.com'} and id != ${'x'} order by created_at desc, id desc limit 20`;
      let plan: string;
      if (dialect === 'sqlite') {
        const rows = await sql<{ detail: string }>`explain query plan ${query}`.execute(storage.db);
        plan = rows.rows.map((r) => r.detail).join('\n');
      } else {
        // An empty table makes a sequential scan cheapest; ask whether the index can serve the query at all.
        plan = await storage.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const rows = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx);
          return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      }
      expect(plan).toContain('contacts_sender_history');
    });
  });
}
