import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import type { Storage } from '../../src/storage/db.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../../src/storage/sqlite-checkpointer.js';

/**
 * SQLite's WAL is copied into the database file by a worker thread, not by the commit that
 * crosses the automatic threshold on the main thread. With the main connection's threshold at
 * 64 MB, 4 MB written reach the database file only if the worker checkpoints.
 */
describe('SQLite checkpoints in a worker thread', () => {
  let tdb: TestDatabase;
  let storage: Storage;
  beforeAll(async () => { tdb = await createTestDatabase('sqlite'); storage = await tdb.open(); });
  afterAll(async () => { await storage?.close(); await tdb?.drop(); });

  it('the main connection checkpoints only as a backstop (threshold raised)', async () => {
    const r = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(storage.db);
    expect(r.rows[0].wal_autocheckpoint).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
  });

  it('what commits on the main thread reaches the database file without a main-thread checkpoint', async () => {
    const file = join(tdb.dataDir, 'switchyard.sqlite');
    const before = statSync(file).size;
    const payload = 'x'.repeat(4000);
    for (let batch = 0; batch < 10; batch++) {
      await storage.transaction(async (trx) => {
        for (let i = 0; i < 100; i++) await trx.insertInto('events').values({ at: Date.now(), type: 'test.checkpoint', contact_id: null, agent_id: null, data: JSON.stringify({ batch, i, payload }) }).execute();
      });
    }
    const deadline = Date.now() + 10_000;
    while (statSync(file).size - before < 3_500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size - before).toBeGreaterThanOrEqual(3_500_000);
    // And the data is all there, read through the main connection.
    const n = await storage.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'test.checkpoint').executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1000);
  });
});
