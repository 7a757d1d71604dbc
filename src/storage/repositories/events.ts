import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { LOCKS } from '../db.js';
import type { WireEvent } from '../../core/acd/wire.js';
import type { Database } from '../schema.js';

/**
 * The event log. Every event pushed to agents is first a row here (written in the transaction
 * that causes it), so its id orders it and a reconnecting socket replays what it missed.
 * On PostgreSQL, writing a pushed event takes the transaction-scoped LOCKS.events lock first, so
 * pushed events get their ids in commit order: a reader that sees id n sees every pushed event
 * before it (the event socket relies on this). Write them in a transaction (storage.transaction),
 * late in it: the lock is held until commit. SQLite serialises writers anyway.
 */
export interface AppendEvent {
  at: number;
  type: string;
  contactId: string | null;
  agentId: string | null;
  data: unknown;
  /** The payload to push on the event socket (agentId must equal the row's agent). */
  push?: WireEvent;
}

export async function appendEvent(trx: Kysely<Database> | Transaction<Database>, e: AppendEvent): Promise<number> {
  if (e.push && trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${LOCKS.events})`.execute(trx);
  const row = await trx.insertInto('events').values({
    at: e.at, type: e.type, contact_id: e.contactId, agent_id: e.agentId, data: JSON.stringify(e.data), push: e.push ? JSON.stringify(e.push) : null,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Several entries in one insert per 500, in order: on PostgreSQL under the events lock once (pushed
 * ids in commit order). The ids a multi-row insert draws are ascending in the order of its rows.
 */
export async function appendEvents(trx: Transaction<Database>, es: AppendEvent[]): Promise<SentEvent[]> {
  if (es.length === 0) return [];
  if (es.some((e) => e.push) && trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(${LOCKS.events})`.execute(trx);
  const out: SentEvent[] = [];
  for (let i = 0; i < es.length; i += 500) {
    const part = es.slice(i, i + 500);
    const rows = await trx.insertInto('events').values(part.map((e) => ({
      at: e.at, type: e.type, contact_id: e.contactId, agent_id: e.agentId, data: JSON.stringify(e.data), push: e.push ? JSON.stringify(e.push) : null,
    }))).returning('id').execute();
    const ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    part.forEach((e, k) => { if (e.push) out.push({ id: ids[k], ...e.push }); });
  }
  return out;
}

/** A pushed event as sent: the wire payload with its log id. */
export type SentEvent = WireEvent & { id: number };

/** Pushed events after `since`, oldest first; for one agent (their own) or, with agentId null, all of them. */
export async function pushedEventsSince(db: Kysely<Database>, since: number, agentId: string | null, limit = 500): Promise<SentEvent[]> {
  let q = db.selectFrom('events').select(['id', 'push']).where('id', '>', since).where('push', 'is not', null);
  if (agentId !== null) q = q.where('agent_id', '=', agentId);
  const rows = await q.orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), ...(JSON.parse(r.push!) as WireEvent) }));
}

export async function lastEventId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return row?.id === null || row?.id === undefined ? 0 : Number(row.id);
}
