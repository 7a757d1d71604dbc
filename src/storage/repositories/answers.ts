import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AnswerMode } from '../../core/answer/index.js';
import type { AnswerRow, AnswerState, Database } from '../schema.js';
import { appendEvent } from './events.js';
import { isUniqueViolation } from '../db.js';

/** Drafts (one per contact and agent), uploads kept with the case, and the agent's answers with their delivery state. */
type Db = Kysely<Database> | Transaction<Database>;

export interface DraftContent {
  mode: AnswerMode;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  quote: 'thread' | 'none';
  attachmentIds: string[];
  templateId?: string | null;
}

export interface StoredDraft { content: DraftContent; version: number; updatedAt: number }

export async function getDraft(db: Db, contactId: string, agentId: string): Promise<StoredDraft | null> {
  const r = await db.selectFrom('answer_drafts').selectAll().where('contact_id', '=', contactId).where('agent_id', '=', agentId).executeTakeFirst();
  return r ? { content: JSON.parse(r.content) as DraftContent, version: Number(r.version), updatedAt: Number(r.updated_at) } : null;
}

/**
 * Saves a draft. With baseVersion, only over that version (else 'conflict' and the current one):
 * two devices typing at once do not silently overwrite each other.
 */
export async function putDraft(db: Kysely<Database>, contactId: string, agentId: string, content: DraftContent, now: number, baseVersion?: number): Promise<{ ok: true; draft: StoredDraft } | { ok: false; current: StoredDraft }> {
  return db.transaction().execute(async (trx): Promise<{ ok: true; draft: StoredDraft } | { ok: false; current: StoredDraft }> => {
    const current = await getDraft(trx, contactId, agentId);
    if (current && baseVersion !== undefined && baseVersion !== current.version) return { ok: false as const, current };
    const version = (current?.version ?? 0) + 1;
    if (current) {
      await trx.updateTable('answer_drafts').set({ content: JSON.stringify(content), version, updated_at: now })
        .where('contact_id', '=', contactId).where('agent_id', '=', agentId).execute();
    } else {
      await trx.insertInto('answer_drafts').values({ contact_id: contactId, agent_id: agentId, content: JSON.stringify(content), version, updated_at: now }).execute();
    }
    return { ok: true as const, draft: { content, version, updatedAt: now } };
  }).catch(async (err: unknown) => {
    // Two devices saving the very first version at once: the loser sees the winner's draft.
    const current = isUniqueViolation(err) ? await getDraft(db, contactId, agentId) : null;
    if (current) return { ok: false as const, current };
    throw err;
  });
}

