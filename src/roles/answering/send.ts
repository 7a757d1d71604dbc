import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { checkRecipients, normaliseRecipients } from '../../core/answer/index.js';
import { ApiError } from '../../web/errors.js';
import {
  answerEvent, deleteDraft, findAnswer, linkUploads, restoreDraft, setAnswerState, effectiveState, type AnswerEvent, type DraftContent, type StoredDraft,
} from '../../storage/repositories/answers.js';
import { getMaxMessageBytes } from '../../storage/repositories/analysis-config.js';
import { recordCaseMessage } from '../../storage/repositories/cases.js';
import { cancelPendingOutbox, enqueueOutbox } from '../../storage/repositories/outbox.js';
import type { AnswerRow, UserRow } from '../../storage/schema.js';
import { normaliseMessageId } from '../../core/analysis/index.js';
import type { AnswerContext } from './context.js';
import { composeAnswerFor } from './compose.js';

/**
 * Sending and taking back an agent's answer. The message is composed from current data, then
 * one transaction writes the answer, its outbox row (not before the undo window ends), the
 * Message-ID on the case, the answer.state event, and removes the draft; events are published
 * after commit (pushed events take LOCKS.events in appendEvent: ids in commit order). Undo cancels the outbox row only while it is still pending, and restores the draft.
 *
 * Template variables: every {{variable}} left in the subject, text or signature is filled now.
 * One without a value refuses the send (422 answer.missing_variables, with the list) unless the
 * request says allowMissingVariables: true, which sends them as empty text.
 * The composed message may not exceed the sending account's size limit (413 answer.too_large).
 */
export interface SendInput extends DraftContent {
  allowMissingVariables?: boolean;
  /** Sending the saved draft of this version: it must still be that version when the answer is written (a double click sends once). */
  draftVersion?: number;
}

export function answerView(a: AnswerRow, now: number) {
  const state = effectiveState(a, now);
  return {
    id: a.id, contactId: a.contact_id, caseId: a.case_id, agentId: a.agent_id, entranceId: a.entrance_id, mode: a.mode, state,
    ...(a.reason ? { reason: a.reason } : {}), undoUntil: new Date(a.undo_until).toISOString(), messageId: a.message_id,
    from: a.from_address, to: JSON.parse(a.to_addresses) as string[], cc: JSON.parse(a.cc_addresses) as string[], bcc: JSON.parse(a.bcc_addresses) as string[],
    subject: a.subject, createdAt: new Date(a.created_at).toISOString(), sentAt: a.sent_at === null ? null : new Date(a.sent_at).toISOString(),
  };
}

