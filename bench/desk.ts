import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import nodemailer from 'nodemailer';
import WebSocket from 'ws';
import type { Browser, BrowserContext } from 'playwright-core';
import { MAIL, ROOT, benchConfig, fmt, mailstack, percentile, table } from './lib.js';
import { launchChromium } from './chromium.js';
import { startSwitchyard } from '../src/app/main.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { createUser } from '../src/storage/repositories/users.js';
import { hashPassword } from '../src/adapters/crypto/secrets.js';
import { SESSION_COOKIE } from '../src/web/auth.js';

/**
 * The agent desktop in headless Chromium (Debian's), against an in-process Switchyard on SQLite:
 * - desk-offer: SMTP 250 (Postfix) → the offer visible in the desktop, beside offer.created on a
 *   raw WebSocket for the same agent in the same run (the limit: the browser cannot be faster).
 * - desk-load: gzip size of what the first page load fetches, and navigation → interactive desk
 *   (state bar and My contacts rendered), beside the API docs page (Swagger UI) from the same server.
 */
const N = Number(process.env.BENCH_DESK_N ?? 20);
const GAP_MS = Number(process.env.BENCH_DESK_GAP_MS ?? 500);
const LOADS = Number(process.env.BENCH_DESK_LOADS ?? 10);

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port')))); });
});

interface Desk { base: string; token: string; browser: Browser; context: BrowserContext; stop(): Promise<void> }

async function startDesk(user: string, pass: string): Promise<Desk> {
  const port = await freePort();
  const running = await startSwitchyard(benchConfig(null, port), ['acd', 'email-server', 'account-server', 'web'], { demo: false });
  const { deps } = running;
  const base = `http://127.0.0.1:${port}`;
  const acct = await createAccount(deps.storage.db, {
    address: user, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: user, passwordSealed: deps.secrets.seal(pass),
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
  }, Date.now());
  if (!acct.ok) throw new Error(acct.message);
  await createUser(deps.storage.db, { username: 'bench-desk', displayName: 'Bench Desk', passwordHash: await hashPassword('bench-desk-pw'), role: 'agent', capacity: 25 }, Date.now());
  const r = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-desk', password: 'bench-desk-pw' }) });
  const { token } = await r.json() as { token: string };
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
  return {
    base, token, browser, context,
    async stop() { await browser.close().catch(() => undefined); await running.stop(); },
  };
}

const api = async (base: string, token: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
};

export async function benchDeskOffer(): Promise<void> {
  const user = `bench-desk-${Date.now().toString(36)}@example.test`;
  mailstack('add-user', user, 'bench-password');
  const desk = await startDesk(user, 'bench-password');
  const smtp = nodemailer.createTransport({ host: MAIL.host, port: MAIL.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 1 });
  let ws: WebSocket | null = null;
  try {
    const page = await desk.context.newPage();
    // The page tells us the moment an offer appears (a MutationObserver, injected over the DevTools protocol).
    let seen: ((t: number) => void) | null = null;
    await page.exposeBinding('__benchOfferSeen', () => { const t = performance.now(); seen?.(t); seen = null; });
    await page.goto(`${desk.base}/desk`);
    await page.getByTestId('agent-state').waitFor();
    await page.evaluate(`new MutationObserver(() => { const o = document.querySelector('[data-testid="offer"]');
      if (o && !o.dataset.seen) { o.dataset.seen = '1'; window.__benchOfferSeen(); } }).observe(document.body, { childList: true, subtree: true })`);
    ws = new WebSocket(`${desk.base.replace('http', 'ws')}/api/v1/events?token=${encodeURIComponent(desk.token)}`);
    let raw: ((t: number, offerId: string) => void) | null = null;
    ws.on('message', (data) => {
      const t = performance.now();
      const ev = JSON.parse(String(data)) as { type: string; offer?: { id: string } };
      if (ev.type === 'offer.created' && ev.offer) { raw?.(t, ev.offer.id); raw = null; }
    });
    await new Promise<void>((res, rej) => { ws!.once('open', () => res()); ws!.once('error', rej); });
    await api(desk.base, desk.token, 'PUT', '/api/v1/agents/me/state', { state: 'ready' });
    await new Promise((r) => setTimeout(r, 1000));

    const wsLat: number[] = [];
    const pageLat: number[] = [];
    console.error(`desk-offer: ${N} single sends, ${GAP_MS} ms apart …`);
    for (let i = 0; i < N; i++) {
      const gotRaw = new Promise<{ t: number; offerId: string }>((res) => { raw = (t, offerId) => res({ t, offerId }); });
      const gotPage = new Promise<number>((res) => { seen = res; });
      await smtp.sendMail({ from: 'customer@example.org', to: user, subject: `desk offer ${i}`, text: 'How fast does it pop up?' });
      const t0 = performance.now();
      const [r, p] = await Promise.all([gotRaw, gotPage]);
      wsLat.push(r.t - t0);
      pageLat.push(p - t0);
      await api(desk.base, desk.token, 'POST', `/api/v1/offers/${encodeURIComponent(r.offerId)}/accept`);
      await api(desk.base, desk.token, 'POST', `/api/v1/contacts/${r.offerId.replace(/\.\d+$/, '')}/close`, {});
      await page.getByTestId('offer').waitFor({ state: 'detached' });
      await new Promise((res) => setTimeout(res, GAP_MS));
    }
    wsLat.sort((a, b) => a - b);
    pageLat.sort((a, b) => a - b);
    const p = (xs: number[], q: number) => percentile(xs, q);
    table(`Desk offer latency: ${N} single emails via Postfix, SMTP 250 → offer (ms; limit = offer.created on a raw WebSocket, same agent, same run)`,
      ['path', 'p50 ms', 'p90 ms', 'p99 ms', 'p50 ratio to limit'],
      [
        ['limit: offer.created on a raw WebSocket', p(wsLat, 50), p(wsLat, 90), p(wsLat, 99), 1],
        ['desktop: offer visible in Chromium', p(pageLat, 50), p(pageLat, 90), p(pageLat, 99), p(pageLat, 50) / p(wsLat, 50)],
      ]);
  } finally {
    ws?.close();
    smtp.close();
    await desk.stop();
  }
}

