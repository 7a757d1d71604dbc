import { createServer } from 'node:net';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { benchConfig, percentile, table } from './lib.js';
import { startSwitchyard } from '../src/app/main.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { readyBenchAgent } from './agent.js';

/**
 * Latency without the IDLE floor: single emails sent straight to an SMTP account's listener
 * (the smtp-in adapter, which stores before it answers 250), from the `250` after DATA to the
 * agent's `offer.created` on the WebSocket. Beside it, in the same run and for the same sends,
 * the pipeline's own part: from the 250 to the commit of the message's contact (the email server's
 * write). SQLite, one process (acd, email-server, account-server, web). BENCH_LATENCY_SMTP_N
 * (default 200), BENCH_LATENCY_SMTP_GAP_MS (default 100).
 */
const N = Number(process.env.BENCH_LATENCY_SMTP_N ?? 200);
const GAP_MS = Number(process.env.BENCH_LATENCY_SMTP_GAP_MS ?? 100);

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port')))); });
});

export async function benchLatencySmtp(): Promise<void> {
  const port = await freePort();
  const smtpPort = await freePort();
  const address = `bench-smtp-${Date.now().toString(36)}@example.test`;
  const config = benchConfig(null, port);
  const running = await startSwitchyard(config, ['acd', 'email-server', 'account-server', 'web'], { demo: false });
  const { deps } = running;
  // The commit of each contact: the email server counts it right after its transaction commits.
  const committed: number[] = [];
  const inc = deps.metrics.contactsCreated.inc.bind(deps.metrics.contactsCreated);
  deps.metrics.contactsCreated.inc = ((...args: Parameters<typeof inc>) => { committed.push(performance.now()); return inc(...args); }) as typeof inc;
  const base = `http://127.0.0.1:${port}`;
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  let ws: WebSocket | null = null;
  try {
    const acct = await createAccount(deps.storage.db, {
      address, protocol: 'smtp', host: '127.0.0.1', port: smtpPort, security: 'none', username: null, passwordSealed: null,
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    await deps.bus.publish('accounts');
    const agent = await readyBenchAgent(deps, base, port);
    const { api, token } = agent;
    ws = agent.ws;
    let waiter: ((t: number, offerId: string) => void) | null = null;
    ws.on('message', (data) => {
      const t = performance.now();
      const ev = JSON.parse(String(data)) as { type: string; offer?: { id: string } };
      if (ev.type === 'offer.created' && ev.offer && waiter) { const w = waiter; waiter = null; w(t, ev.offer.id); }
    });
    await new Promise<void>((res, rej) => { ws!.once('open', () => res()); ws!.once('error', rej); });
    // The listener starts with the account server's next look at the account list.
    for (let i = 0; ; i++) {
      try { await smtp.verify(); break; } catch (err) { if (i > 100) throw err; await new Promise((r) => setTimeout(r, 100)); }
    }

    const offerLat: number[] = [];
    const commitLat: number[] = [];
    console.error(`latency-smtp: ${N} single sends to the SMTP listener, ${GAP_MS} ms apart …`);
    for (let i = 0; i < N + 5; i++) {
      const gotOffer = new Promise<{ t: number; offerId: string }>((res) => { waiter = (t, offerId) => res({ t, offerId }); });
      const before = committed.length;
      await smtp.sendMail({ from: `customer${i}@example.org`, to: address, subject: `latency ${i}`, text: 'How fast is this?', messageId: `<lat-${i}-${Date.now()}@example.org>` });
      const t0 = performance.now(); // the 250 after DATA has arrived
      const offer = await gotOffer;
      if (i >= 5) { // the first few warm the code paths
        offerLat.push(offer.t - t0);
        commitLat.push((committed[before] ?? NaN) - t0);
      }
      await api('POST', `/api/v1/offers/${encodeURIComponent(offer.offerId)}/accept`, undefined, token);
      const contactId = offer.offerId.replace(/\.\d+$/, '');
      await api('POST', `/api/v1/contacts/${contactId}/close`, undefined, token);
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    offerLat.sort((a, b) => a - b);
    commitLat.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => percentile(xs, q);
    table(`Latency without the IDLE floor: ${N} single emails to the SMTP listener, 250 → event (ms; beside it the same sends' 250 → contact committed; SQLite, one process)`,
      ['path', 'p50 ms', 'p90 ms', 'p99 ms', 'p50 ratio to commit'],
      [
        ['pipeline: 250 → contact committed (email server write)', p(commitLat, 50), p(commitLat, 90), p(commitLat, 99), 1],
        ['Switchyard: 250 → offer.created on the agent WebSocket', p(offerLat, 50), p(offerLat, 90), p(offerLat, 99), p(offerLat, 50) / p(commitLat, 50)],
      ]);
  } finally {
    ws?.close();
    smtp.close();
    await running.stop();
  }
}
