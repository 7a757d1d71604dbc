import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import { appendToSent, SentFolderError } from '../../adapters/imap/append.js';
import { withBccHeader } from '../../adapters/smtp-out/compose-answer.js';
import { describeImapError } from '../../adapters/imap/watcher.js';
import { findAnswerByOutbox, setAnswerState, type AnswerEvent } from '../../storage/repositories/answers.js';
import { enqueueOutbox } from '../../storage/repositories/outbox.js';
import type { Database, OutboxRow } from '../../storage/schema.js';

/**
 * Agents' answers in the outbox: the delivery outcome of a 'reply' row becomes the answer's
 * state (sent, retrying with the reason, failed) and an answer.state event, in the same
 * transaction as the outbox row's own update. After the SMTP send, a 'sent_copy' row is queued
 * in that transaction: the IMAP APPEND to the Sent folder is retried on its own and can never
 * cause a second SMTP send. The copy carries the Bcc header the sent message leaves out.
 */
/** `warning`: sent, but with something the agent must know (recipients the relay refused). */
export type DeliveryResult = { ok: true; warning?: string } | { ok: false; error: string; retryAt: number | null };

export async function recordReplyOutcome(trx: Transaction<Database>, row: OutboxRow, result: DeliveryResult, now: number): Promise<AnswerEvent[]> {
  if (row.kind !== 'reply') return [];
  const answer = await findAnswerByOutbox(trx, row.id);
  if (!answer || answer.state === 'cancelled') return [];
  if (!result.ok) return [await setAnswerState(trx, answer, result.retryAt === null ? 'failed' : 'retrying', result.error, now)];
  const event = await setAnswerState(trx, answer, 'sent', result.warning ?? null, now, { sentAt: now });
  const account = row.account_id ? await trx.selectFrom('accounts').select(['protocol', 'username', 'password_secret']).where('id', '=', row.account_id).executeTakeFirst() : undefined;
  if (account?.protocol === 'imap' && account.username && account.password_secret) {
    await enqueueOutbox(trx, { kind: 'sent_copy', contactId: row.contact_id, accountId: row.account_id, envelopeFrom: row.envelope_from, envelopeTo: [], raw: withBccHeader(row.raw, JSON.parse(answer.bcc_addresses) as string[]) }, now);
  }
  return [event];
}

/** The Message-ID header of a raw message (the header block only). */
export function rawMessageId(raw: Buffer): string | null {
  const text = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
  return /^message-id:\s*(<[^<>\s]+>)/im.exec(head)?.[1] ?? null;
}

export class PermanentDeliveryError extends Error {}

/** Appends the copy of a sent answer to its account's Sent folder (idempotent: looked up by Message-ID first). */
export async function deliverSentCopy(deps: Deps, row: OutboxRow): Promise<{ via: string }> {
  const account = row.account_id ? await deps.storage.db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirst() : undefined;
  if (!account || account.protocol !== 'imap' || !account.username || !account.password_secret) throw new PermanentDeliveryError('the account has no IMAP login to keep a copy in its Sent folder');
  const messageId = rawMessageId(row.raw);
  if (!messageId) throw new PermanentDeliveryError('the message has no Message-ID');
  try {
    const r = await appendToSent({
      host: account.host, port: account.port, security: account.security, username: account.username, password: deps.secrets.open(account.password_secret),
      folder: account.sent_folder ?? null, raw: row.raw, messageId,
    });
    return { via: `imap ${account.host}:${account.port} ${r.folder}${r.appended ? '' : ' (already there)'}` };
  } catch (err) {
    if (err instanceof SentFolderError) throw new PermanentDeliveryError(err.message);
    // A temporary failure (retried): name the server's reason, e.g. "NONEXISTENT Mailbox doesn't exist".
    throw new Error(`IMAP append to ${account.sent_folder ?? 'the \\Sent folder'}: ${describeImapError(err)}`);
  }
}
