import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresBus, type Bus } from '../../src/storage/bus.js';
import type { Storage } from '../../src/storage/db.js';
import { waitFor } from '../support/mailstack.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/storage.js';

/**
 * The PostgreSQL bus survives losing its LISTEN connection (a server restart ends every
 * connection): it keeps reconnecting until the server answers, and hints flow again.
 */
describe('postgres bus reconnects', () => {
  let tdb: TestDatabase;
  let storage: Storage;
  let bus: Bus;
  const errors: Error[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    storage = await tdb.open();
    bus = await createPostgresBus(storage, tdb.databaseUrl!, (e) => errors.push(e));
  });
  afterAll(async () => { await bus?.close(); await storage?.close(); await tdb?.drop(); });

  it('keeps reconnecting while the server refuses connections, and hints arrive again', async () => {
    const seen: unknown[] = [];
    bus.subscribe('acd', (p) => seen.push(p));
    const name = tdb.databaseUrl!.split('/').pop()!;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    const listeners = async () => (await admin.query(`select pid from pg_stat_activity where datname = $1 and query ilike 'LISTEN%'`, [name])).rows as { pid: number }[];
    try {
      const before = await waitFor(async () => { const l = await listeners(); return l.length === 1 && l; }, 10_000, 'one LISTEN connection');
      // as during a restart: the connection ends and new ones are refused for a few seconds
      await admin.query(`alter database ${name} allow_connections false`);
      await admin.query('select pg_terminate_backend($1)', [before[0].pid]);
      await new Promise((r) => setTimeout(r, 3500));
      expect(await listeners()).toEqual([]);
      const failures = errors.length;
      expect(failures).toBeGreaterThanOrEqual(3); // the loss and at least two refused attempts
      await admin.query(`alter database ${name} allow_connections true`);
      await waitFor(async () => { const l = await listeners(); return l.length === 1 && l[0].pid !== before[0].pid; }, 10_000, 'a new LISTEN connection');
      await waitFor(async () => { await bus.publish('acd', { n: 1 }); return seen.length > 0; }, 5000, 'a hint after reconnecting', 200);
    } finally { await admin.end(); }
  });
});
