import type { Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../../app/deps.js';
import { composeRedirect } from '../../core/email/redirect.js';
import { formatCaseTag } from '../../core/analysis/threading.js';
import { getAnalysisSettings } from '../../storage/repositories/analysis-config.js';
import { recordCaseMessage } from '../../storage/repositories/cases.js';
import { enqueueOutbox } from '../../storage/repositories/outbox.js';
import type { Database } from '../../storage/schema.js';
import type { Bus } from '../../storage/bus.js';

/**
 * Each agent's own address (external-client mode) or null (built-in), kept in this process once
 * read: a change to a user is announced on the bus (scope 'users', config-cache.ts) and drops it.
 */
interface AgentEmails { map: Map<string, string | null>; generation: number }
const agentEmails = new WeakMap<Bus, AgentEmails>();

function emailsOf(bus: Bus): AgentEmails {
  let e = agentEmails.get(bus);
  if (!e) {
    const mine: AgentEmails = { map: new Map(), generation: 0 };
    bus.subscribe('config', (p) => {
      const m = p as { scope?: string; userId?: string } | null;
      if (m?.scope !== undefined && m.scope !== 'users') return;
      mine.generation++;
      if (m?.userId) mine.map.delete(m.userId); else mine.map.clear();
    });
    agentEmails.set(bus, (e = mine));
  }
  return e;
}

/** Queues the redirect for an external-client agent's assignment; false in built-in mode. */
export async function queueRedirect(deps: Deps, trx: Transaction<Database>, contactId: string, agentId: string, now: number): Promise<boolean> {
  const emails = emailsOf(deps.bus);
  let email = emails.map.get(agentId);
  if (email === undefined) {
    const generation = emails.generation;
    email = (await trx.selectFrom('users').select(['email']).where('id', '=', agentId).executeTakeFirst())?.email ?? null;
    if (generation === emails.generation) emails.map.set(agentId, email);
  }
  if (!email) return false; // built-in mode: the agent reads the contact in the desktop / API
  return queueForward(deps, trx, contactId, email, now, { tagCase: true });
}

/** The contact's original message, resent (Resent-* headers) to an address: an external-client agent or a routing destination. */
export async function queueForward(deps: Deps, trx: Transaction<Database>, contactId: string, to: string, now: number, opts: { tagCase?: boolean } = {}): Promise<boolean> {
  const row = await trx.selectFrom('contacts')
    .innerJoin('entrances', 'entrances.id', 'contacts.entrance_id')
    .leftJoin('accounts', 'accounts.id', 'entrances.account_id')
    .leftJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'contacts.inbound_message_id')
    .select(['accounts.id as account_id', 'accounts.address', 'accounts.return_address', 'inbound_raw.raw',
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
