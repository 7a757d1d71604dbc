import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Storage, DialectName } from '../db.js';
import { m001Backbone } from './001-backbone.js';
import { m003Routing } from './003-routing.js';
import { m002Analysis } from './002-analysis.js';
import { m004ArrivalTime } from './004-arrival-time.js';
import { m005LoginFailures } from './005-login-failures.js';
import { m008AcdCommands } from './008-acd-commands.js';
import { m006Answering } from './006-answering.js';
import { m007AgentActions } from './007-agent-actions.js';
import { m010LoginAddress } from './010-login-address.js';
import { m009Admin } from './009-admin.js';
import { m011Gaps79 } from './011-gaps79.js';
import { m011SenderHistory } from './011-sender-history.js';
import { m012InboundRaw } from './012-inbound-raw.js';

export type DialectMigration = (db: Kysely<unknown>, dialect: DialectName) => Promise<void>;

const MIGRATIONS: Record<string, DialectMigration> = {
  '001-backbone': m001Backbone,
  '003-routing': m003Routing,
  '004-arrival-time': m004ArrivalTime,
  '005-login-failures': m005LoginFailures,
  '006-answering': m006Answering,
  '007-agent-actions': m007AgentActions,
  '002-analysis': m002Analysis,
  '008-acd-commands': m008AcdCommands,
  '010-login-address': m010LoginAddress,
  '009-admin': m009Admin,
  '011-gaps79': m011Gaps79,
  '011-sender-history': m011SenderHistory,
  '012-inbound-raw': m012InboundRaw,
};

class StaticProvider implements MigrationProvider {
  constructor(private readonly dialect: DialectName) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, up] of Object.entries(MIGRATIONS)) {
      out[name] = { up: (db) => up(db, this.dialect) };
    }
    return out;
  }
}

/** Kysely's migrator over these migrations (tests also use it to build a database as an earlier version left it). */
export function migrator(db: Kysely<any>, dialect: DialectName): Migrator {
  // Unordered: migrations from parallel work (e.g. 009 after 010) still run on a database that already has the later one.
  return new Migrator({ db, provider: new StaticProvider(dialect), allowUnorderedMigrations: true });
}

/** Brings the schema to the latest version. Safe when several processes start at once. */
export async function migrateToLatest(storage: Storage): Promise<void> {
  const m = migrator(storage.db, storage.dialect);
  const run = async () => {
    const { error, results } = await m.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  // Kysely's Migrator takes its own lock (a row lock on PostgreSQL), so concurrent first starts are safe.
  await run();
}
