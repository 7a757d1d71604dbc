import type { Deps } from '../../src/app/deps.js';
import { processInbound } from '../../src/roles/email-server/pipeline.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { claimInbound } from '../../src/storage/repositories/inbound.js';

/** Helpers for analysis tests: raw messages, an SMTP-fed account with its entrance, draining the pipeline. */
export interface MailSpec {
  from?: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  headers?: string[];
  contentType?: string;
}

let seq = 0;
export function rawMail(m: MailSpec = {}): Buffer {
  const id = m.messageId === undefined ? `<t${++seq}.${Date.now().toString(36)}@customer.example.org>` : m.messageId;
  return Buffer.from([
    `From: ${m.from ?? '"Kim Kund" <kim@customer.example.org>'}`, `To: ${m.to ?? 'support@example.test'}`, `Subject: ${m.subject ?? 'Question'}`,
    'Date: Fri, 27 Nov 2026 10:00:00 +0000', ...(id ? [`Message-ID: ${id}`] : []),
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []), ...(m.references?.length ? [`References: ${m.references.join(' ')}`] : []),
    ...(m.headers ?? []), 'MIME-Version: 1.0', `Content-Type: ${m.contentType ?? 'text/plain; charset=utf-8'}`, '',
    m.body ?? 'Hello, I have a question about my account and would like some help with it please.', '',
  ].join('\r\n'));
}

export async function smtpAccount(deps: Deps, address: string, returnAddress: string | null = address) {
  const r = await createAccount(deps.storage.db, {
    address, protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null,
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress, alternativeAddresses: [], enabled: true,
  }, Date.now());
  if (!r.ok) throw new Error(r.message);
  return { accountId: r.account.id, entranceId: r.entranceId, queueId: r.queueId };
}

export async function drainPipeline(deps: Deps): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (;;) {
    const batch = await claimInbound(deps.storage, deps.config.instanceId, 100, Date.now(), 60_000);
    if (batch.length === 0) return counts;
    for (const m of batch) { const out = await processInbound(deps, m); counts[out.kind] = (counts[out.kind] ?? 0) + 1; }
  }
}