/** The files the first load of a page fetches (its scripts, module preloads and style sheets), gzip-compressed. */
function initialGzipBytes(html: string, read: (path: string) => Buffer): { files: number; raw: number; gzip: number } {
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  let raw = 0; let gzip = 0;
  for (const ref of refs) { const b = read(ref); raw += b.length; gzip += gzipSync(b, { level: 9 }).length; }
  return { files: refs.length, raw, gzip };
}

export async function benchDeskLoad(): Promise<void> {
  const user = `bench-load-${Date.now().toString(36)}@example.test`;
  mailstack('add-user', user, 'bench-password');
  const desk = await startDesk(user, 'bench-password');
  try {
    const webRoot = join(ROOT, 'dist/web');
    const desktop = initialGzipBytes(readFileSync(join(webRoot, 'index.html'), 'utf8'), (ref) => readFileSync(join(webRoot, ref)));
    const docsHtml = await (await fetch(`${desk.base}/api/docs/`)).text();
    const docsFiles = new Map<string, Buffer>();
    for (const ref of [...docsHtml.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!)) {
      docsFiles.set(ref, Buffer.from(await (await fetch(new URL(ref, `${desk.base}/api/docs/`))).arrayBuffer()));
    }
    const docs = initialGzipBytes(docsHtml, (ref) => docsFiles.get(ref)!);
    const kb = (n: number) => fmt(n / 1024);
    table('Desk bundle: what the first load fetches (KB; baseline = the API docs page, Swagger UI, from the same server)',
      ['page', 'files', 'raw KB', 'gzip KB', 'gzip ratio to baseline'],
      [
        ['baseline: /api/docs (Swagger UI)', docs.files, kb(docs.raw), kb(docs.gzip), 1],
        ['desktop: /desk', desktop.files, kb(desktop.raw), kb(desktop.gzip), desktop.gzip / docs.gzip],
      ]);

    const time = async (url: string, ready: (p: import('playwright-core').Page) => Promise<unknown>, cold: boolean): Promise<number> => {
      const context = cold ? await desk.browser.newContext({ viewport: { width: 1280, height: 720 } }) : desk.context;
      if (cold) await context.addCookies([{ name: SESSION_COOKIE, value: desk.token, url: desk.base }]);
      const page = await context.newPage();
      try {
        const t0 = performance.now();
        await page.goto(url, { waitUntil: 'commit' });
        await ready(page);
        return performance.now() - t0;
      } finally { await page.close(); if (cold) await context.close(); }
    };
    const deskReady = (p: import('playwright-core').Page) => Promise.all([p.getByTestId('agent-state').waitFor(), p.getByRole('heading', { name: /My contacts/ }).waitFor()]);
    const docsReady = (p: import('playwright-core').Page) => p.locator('.swagger-ui .opblock').first().waitFor();
    const rows: (string | number)[][] = [];
    const series: Record<string, number[]> = {};
    console.error(`desk-load: ${LOADS} cold and ${LOADS} warm loads each …`);
    await time(`${desk.base}/desk`, deskReady, false); // warm the server's file cache
    for (const [name, url, ready] of [['baseline: /api/docs (Swagger UI)', `${desk.base}/api/docs/`, docsReady], ['desktop: /desk', `${desk.base}/desk`, deskReady]] as const) {
      for (const cold of [true, false]) {
        const xs: number[] = [];
        for (let i = 0; i < LOADS; i++) xs.push(await time(url, ready, cold));
        series[`${name} ${cold ? 'cold' : 'warm'}`] = xs.sort((a, b) => a - b);
      }
    }
    for (const cold of ['cold', 'warm']) {
      const base = series[`baseline: /api/docs (Swagger UI) ${cold}`]!;
      const mine = series[`desktop: /desk ${cold}`]!;
      rows.push([`baseline: /api/docs (Swagger UI), ${cold} cache`, percentile(base, 50), percentile(base, 90), 1]);
      rows.push([`desktop: /desk → interactive desk, ${cold} cache`, percentile(mine, 50), percentile(mine, 90), percentile(mine, 50) / percentile(base, 50)]);
    }
    table(`Desk load: navigation → interactive page in headless Chromium, ${LOADS} loads each (ms)`, ['page', 'p50 ms', 'p90 ms', 'p50 ratio to baseline'], rows);
  } finally {
    await desk.stop();
  }
}
