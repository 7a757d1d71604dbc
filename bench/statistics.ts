import { benchConfig, percentile, table } from './lib.js';
import { buildDeps } from '../src/app/main.js';
import { buildWebApp } from '../src/roles/web/index.js';
import { createUser } from '../src/storage/repositories/users.js';
import { hashPassword } from '../src/adapters/crypto/secrets.js';
import { applyEvent, type ContactTrack, type QueueThresholds } from '../src/core/statistics/intervals.js';
import { updateStatistics } from '../src/storage/repositories/statistics.js';

/**
 * Statistics over one year: a generated event log for 50 queues (created → routed → assigned →
 * closed, with some transfers), counted once into the interval tables; then a one-year report per
 * queue (GET /api/v1/statistics, interval=month) beside the limit it replaces: a full scan of the
 * event log folding the same figures in memory. SQLite.
 */
const QUEUES = 50;
const CONTACTS = Number(process.env.BENCH_STATS_CONTACTS ?? 120_000);
const REPORTS = Number(process.env.BENCH_STATS_REPORTS ?? 10);
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;

export async function benchStatistics(): Promise<void> {
  const deps = await buildDeps(benchConfig(null));
  const db = deps.storage.db;
  const app = await buildWebApp(deps);
  try {
    const now = Date.now();
    const queues = Array.from({ length: QUEUES }, (_, i) => ({ id: `q${i}`, name: `Queue ${i}`, created_at: now }));
    await db.insertInto('queues').values(queues).execute();
    await db.insertInto('entrances').values({ id: 'e0', name: 'bench@example.test', account_id: null, queue_id: 'q0', created_at: now }).execute();
    await createUser(db, { username: 'bench-admin', displayName: 'Bench', passwordHash: await hashPassword('bench-admin-pw'), role: 'admin' }, now);

    // Generate: arrivals spread over the year (deterministic), each answered after 1-300 min, handled 2-30 min; 1 in 10 transferred first.
    let seed = 42;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    type Row = { at: number; type: string; contact_id: string; agent_id: string | null; data: string };
    const rows: Row[] = [];
    for (let i = 0; i < CONTACTS; i++) {
      const c = `c${i}`;
      const q = `q${Math.floor(rnd() * QUEUES)}`;
      const t0 = YEAR_START + Math.floor((i / CONTACTS) * YEAR_MS);
      const agent = `a${Math.floor(rnd() * 200)}`;
      rows.push({ at: t0, type: 'contact.created', contact_id: c, agent_id: null, data: JSON.stringify({ entranceId: 'e0', queueId: q }) });
      let t = t0 + Math.floor(1 + rnd() * 300) * 60_000;
      if (rnd() < 0.1) {
        rows.push({ at: t, type: 'contact.assigned', contact_id: c, agent_id: agent, data: JSON.stringify({ type: 'contact.assigned', contactId: c, agentId: agent }) });
        t += 5 * 60_000;
        const to = `q${Math.floor(rnd() * QUEUES)}`;
        rows.push({ at: t, type: 'contact.routed', contact_id: c, agent_id: null, data: JSON.stringify({ type: 'contact.routed', contactId: c, queueId: to, personalAgentId: null, taskTypeId: null, how: 'transfer' }) });
        t += Math.floor(1 + rnd() * 60) * 60_000;
      }
      rows.push({ at: t, type: 'contact.assigned', contact_id: c, agent_id: agent, data: JSON.stringify({ type: 'contact.assigned', contactId: c, agentId: agent }) });
      rows.push({ at: t + Math.floor(2 + rnd() * 28) * 60_000, type: 'contact.closed', contact_id: c, agent_id: agent, data: JSON.stringify({ type: 'contact.closed', contactId: c, agentId: agent }) });
    }
    rows.sort((a, b) => a.at - b.at);
    const tIns = performance.now();
    for (let i = 0; i < rows.length; i += 2000) {
      await deps.storage.transaction(async (trx) => {
        for (let j = i; j < Math.min(rows.length, i + 2000); j += 100) await trx.insertInto('events').values(rows.slice(j, Math.min(j + 100, i + 2000, rows.length))).execute();
      });
    }
    const insertMs = performance.now() - tIns;

    const tCount = performance.now();
    const processed = await updateStatistics(deps.storage, 10_000);
    const countMs = performance.now() - tCount;

    const token = (await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'bench-admin', password: 'bench-admin-pw' } })).json().token as string;
    const report = async () => {
      const t = performance.now();
      const r = await app.inject({ method: 'GET', url: '/api/v1/statistics?dimension=queue&interval=month&from=2025-01-01&to=2026-01-01', headers: { authorization: `Bearer ${token}` } });
      if (r.statusCode !== 200) throw new Error(r.body);
      return { ms: performance.now() - t, body: r.json() as { totals: Array<{ key: string; established: number }> } };
    };
    const scan = async () => {
      const t = performance.now();
      const thresholds: Record<string, QueueThresholds> = Object.fromEntries(queues.map((q) => [q.id, { sl1Minutes: 60, sl2Minutes: 240 }]));
      const tracks = new Map<string, ContactTrack | null>();
      const established = new Map<string, number>();
      let last = 0;
      for (;;) {
        const page = await db.selectFrom('events').select(['id', 'at', 'type', 'contact_id', 'agent_id', 'data']).where('id', '>', last).orderBy('id').limit(20_000).execute();
        if (page.length === 0) break;
        for (const r of page) {
          const out = applyEvent(tracks.get(r.contact_id ?? '') ?? null, { id: Number(r.id), at: Number(r.at), type: r.type, contactId: r.contact_id, agentId: r.agent_id, data: JSON.parse(r.data) as Record<string, unknown> }, thresholds);
          if (r.contact_id) tracks.set(r.contact_id, out.track);
          for (const inc of out.increments) if (inc.dimension === 'queue' && inc.add.established && inc.at < YEAR_START + YEAR_MS) established.set(inc.key, (established.get(inc.key) ?? 0) + inc.add.established);
        }
        last = Number(page[page.length - 1].id);
      }
      return { ms: performance.now() - t, established };
    };

    const reports: number[] = [];
    let body: Awaited<ReturnType<typeof report>>['body'] | null = null;
    for (let i = 0; i < REPORTS; i++) { const r = await report(); reports.push(r.ms); body = r.body; }
    const scans: number[] = [];
    let scanned: Map<string, number> | null = null;
    for (let i = 0; i < Math.max(1, Math.min(3, REPORTS)); i++) { const s = await scan(); scans.push(s.ms); scanned = s.established; }
    // The two must agree, or the comparison means nothing.
    for (const t of body!.totals) if (scanned!.get(t.key) !== t.established) throw new Error(`report and scan disagree for ${t.key}: ${t.established} vs ${scanned!.get(t.key)}`);
    reports.sort((a, b) => a - b);
    scans.sort((a, b) => a - b);
    const rowsStored = Number((await db.selectFrom('stats_intervals').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    table(`Statistics: one year, ${QUEUES} queues, ${CONTACTS} contacts, ${rows.length} events (SQLite); ${rowsStored} interval rows; counted once in ${(countMs / 1000).toFixed(1)} s (${Math.round(processed / (countMs / 1000))} events/s; inserting them took ${(insertMs / 1000).toFixed(1)} s)`,
      ['what', 'runs', 'median ms', 'p95 ms', 'vs full scan'],
      [
        ['report: GET /api/v1/statistics, year by month, 50 queues', reports.length, percentile(reports, 50), percentile(reports, 95), `${(percentile(scans, 50) / percentile(reports, 50)).toFixed(0)}x faster`],
        ['limit replaced: full scan of the event log (same fold)', scans.length, percentile(scans, 50), percentile(scans, 95), '1x'],
      ]);
  } finally {
    await app.close();
    await deps.bus.close();
    await deps.storage.close();
  }
}
