import { execFileSync } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { run } from './mailstack/cli.js';
import { mailStack, optionsFromEnv } from './mailstack/stack.js';

/**
 * The project's loopback mail stack (test/support/mailstack/): Dovecot IMAP 1143, POP3 1110,
 * Postfix SMTP 2525 (plus MAILSTACK_PORT_OFFSET, default 0; state in MAILSTACK_DIR).
 */
const ports = mailStack(optionsFromEnv(process.env)).layout.ports;
export const MAIL = { host: '127.0.0.1', imapPort: ports.imap, smtpPort: ports.smtp, pop3Port: ports.pop3 } as const;
/** Every port of the stack (IMAPS, SMTPS, STARTTLS, LMTP, POP3S …). */
export const MAIL_PORTS = ports;

/** Runs a mail stack command (as `scripts/mailstack.sh ARGS`) in this process; throws when it fails, with `stdout`. */
export function mailstack(...args: string[]): string {
  const { code, out } = run(args);
  if (code !== 0) throw Object.assign(new Error(`mailstack ${args.join(' ')} failed (${code}):\n${out}`), { stdout: out, status: code });
  return out;
}

/** Creates mailbox users (idempotent) and empties their INBOX. Returns a unique-ish address per call when `unique`. */
export function freshMailbox(local: string, password = 'password'): { address: string; password: string } {
  const address = `${local}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  mailstack('add-user', address, password);
  // Dovecot re-reads its passwd-file lazily: wait until the new login works.
  for (let i = 0; i < 100; i++) {
    try { mailstack('doveadm', 'auth', 'test', address, password); break; } catch { execFileSync('sleep', ['0.05']); }
  }
  return { address, password };
}

export function imapClient(user: string, pass: string): ImapFlow {
  return new ImapFlow({ host: MAIL.host, port: MAIL.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
}

export function smtpTransport() {
  return nodemailer.createTransport({ host: MAIL.host, port: MAIL.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 4 });
}

/** Waits until the Postfix queue is empty (all accepted mail delivered to Dovecot). */
export async function waitForPostfixQueueEmpty(timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    let out = '';
    try { out = mailstack('status'); } catch (e) { out = String((e as { stdout?: string }).stdout ?? ''); }
    const m = out.match(/postfix queue (\d+)/);
    if (m && m[1] === '0') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('postfix queue did not drain');
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string, intervalMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Every message in a folder of a mailbox, parsed (cid: images left as cid: references). */
export async function mailsIn(box: { address: string; password: string }, folder = 'INBOX'): Promise<ParsedMail[]> {
  const client = imapClient(box.address, box.password);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: ParsedMail[] = [];
      if ((client.mailbox && typeof client.mailbox === 'object' ? client.mailbox.exists : 0) === 0) return out;
      for await (const m of client.fetch('1:*', { source: true })) if (m.source) out.push(await simpleParser(m.source, { skipImageLinks: true }));
      return out;
    } finally { lock.release(); }
  } finally { await client.logout(); }
}

/** Waits until a message whose subject contains marker is in the folder. */
export const waitForMail = (box: { address: string; password: string }, marker: string, folder = 'INBOX') =>
  waitFor(async () => (await mailsIn(box, folder)).find((m) => (m.subject ?? '').includes(marker)), 20_000, `mail "${marker}" in ${box.address} ${folder}`, 200);