export async function sendAnswer(deps: Deps, ctx: AnswerContext, agent: UserRow, input: SendInput): Promise<AnswerRow> {
  const db = deps.storage.db;
  const c = ctx.contact;
  const from = input.from.trim().toLowerCase();
  const choice = ctx.choices.find((x) => x.address === from);
  if (!choice) {
    throw new ApiError(422, 'answer.from_not_allowed', ctx.choices.length === 0
      ? "this contact's entrance has no mail account to send from"
      : `"${input.from}" is not one of the From addresses for this contact: ${ctx.choices.map((x) => x.address).join(', ')}`, [{ path: 'body.from', message: 'not allowed' }]);
  }
  const recipients = normaliseRecipients(input);
  const problem = checkRecipients(recipients);
  if (problem) {
    throw new ApiError(422, problem.code, problem.message, problem.code === 'answer.recipient_invalid'
      ? problem.invalid.map((i) => ({ path: `body.${i.field}.${i.index}`, message: 'not a valid email address' }))
      : [{ path: 'body.to', message: 'at least one recipient is required' }]);
  }
  const ids = [...new Set(input.attachmentIds)];
  if (ids.length > 0) {
    const rows = await db.selectFrom('answer_uploads').select(['id', 'contact_id', 'answer_id']).where('id', 'in', ids).execute();
    const bad = ids.filter((id) => !rows.some((r) => r.id === id && r.contact_id === c.id && r.answer_id === null));
    if (bad.length > 0) throw new ApiError(422, 'answer.attachment_unknown', `unknown or already sent upload(s) for this contact: ${bad.join(', ')}`, bad.map((id) => ({ path: 'body.attachmentIds', message: `no upload '${id}' for this contact` })));
  }
  const now = deps.clock();
  const composed = await composeAnswerFor(deps.storage, ctx, { ...input, from, ...recipients, attachmentIds: ids }, { entranceId: choice.entranceId, dropMissing: input.allowMissingVariables === true, now });
  if (composed.missing.length > 0 && input.allowMissingVariables !== true) {
    throw new ApiError(422, 'answer.missing_variables', `these variables have no value: ${composed.missing.map((m) => `{{${m}}}`).join(', ')}; fill them in, remove them, or send with allowMissingVariables: true`,
      composed.missing.map((m) => ({ path: 'body.html', message: `{{${m}}} has no value` })));
  }
  const maxBytes = await getMaxMessageBytes(db, choice.accountId);
  if (composed.raw.length > maxBytes) {
    throw new ApiError(413, 'answer.too_large', `The answer with its attachments is ${composed.raw.length} bytes; the account's message size limit is ${maxBytes} bytes. Remove or shrink attachments.`);
  }
  const undoMs = deps.config.answers.undoSendSeconds * 1000;
  const draft: DraftContent = {
    mode: input.mode, from, to: input.to, cc: input.cc, bcc: input.bcc, subject: input.subject, html: input.html, quote: input.quote,
    attachmentIds: ids, templateId: input.templateId ?? null,
  };
  const id = randomUUID();
  const { row, event } = await deps.storage.transaction(async (trx) => {
    const outboxId = await enqueueOutbox(trx, {
      kind: 'reply', contactId: c.id, accountId: choice.accountId, envelopeFrom: from,
      envelopeTo: [...recipients.to, ...recipients.cc, ...recipients.bcc], raw: composed.raw, notBefore: now + undoMs,
    }, now);
    const row: AnswerRow = {
      id, contact_id: c.id, case_id: c.case_id ?? null, agent_id: agent.id, entrance_id: choice.entranceId, account_id: choice.accountId, mode: input.mode,
      from_address: from, to_addresses: JSON.stringify(recipients.to), cc_addresses: JSON.stringify(recipients.cc), bcc_addresses: JSON.stringify(recipients.bcc),
      subject: composed.subject, html: composed.html, text: composed.text, attachments: JSON.stringify(composed.attachments), message_id: composed.messageId,
      outbox_id: outboxId, state: undoMs > 0 ? 'scheduled' : 'queued', reason: null, undo_until: now + undoMs, draft: JSON.stringify(draft),
      created_at: now, updated_at: now, sent_at: null,
    };
    await trx.insertInto('answers').values(row).execute();
    if (c.case_id) await recordCaseMessage(trx, composed.messageId, c.case_id, c.id, 'out', now);
    if (ids.length > 0) {
      const linked = await trx.updateTable('answer_uploads').set({ answer_id: id }).where('id', 'in', ids).where('answer_id', 'is', null).executeTakeFirst();
      if (Number(linked.numUpdatedRows) !== ids.length) throw new ApiError(409, 'answer.attachment_taken', 'An attachment was sent with another answer meanwhile; nothing was sent.');
    }
    if (input.draftVersion !== undefined) {
      const gone = await trx.deleteFrom('answer_drafts').where('contact_id', '=', c.id).where('agent_id', '=', agent.id).where('version', '=', input.draftVersion).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) throw new ApiError(409, 'answer.draft_changed', 'The draft was sent or changed meanwhile; nothing was sent. Load the draft again.');
    } else {
      await deleteDraft(trx, c.id, agent.id);
    }
    return { row, event: await answerEvent(trx, row, row.state, null, now) };
  });
  await deps.bus.publish('events', event);
  await deps.bus.publish('outbox');
  return row;
}

/** Takes an answer back before it leaves: 409 answer.already_sent once the outbox row was handed to SMTP. */
export async function undoAnswer(deps: Deps, agent: UserRow, answerId: string): Promise<{ answer: AnswerRow; draft: StoredDraft }> {
  const now = deps.clock();
  const out = await deps.storage.transaction(async (trx) => {
    const a = await findAnswer(trx, answerId);
    if (!a) throw new ApiError(404, 'answer.not_found', `no answer with id '${answerId}'`);
    if (a.agent_id !== agent.id) throw new ApiError(403, 'answer.forbidden', 'Only the agent who sent an answer can take it back.');
    if (a.state === 'cancelled') throw new ApiError(409, 'answer.already_cancelled', 'This answer was already taken back.');
    if (a.outbox_id === null || !(await cancelPendingOutbox(trx, a.outbox_id, 'cancelled by the agent (undo)'))) {
      throw new ApiError(409, 'answer.already_sent', 'This answer has already left (or is being sent); it cannot be taken back.');
    }
    const event: AnswerEvent = await setAnswerState(trx, a, 'cancelled', 'undone by the agent', now);
    const content = JSON.parse(a.draft) as DraftContent;
    await restoreDraft(trx, a.contact_id, a.agent_id, content, now);
    await linkUploads(trx, content.attachmentIds, null);
    await trx.deleteFrom('case_messages').where('message_id', '=', normaliseMessageId(a.message_id)).execute();
    const draftRow = await trx.selectFrom('answer_drafts').select(['version', 'updated_at']).where('contact_id', '=', a.contact_id).where('agent_id', '=', a.agent_id).executeTakeFirstOrThrow();
    return { answer: { ...a, state: 'cancelled' as const, reason: 'undone by the agent', updated_at: now }, draft: { content, version: Number(draftRow.version), updatedAt: Number(draftRow.updated_at) }, event };
  });
  await deps.bus.publish('events', out.event);
  return { answer: out.answer, draft: out.draft };
}
