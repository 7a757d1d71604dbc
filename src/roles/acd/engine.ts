import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { decide, nextDue } from '../../core/acd/decide.js';
import { effectSubjects } from '../../core/acd/effects.js';
import { toWireEvent } from '../../core/acd/wire.js';
import { appendEvent, type SentEvent } from '../../storage/repositories/events.js';
import type { AcdEffect, AcdEvent, AcdRejection, AcdSettings, Decision } from '../../core/acd/types.js';
import { composeRedirect } from '../../core/email/redirect.js';
import { formatCaseTag } from '../../core/analysis/threading.js';
import { getAnalysisSettings } from '../../storage/repositories/analysis-config.js';
import { recordCaseMessage } from '../../storage/repositories/cases.js';
import { LOCKS } from '../../storage/db.js';
import { enqueueOutbox } from '../../storage/repositories/outbox.js';
import type { Database } from '../../storage/schema.js';
import { loadSnapshot, persistDecision } from './snapshot.js';
import { validLeaseHolder } from './leader.js';
import { leaderFor, NotLeaderError } from './memory.js';
import { LeaderElsewhereError, sendToLeader } from './commands.js';

/**
 * The queue engine's shell. The leader (memory.ts) keeps the open state in memory and applies
 * events one at a time; each decision's rows, event-log entries and outbox rows are written in one
 * transaction (persistAll) and its effects published after commit (publishAll). Any role may
 * submit an event: in the leader's process it goes straight to the leader, from another process
 * over the command table (commands.ts), and while no process leads at all it is decided once on
 * fresh state from the database under the ACD lock (decideOnce).
 */
export type AcdOutcome = { ok: true; effects: AcdEffect[]; nextDue: number | null } | ({ ok: false } & AcdRejection);

export const MISSED_OFFER = 'missed offer';

export function acdSettings(deps: Deps): AcdSettings {
  return { offerTimeoutMs: deps.config.offerTimeoutSeconds * 1000, missedOfferReason: MISSED_OFFER };
}

export async function submitAcdEvent(deps: Deps, event: AcdEvent): Promise<AcdOutcome> {
  const leader = leaderFor(deps.storage);
  if (leader?.leading) {
    try { return await leader.apply(deps, event); } catch (err) { if (!(err instanceof NotLeaderError)) throw err; }
  }
  try {
    return await decideOnce(deps, event);
  } catch (err) {
    if (!(err instanceof LeaderElsewhereError)) throw err;
    return sendToLeader(deps, event, err.holder);
  }
}

/**
 * No process leads (no ACD role running, or between a leader's death and the takeover): one
 * decision on state loaded from the database, under the ACD lock and only while no lease is valid,
 * so it can never overlap a leader's decisions; a leader that takes over afterwards loads it.
 */
export async function decideOnce(deps: Deps, event: AcdEvent): Promise<AcdOutcome> {
  const now = deps.clock();
  const outcome = await deps.storage.transaction(async (trx) => {
    const holder = await validLeaseHolder(trx, Date.now());
    if (holder) throw new LeaderElsewhereError(holder);
    const state = await loadSnapshot(trx, acdSettings(deps), now);
    const before = new Map(Object.values(state.contacts).map((c) => [c.id, c.status as string]));
    const decision = decide(state, event, now);
    if (decision.rejected) return { ok: false as const, ...decision.rejected };
    const written = await persistAll(deps, trx, decision, now, before);
    return { ok: true as const, effects: decision.effects, nextDue: nextDue(decision.state), ...written };
  }, LOCKS.acd);
  if (!outcome.ok) return outcome;
  await publishAll(deps, outcome);
  return { ok: true, effects: outcome.effects, nextDue: outcome.nextDue };
}

/** What a decision wrote: the pushed events with their event-log ids, and whether an outbox row was written. */
export interface Written { pushed: SentEvent[]; outbox: boolean }

/** One decision's records, event-log entries and outbox rows, in the caller's transaction. */
export async function persistAll(deps: Deps, trx: Transaction<Database>, decision: Decision, now: number, before: ReadonlyMap<string, string>): Promise<Written> {
  await persistDecision(trx, decision, now, before);
  let outbox = false;
  const pushed: SentEvent[] = [];
  for (const effect of decision.effects) {
    pushed.push(await logEffect(trx, effect, now));
    outbox = (await persistEffect(deps, trx, effect, now)) || outbox;
  }
  return { pushed, outbox };
}

/** After commit: the agent-facing events on the bus, each with its event-log id (the web role pushes them over the WebSocket), and a wake-up for the outbox worker. */
export async function publishAll(deps: Deps, written: Written): Promise<void> {
  for (const e of written.pushed) await deps.bus.publish('events', e);
  if (written.outbox) await deps.bus.publish('outbox');
}

