import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, InboundMessageRow } from '../schema.js';
import type { Storage } from '../db.js';
import { sha256 } from '../../adapters/crypto/secrets.js';

/** Raw inbound messages: stored by the account server, claimed by email servers. */

export interface StoreInput {
  accountId: string;
  uidvalidity: number | null;
  uid: number | null;
  raw: Buffer;
  /** 'pending' for IMAP (an after-import action follows), 'none' for SMTP. */
  sourceAction: 'pending' | 'none';
  /** Arrival at the mailbox (IMAP INTERNALDATE); defaults to now (SMTP). */
  arrivedAt?: number | null;
}

/**
 * Idempotent on (account, UIDVALIDITY, UID): storing the same source message twice
 * is a no-op. Advances the account cursor in the same transaction.
 */
export async function storeInbound(storage: Storage, input: StoreInput, now: number, cursor?: { mailbox: string }): Promise<{ stored: boolean; id: number | null }> {
  return (await storeInboundBatch(storage, [input], now, cursor))[0];
}

/**
 * Stores several messages in one transaction (an IMAP batch: one commit, not one per message),
 * each idempotent as in storeInbound; the cursor advances to the batch's highest UID in the same
 * transaction. Inputs must be in ascending UID order. A message's raw bytes go to inbound_raw,
 * written only for a message row this call inserted.
 */
export async function storeInboundBatch(storage: Storage, inputs: readonly StoreInput[], now: number, cursor?: { mailbox: string }): Promise<{ stored: boolean; id: number | null }[]> {
  if (inputs.length === 0) return [];
  return storage.transaction(async (trx) => {
    const ids = await insertMessages(trx, inputs, now);
    const raws = inputs.flatMap((input, i) => (ids[i] === null ? [] : [{ inbound_message_id: ids[i]!, raw: input.raw }]));
    for (let i = 0; i < raws.length; i += INSERT_ROWS) await trx.insertInto('inbound_raw').values(raws.slice(i, i + INSERT_ROWS)).execute();
    const last = inputs[inputs.length - 1];
    if (cursor && last.uidvalidity !== null && last.uid !== null) {
      await advanceCursor(trx, last.accountId, cursor.mailbox, last.uidvalidity, Math.max(...inputs.map((i) => i.uid ?? 0)), now);
    }
    return ids.map((id) => ({ stored: id !== null, id }));
  });
}

/** Rows per multi-row INSERT: 15 parameters a message row, well below either backend's limit (SQLite 32,766, PostgreSQL 65,535). */
const INSERT_ROWS = 200;

const sourceKey = (uidvalidity: number | null, uid: number | null) => `${uidvalidity}:${uid}`;

/**
 * The message rows, in input order; the id of each one inserted, null where (account, UIDVALIDITY,
 * UID) was already stored. Messages with a UID (IMAP) go in multi-row INSERTs (ids are assigned
 * in VALUES order, so ascending with the UID as before); RETURNING lists only the inserted rows
 * and in no promised order, so ids are matched by (UIDVALIDITY, UID), never by position. A UID
 * that repeats within the batch counts once, as row-by-row inserts would have it. Messages without
 * a UID (SMTP, one per call), or a batch of several accounts, are inserted one at a time: the
 * returned (UIDVALIDITY, UID) would not tell their rows apart.
 */
async function insertMessages(trx: Transaction<Database>, inputs: readonly StoreInput[], now: number): Promise<(number | null)[]> {
  const row = (input: StoreInput) => ({
    account_id: input.accountId, uidvalidity: input.uidvalidity, uid: input.uid, size: input.raw.length,
    sha256: sha256(input.raw), stored_at: now, status: 'stored' as const, source_action: input.sourceAction, attempts: 0,
    claimed_by: null, claim_expires_at: null, contact_id: null, error: null, processed_at: null,
    arrived_at: input.arrivedAt === undefined ? now : input.arrivedAt,
  });
  const insert = (rows: ReturnType<typeof row>[]) => trx.insertInto('inbound_messages').values(rows)
    .onConflict((oc) => oc.columns(['account_id', 'uidvalidity', 'uid']).doNothing()).returning(['id', 'uidvalidity', 'uid']);
  if (inputs.some((i) => i.uidvalidity === null || i.uid === null || i.accountId !== inputs[0].accountId)) {
    const ids: (number | null)[] = [];
    for (const input of inputs) {
      const inserted = await insert([row(input)]).executeTakeFirst();
      ids.push(inserted ? Number(inserted.id) : null);
    }
    return ids;
  }
  const first = new Map<string, number>();
  inputs.forEach((input, i) => { const k = sourceKey(input.uidvalidity, input.uid); if (!first.has(k)) first.set(k, i); });
  const unique = [...first.values()].map((i) => inputs[i]);
  const inserted = new Map<string, number>();
  for (let i = 0; i < unique.length; i += INSERT_ROWS) {
    for (const r of await insert(unique.slice(i, i + INSERT_ROWS).map(row)).execute()) inserted.set(sourceKey(Number(r.uidvalidity), Number(r.uid)), Number(r.id));
  }
  return inputs.map((input, i) => {
    const k = sourceKey(input.uidvalidity, input.uid);
    return first.get(k) === i ? inserted.get(k) ?? null : null;
  });
}

