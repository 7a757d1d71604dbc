import { ImapFlow } from 'imapflow';
import type { Storage } from '../../../src/storage/db.js';
import type { SentMail } from './load.js';

/**
 * What the chaos run left behind, read from the mailboxes (IMAP) and the database, and the
 * figures it is judged by: every sent Message-ID exactly one contact or quarantine entry, one
 * automatic answer per answered mail, one redirect per external-client acceptance, nothing
 * left unprocessed, every account healthy.
 */
export interface Mailbox { address: string; password: string }

/** Header values of every message in a mailbox's folder (INBOX unless told), lower-cased header names. */
export async function inboxHeaders(host: string, port: number, box: Mailbox, names: string[], folder = 'INBOX'): Promise<Record<string, string>[]> {
  const client = new ImapFlow({ host, port, secure: false, doSTARTTLS: false, auth: { user: box.address, pass: box.password }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    const out: Record<string, string>[] = [];
    try {
      if ((client.mailbox as { exists: number }).exists === 0) return out;
      for await (const m of client.fetch('1:*', { headers: names })) {
        const h: Record<string, string> = {};
        const text = (m.headers?.toString() ?? '').replace(/\r?\n[ \t]+/g, ' ');
        for (const line of text.split(/\r?\n/)) {
          const i = line.indexOf(':');
          if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
        }
        out.push(h);
      }
    } finally { lock.release(); }
    return out;
  } finally { await client.logout().catch(() => undefined); }
}

export interface State {
  contacts: { id: string; message_id: string | null; status: string; agent_id: string | null }[];
  quarantinedMessageIds: string[];
  unprocessedInbound: number;
  outbox: { kind: string; contact_id: string | null; status: string; attempts: number; last_error: string | null }[];
  accounts: { address: string; health_state: string; health_last_error: string | null }[];
  answers: { id: string; contact_id: string; message_id: string; state: string; reason: string | null }[];
}

export async function readState(storage: Storage): Promise<State> {
  const db = storage.db;
  const contacts = await db.selectFrom('contacts').select(['id', 'message_id', 'status', 'agent_id']).execute();
  const q = await db.selectFrom('quarantine').leftJoin('inbound_raw', 'inbound_raw.inbound_message_id', 'quarantine.inbound_message_id').select(['inbound_raw.raw']).execute();
  const quarantinedMessageIds = q.map((r) => /^message-id:\s*(<[^>]*>)/im.exec(r.raw ? Buffer.from(r.raw).subarray(0, 64 * 1024).toString('latin1') : '')?.[1] ?? '(none)');
  const pending = await db.selectFrom('inbound_messages').select('id').where((eb) => eb.or([eb('status', 'in', ['stored', 'processing']), eb('source_action', '=', 'pending')])).execute();
  const outbox = await db.selectFrom('outbox').select(['kind', 'contact_id', 'status', 'attempts', 'last_error']).execute();
  const accounts = await db.selectFrom('accounts').select(['address', 'health_state', 'health_last_error']).execute();
  const answers = await db.selectFrom('answers').select(['id', 'contact_id', 'message_id', 'state', 'reason']).execute();
  return { contacts, quarantinedMessageIds, unprocessedInbound: pending.length, outbox, accounts, answers };
}

export interface Figures {
  mails: number;
  contacts: number;
  quarantined: number;
  lost: number;
  duplicated: number;
  autoAnswersExpected: number;
  autoAnswersDelivered: number;
  autoAnswersLost: number;
  autoAnswersDuplicated: number;
  /** Copies beyond the first of one and the same message (one outbox row: automatic answer, redirect or agent's answer): a resend, not a second message. */
  resent: number;
  /** Message-IDs of those resent messages (the proof that they are the same message). */
  resentMessageIds: string[];
  /** Outbox rows the sent journal kept from going out a second time after a kill. */
  resendsPrevented: number;
  redirectsExpected: number;
  redirectsDelivered: number;
  redirectsLost: number;
  redirectsDuplicated: number;
  agentAnswers: number;
  agentAnswersLost: number;
  agentAnswersDuplicated: number;
  unprocessed: number;
  contactsOpen: number;
  accepted: number;
  acceptedByExternal: number;
  unhealthyAccounts: string[];
  problems: string[];
}

const count = <T>(xs: T[]) => { const m = new Map<T, number>(); for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1); return m; };
const norm = (id: string) => id.trim().toLowerCase();

/**
 * `answers`: the In-Reply-To of every automatic answer found in the customers' mailboxes.
 * `redirects`: the X-Switchyard-Contact-Id of every copy found in the external agents' mailboxes.
 */
