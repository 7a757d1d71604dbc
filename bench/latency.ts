import { createServer } from 'node:net';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import { MAIL, benchConfig, mailstack, percentile, table } from './lib.js';
import { startSwitchyard } from '../src/app/main.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { readyBenchAgent } from './agent.js';

/**
 * Latency: single emails sent through Postfix while idle, from SMTP accepted (250 after
 * DATA) to the agent's `offer.created` event on the WebSocket. The limit beside it:
 * Dovecot's own IDLE notification (`* N EXISTS`) for the same sends, on a second connection.
 */
const N = Number(process.env.BENCH_LATENCY_N ?? 100);
const GAP_MS = Number(process.env.BENCH_LATENCY_GAP_MS ?? 1000);

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port')))); });
});

export async function benchLatency(): Promise<void> {
  const user = `bench-latency-${Date.now().toString(36)}@example.test`;
  const pass = 'bench-password';
  mailstack('add-user', user, pass);
  const port = await freePort();
  const config = benchConfig(null, port);
  const running = await startSwitchyard(config, ['acd', 'email-server', 'account-server', 'web'], { demo: false });
  const { deps } = running;
  const base = `http://127.0.0.1:${port}`;
  const idle = new ImapFlow({ host: MAIL.host, port: MAIL.imapPort, secure: false, doSTARTTLS: false, auth: { user, pass }, logger: false });
  const smtp = nodemailer.createTransport({ host: MAIL.host, port: MAIL.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  let ws: WebSocket | null = null;
  try {
    const acct = await createAccount(deps.storage.db, {
      address: user, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: user, passwordSealed: deps.secrets.seal(pass),
      mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    const agent = await readyBenchAgent(deps, base, port);
    const { api, token } = agent;
    ws = agent.ws;
    const offers = new Map<string, (t: number, offerId: string) => void>();
    const pendingOffers: { subject?: string; t: number; offerId: string; contactId: string }[] = [];
    ws.on('message', (data) => {
      const t = performance.now();
      const ev = JSON.parse(String(data)) as { type: string; offer?: { id: string; contactId: string } };
      if (ev.type === 'offer.created' && ev.offer) {
        const waiter = offers.values().next().value as ((t: number, id: string) => void) | undefined;
        if (waiter) waiter(t, ev.offer.id); else pendingOffers.push({ t, offerId: ev.offer.id, contactId: ev.offer.contactId });
      }
    });
    await new Promise<void>((res, rej) => { ws!.once('open', () => res()); ws!.once('error', rej); });
    await idle.connect();
    await idle.mailboxOpen('INBOX');
    let existsAt: ((t: number) => void) | null = null;
    idle.on('exists', () => { const t = performance.now(); existsAt?.(t); existsAt = null; });
    await new Promise((r) => setTimeout(r, 1500)); // let both IDLEs settle

    const offerLat: number[] = [];
    const idleLat: number[] = [];
    console.error(`latency: ${N} single sends, ${GAP_MS} ms apart …`);
    for (let i = 0; i < N; i++) {
      const gotOffer = new Promise<{ t: number; offerId: string }>((res) => offers.set('next', (t, offerId) => { offers.delete('next'); res({ t, offerId }); }));
      const gotExists = new Promise<number>((res) => { existsAt = res; });
      await smtp.sendMail({ from: 'customer@example.org', to: user, subject: `latency ${i}`, text: 'How fast is this?' });
      const t0 = performance.now();
      const [offer, exists] = await Promise.all([gotOffer, gotExists]);
      offerLat.push(offer.t - t0);
      idleLat.push(exists - t0);
      await api('POST', `/api/v1/offers/${encodeURIComponent(offer.offerId)}/accept`, undefined, token);
      const contactId = offer.offerId.replace(/\.\d+$/, '');
      await api('POST', `/api/v1/contacts/${contactId}/close`, undefined, token);
      await new Promise((r) => setTimeout(r, GAP_MS));
    }
    offerLat.sort((a, b) => a - b);
    idleLat.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => percentile(xs, q);
    table(`Latency: ${N} single emails via Postfix while idle, SMTP 250 → event (ms; limit = Dovecot IDLE EXISTS for the same sends)`,
      ['path', 'p50 ms', 'p90 ms', 'p99 ms', 'p50 ratio to limit'],
      [
        ['limit: Dovecot IDLE notification (* N EXISTS)', p(idleLat, 50), p(idleLat, 90), p(idleLat, 99), 1],
        ['Switchyard: offer.created on the agent WebSocket (SQLite)', p(offerLat, 50), p(offerLat, 90), p(offerLat, 99), p(offerLat, 50) / p(idleLat, 50)],
      ]);
  } finally {
    ws?.close();
    smtp.close();
    await idle.logout().catch(() => undefined);
    await running.stop();
  }
}
