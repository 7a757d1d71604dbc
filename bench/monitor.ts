import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { benchConfig, percentile, table } from './lib.js';
import { buildDeps } from '../src/app/main.js';
import { buildWebApp } from '../src/roles/web/index.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { createUser } from '../src/storage/repositories/users.js';
import { hashPassword } from '../src/adapters/crypto/secrets.js';

/**
 * Monitor fan-out: 200 supervisor WebSockets while 1,000 contacts arrive (50/s, each committed and
 * announced as the email server does). Delay from an arrival to each supervisor's next
 * monitor.changed (coalesced, at most one a second), and to the monitor read that follows it (20 of
 * the supervisors GET /api/v1/monitor on every change: their screen update). The limit beside it:
 * an event-log row pushed to the same 200 sockets as the queue engine's events are (row, hint, read, send), uncoalesced. SQLite, one process.
 */
const SOCKETS = Number(process.env.BENCH_MONITOR_SOCKETS ?? 200);
const READERS = 20;
const CONTACTS = Number(process.env.BENCH_MONITOR_CONTACTS ?? 1000);
const GAP_MS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function benchMonitor(): Promise<void> {
  const deps = await buildDeps(benchConfig(null));
  const app = await buildWebApp(deps);
  const sockets: WebSocket[] = [];
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const acct = await createAccount(deps.storage.db, {
      address: 'monitor-bench@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null, mailbox: 'INBOX',
      afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
    }, Date.now());
    if (!acct.ok) throw new Error(acct.message);
    await createUser(deps.storage.db, { username: 'bench-sup', displayName: 'Bench', passwordHash: await hashPassword('bench-sup-pw'), role: 'supervisor' }, Date.now());
    const token = (await (await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-sup', password: 'bench-sup-pw' }) })).json() as { token: string }).token;

    const changes: number[][] = Array.from({ length: SOCKETS }, () => []);
    const screens: number[][] = Array.from({ length: READERS }, () => []);
    const raw: Map<number, number[]> = new Map();
    const readerBusy: boolean[] = Array(READERS).fill(false);
    const readerDirty: boolean[] = Array(READERS).fill(false);
    const read = async (r: number): Promise<void> => {
      if (readerBusy[r]) { readerDirty[r] = true; return; }
      readerBusy[r] = true;
      try {
        do {
          readerDirty[r] = false;
          const res = await fetch(`${base}/api/v1/monitor`, { headers: { authorization: `Bearer ${token}` } });
          await res.json();
          screens[r].push(performance.now());
        } while (readerDirty[r]);
      } finally { readerBusy[r] = false; }
    };
    for (let i = 0; i < SOCKETS; i++) {
      const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/events?token=${token}`);
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as { type: string; seq?: number };
        const t = performance.now();
        if (m.type === 'monitor.changed') { changes[i].push(t); if (i < READERS) void read(i); }
        if (m.type === 'bench.raw' && m.seq !== undefined) (raw.get(m.seq) ?? raw.set(m.seq, []).get(m.seq)!).push(t);
      });
      sockets.push(ws);
      await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
    }

    // The limit: raw events, pushed as they are published.
    const rawSent: number[] = [];
    for (let seq = 0; seq < 100; seq++) {
      // As the queue engine does: the event row (with what is pushed) committed, then the hint with its id.
      const push = { type: 'bench.raw', seq, at: new Date().toISOString(), agentId: null };
      rawSent.push(performance.now());
      const row = await deps.storage.db.insertInto('events').values({ at: Date.now(), type: 'bench.raw', contact_id: null, agent_id: null, data: JSON.stringify(push), push: JSON.stringify(push) })
        .returning('id').executeTakeFirstOrThrow();
      await deps.bus.publish('events', { ...push, id: Number(row.id) });
      await sleep(GAP_MS);
    }
    await sleep(1500);
    for (const arr of changes) arr.length = 0;
    for (const arr of screens) arr.length = 0;

    // Arrivals.
    const arrivals: number[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      const id = randomUUID();
      const now = Date.now();
      await deps.storage.transaction(async (trx) => {
        await trx.insertInto('contacts').values({
          id, entrance_id: acct.entranceId, queue_id: acct.queueId, inbound_message_id: null, dedupe_key: `bench:${id}`, status: 'queued', message_id: null,
          subject: `Bench ${i}`, from_address: 'c@example.org', from_name: null, to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
          in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now,
          agent_id: null, offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
        }).execute();
        await trx.insertInto('events').values({ at: now, type: 'contact.created', contact_id: id, agent_id: null, data: JSON.stringify({ entranceId: acct.entranceId, queueId: acct.queueId }) }).execute();
      });
      arrivals.push(performance.now());
      await deps.bus.publish('acd', { contacts: 1 });
      await sleep(GAP_MS);
    }
    await sleep(2500);

    const after = (times: number[], t: number) => { for (const x of times) if (x >= t) return x - t; return NaN; };
    const delays = (series: number[][]) => series.flatMap((times) => arrivals.map((t) => after(times, t))).filter((d) => !Number.isNaN(d)).sort((a, b) => a - b);
    const changeDelays = delays(changes);
    const screenDelays = delays(screens);
    const rawDelays = [...raw.entries()].flatMap(([seq, ts]) => ts.map((t) => t - rawSent[seq])).sort((a, b) => a - b);
    const missed = changes.reduce((n, times) => n + arrivals.filter((t) => Number.isNaN(after(times, t))).length, 0);
    const perSocket = changes.reduce((n, c) => n + c.length, 0) / SOCKETS;
    const p99raw = percentile(rawDelays, 99);
    table(`Monitor fan-out: ${SOCKETS} supervisor sockets, ${CONTACTS} contacts arriving at ${Math.round(1000 / GAP_MS)}/s (SQLite, one process); ${perSocket.toFixed(0)} monitor.changed per socket, ${missed} arrivals never followed by one`,
      ['path', 'samples', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs raw push'],
      [
        ['limit: an event pushed to every socket (uncoalesced)', rawDelays.length, percentile(rawDelays, 50), p99raw, rawDelays[rawDelays.length - 1], '1x'],
        ['arrival → monitor.changed (coalesced, ≤ 1/s)', changeDelays.length, percentile(changeDelays, 50), percentile(changeDelays, 99), changeDelays[changeDelays.length - 1], `${(percentile(changeDelays, 99) / p99raw).toFixed(1)}x`],
        [`arrival → screen updated (monitor.changed + GET /api/v1/monitor, ${READERS} readers)`, screenDelays.length, percentile(screenDelays, 50), percentile(screenDelays, 99), screenDelays[screenDelays.length - 1], `${(percentile(screenDelays, 99) / p99raw).toFixed(1)}x`],
      ]);
  } finally {
    for (const ws of sockets) ws.terminate();
    await app.close();
    await deps.bus.close();
    await deps.storage.close();
  }
}