export async function getCursor(db: Kysely<Database>, accountId: string) {
  return db.selectFrom('account_cursors').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Sets the cursor; a new UIDVALIDITY resets last_uid (a re-scan, de-duplicated later by Message-ID). */
export async function advanceCursor(db: Kysely<Database>, accountId: string, mailbox: string, uidvalidity: number, lastUid: number, now: number): Promise<void> {
  await db.insertInto('account_cursors').values({ account_id: accountId, mailbox, uidvalidity, last_uid: lastUid, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({
      mailbox, uidvalidity, updated_at: now,
      last_uid: sql<number>`case when account_cursors.uidvalidity = ${uidvalidity} and account_cursors.last_uid > ${lastUid} then account_cursors.last_uid else ${lastUid} end`,
    })).execute();
}

/** Stored messages whose after-import action has not run on the source yet (e.g. after a crash). */
export const pendingSourceActions = (db: Kysely<Database>, accountId: string, uidvalidity: number) =>
  db.selectFrom('inbound_messages').select(['id', 'uid']).where('account_id', '=', accountId)
    .where('uidvalidity', '=', uidvalidity).where('source_action', '=', 'pending').orderBy('uid').execute();

export async function markSourceActionDone(db: Kysely<Database>, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('inbound_messages').set({ source_action: 'done' }).where('id', 'in', ids).execute();
}

/**
 * Claims up to `limit` messages for one email server. A claim is a lease: a crashed
 * server's messages become claimable again when the lease expires. On PostgreSQL the
 * candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent servers never
 * claim the same message.
 */
export async function claimInbound(storage: Storage, worker: string, limit: number, now: number, leaseMs: number): Promise<InboundMessageRow[]> {
  return storage.transaction(async (trx) => {
    // Two index-friendly queries (an OR would scan the table): new messages first, then expired claims.
    const pick = async (where: 'stored' | 'expired', n: number) => {
      let q = trx.selectFrom('inbound_messages').select('id');
      q = where === 'stored' ? q.where('status', '=', 'stored') : q.where('status', '=', 'processing').where('claim_expires_at', '<', now);
      q = q.orderBy('id').limit(n);
      if (storage.dialect === 'postgres') q = q.forUpdate().skipLocked();
      return (await q.execute()).map((r) => Number(r.id));
    };
    const fresh = await pick('stored', limit);
    const ids = fresh.length < limit ? [...fresh, ...await pick('expired', limit - fresh.length)] : fresh;
    if (ids.length === 0) return [];
    const rows = await trx.updateTable('inbound_messages')
      .set((eb) => ({ status: 'processing', claimed_by: worker, claim_expires_at: now + leaseMs, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', ids).returningAll().execute();
    // The raw bytes in one query; written in the message's own transaction, so always there.
    const raws = new Map((await trx.selectFrom('inbound_raw').select(['inbound_message_id', 'raw']).where('inbound_message_id', 'in', ids).execute())
      .map((r) => [Number(r.inbound_message_id), r.raw]));
    // Never expected; such a message is quarantined with the reason, not a claim that fails again and again for every message after it.
    const missing = rows.filter((r) => !raws.has(Number(r.id)));
    if (missing.length) await quarantineInbound(trx, missing, 'message.raw_missing', 'the stored message has no raw bytes (its inbound_raw row is missing)', now);
    return rows.flatMap((r) => { const raw = raws.get(Number(r.id)); return raw === undefined ? [] : [{ ...r, raw }]; });
  });
}

/** Quarantines inbound messages with the reason: an entry each, and the message marked (its claim ends). */
export async function quarantineInbound(trx: Transaction<Database>, msgs: readonly Pick<InboundMessageRow, 'id' | 'account_id'>[], code: string, reason: string, now: number): Promise<void> {
  await trx.insertInto('quarantine').values(msgs.map((m) => ({ inbound_message_id: Number(m.id), account_id: m.account_id, reason_code: code, reason, created_at: now }))).execute();
  await trx.updateTable('inbound_messages').set({ status: 'quarantined', error: `${code}: ${reason}`, processed_at: now, claim_expires_at: null })
    .where('id', 'in', msgs.map((m) => Number(m.id))).execute();
}

export async function countInbound(db: Kysely<Database>, status?: string): Promise<number> {
  let q = db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n'));
  if (status) q = q.where('status', '=', status as never);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export const getInboundRaw = async (db: Kysely<Database>, id: number): Promise<Buffer | null> =>
  (await db.selectFrom('inbound_raw').select('raw').where('inbound_message_id', '=', id).executeTakeFirst())?.raw ?? null;
