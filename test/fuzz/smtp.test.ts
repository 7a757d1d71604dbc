import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_RECIPIENTS, startSmtpListener, type SmtpListener } from '../../src/adapters/smtp-in/listener.js';
import { createLogger } from '../../src/observability/logger.js';
import { RawSmtp } from '../support/smtp-raw.js';

/**
 * SMTP listener fuzzing (issue 10), over raw sockets against the real listener
 * (src/adapters/smtp-in): malformed commands, pipelining abuse, oversized lines and messages.
 * Each step gets the reply code the protocol state calls for, and afterwards the listener
 * still accepts a normal message.
 *
 *   SWITCHYARD_FUZZ_SMTP_RUNS (random sessions; default 60, `npm run fuzz` 2,000)
 *   SWITCHYARD_FUZZ_SEED      (default random; printed)
 */
const RUNS = Number(process.env.SWITCHYARD_FUZZ_SMTP_RUNS ?? 60);
/** npm test: a fixed seed (a CI run is repeatable); npm run fuzz: a random one unless SWITCHYARD_FUZZ_SEED is given. */
const SEED = Number(process.env.SWITCHYARD_FUZZ_SEED ?? (process.env.SWITCHYARD_FUZZ_RANDOM === "1" ? Math.floor(Math.random() * 2 ** 31) : 20261130));
const LIMIT = 64 * 1024;
const OWN = 'support@example.test';

const message = (body: string) => `From: a@example.org\r\nTo: ${OWN}\r\nSubject: fuzz\r\nMessage-ID: <${Math.random().toString(36).slice(2)}@example.org>\r\n\r\n${body}\r\n.\r\n`;

