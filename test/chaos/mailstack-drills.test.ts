import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailStack, type MailStack } from '../support/mailstack/stack.js';

/** The outage drills of the project's mail stack that the chaos run relies on, on a stack of their own. */
async function rcpt(port: number, to: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const steps = ['EHLO drill', 'MAIL FROM:<drill@example.org>', `RCPT TO:<${to}>`, 'QUIT'];
    s.on('data', (d) => {
      text += d.toString();
      if (/^\d{3} /m.test(d.toString().split(/\r?\n/).filter(Boolean).at(-1) ?? '') && steps.length) s.write(`${steps.shift()}\r\n`);
    });
    s.on('error', reject);
    s.on('close', () => resolve(text));
  });
}
const imapUp = (port: number) => new Promise<boolean>((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.once('data', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

describe('mail stack outage drills', () => {
  let stack: MailStack;
  beforeAll(() => {
    stack = mailStack({ dir: '/tmp/mailstack-drills', portOffset: 25_000, tls: false });
    stack.start();
    stack.addUsers([['drill@example.test', 'password']]);
  });
  afterAll(() => { stack?.stop(); });

  it('Dovecot stops and starts; the relay refuses with 450, goes down and comes back', async () => {
    const { imap, smtp } = stack.layout.ports;
    expect(await imapUp(imap)).toBe(true);
    const session = connect(imap, '127.0.0.1');
    const sessionClosed = new Promise((r) => session.once('close', r));
    await new Promise((r) => session.once('data', r));
    stack.stopDovecot();
    expect(await imapUp(imap)).toBe(false);
    await sessionClosed; // open sessions end too
    stack.startDovecot();
    expect(await imapUp(imap)).toBe(true);

    expect(await rcpt(smtp, 'drill@example.test')).toMatch(/^250 .*Ok/m);
    stack.refuseSmtp(true);
    expect(stack.status().text).toMatch(/refusing/);
    expect(await rcpt(smtp, 'drill@example.test')).toMatch(/^450 /m);
    stack.stopPostfix();
    await expect(rcpt(smtp, 'drill@example.test')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    stack.refuseSmtp(false);
    stack.startPostfix();
    expect(await rcpt(smtp, 'drill@example.test')).toMatch(/^250 .*Ok/m);
  }, 60_000);
});
