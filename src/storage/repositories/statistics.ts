import { sql, type Kysely, type Transaction } from 'kysely';
import { LOCKS, type Storage } from '../db.js';
import type { Database } from '../schema.js';
import {
  COUNTER_NAMES, applyEvent, emptyCounters, mergeIncrements, type ContactTrack, type Counters, type Dimension, type Increment, type QueueThresholds, type StatEvent,
} from '../../core/statistics/intervals.js';

/**
 * Statistics interval tables, kept up to date from the event log: a cursor (the last event id
 * processed, in settings 'statistics.cursor') survives restarts; each batch is one transaction
 * (under an advisory lock on PostgreSQL, so several processes never count an event twice).
 */
const CURSOR = 'statistics.cursor';

export async function statisticsCursor(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('settings').select('value').where('key', '=', CURSOR).executeTakeFirst();
  return r ? Number(r.value) : 0;
}

async function setCursor(trx: Transaction<Database>, id: number): Promise<void> {
  await trx.insertInto('settings').values({ key: CURSOR, value: String(id) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: String(id) })).execute();
}

async function queueThresholds(trx: Kysely<Database>): Promise<Record<string, QueueThresholds>> {
  const rows = await trx.selectFrom('queues').select(['id', 'sl1_minutes', 'sl2_minutes']).execute();
  return Object.fromEntries(rows.map((q) => [q.id, { sl1Minutes: q.sl1_minutes, sl2Minutes: q.sl2_minutes }]));
}

/** Processes up to `batchSize` new events; returns how many. */
export async function processStatisticsBatch(storage: Storage, batchSize = 5000): Promise<number> {
  return storage.transaction(async (trx) => {
    const cursor = await statisticsCursor(trx);
    const rows = await trx.selectFrom('events').select(['id', 'at', 'type', 'contact_id', 'agent_id', 'data']).where('id', '>', cursor).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) return 0;
    const contactIds = [...new Set(rows.map((r) => r.contact_id).filter((c): c is string => !!c))];
    const tracks = new Map<string, ContactTrack | null>();
    for (let i = 0; i < contactIds.length; i += 500) {
      const found = await trx.selectFrom('stats_contacts').selectAll().where('contact_id', 'in', contactIds.slice(i, i + 500)).execute();
      for (const f of found) tracks.set(f.contact_id, JSON.parse(f.state) as ContactTrack);
    }
    const existed = new Set(tracks.keys());
    // answer.state events name the answer; its entrance (that of the From address) is on the answer.
    const answerIds = [...new Set(rows.filter((r) => r.type === 'answer.state').map((r) => (JSON.parse(r.data) as { answerId?: string }).answerId).filter((a): a is string => !!a))];
    const entranceOfAnswer = new Map<string, string | null>();
    for (let i = 0; i < answerIds.length; i += 500) {
      for (const a of await trx.selectFrom('answers').select(['id', 'entrance_id']).where('id', 'in', answerIds.slice(i, i + 500)).execute()) entranceOfAnswer.set(a.id, a.entrance_id);
    }
    const queues = await queueThresholds(trx);
    const increments: Increment[] = [];
    for (const r of rows) {
      let data: Record<string, unknown>;
      try { data = JSON.parse(r.data) as Record<string, unknown>; } catch { data = {}; }
      if (r.type === 'answer.state' && typeof data.answerId === 'string') data.entranceId = entranceOfAnswer.get(data.answerId) ?? null;
      const e: StatEvent = { id: Number(r.id), at: Number(r.at), type: r.type, contactId: r.contact_id, agentId: r.agent_id, data };
      const out = applyEvent(r.contact_id ? tracks.get(r.contact_id) ?? null : null, e, queues);
      if (r.contact_id && out.track) tracks.set(r.contact_id, out.track);
      increments.push(...out.increments);
    }
    await upsertRows(storage, trx, mergeIncrements(increments));
    for (const [contactId, track] of tracks) {
      if (!track) continue;
      const state = JSON.stringify(track);
      if (existed.has(contactId)) await trx.updateTable('stats_contacts').set({ state }).where('contact_id', '=', contactId).execute();
      else await trx.insertInto('stats_contacts').values({ contact_id: contactId, state }).execute();
    }
    await setCursor(trx, Number(rows[rows.length - 1].id));
    return rows.length;
  }, LOCKS.statistics);
}

async function upsertRows(storage: Storage, trx: Transaction<Database>, merged: ReturnType<typeof mergeIncrements>): Promise<void> {
  const maxOf = storage.dialect === 'postgres' ? 'greatest' : 'max';
  const values = [...merged.values()].map(({ row, counters }) => ({ ...row, ...counters }));
  for (let i = 0; i < values.length; i += 200) {
    await trx.insertInto('stats_intervals').values(values.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['granularity', 'dimension', 'start', 'key']).doUpdateSet(() => {
        const set: Record<string, unknown> = {};
        for (const c of COUNTER_NAMES) {
          set[c] = c === 'queue_ms_max'
            ? sql`${sql.raw(maxOf)}(stats_intervals.queue_ms_max, excluded.queue_ms_max)`
            : sql`stats_intervals.${sql.ref(c)} + excluded.${sql.ref(c)}`;
        }
        return set as never;
      })).execute();
  }
}

/** Processes every new event (in batches). Returns how many were processed. */
export async function updateStatistics(storage: Storage, batchSize = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await processStatisticsBatch(storage, batchSize);
    total += n;
    if (n < batchSize) return total;
  }
}

/** Forgets the interval tables and recomputes them from the whole event log. */
export async function rebuildStatistics(storage: Storage, batchSize = 5000): Promise<number> {
  await storage.transaction(async (trx) => {
    await trx.deleteFrom('stats_intervals').execute();
    await trx.deleteFrom('stats_contacts').execute();
    await trx.deleteFrom('settings').where('key', '=', CURSOR).execute();
  }, LOCKS.statistics);
  return updateStatistics(storage, batchSize);
}

/** Stored rows of one granularity and dimension over [from, to). */
export async function readIntervals(db: Kysely<Database>, q: { granularity: '15m' | 'day'; dimension: Dimension; from: number; to: number; key?: string }): Promise<Array<{ key: string; start: number; counters: Counters }>> {
  let query = db.selectFrom('stats_intervals').selectAll().where('granularity', '=', q.granularity).where('dimension', '=', q.dimension)
    .where('start', '>=', q.from).where('start', '<', q.to);
  if (q.key) query = query.where('key', '=', q.key);
  const rows = await query.execute();
  return rows.map((r) => {
    const counters = emptyCounters();
    for (const c of COUNTER_NAMES) counters[c] = Number(r[c]);
    return { key: r.key, start: Number(r.start), counters };
  });
}
