import { sql, type Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import type { Database } from '../../storage/schema.js';
import type { AcdEvent } from '../../core/acd/types.js';
import type { AcdOutcome } from './engine.js';
import { CommandGoneError, type AcdLeader } from './memory.js';

/**
 * Commands from processes that do not lead the queue engine (web processes on PostgreSQL) to the
 * one that does. The sender writes a row to `acd_commands` and announces it on the bus
 * (LISTEN/NOTIFY); the leader decides it and answers the row in the decision's own transaction,
 * then announces the answer. A sender that hears nothing in time cancels its row, which succeeds
 * only while the leader has not answered it: so a command is decided exactly once or not at all,
 * and a leader change while it is in flight gives the caller AcdUnavailableError (HTTP 503
 * `acd.unavailable`, retry), never a silent drop or a double decision.
 */
export class LeaderElsewhereError extends Error {
  constructor(readonly holder: string) { super(`the queue engine is led by ${holder}`); this.name = 'LeaderElsewhereError'; }
}

/** The queue engine could not take the command now; nothing was decided. Safe to retry. */
export class AcdUnavailableError extends Error {
  readonly code = 'acd.unavailable';
  constructor(message: string, readonly retryAfterSeconds = 2) { super(message); this.name = 'AcdUnavailableError'; }
}

/** pg_notify payloads stay well below PostgreSQL's 8,000 bytes; larger answers are read from the row. */
const INLINE_RESULT_BYTES = 6000;

interface Answer { id: number; outcome?: AcdOutcome; retry?: boolean }
type Waiter = (a: Answer) => void;
const waiters = new WeakMap<Deps['bus'], { map: Map<number, Waiter>; unsubscribe: () => void }>();

/** One 'acd-answer' subscription per process and bus, shared by every command in flight. */
function answers(deps: Deps): Map<number, Waiter> {
  let w = waiters.get(deps.bus);
  if (!w) {
    const map = new Map<number, Waiter>();
    const unsubscribe = deps.bus.subscribe('acd-answer', (p) => {
      const a = p as Answer | null;
      if (a && typeof a.id === 'number') map.get(a.id)?.(a);
    });
    waiters.set(deps.bus, (w = { map, unsubscribe }));
  }
  return w.map;
}

export async function sendToLeader(deps: Deps, event: AcdEvent, holder: string, timeoutMs = deps.config.acdCommandTimeoutMs): Promise<AcdOutcome> {
  if (deps.storage.dialect !== 'postgres') {
    throw new AcdUnavailableError(`the queue engine runs in another process (${holder}); on SQLite run every role in one process`, 5);
  }
  const db = deps.storage.db;
  const row = await db.insertInto('acd_commands').values({
    event: JSON.stringify(event), status: 'pending', result: null, submitted_by: deps.config.instanceId, answered_by: null, created_at: Date.now(), answered_at: null,
  }).returning('id').executeTakeFirstOrThrow();
  const id = Number(row.id);
  const map = answers(deps);
  let timer: NodeJS.Timeout | undefined;
  const answered = new Promise<Answer | null>((resolve) => {
    map.set(id, resolve);
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    await deps.bus.publish('acd-command', { id });
    const a = await answered;
    if (a?.outcome) return a.outcome;
    if (a?.retry) throw new AcdUnavailableError('the queue engine could not commit the decision; nothing was done, please retry', 1);
    if (a) return await readAnswer(deps, id);
    // No answer in time: cancel, unless the leader answered meanwhile.
    const cancelled = await db.updateTable('acd_commands').set({ status: 'cancelled', answered_at: Date.now() })
      .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 1) {
      throw new AcdUnavailableError('the queue engine did not answer in time (its leader may be changing); nothing was done, please retry');
    }
    return await readAnswer(deps, id);
  } finally {
    clearTimeout(timer);
    map.delete(id);
  }
}

async function readAnswer(deps: Deps, id: number): Promise<AcdOutcome> {
  const r = await deps.storage.db.selectFrom('acd_commands').select(['status', 'result']).where('id', '=', id).executeTakeFirstOrThrow();
  if (r.status !== 'done' || !r.result) throw new AcdUnavailableError('the queue engine did not answer; nothing was done, please retry');
  return JSON.parse(r.result) as AcdOutcome;
}

/**
 * The leader's side: hands every pending command to the leader at once, so that those that arrive
 * together are decided in one group and committed in one transaction. Each answer is written in
 * that transaction, and only while the row is still pending (its sender has not given up). A
 * command whose group failed to commit is cancelled here and its sender told at once to retry.
 */
export async function answerCommands(deps: Deps, leader: AcdLeader): Promise<void> {
  const db = deps.storage.db;
  for (;;) {
    if (!leader.leading) return;
    const rows = await db.selectFrom('acd_commands').select(['id', 'event']).where('status', '=', 'pending').orderBy('id').limit(500).execute();
    if (rows.length === 0) return;
    await Promise.all(rows.map((r) => answerOne(deps, leader, Number(r.id), JSON.parse(r.event) as AcdEvent)));
  }
}

/**
 * The leader answers a group's command rows in its transaction, in one statement on PostgreSQL;
 * only rows still pending (their senders have not given up). Returns the ids answered.
 */
export async function answerCommandRows(trx: Transaction<Database>, postgres: boolean, instance: string, answers: { id: number; outcome: AcdOutcome }[]): Promise<Set<number>> {
  const now = Date.now();
  if (answers.length === 1 || !postgres) {
    const done = new Set<number>();
    for (const a of answers) {
      const u = await trx.updateTable('acd_commands').set({ status: 'done', result: JSON.stringify(a.outcome), answered_by: instance, answered_at: now })
        .where('id', '=', a.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(u.numUpdatedRows) === 1) done.add(a.id);
    }
    return done;
  }
  const rows = await sql<{ id: number | string }>`
    update acd_commands as c set status = 'done', result = v.result, answered_by = ${instance}, answered_at = ${now}
    from unnest(${answers.map((a) => a.id)}::bigint[], ${answers.map((a) => JSON.stringify(a.outcome))}::text[]) as v(id, result)
    where c.id = v.id and c.status = 'pending' returning c.id`.execute(trx);
  return new Set(rows.rows.map((r) => Number(r.id)));
}

/** Answers on the bus, gathered: the answers of one group (resolved together) leave in one NOTIFY statement. */
const outgoing = new WeakMap<Deps['bus'], unknown[]>();
function publishAnswer(deps: Deps, answer: unknown): void {
  let batch = outgoing.get(deps.bus);
  if (batch) { batch.push(answer); return; }
  outgoing.set(deps.bus, (batch = [answer]));
  setImmediate(() => {
    outgoing.delete(deps.bus);
    const send = batch.length > 1 && deps.bus.publishMany ? deps.bus.publishMany('acd-answer', batch) : Promise.all(batch.map((a) => deps.bus.publish('acd-answer', a)));
    // A lost answer: its sender times out, cancels (refused: already answered) and reads the row.
    Promise.resolve(send).catch((err: unknown) => deps.logger.warn({ err }, 'publishing command answers failed; their senders read them from the table'));
  });
}

async function answerOne(deps: Deps, leader: AcdLeader, id: number, event: AcdEvent): Promise<void> {
  let outcome: AcdOutcome;
  try {
    outcome = await leader.apply(deps, event, { commandId: id });
  } catch (err) {
    if (err instanceof CommandGoneError) return; // its sender cancelled it: nothing was decided
    if (!(err instanceof AcdUnavailableError)) throw err;
    // Its group did not commit: nothing was decided. Cancel it and tell the sender to retry now.
    const cancelled = await deps.storage.db.updateTable('acd_commands').set({ status: 'cancelled', answered_at: Date.now() })
      .where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 1) await deps.bus.publish('acd-answer', { id, retry: true });
    return;
  }
  const text = JSON.stringify({ id, outcome });
  publishAnswer(deps, Buffer.byteLength(text) <= INLINE_RESULT_BYTES ? { id, outcome } : { id });
}

/** Answered and cancelled commands older than an hour are removed by the leader's sweep. */
export async function pruneCommands(deps: Deps, now: number): Promise<void> {
  await deps.storage.db.deleteFrom('acd_commands').where('status', '!=', 'pending').where('created_at', '<', now - 3_600_000).execute();
}
