import { connect as tcpConnect, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { freshMailbox, imapClient, MAIL, MAIL_PORTS, waitFor } from '../support/mailstack.js';

/**
 * The project's own test mail stack (test/support/mailstack/) provides what the tests use:
 * users created on demand, SMTP without STARTTLS, SMTP with STARTTLS, SMTPS, LMTP, IMAP, IMAPS,
 * POP3, and the special-use Sent folder.
 */
const tlsOff = { rejectUnauthorized: false };

/** A line-based conversation on a raw socket: sends each command and collects the answers. */
async function converse(port: number, commands: string[], isEnd: (text: string) => boolean): Promise<string> {
  const socket: Socket = tcpConnect(port, MAIL.host);
  let text = '';
  const waitText = (pred: (t: string) => boolean) => waitFor(async () => pred(text), 5000, 'server answer', 10);
  socket.on('data', (d) => { text += d.toString(); });
  try {
    await waitText((t) => t.includes('\n'));
    for (const c of commands) {
      const before = text.length;
      socket.write(`${c}\r\n`);
      await waitText((t) => t.length > before && isEnd(t.slice(before)));
    }
  } finally { socket.destroy(); }
  return text;
}
const smtpDone = (t: string) => /^\d{3} .*\r?\n$/m.test(t.split(/\r?\n/).filter(Boolean).at(-1)! + '\n');

async function inboxSubjects(user: { address: string; password: string }): Promise<string[]> {
  const client = imapClient(user.address, user.password);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    const subjects: string[] = [];
    try { if ((client.mailbox as { exists: number }).exists) for await (const m of client.fetch('1:*', { envelope: true })) subjects.push(m.envelope?.subject ?? ''); } finally { lock.release(); }
    return subjects;
  } finally { await client.logout(); }
}

describe('the project mail stack', () => {
  const user = freshMailbox('stack');

  it('SMTP without STARTTLS, with STARTTLS and SMTPS, and LMTP all deliver to a user created on demand', async () => {
    const plainEhlo = await converse(MAIL.smtpPort, ['EHLO test', 'QUIT'], smtpDone);
    expect(plainEhlo).not.toMatch(/STARTTLS/);
    expect(await converse(MAIL_PORTS.submission, ['EHLO test', 'QUIT'], smtpDone)).toMatch(/250[- ]STARTTLS/);

    const send = async (opts: Record<string, unknown>, subject: string) => {
      const t = nodemailer.createTransport({ host: MAIL.host, ...opts });
      try { await t.sendMail({ from: 'customer@example.org', to: user.address, subject, text: subject }); } finally { t.close(); }
    };
    await send({ port: MAIL.smtpPort, secure: false, ignoreTLS: true }, 'via smtp');
    await send({ port: MAIL_PORTS.submission, secure: false, requireTLS: true, tls: tlsOff }, 'via starttls');
    await send({ port: MAIL_PORTS.smtps, secure: true, tls: tlsOff, auth: { user: user.address, pass: user.password } }, 'via smtps');
    await send({ port: MAIL_PORTS.lmtp, lmtp: true, secure: false, ignoreTLS: true }, 'via lmtp');
    const subjects = await waitFor(async () => { const s = await inboxSubjects(user); return s.length >= 4 && s; }, 20_000, 'four deliveries', 100);
    expect(subjects.sort()).toEqual(['via lmtp', 'via smtp', 'via smtps', 'via starttls']);
    // relaying elsewhere is refused; unknown local users too
    const relay = await converse(MAIL.smtpPort, ['EHLO test', 'MAIL FROM:<a@example.org>', 'RCPT TO:<x@elsewhere.example>', 'RCPT TO:<nobody-here@example.test>', 'QUIT'], smtpDone);
    expect(relay).toMatch(/^554 .*Relay access denied/m);
    expect(relay).toMatch(/^550 .*nobody-here@example\.test/m);
  });

  it('IMAP and IMAPS show the special-use Sent folder; POP3 shows the INBOX', async () => {
    const imaps = new ImapFlow({ host: MAIL.host, port: MAIL_PORTS.imaps, secure: true, tls: tlsOff, auth: { user: user.address, pass: user.password }, logger: false });
    await imaps.connect();
    try {
      const sent = (await imaps.list()).find((m) => m.specialUse === '\\Sent');
      expect(sent?.path).toBe('Sent');
      await imaps.append('Sent', Buffer.from('From: stack@example.test\r\nSubject: my sent copy\r\n\r\nhello\r\n'));
    } finally { await imaps.logout(); }
    const imap = imapClient(user.address, user.password);
    await imap.connect();
    try { expect(await imap.status('Sent', { messages: true })).toMatchObject({ messages: 1 }); } finally { await imap.logout(); }

    const pop = await converse(MAIL.pop3Port, [`USER ${user.address}`, `PASS ${user.password}`, 'STAT', 'QUIT'], (t) => /^[+-](OK|ERR)/m.test(t));
    expect(pop).toMatch(/^\+OK \d+ \d+/m);
  });
});
