import type { AcdState, Contact } from '../src/core/acd/types.js';
import { meets } from '../src/core/routing/requirement.js';
import type { Deps } from '../src/app/deps.js';
import { openStorage } from '../src/storage/db.js';
import { createLocalBus } from '../src/storage/bus.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createLogger } from '../src/observability/logger.js';
import { AcdLeader } from '../src/roles/acd/memory.js';
import { tryLead } from '../src/roles/acd/leader.js';
import { newContactRecord } from '../src/roles/acd/snapshot.js';
import { benchConfig, forceGc, freshPgDatabase, percentile, table } from './lib.js';
import { rng } from './acd-model.js';
import { insertArrival, seedScaleCentre } from './acd-scale-seed.js';

/**
 * Scale, as production runs it: 10,000 agents and 100,000 queued contacts over 200 queues with
 * mixed skill requirements, in a real database (SQLite and PostgreSQL), decided by the real
 * queue-engine leader (AcdLeader): each decision applied to its state in memory AND committed
 * (rows, event log, offers) before it is answered. A routing decision = an agent closing a contact
 * (the next contact for the agent: tiers → queue heads → weight) or a new contact arriving (an
 * agent for it). One at a time (each its own commit), then 50 at once (group commit). Beside it,
 * on the same state, a naive baseline that scans every waiting contact (or every agent) per decision.
 */
const AGENTS = Number(process.env.BENCH_ACD_AGENTS ?? 10_000);
const CONTACTS = Number(process.env.BENCH_ACD_CONTACTS ?? 100_000);
const QUEUES = 200;
const SKILLS = 20;
const DECISIONS = Number(process.env.BENCH_ACD_DECISIONS ?? 2_000);
const AT_ONCE = 50;
const NAIVE_DECISIONS = 200;
const BACKENDS = (process.env.BENCH_ACD_SCALE_BACKENDS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];

/** The full scan: every waiting contact checked against the agent, best by tier then weight × wait. */
function naiveNextContact(s: Omit<AcdState, 'index'>, agentId: string, now: number): Contact | null {
  const def = s.config.agents[agentId];
  let best: Contact | null = null;
  let bestKey = [Infinity, -Infinity];
  for (const c of Object.values(s.contacts)) {
    if (c.status !== 'queued') continue;
    const q = s.config.queues[c.queueId];
    if (!q || !meets(q.requirement, def)) continue;
    const key = [q.priorityTier, q.weight * (1 + c.priority) * (now - c.queuedAt + 1000)];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) { best = c; bestKey = key; }
  }
  return best;
}
function naiveAgentFor(s: Omit<AcdState, 'index'>, c: Contact): string | null {
  const q = s.config.queues[c.queueId];
  let best: string | null = null;
  let bestIdle = Infinity;
  for (const a of Object.values(s.agents)) {
    if (a.state !== 'ready' || !q) continue;
    if (!meets(q.requirement, s.config.agents[a.id])) continue;
    if (a.idleSince < bestIdle) { best = a.id; bestIdle = a.idleSince; }
  }
  return best;
}

const heapMb = () => process.memoryUsage().heapUsed / 1e6;
const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface ScaleFigures { takeoverMs: number; firstAssignments: number; heapMb: number; close: number[]; arrive: number[]; naive: number[]; naiveArrive: number[]; oneAtATime: number; atOnce: number; perCommit: number }

