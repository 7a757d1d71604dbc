import type { Kysely, Transaction } from 'kysely';
import type { Database, OutboxRow } from '../schema.js';
import type { Storage } from '../db.js';

/**
 * The transactional outbox: every side effect that sends mail is a row written in
 * the same transaction as the decision that caused it, then delivered with retries.
 */
export interface OutboxInput {
  kind: OutboxRow['kind'];
  contactId: string | null;
  accountId: string | null;
  envelopeFrom: string;
  envelopeTo: string[];
  raw: Buffer;
  /** Not before this time (an agent's undo window); default now. */
  notBefore?: number;
}

const outboxRow = (input: OutboxInput, now: number) => ({
  kind: input.kind, contact_id: input.contactId, account_id: input.accountId, envelope_from: input.envelopeFrom,
  envelope_to: JSON.stringify(input.envelopeTo), raw: input.raw, status: 'pending' as const, attempts: 0, next_attempt_at: Math.max(now, input.notBefore ?? now),
  last_error: null, claimed_by: null, claim_expires_at: null, created_at: now, sent_at: null,
});

export async function enqueueOutbox(trx: Kysely<Database> | Transaction<Database>, input: OutboxInput, now: number): Promise<number> {
  const row = await trx.insertInto('outbox').values(outboxRow(input, now)).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Several outbox rows, their ids in the order given. One statement per 100 rows when every row
 * names a different contact (the ids returned are matched by contact, never by position: neither
 * backend promises RETURNING's order); otherwise one statement per row.
 */
export async function enqueueOutboxRows(trx: Kysely<Database> | Transaction<Database>, items: readonly { input: OutboxInput; now: number }[]): Promise<number[]> {
  const contacts = items.map((i) => i.input.contactId);
  const distinct = contacts.every((c) => c !== null) && new Set(contacts).size === contacts.length;
  if (items.length === 1 || !distinct) {
    const ids: number[] = [];
    for (const i of items) ids.push(await enqueueOutbox(trx, i.input, i.now));
    return ids;
  }
  const byContact = new Map<string, number>();
  for (let at = 0; at < items.length; at += 100) {
    const rows = await trx.insertInto('outbox').values(items.slice(at, at + 100).map((i) => outboxRow(i.input, i.now))).returning(['id', 'contact_id']).execute();
    for (const r of rows) byContact.set(r.contact_id!, Number(r.id));
  }
  return contacts.map((c) => {
    const id = byContact.get(c!);
    if (id === undefined) throw new Error(`the outbox row of contact ${c} was not returned by its insert`);
    return id;
  });
}

/**
 * A claimed row and the instance that claimed it before this claim: the sent journal holding a
 * note for the row can only be that instance's (a note is written by the claimer at the relay's
 * 250, and taken over by the next claimer that finds it; see startDelivery). Null: nobody claimed
 * it yet, or its last attempt ended without a 250 (a failure to retry, a disabled server) or an
 * administrator retried it; a released claim keeps its claimer.
 */
export type ClaimedOutboxRow = OutboxRow & { previous_claimer: string | null };

export async function claimOutbox(storage: Storage, worker: string, limit: number, now: number, leaseMs: number): Promise<ClaimedOutboxRow[]> {
  return storage.transaction(async (trx) => {
    let q = trx.selectFrom('outbox').select(['id', 'claimed_by'])
      .where((eb) => eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('claim_expires_at', '<', now)]),
      ])).orderBy('id').limit(limit);
    if (storage.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const found = await q.execute();
    if (found.length === 0) return [];
    const before = new Map(found.map((r) => [Number(r.id), r.claimed_by]));
    const rows = await trx.updateTable('outbox').set((eb) => ({ status: 'sending', claimed_by: worker, claim_expires_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', [...before.keys()]).returningAll().execute();
    return rows.map((r) => ({ ...r, previous_claimer: before.get(Number(r.id)) ?? null })).sort((a, b) => Number(a.id) - Number(b.id));
  });
}

/**
 * Rows a worker of this instance id claimed and never finished (it was killed): claimable again
 * now instead of after the lease. Only for a worker starting up under a stable instance id.
 */
export async function releaseOutboxClaims(db: Kysely<Database>, worker: string, now: number): Promise<number> {
  // The claim's attempt never reached an outcome: it does not count (a worker killed again and again
  // must not push a row towards its back-off ceiling and MAX_DELIVERY_ATTEMPTS). claimed_by stays:
  // this worker's sent journal may hold a note for the row, and the next claimer looks there.
  const rows = await db.updateTable('outbox').set((eb) => ({ status: 'pending', claim_expires_at: null, next_attempt_at: now, attempts: eb('attempts', '-', 1) }))
    .where('status', '=', 'sending').where('claimed_by', '=', worker).returning('id').execute();
  return rows.length;
}

/** The note on a row recorded as sent from the sent journal, without a second send (kept for operators and the chaos proof). */
export const SENT_BEFORE_RESTART = 'sent before a restart (the relay had answered 250; the sent journal kept it): recorded without sending again';

/** `note`: why a sent row carries a remark (SENT_BEFORE_RESTART); otherwise its last error is cleared. */
export async function markOutboxSent(db: Kysely<Database>, id: number, now: number, note?: string): Promise<void> {
  await db.updateTable('outbox').set({ status: 'sent', sent_at: now, last_error: note ?? null, claimed_by: null, claim_expires_at: null }).where('id', '=', id).execute();
}

export async function markOutboxFailed(db: Kysely<Database>, id: number, error: string, retryAt: number | null): Promise<void> {
  await db.updateTable('outbox').set(retryAt === null
    ? { status: 'failed', last_error: error, claimed_by: null, claim_expires_at: null }
    : { status: 'pending', last_error: error, next_attempt_at: retryAt, claimed_by: null, claim_expires_at: null }).where('id', '=', id).execute();
}

/** The earliest next attempt among pending rows, to sleep until then. */
export async function nextOutboxDue(db: Kysely<Database>): Promise<number | null> {
  const r = await db.selectFrom('outbox').select((eb) => eb.fn.min<number>('next_attempt_at').as('due')).where('status', '=', 'pending').executeTakeFirst();
  return r?.due == null ? null : Number(r.due);
}

export async function outboxBacklog(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['pending', 'sending']).executeTakeFirstOrThrow();
  return Number(r.n);
}

export const listOutbox = (db: Kysely<Database>, filter: { contactId?: string; status?: OutboxRow['status'] } = {}) => {
  let q = db.selectFrom('outbox').select(['id', 'kind', 'contact_id', 'account_id', 'envelope_from', 'envelope_to', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'sent_at']);
  if (filter.contactId) q = q.where('contact_id', '=', filter.contactId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.orderBy('id').execute();
};

/** Cancels a row that has not been handed to a worker yet (an answer's undo). False when it already left or is leaving. */
export async function cancelPendingOutbox(trx: Kysely<Database> | Transaction<Database>, id: number, reason: string): Promise<boolean> {
  const r = await trx.updateTable('outbox').set({ status: 'cancelled', last_error: reason }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * A row whose SMTP server is switched off: back to pending with the reason, checked again at
 * `until` (or at once when the server is enabled); the claim did not count as an attempt.
 */
export async function deferOutbox(db: Kysely<Database>, id: number, reason: string, until: number): Promise<void> {
  await db.updateTable('outbox').set((eb) => ({
    status: 'pending', last_error: reason, next_attempt_at: until, claimed_by: null, claim_expires_at: null, attempts: eb('attempts', '-', 1),
  })).where('id', '=', id).execute();
}

/** Pending rows of the accounts sending through this SMTP server are due now (it was enabled again). */
export async function wakeOutboxFor(db: Kysely<Database>, smtpServerId: string, now: number): Promise<number> {
  const accounts = db.selectFrom('accounts').select('id').where('smtp_server_id', '=', smtpServerId);
  const r = await db.updateTable('outbox').set({ next_attempt_at: now }).where('status', '=', 'pending').where('kind', '!=', 'sent_copy')
    .where('account_id', 'in', accounts).where('next_attempt_at', '>', now).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
