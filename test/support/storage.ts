import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStorage, type Storage, type DialectName } from '../../src/storage/db.js';

export const PG_ADMIN_URL = process.env.SWITCHYARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const BACKENDS: DialectName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  dialect: DialectName;
  /** DATABASE_URL for child processes (null on SQLite). */
  databaseUrl: string | null;
  dataDir: string;
  open(): Promise<Storage>;
  drop(): Promise<void>;
}

/** A fresh, empty database on the given backend: a temp SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect, databaseUrl: null, dataDir,
      open: () => openStorage({ databaseUrl: null, dataDir }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `sy_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    dialect, databaseUrl: url, dataDir,
    open: () => openStorage({ databaseUrl: url, dataDir }),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