/** Records the effect in the event log, with the payload pushed to agents. */
async function logEffect(trx: Transaction<Database>, e: AcdEffect, now: number): Promise<SentEvent> {
  const { contactId, agentId } = effectSubjects(e);
  const push = toWireEvent(e, now);
  const id = await appendEvent(trx, { at: now, type: e.type, contactId, agentId, data: e, push });
  return { id, ...push };
}

/** Resolves offers; queues the redirect for external-client agents. */
async function persistEffect(deps: Deps, trx: Transaction<Database>, e: AcdEffect, now: number): Promise<boolean> {
  if (e.type === 'offer.withdrawn' || e.type === 'offer.accepted') {
    const status = e.type === 'offer.accepted' ? 'accepted' : e.reason === 'declined' ? 'declined' : e.reason === 'expired' ? 'expired' : 'withdrawn';
    await trx.updateTable('offers').set({ status, resolved_at: now }).where('id', '=', e.offer.id).execute();
  }
  if (e.type === 'offer.created') {
    await trx.insertInto('offers').values({ id: e.offer.id, contact_id: e.offer.contactId, agent_id: e.offer.agentId, status: 'open', created_at: e.offer.createdAt, expires_at: e.offer.expiresAt, resolved_at: null }).execute();
  }
  if (e.type === 'contact.forwarded') return queueForward(deps, trx, e.contactId, e.address, now);
  if (e.type === 'offer.created' && e.offer.createdAt === now) {
    const c = await trx.selectFrom('contacts').select(['queued_at', 'offer_count']).where('id', '=', e.offer.contactId).executeTakeFirst();
    if (c && c.offer_count === 1) deps.metrics.offerLatency.observe(Math.max(0, now - c.queued_at) / 1000);
    deps.metrics.offersCreated.inc();
  }
  if (e.type === 'contact.assigned') return queueRedirect(deps, trx, e.contactId, e.agentId, now);
  return false;
}

async function queueRedirect(deps: Deps, trx: Transaction<Database>, contactId: string, agentId: string, now: number): Promise<boolean> {
  const agent = await trx.selectFrom('users').select(['email']).where('id', '=', agentId).executeTakeFirst();
  if (!agent?.email) return false; // built-in mode: the agent reads the contact in the desktop / API
  return queueForward(deps, trx, contactId, agent.email, now, { tagCase: true });
}

/** The contact's original message, resent (Resent-* headers) to an address: an external-client agent or a routing destination. */
async function queueForward(deps: Deps, trx: Transaction<Database>, contactId: string, to: string, now: number, opts: { tagCase?: boolean } = {}): Promise<boolean> {
  const row = await trx.selectFrom('contacts')
    .innerJoin('entrances', 'entrances.id', 'contacts.entrance_id')
    .leftJoin('accounts', 'accounts.id', 'entrances.account_id')
    .leftJoin('inbound_messages', 'inbound_messages.id', 'contacts.inbound_message_id')
    .select(['accounts.id as account_id', 'accounts.address', 'accounts.return_address', 'inbound_messages.raw',
      'contacts.subject', 'contacts.from_address', 'contacts.text_body', 'contacts.message_id', 'contacts.sent_date', 'contacts.case_id', 'contacts.case_number'])
    .where('contacts.id', '=', contactId).executeTakeFirst();
  if (!row) return false;
  const from = row.return_address ?? row.address ?? 'switchyard@localhost';
  // Contacts made without a stored message (API, tests) are forwarded as a plain text rendering.
  const original = row.raw ?? Buffer.from([
    `From: ${row.from_address ?? from}`, `Subject: ${row.subject.replace(/[\r\n]+/g, ' ')}`, ...(row.message_id ? [`Message-ID: ${row.message_id}`] : []),
    `Date: ${new Date(row.sent_date ?? now).toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', row.text_body,
  ].join('\r\n'));
  const resentMessageId = `<sy.redirect.${contactId}.${randomUUID().slice(0, 8)}@${from.split('@')[1] ?? 'switchyard'}>`;
  // For an agent's own mail program: the case tag in the subject carries into the reply, and our
  // Resent-Message-ID is known to the case, so the customer's answer joins the same case.
  const tagged = opts.tagCase && row.case_id && row.case_number !== null;
  const subjectTag = tagged ? formatCaseTag(row.case_number!, { prefix: (await getAnalysisSettings(trx)).caseTagPrefix }) : undefined;
  const raw = composeRedirect({ raw: original, contactId, resentFrom: from, resentTo: to, resentMessageId, date: new Date(now), subjectTag });
  if (tagged) await recordCaseMessage(trx, resentMessageId, row.case_id!, contactId, 'out', now);
  await enqueueOutbox(trx, { kind: 'redirect', contactId, accountId: row.account_id, envelopeFrom: from, envelopeTo: [to], raw }, now);
  return true;
}