export interface Found {
  /** In-Reply-To and Message-ID of every automatic answer in the customers' mailboxes. */
  answers: { inReplyTo: string; messageId: string }[];
  /** X-Switchyard-Contact-Id of every redirect in the external agents' mailboxes. */
  redirects: string[];
  /** Message-ID of every other message in the customers' mailboxes (agents' answers). */
  customerMessageIds: string[];
  /** Message-ID of every message in the entrance mailbox's Sent folder. */
  sentFolderIds: string[];
}
export const NOTHING_FOUND: Found = { answers: [], redirects: [], customerMessageIds: [], sentFolderIds: [] };

/** The note delivery leaves on a row it recorded sent from the sent journal (SENT_BEFORE_RESTART). */
const PREVENTED = /^sent before a restart/;

export function judge(sent: SentMail[], state: State, found: Found, externalAgentIds: Set<string>): Figures {
  const { answers, redirects } = found;
  const problems: string[] = [];
  const sentIds = new Set(sent.map((s) => norm(s.messageId)));
  const landed = count([...state.contacts.map((c) => norm(c.message_id ?? `(none) ${c.id}`)), ...state.quarantinedMessageIds.map(norm)]);
  const lostIds = [...sentIds].filter((id) => !landed.has(id));
  const dupIds = [...landed].filter(([id, n]) => sentIds.has(id) && n > 1).map(([id]) => id);
  const strangers = [...landed.keys()].filter((id) => !sentIds.has(id));
  if (lostIds.length) problems.push(`lost (no contact, no quarantine entry): ${lostIds.slice(0, 5).join(' ')}${lostIds.length > 5 ? ' …' : ''}`);
  if (dupIds.length) problems.push(`duplicated contacts: ${dupIds.slice(0, 5).join(' ')}`);
  if (strangers.length) problems.push(`contacts for mail nobody sent: ${strangers.slice(0, 5).join(' ')}`);

  // automatic answers: one outbox row per answered contact, one copy in the customer's mailbox
  const byContact = new Map(state.contacts.map((c) => [c.id, c]));
  const answerRows = state.outbox.filter((o) => o.kind === 'auto_answer');
  const rowsPerContact = count(answerRows.map((o) => o.contact_id));
  for (const [id, n] of rowsPerContact) if (n > 1) problems.push(`contact ${id} has ${n} automatic answers in the outbox`);
  const expectedAnswers = new Set([...rowsPerContact.keys()].map((id) => norm(byContact.get(id ?? '')?.message_id ?? `?${id}`)));
  const answerCopies = count(answers.map((a) => norm(a.inReplyTo)));
  const answersLost = [...expectedAnswers].filter((id) => !answerCopies.has(id));
  // more than one answer to a mail: the same message resent (one Message-ID), or different answers (a real duplicate)
  const idsPerMail = new Map<string, string[]>();
  for (const a of answers) idsPerMail.set(norm(a.inReplyTo), [...(idsPerMail.get(norm(a.inReplyTo)) ?? []), norm(a.messageId)]);
  const answersResent = [...idsPerMail].filter(([, ids]) => ids.length > 1 && new Set(ids).size === 1);
  const answersDup = [...idsPerMail].filter(([, ids]) => new Set(ids).size > 1);
  const answersStray = [...answerCopies.keys()].filter((id) => !expectedAnswers.has(id));
  if (answersLost.length) problems.push(`automatic answers missing from the customers' mailboxes: ${answersLost.slice(0, 5).join(' ')}`);
  if (answersDup.length) problems.push(`different automatic answers to one mail: ${answersDup.slice(0, 5).map(([id, ids]) => `${id}: ${ids.join(' ')}`).join('; ')}`);
  // The same message twice (one outbox row, one Message-ID) is SMTP's own limit (RFC 1047): a kill after
  // the relay sent 250 and before the process read it and noted it in the sent journal. Counted and
  // reported with its Message-ID; the run fails when there are more than its kills could explain.
  if (answersStray.length) problems.push(`automatic answers without an outbox row: ${answersStray.slice(0, 5).join(' ')}`);

  // redirects: one per contact accepted by an external-client agent
  const expectedRedirects = new Set(state.contacts.filter((c) => ['assigned', 'closed'].includes(c.status) && c.agent_id && externalAgentIds.has(c.agent_id)).map((c) => c.id));
  const redirectCopies = count(redirects);
  const redirectsLost = [...expectedRedirects].filter((id) => !redirectCopies.has(id));
  // one redirect row per contact: its copies are the same message, so a second copy is a resend (SMTP's 250 window)
  const redirectRows = count(state.outbox.filter((o) => o.kind === 'redirect').map((o) => o.contact_id ?? ''));
  const redirectsResent = [...redirectCopies].filter(([id, n]) => n > 1 && redirectRows.get(id) === 1);
  const redirectsDup = [...redirectCopies].filter(([id, n]) => n > 1 && redirectRows.get(id) !== 1);
  const redirectsStray = [...redirectCopies.keys()].filter((id) => !expectedRedirects.has(id));
  if (redirectsLost.length) problems.push(`redirects missing: ${redirectsLost.slice(0, 5).join(' ')}`);
  if (redirectsDup.length) problems.push(`redirects delivered more than once: ${redirectsDup.slice(0, 5).map(([id, n]) => `${id}×${n}`).join(' ')}`);
  if (redirectsStray.length) problems.push(`redirects for contacts no external agent holds: ${redirectsStray.slice(0, 5).join(' ')}`);

  // agents' answers: one copy in the customer's mailbox, one in the Sent folder
  const agentAnswers = state.answers.filter((a) => a.state !== 'cancelled');
  const notSent = agentAnswers.filter((a) => a.state !== 'sent');
  if (notSent.length) problems.push(`agent answers not sent: ${notSent.slice(0, 3).map((a) => `${a.id} ${a.state} ${a.reason ?? ''}`).join('; ')}`);
  const inBoxes = count(found.customerMessageIds.map(norm));
  const inSent = count(found.sentFolderIds.map(norm));
  const answersMissing = agentAnswers.filter((a) => !inBoxes.has(norm(a.message_id)) || !inSent.has(norm(a.message_id)));
  // an agent's answer is one row with one Message-ID: a second copy is always a resend of the same message
  const answersTwice = agentAnswers.filter((a) => (inBoxes.get(norm(a.message_id)) ?? 0) > 1);
  if (answersMissing.length) problems.push(`agent answers missing from the customer's mailbox or the Sent folder: ${answersMissing.slice(0, 5).map((a) => a.message_id).join(' ')}`);
  // (a second copy in the Sent folder is a fault: the APPEND looks the Message-ID up first)
  const filedTwice = agentAnswers.filter((a) => (inSent.get(norm(a.message_id)) ?? 0) > 1);
  if (filedTwice.length) problems.push(`agent answers filed more than once: ${filedTwice.slice(0, 5).map((a) => a.message_id).join(' ')}`);
  const perContact = count(agentAnswers.map((a) => a.contact_id));
  for (const [id, n] of perContact) if (n > 1) problems.push(`contact ${id} was answered ${n} times`);

  const unsent = state.outbox.filter((o) => o.status !== 'sent');
  if (unsent.length) problems.push(`outbox rows not sent: ${unsent.slice(0, 3).map((o) => `${o.kind} ${o.status} after ${o.attempts}: ${o.last_error}`).join('; ')}`);
  if (state.unprocessedInbound) problems.push(`${state.unprocessedInbound} stored messages not processed`);
  // Agents work while the run lasts; contacts they did not get to wait in their queue (not a fault).
  const open = state.contacts.filter((c) => c.status !== 'closed');
  const unhealthy = state.accounts.filter((a) => !['idle', 'polling'].includes(a.health_state)).map((a) => `${a.address}: ${a.health_state} ${a.health_last_error ?? ''}`);
  if (unhealthy.length) problems.push(`accounts not healthy: ${unhealthy.join('; ')}`);

  return {
    mails: sent.length, contacts: state.contacts.length, quarantined: state.quarantinedMessageIds.length,
    lost: lostIds.length, duplicated: dupIds.length,
    autoAnswersExpected: expectedAnswers.size, autoAnswersDelivered: answers.length, autoAnswersLost: answersLost.length,
    autoAnswersDuplicated: answersDup.reduce((s, [, ids]) => s + ids.length - 1, 0),
    resent: answersResent.reduce((s, [, ids]) => s + ids.length - 1, 0) + redirectsResent.reduce((s, [, n]) => s + n - 1, 0)
      + answersTwice.reduce((s, a) => s + (inBoxes.get(norm(a.message_id)) ?? 1) - 1, 0),
    resentMessageIds: [...answersResent.map(([, ids]) => ids[0]), ...redirectsResent.map(([id]) => `redirect of contact ${id}`), ...answersTwice.map((a) => a.message_id)],
    resendsPrevented: state.outbox.filter((o) => o.status === 'sent' && PREVENTED.test(o.last_error ?? '')).length,
    redirectsExpected: expectedRedirects.size, redirectsDelivered: redirects.length, redirectsLost: redirectsLost.length,
    redirectsDuplicated: redirectsDup.reduce((s, [, n]) => s + n - 1, 0),
    agentAnswers: agentAnswers.length, agentAnswersLost: answersMissing.length, agentAnswersDuplicated: filedTwice.length,
    unprocessed: state.unprocessedInbound + unsent.length, contactsOpen: open.length, accepted: state.contacts.filter((c) => ['assigned', 'closed'].includes(c.status)).length, acceptedByExternal: expectedRedirects.size, unhealthyAccounts: unhealthy, problems,
  };
}