export async function deleteDraft(db: Db, contactId: string, agentId: string): Promise<boolean> {
  const r = await db.deleteFrom('answer_drafts').where('contact_id', '=', contactId).where('agent_id', '=', agentId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Puts a draft back (undo): keeps counting versions so an open editor notices. */
export async function restoreDraft(trx: Db, contactId: string, agentId: string, content: DraftContent, now: number): Promise<void> {
  const current = await trx.selectFrom('answer_drafts').select('version').where('contact_id', '=', contactId).where('agent_id', '=', agentId).executeTakeFirst();
  if (current) {
    await trx.updateTable('answer_drafts').set({ content: JSON.stringify(content), version: Number(current.version) + 1, updated_at: now })
      .where('contact_id', '=', contactId).where('agent_id', '=', agentId).execute();
  } else {
    await trx.insertInto('answer_drafts').values({ contact_id: contactId, agent_id: agentId, content: JSON.stringify(content), version: 1, updated_at: now }).execute();
  }
}

export interface UploadInfo { id: string; contactId: string; filename: string; contentType: string; size: number; answerId: string | null; createdAt: number }

export async function storeUpload(db: Db, input: { contactId: string; caseId: string | null; agentId: string; filename: string; contentType: string; content: Buffer }, now: number): Promise<UploadInfo> {
  const id = randomUUID();
  await db.insertInto('answer_uploads').values({
    id, contact_id: input.contactId, case_id: input.caseId, agent_id: input.agentId, filename: input.filename, content_type: input.contentType,
    size: input.content.length, content: input.content, answer_id: null, created_at: now,
  }).execute();
  return { id, contactId: input.contactId, filename: input.filename, contentType: input.contentType, size: input.content.length, answerId: null, createdAt: now };
}

const UPLOAD_INFO = ['id', 'contact_id', 'agent_id', 'filename', 'content_type', 'size', 'answer_id', 'created_at'] as const;

export const uploadsOfContact = (db: Db, contactId: string, agentId: string) =>
  db.selectFrom('answer_uploads').select(UPLOAD_INFO).where('contact_id', '=', contactId).where('agent_id', '=', agentId).orderBy('created_at').orderBy('id').execute();

export async function findUpload(db: Db, id: string) {
  return db.selectFrom('answer_uploads').select(UPLOAD_INFO).where('id', '=', id).executeTakeFirst();
}

export async function uploadsWithContent(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('answer_uploads').selectAll().where('id', 'in', ids).execute();
}

export async function deleteUpload(db: Db, id: string): Promise<void> {
  await db.deleteFrom('answer_uploads').where('id', '=', id).where('answer_id', 'is', null).execute();
}

export async function linkUploads(db: Db, ids: string[], answerId: string | null): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('answer_uploads').set({ answer_id: answerId }).where('id', 'in', ids).execute();
}

export const findAnswer = (db: Db, id: string) => db.selectFrom('answers').selectAll().where('id', '=', id).executeTakeFirst();
export const findAnswerByOutbox = (db: Db, outboxId: number) => db.selectFrom('answers').selectAll().where('outbox_id', '=', outboxId).executeTakeFirst();

export const answersOfCase = (db: Db, caseId: string | null, contactId: string) =>
  (caseId ? db.selectFrom('answers').selectAll().where('case_id', '=', caseId) : db.selectFrom('answers').selectAll().where('contact_id', '=', contactId))
    .orderBy('created_at').orderBy('id').execute();

/** The state as seen now: a scheduled answer whose undo window has passed is queued. */
export const effectiveState = (a: Pick<AnswerRow, 'state' | 'undo_until'>, now: number): AnswerState =>
  a.state === 'scheduled' && a.undo_until <= now ? 'queued' : a.state;

/**
 * Changes an answer's state and writes the answer.state event in the same transaction.
 * Returns the event to publish after commit.
 */
export async function setAnswerState(trx: Db, a: Pick<AnswerRow, 'id' | 'contact_id' | 'agent_id'>, state: AnswerState, reason: string | null, now: number, extra: { sentAt?: number } = {}): Promise<AnswerEvent> {
  await trx.updateTable('answers').set({ state, reason, updated_at: now, ...(extra.sentAt !== undefined ? { sent_at: extra.sentAt } : {}) }).where('id', '=', a.id).execute();
  return answerEvent(trx, a, state, reason, now);
}

export interface AnswerEvent {
  type: 'answer.state';
  id: number;
  at: string;
  answerId: string;
  contactId: string;
  agentId: string;
  state: AnswerState;
  reason?: string;
}

/**
 * Writes the answer.state event to the event log with its push payload (the event socket sends
 * it live and replays it after a reconnect). Pushed events take LOCKS.events on PostgreSQL
 * (appendEvent), so ids follow commit order.
 */
export async function answerEvent(trx: Db, a: Pick<AnswerRow, 'id' | 'contact_id' | 'agent_id'>, state: AnswerState, reason: string | null, now: number): Promise<AnswerEvent> {
  const data = { answerId: a.id, contactId: a.contact_id, agentId: a.agent_id, state, ...(reason ? { reason } : {}) };
  // Pushed to the agent's event socket (and replayed to a reconnecting one) with its event-log id.
  const push = { type: 'answer.state' as const, at: new Date(now).toISOString(), ...data };
  const id = await appendEvent(trx, { at: now, type: 'answer.state', contactId: a.contact_id, agentId: a.agent_id, data, push });
  return { ...push, id };
}
