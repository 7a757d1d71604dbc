import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { parseEmail } from '../../adapters/mime/parse.js';
import { dedupeKey } from '../../core/email/dedupe.js';
import type { ParsedEmail } from '../../core/email/types.js';
import type { InboundMessageRow } from '../../storage/schema.js';
import { afterContactCreated, analyseForContact, type EntranceRef } from './analysis-stage.js';
import { placeContact } from './placement.js';

/**
 * One stored message → one contact on its account's entrance, or a recorded duplicate,
 * or a quarantine entry with the reason. Never throws for bad input; a transient
 * failure (e.g. the database) leaves the message claimable again after its lease.
 */
export type ProcessOutcome =
  | { kind: 'contact'; contactId: string }
  | { kind: 'duplicate'; contactId: string }
  | { kind: 'quarantined'; code: string; reason: string }
  | { kind: 'retry'; error: string };

export const MAX_ATTEMPTS = 3;

export async function processInbound(deps: Deps, msg: InboundMessageRow): Promise<ProcessOutcome> {
  try {
    const entrance = await deps.storage.db.selectFrom('entrances').select(['id', 'name', 'queue_id', 'account_id'])
      .where('account_id', '=', msg.account_id).executeTakeFirst() as EntranceRef | undefined;
    if (!entrance) return quarantine(deps, msg, 'entrance.missing', `account ${msg.account_id} has no entrance`);
    const parsed = await parseEmail(msg.raw);
    if (!parsed.ok) return quarantine(deps, msg, parsed.code, parsed.reason);
    return await createContact(deps, msg, parsed.email, entrance);
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (msg.attempts >= MAX_ATTEMPTS) return quarantine(deps, msg, 'pipeline.failed', `failed ${msg.attempts} times; last error: ${error}`);
    await deps.storage.db.updateTable('inbound_messages').set({ status: 'stored', error, claimed_by: null, claim_expires_at: null })
      .where('id', '=', msg.id).where('claimed_by', '=', deps.config.instanceId).execute().catch(() => undefined);
    return { kind: 'retry', error };
  }
}

/** PostgreSQL text cannot hold NUL characters; real mail sometimes has them. */
const NUL = /\u0000/g;
export function storable(email: ParsedEmail): ParsedEmail {
  return JSON.parse(JSON.stringify(email).replace(/\\u0000/g, '')) as ParsedEmail;
}

async function createContact(deps: Deps, msg: InboundMessageRow, parsedEmail: ParsedEmail, entrance: EntranceRef): Promise<ProcessOutcome> {
  const now = deps.clock();
  const email = storable(parsedEmail);
  const key = dedupeKey(email, msg.raw).replace(NUL, "");
  const id = randomUUID();
  const analysis = await analyseForContact(deps, email, entrance, now);
  let outbox = false;
  const outcome = await deps.storage.transaction(async (trx) => {
    const placement = await placeContact(deps, trx, { entrance, contactData: analysis.contactData, now });
    const inserted = await trx.insertInto('contacts').values({
      id, entrance_id: entrance.id, queue_id: placement.queueId, inbound_message_id: msg.id, dedupe_key: key, status: 'queued',
      message_id: email.messageId, subject: email.subject, from_address: email.from?.address ?? null, from_name: email.from?.name || null,
      to_addresses: JSON.stringify(email.to), cc_addresses: JSON.stringify(email.cc), reply_to: JSON.stringify(email.replyTo),
      sent_date: email.date, in_reply_to: email.inReplyTo, references_ids: JSON.stringify(email.references),
      text_body: email.text, html_body: email.html, attachments: JSON.stringify(email.attachments),
      contact_data: JSON.stringify(analysis.contactData), priority: placement.priority, queued_at: now, agent_id: null,
      offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['entrance_id', 'dedupe_key']).doNothing()).returning('id').executeTakeFirst();
    if (inserted) {
      await trx.updateTable('inbound_messages').set({ status: 'done', contact_id: id, processed_at: now, error: null, claim_expires_at: null }).where('id', '=', msg.id).execute();
      await trx.insertInto('events').values({ at: now, type: 'contact.created', contact_id: id, agent_id: null, data: JSON.stringify({ entranceId: entrance.id, queueId: placement.queueId, inboundMessageId: msg.id }) }).execute();
      outbox = (await afterContactCreated(deps, trx, { contactId: id, email, entrance, analysis, now })).outbox;
      return { kind: 'contact' as const, contactId: id };
    }
    const existing = await trx.selectFrom('contacts').select(['id', 'inbound_message_id']).where('entrance_id', '=', entrance.id).where('dedupe_key', '=', key).executeTakeFirstOrThrow();
    if (Number(existing.inbound_message_id) === msg.id) {
      // Processed twice (an expired lease): the first run already made the contact.
      await trx.updateTable('inbound_messages').set({ status: 'done', contact_id: existing.id, claim_expires_at: null }).where('id', '=', msg.id).execute();
      return { kind: 'contact' as const, contactId: existing.id, again: true };
    }
    await trx.updateTable('inbound_messages').set({ status: 'duplicate', contact_id: existing.id, processed_at: now, error: `duplicate of contact ${existing.id} (${key})`, claim_expires_at: null }).where('id', '=', msg.id).execute();
    await trx.insertInto('events').values({ at: now, type: 'message.duplicate', contact_id: existing.id, agent_id: null, data: JSON.stringify({ inboundMessageId: msg.id, dedupeKey: key }) }).execute();
    return { kind: 'duplicate' as const, contactId: existing.id };
  });
  if (outcome.kind === 'contact' && !('again' in outcome)) deps.metrics.contactsCreated.inc({ entrance: entrance.name });
  if (outbox) await deps.bus.publish('outbox');
  return outcome;
}

export async function quarantine(deps: Deps, msg: InboundMessageRow, code: string, reason: string): Promise<ProcessOutcome> {
  const now = deps.clock();
  await deps.storage.transaction(async (trx) => {
    await trx.insertInto('quarantine').values({ inbound_message_id: msg.id, account_id: msg.account_id, reason_code: code, reason, created_at: now }).execute();
    await trx.updateTable('inbound_messages').set({ status: 'quarantined', error: `${code}: ${reason}`, processed_at: now, claim_expires_at: null }).where('id', '=', msg.id).execute();
  });
  deps.metrics.quarantined.inc({ reason: code });
  deps.logger.warn({ inboundMessageId: msg.id, code, reason }, 'message quarantined');
  return { kind: 'quarantined', code, reason };
}
