import type { Kysely } from 'kysely';
import type { DialectName } from '../db.js';

/**
 * Administration, monitoring and statistics (issue 9):
 * - users.disabled, accounts/smtp_servers.allow_self_signed (explicit opt-in for self-signed TLS certificates);
 * - queue thresholds for the monitor (longest wait, service level);
 * - quarantine resolution (released / discarded, by whom, when);
 * - the audit log of configuration changes;
 * - statistics: 15-minute and day interval rows per dimension and key, and the per-contact tracking
 *   the incremental computation needs (the cursor is the settings row 'statistics.cursor').
 */
export async function m009Admin(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const flag = (table: string, name: string) => db.schema.alterTable(table).addColumn(name, 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await flag('users', 'disabled');
  await flag('accounts', 'allow_self_signed');
  await flag('smtp_servers', 'allow_self_signed');
  await db.schema.alterTable('queues').addColumn('threshold_longest_wait_seconds', 'integer').execute();
  await db.schema.alterTable('queues').addColumn('threshold_sl_percent', 'integer').execute();
  await db.schema.alterTable('quarantine').addColumn('resolution', 'text').execute();
  await db.schema.alterTable('quarantine').addColumn('resolved_at', 'bigint').execute();
  await db.schema.alterTable('quarantine').addColumn('resolved_by', 'text').execute();

  const id = dialect === 'postgres' ? 'bigserial' : 'integer';
  await db.schema.createTable('audit_log')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('username', 'text')
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();
  await db.schema.createIndex('audit_log_object').on('audit_log').columns(['object_type', 'object_id', 'id']).execute();

  const counter = (name: string) => (t: ReturnType<typeof db.schema.createTable>) => t.addColumn(name, 'bigint', (c) => c.notNull().defaultTo(0));
  let stats = db.schema.createTable('stats_intervals')
    .addColumn('granularity', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull());
  for (const name of STAT_COLUMNS) stats = counter(name)(stats);
  await stats.addPrimaryKeyConstraint('stats_intervals_pk', ['granularity', 'dimension', 'start', 'key']).execute();

  await db.schema.createTable('stats_contacts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
}

/** Counters of one statistics interval row (all sums or maxima, so rows merge by addition / max). */
export const STAT_COLUMNS = [
  'received', 'established', 're_established', 'closed_unhandled', 'transferred', 'sl1', 'sl2',
  'answered', 'queue_ms_sum', 'queue_ms_max', 'handled', 'handle_ms_sum', 'outgoing',
] as const;