async function onBackend(databaseUrl: string | null): Promise<ScaleFigures> {
  const config = benchConfig(databaseUrl);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const deps = { config: { ...config, offerTimeoutSeconds: 3600 }, storage, clock: Date.now, bus: createLocalBus(), metrics: createMetrics(), logger: createLogger('warn', 'bench') } as unknown as Deps;
  try {
    const centre = await seedScaleCentre(storage, { agents: AGENTS, contacts: CONTACTS, queues: QUEUES, skills: SKILLS, seed: 42 });
    forceGc();
    const heap0 = heapMb();
    // Takeover: the lease, the load, the first decision (index build + initial matching, committed).
    const leader = new AcdLeader(deps, 'bench-scale');
    const t0 = performance.now();
    if (!(await tryLead(storage.db, 'bench-scale', Date.now(), 3_600_000))) throw new Error('no lease');
    leader.leading = true;
    await leader.load();
    const first = await leader.apply(deps, { type: 'tick' });
    const takeoverMs = performance.now() - t0;
    forceGc();
    const heap = heapMb() - heap0;
    const firstAssignments = first.ok ? first.effects.filter((e) => e.type === 'contact.assigned').length : 0;
    const assigned = Object.values(leader.snapshot()!.contacts).filter((c) => c.status === 'assigned').map((c) => ({ id: c.id, agentId: c.agentId! }));
    const r = rng(7);
    const take = () => { const k = Math.floor(r() * assigned.length); const c = assigned[k]; assigned[k] = assigned[assigned.length - 1]; assigned.pop(); return c; };
    const track = (out: Awaited<ReturnType<AcdLeader['apply']>>) => { if (out.ok) for (const e of out.effects) if (e.type === 'contact.assigned') assigned.push({ id: e.contactId, agentId: e.agentId }); };
    const close: number[] = []; const arrive: number[] = [];
    const closeOne = async () => { const c = take(); track(await leader.apply(deps, { type: 'contact.close', contactId: c.id, agentId: c.agentId })); };
    const arriveOne = async () => {
      const now = Date.now();
      const id = await insertArrival(storage.db, centre.entranceId, centre.queueIds[Math.floor(r() * QUEUES)], now);
      const contact = newContactRecord({ id, entranceId: centre.entranceId, queueId: centre.queueIds[0], priority: 0, queuedAt: now, previousAgentId: null, contactData: {} });
      const t = performance.now();
      track(await leader.apply(deps, { type: 'contact.queued', contactId: id }, { contact }));
      arrive.push(performance.now() - t);
    };
    // One at a time: each decision its own commit.
    const t1 = performance.now();
    for (let i = 0; i < DECISIONS && assigned.length; i++) {
      if (i % 2 === 0) { const t = performance.now(); await closeOne(); close.push(performance.now() - t); } else await arriveOne();
    }
    const oneAtATime = (close.length + arrive.length) / ((performance.now() - t1 - 0) / 1000);
    // 50 agents closing at once: the leader groups what arrives while a commit is in flight.
    const commits0 = leader.commits; const grouped0 = leader.grouped;
    const t2 = performance.now();
    let n = 0;
    while (n < DECISIONS && assigned.length >= AT_ONCE) {
      await Promise.all(Array.from({ length: AT_ONCE }, () => closeOne()));
      n += AT_ONCE;
    }
    const atOnce = n / ((performance.now() - t2) / 1000);
    const perCommit = (leader.grouped - grouped0) / Math.max(1, leader.commits - commits0);
    // The naive scan on the same state.
    const s = leader.snapshot()!;
    const agentIds = Object.keys(s.agents);
    const waiting = Object.values(s.contacts).filter((c) => c.status === 'queued');
    const naive: number[] = []; const naiveArrive: number[] = [];
    const now = Date.now();
    for (let i = 0; i < NAIVE_DECISIONS; i++) {
      const t = performance.now();
      naiveNextContact(s, agentIds[Math.floor(r() * agentIds.length)], now);
      naive.push(performance.now() - t);
      const t3 = performance.now();
      naiveAgentFor(s, waiting[Math.floor(r() * waiting.length)]);
      naiveArrive.push(performance.now() - t3);
    }
    return { takeoverMs, firstAssignments, heapMb: heap, close, arrive, naive, naiveArrive, oneAtATime, atOnce, perCommit };
  } finally { await storage.close(); }
}

export async function benchAcdScale(): Promise<void> {
  const rows: (string | number)[][] = [];
  const tput: (string | number)[][] = [];
  for (const dialect of BACKENDS) {
    const pg = dialect === 'postgres' ? await freshPgDatabase() : null;
    try {
      console.error(`acd-scale: ${AGENTS} agents × ${CONTACTS} contacts, the leader against ${dialect} …`);
      const f = await onBackend(pg?.url ?? null);
      const [cl, ar, nv, na] = [sort(f.close), sort(f.arrive), sort(f.naive), sort(f.naiveArrive)];
      rows.push(
        [`${dialect}: agent closes → next contact`, percentile(cl, 50), percentile(cl, 99), percentile(nv, 50), percentile(nv, 99), `${(percentile(nv, 50) / percentile(cl, 50)).toFixed(1)}×`],
        [`${dialect}: contact arrives → agent`, percentile(ar, 50), percentile(ar, 99), percentile(na, 50), percentile(na, 99), `${(percentile(na, 50) / percentile(ar, 50)).toFixed(1)}×`],
      );
      tput.push(
        [`${dialect}: decisions/s, one at a time (each its own commit)`, Math.round(f.oneAtATime)],
        [`${dialect}: decisions/s, ${AT_ONCE} closes at once (group commit; ${f.perCommit.toFixed(1)} decisions per commit)`, Math.round(f.atOnce)],
        [`${dialect}: takeover: lease + load + first decision (index build, initial matching committed)`, `${f.takeoverMs.toFixed(0)} ms, ${f.firstAssignments} assignments`],
        [`${dialect}: heap: the leader's state + index`, `${f.heapMb.toFixed(0)} MB`],
      );
    } finally { await pg?.drop(); }
  }
  table(`Queue engine at scale, the leader with persistence: ${AGENTS.toLocaleString('en')} agents, ${CONTACTS.toLocaleString('en')} queued contacts, ${QUEUES} queues (${DECISIONS} decisions one at a time, each committed; baseline: naive full scan, ${NAIVE_DECISIONS}, decide only)`,
    ['decision (AcdLeader.apply, committed)', 'p50 ms', 'p99 ms', 'naive full scan p50 ms', 'naive p99 ms', 'speed-up (p50)'], rows);
  table('Queue engine at scale: throughput, takeover and memory', ['measure', 'value'], tput);
}
