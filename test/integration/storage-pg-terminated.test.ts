import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/db.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../support/storage.js';

/**
 * A PostgreSQL restart ends connections that are in use, between two queries of a transaction:
 * that transaction fails, the process does not crash (an unhandled 'error' on the client used to
 * take it down), and the next transaction gets a fresh connection.
 */
describe('postgres connection ended inside a transaction', () => {
  let tdb: TestDatabase;
  let storage: Storage;
  beforeAll(async () => { tdb = await createTestDatabase('postgres'); storage = await tdb.open(); });
  afterAll(async () => { await storage?.close(); await tdb?.drop(); });

  it('fails that transaction only; the storage keeps working', async () => {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const attempt = storage.transaction(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
        await new Promise((r) => setTimeout(r, 500)); // the server's goodbye arrives between queries
        await sql`select 1`.execute(trx);
      });
      await expect(attempt).rejects.toThrow();
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(storage.db);
      expect(rows[0].one).toBe(1);
    } finally { await admin.end(); }
  });
});
