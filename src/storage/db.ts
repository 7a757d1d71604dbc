import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest } from './migrations/index.js';
import { ensurePrivateDir, ensurePrivateFile, tightenFiles } from '../adapters/fs/private.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpointer.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Storage {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Runs fn in a transaction. On PostgreSQL, lockKey takes a transaction-scoped advisory lock first. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>, lockKey?: number): Promise<T>;
  close(): Promise<void>;
}

/** Advisory lock keys (PostgreSQL). SQLite serialises writers on its own. */
export const LOCKS = { acd: 0x5a1701, migrations: 0x5a1700, signIn: 0x5a1702, events: 0x5a1703, statistics: 0x5a1704 } as const;

export interface StorageOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** For tests: an explicit SQLite file. */
  sqliteFile?: string;
}

function pgPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: (oid: number, format?: unknown) => {
        // int8 (times in ms, ids) fit in a double for centuries; numeric stays a string.
        if (oid === 20) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format as 'text');
      },
    },
  });
  // An idle connection the server closes (restart, failover, a dropped database) emits 'error' on the
  // pool; without a listener that would crash the process. The pool discards it and connects anew.
  pool.on('error', () => undefined);
  // A connection in use when the server goes away emits 'error' on the client itself, even between
  // queries (inside a transaction): without a listener that crashed the process on a PostgreSQL
  // restart. The pending query fails on its own; the pool drops the broken client when it is released.
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  return pool;
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: a transaction that reads and then writes
 * cannot be refused halfway with SQLITE_BUSY when another process (the CLI beside the
 * server, a restarted server) writes at the same time; it waits up to busy_timeout instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly sqliteConfig: SqliteDialectConfig) { super(sqliteConfig); }
  override createDriver(): Driver { return new ImmediateSqliteDriver(this.sqliteConfig); }
}

/**
 * Kysely prepares every statement it runs; preparing is a large part of a short query's cost on
 * SQLite (the ingest profile showed it beside the queries themselves). Prepared statements are
 * kept by SQL text (up to 1000, oldest dropped). Safe because nothing streams (a statement is
 * busy only within one synchronous call).
 */
function withStatementCache(conn: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = conn.prepare.bind(conn);
  conn.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (stmt && !stmt.busy) return stmt;
    stmt = prepare(source);
    if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
    cache.set(source, stmt);
    return stmt;
  }) as SQLite.Database['prepare'];
  return conn;
}

export async function openStorage(opts: StorageOptions): Promise<Storage> {
  let db: Kysely<Database>;
  let dialect: DialectName;
  let sqliteFile: string | null = null;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pgPool(opts.databaseUrl) }) });
  } else {
    dialect = 'sqlite';
    const file = opts.sqliteFile ?? join(opts.dataDir, 'switchyard.sqlite');
    // Raw mail and password hashes: the directory and the database files are for the owner only.
    ensurePrivateDir(opts.dataDir);
    ensurePrivateFile(file);
    sqliteFile = file;
    db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect({
        database: async () => {
          const conn = new SQLite(file);
          conn.pragma('journal_mode = WAL');
          tightenFiles([`${file}-wal`, `${file}-shm`]);
          conn.pragma('synchronous = NORMAL');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('foreign_keys = ON');
          // Checkpoints run in a worker thread (sqlite-checkpointer.ts); this connection's own is a backstop.
          conn.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
          return withStatementCache(conn);
        },
      }),
    });
  }
  const storage: Storage = {
    db,
    dialect,
    async transaction(fn, lockKey) {
      return db.transaction().execute(async (trx) => {
        if (lockKey !== undefined && dialect === 'postgres') {
          await sql`select pg_advisory_xact_lock(${lockKey})`.execute(trx);
        }
        return fn(trx);
      });
    },
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
  await migrateToLatest(storage);
  // After the migrations: the file and its WAL exist.
  const checkpointer = sqliteFile ? startCheckpointer(sqliteFile) : null;
  return storage;
}

/** A unique-constraint violation on either backend (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