describe('SMTP listener fuzzing', () => {
  let listener: SmtpListener;
  const delivered: Buffer[] = [];

  beforeAll(async () => {
    listener = await startSmtpListener({
      host: '127.0.0.1', port: 0, security: 'none', maxMessageBytes: LIMIT, logger: createLogger('silent', 'test'), name: 'fuzz.switchyard.test',
      acceptsRecipient: (a) => /^support(\+[a-z0-9]+)?@example\.test$/i.test(a),
      deliver: async (raw) => { delivered.push(raw); },
    });
  });
  afterAll(async () => { await listener?.close(); });

  /** A normal transaction on a fresh connection: the listener keeps serving. */
  async function stillServes(): Promise<void> {
    const c = await RawSmtp.open(listener.port);
    try {
      expect((await c.reply())?.code).toBe(220);
      const before = delivered.length;
      for (const [cmd, code] of [['EHLO client.example.org', 250], ['MAIL FROM:<a@example.org>', 250], [`RCPT TO:<${OWN}>`, 250], ['DATA', 354]] as const) {
        expect((await c.command(cmd))?.code, cmd).toBe(code);
      }
      c.write(message('still serving'));
      expect((await c.reply())?.code).toBe(250);
      expect(delivered.length).toBe(before + 1);
      expect((await c.command('QUIT'))?.code).toBe(221);
    } finally { c.close(); }
  }

  it('answers malformed commands with 5xx and the right code for each state', async () => {
    const c = await RawSmtp.open(listener.port);
    expect((await c.reply())?.code).toBe(220);
    const cases: Array<[string, number]> = [
      ['MAIL FROM:<a@example.org>', 503], // before HELO/EHLO
      ['EHLO', 501],
      ['HELO', 501],
      ['EHLO client.example.org', 250],
      ['RCPT TO:<support@example.test>', 503], // before MAIL
      ['DATA', 503],
      ['MAIL FROM:<unterminated', 501],
      ['MAIL FROM:a@example.org SIZE=999999999', 501],
      ['MAIL FROM:<a@example.org>', 250],
      ['MAIL FROM:<b@example.org>', 503], // nested MAIL
      ['RCPT TO:<someone@elsewhere.example>', 550],
      ['RCPT TO:<>', 501],
      ['RCPT TO:<support@example.test>', 250],
      // Disabled commands are unknown here (500; they count towards the unrecognised-command limit).
      ['AUTH PLAIN AGhpAHRoZXJl', 500],
      ['STARTTLS', 500],
      ['VRFY root', 252],
      ['RSET', 250],
      ['DATA', 503],
      ['NOOP', 250],
    ];
    for (const [cmd, code] of cases) expect(`${cmd} → ${(await c.command(cmd))?.code}`).toBe(`${cmd} → ${code}`);
    // Unrecognised commands: 500 each, and the tenth (with AUTH and STARTTLS above) closes the connection with 421.
    const codes: Array<number | undefined> = [];
    for (let i = 0; i < 8; i++) codes.push((await c.command(`XFUZZ${i} \u0000\u00ff`))?.code);
    expect(codes).toEqual([500, 500, 500, 500, 500, 500, 500, 421]);
    c.close();
    await stillServes();
  });

  it('pipelining abuse: a whole session in one write, 200 recipients (over 100: 452), hundreds of commands glued to the message', async () => {
    const c = await RawSmtp.open(listener.port);
    expect((await c.reply())?.code).toBe(220);
    const before = delivered.length;
    const rcpts = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `RCPT TO:<x${i}@elsewhere.example>` : `RCPT TO:<support+r${i}@example.test>`));
    let accepted = 0;
    const rcptCodes = rcpts.map((r) => (r.includes('elsewhere') ? 550 : ++accepted <= MAX_RECIPIENTS ? 250 : 452));
    c.write(['EHLO pipe.example.org', 'MAIL FROM:<a@example.org>', ...rcpts, 'DATA', ''].join('\r\n') + message('pipelined') + Array(300).fill('NOOP').join('\r\n') + '\r\nQUIT\r\n');
    const expected = [250, 250, ...rcptCodes, 354, 250, ...Array(300).fill(250), 221];
    expect(rcptCodes.filter((x) => x === 452).length).toBeGreaterThan(0);
    const got: Array<number | undefined> = [];
    for (let i = 0; i < expected.length; i++) got.push((await c.reply())?.code);
    expect(got).toEqual(expected);
    expect(delivered.length).toBe(before + 1);
    c.close();
    await stillServes();
  });

  it('oversized command lines close with 421; an oversized message gets 552 and is not delivered', async () => {
    const c = await RawSmtp.open(listener.port);
    expect((await c.reply())?.code).toBe(220);
    c.write(`EHLO ${'x'.repeat(2 * 1024 * 1024)}`); // no line end: the server must not buffer for ever
    const long = await c.reply();
    expect([421, 500]).toContain(long?.code);
    c.close();

    const m = await RawSmtp.open(listener.port);
    expect((await m.reply())?.code).toBe(220);
    for (const cmd of ['EHLO big.example.org', 'MAIL FROM:<a@example.org>', `RCPT TO:<${OWN}>`, 'DATA']) await m.command(cmd);
    const before = delivered.length;
    m.write(message(`${'y'.repeat(998)}\r\n`.repeat(Math.ceil((LIMIT * 2) / 1000))));
    expect((await m.reply())?.code).toBe(552);
    expect(delivered.length).toBe(before);
    expect((await m.command('NOOP'))?.code).toBe(250);
    m.close();
    // Declared too big up front.
    const d = await RawSmtp.open(listener.port);
    await d.reply();
    await d.command('EHLO big.example.org');
    expect((await d.command(`MAIL FROM:<a@example.org> SIZE=${LIMIT * 10}`))?.code).toBe(552);
    d.close();
    await stillServes();
  });

  it(`random sessions (${RUNS}) follow the protocol state and never break the listener`, async () => {
    console.info(`[smtp fuzz] seed ${SEED} (SWITCHYARD_FUZZ_SEED=${SEED}), ${RUNS} sessions`);
    const step = fc.oneof(
      fc.constantFrom('EHLO fuzz.example.org', 'HELO fuzz.example.org', 'MAIL FROM:<a@example.org>', 'MAIL FROM:<>', `RCPT TO:<${OWN}>`, `RCPT TO:<SUPPORT+tag@EXAMPLE.TEST>`,
        'RCPT TO:<x@elsewhere.example>', 'DATA', 'RSET', 'NOOP', 'MESSAGE'),
      fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `X${s.replace(/[\r\n]/g, '')}`),
      fc.constantFrom('MAIL FROM:', 'RCPT TO:', 'MAIL FROM:<a@b> BODY=9BIT', 'EHLO', 'HELO', 'RCPT TO:<a@[300.0.0.1]>', `MAIL FROM:<${'a'.repeat(400)}@example.org>`),
    );
    let sessions = 0;
    let why = '';
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      sessions++;
      const c = await RawSmtp.open(listener.port);
      try {
        if ((await c.reply())?.code !== 220) return false;
        let greeted = false; let mail = false; let rcpt = false; let unknown = 0;
        const transcript: string[] = [];
        const fail = (code: number | undefined) => { why = `${transcript.join(' | ')} → got ${code}`; return false; };
        for (const s of steps) {
          transcript.push(JSON.stringify(s).slice(0, 60));
          if (s === 'MESSAGE') {
            // Outside DATA, message lines are just more (unrecognised) commands: skip.
            continue;
          }
          const r = await c.command(s);
          const code = r?.code;
          const known = /^(EHLO|HELO|MAIL|RCPT|DATA|RSET|NOOP)\b/.test(s);
          if (!known) {
            unknown++;
            if (unknown >= 10) return code === 421 || fail(code);
            if (code !== 500) return fail(code);
            continue;
          }
          if (s.startsWith('EHLO ') || s.startsWith('HELO ')) { if (code !== 250) return fail(code); greeted = true; mail = false; rcpt = false; continue; }
          if (s === 'EHLO' || s === 'HELO') { if (code !== 501) return fail(code); continue; }
          if (s === 'RSET') { if (code !== 250) return fail(code); mail = false; rcpt = false; continue; }
          if (s === 'NOOP') { if (code !== 250) return fail(code); continue; }
          const isFiveXX = code !== undefined && code >= 500 && code < 560;
          if (s.startsWith('MAIL')) {
            const valid = s === 'MAIL FROM:<a@example.org>' || s === 'MAIL FROM:<>';
            if (!greeted) { if (code !== 503) return fail(code); continue; }
            if (!valid) { if (code === 250 && !mail) mail = true; else if (!isFiveXX) return fail(code); continue; }
            if (code !== (mail ? 503 : 250)) return fail(code);
            mail = true;
            continue;
          }
          if (s.startsWith('RCPT')) {
            const ours = /^RCPT TO:<support(\+tag)?@example\.test>$/i.test(s);
            if (!greeted) { if (code !== 503) return fail(code); continue; }
            if (!ours) { if (!isFiveXX) return fail(code); continue; }
            if (code !== (mail ? 250 : 503)) return fail(code);
            if (mail) rcpt = true;
            continue;
          }
          if (s === 'DATA') {
            if (!greeted || !mail || !rcpt) { if (code !== 503) return fail(code); continue; }
            if (code !== 354) return fail(code);
            c.write(message('random session'));
            const stored = (await c.reply())?.code; if (stored !== 250) return fail(stored);
            mail = false; rcpt = false;
          }
        }
        return true;
      } finally { c.close(); }
    }), { seed: SEED, numRuns: RUNS }).catch((err: unknown) => { throw new Error(`${why}\n${String(err).slice(0, 600)}`); });
    console.info(`[smtp fuzz] seed ${SEED}: ${sessions} sessions, all replies as the protocol state requires`);
    await stillServes();
  }, 600_000);
});
