import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Kysely } from 'kysely';
import { benchConfig, forceGc, freshPgDatabase, percentile, table } from './lib.js';
import { startSwitchyard } from '../src/app/main.js';
import { openStorage } from '../src/storage/db.js';
import { sha256 } from '../src/adapters/crypto/secrets.js';
import { createAccount } from '../src/storage/repositories/accounts.js';
import { decide } from '../src/core/acd/decide.js';
import type { AcdState } from '../src/core/acd/types.js';
import { AcdLeader, leaderFor } from '../src/roles/acd/memory.js';
import type { Database } from '../src/storage/schema.js';
import type { Deps } from '../src/app/deps.js';
import { createLocalBus } from '../src/storage/bus.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createLogger } from '../src/observability/logger.js';
import { tryLead } from '../src/roles/acd/leader.js';
import { Worker } from 'node:worker_threads';
import type { LoadJob, LoadResult } from './acd-api-load.js';

/**
 * The queue engine through the system: 1,000 agents × 20,000 queued contacts in the database, the
 * built server (ACD + web roles in one process) driven through its REST API. Latency of a state
 * change (paused ↔ ready, each ready gets an offer) and of accept / close, one agent at a time;
 * decisions per second with 50 agents accepting and closing at once; beside, in the same run, an
 * authenticated read (GET /agents/me) and the pure core's decide() on the leader's own state.
 * And the leader's load at takeover: 10,000 agents × 100,000 contacts, time and heap.
 */
const AGENTS = Number(process.env.BENCH_ACD_API_AGENTS ?? 1000);
const CONTACTS = Number(process.env.BENCH_ACD_API_CONTACTS ?? 20_000);
const BIG_AGENTS = Number(process.env.BENCH_ACD_LOAD_AGENTS ?? 10_000);
const BIG_CONTACTS = Number(process.env.BENCH_ACD_LOAD_CONTACTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ACD_API_ROUNDS ?? 200);
const CONCURRENT = 50;
const P99_GOAL_MS = 20;
/** The takeover deadline of issue 8 (lease 6 s + one sweep) and its per-process RSS bound. */
const TAKEOVER_MS = 10_000;
const RSS_LIMIT_MB = 300;
/** BENCH_ACD_API_BACKENDS=sqlite (or postgres) runs one backend only, for profiling. */
const BACKENDS = (process.env.BENCH_ACD_API_BACKENDS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const BURST_MS = Number(process.env.BENCH_ACD_API_BURST_MS ?? 10_000);
/**
 * BENCH_ACD_API_SPLIT=1 (PostgreSQL only): the queue engine and the web role as two instances
 * (each its own storage, pool and bus, in this one process), so every command travels over the
 * command table and LISTEN/NOTIFY as between separate processes.
 */
const SPLIT = process.env.BENCH_ACD_API_SPLIT === '1';

const freePort = () => new Promise<number>((res, rej) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port')))); });
});

/** Agents (paused, with a session each) and routed, queued contacts, written in bulk. Returns the agents' ids and tokens. */
async function seed(db: Kysely<Database>, agents: number, contacts: number, entranceId: string, queueId: string): Promise<{ ids: string[]; tokens: string[] }> {
  const now = Date.now();
  const run = randomUUID().slice(0, 8);
  const ids = Array.from({ length: agents }, () => randomUUID());
  const tokens = ids.map(() => randomUUID());
  const chunk = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
  await db.transaction().execute(async (trx) => {
    for (const part of chunk(ids.map((id, i) => ({ id, i })), 500)) {
      await trx.insertInto('users').values(part.map(({ id, i }) => ({
        id, username: `bench-${run}-${i}`, display_name: `Agent ${i}`, password_hash: 'x', role: 'agent' as const, email: null, skills: '{}', capacity: 1, created_at: now, updated_at: now,
      }))).execute();
      await trx.insertInto('agent_states').values(part.map(({ id }) => ({ user_id: id, state: 'paused' as const, pause_reason: null, state_since: now, idle_since: now, updated_at: now }))).execute();
      await trx.insertInto('sessions').values(part.map(({ id, i }) => ({ token_hash: sha256(tokens[i]), user_id: id, created_at: now, expires_at: now + 86_400_000 }))).execute();
    }
    for (const part of chunk(Array.from({ length: contacts }, (_, i) => i), 400)) {
      await trx.insertInto('contacts').values(part.map((i) => {
        const id = randomUUID();
        return {
          id, entrance_id: entranceId, queue_id: queueId, inbound_message_id: null, dedupe_key: `bench:${id}`, status: 'queued' as const, message_id: `<${id}@bench>`,
          subject: `bench ${i}`, from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
          in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now - contacts + i,
          agent_id: null, offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now, routing: 'routed' as const,
        };
      })).execute();
    }
  });
  return { ids, tokens };
}

async function newAccount(deps: Pick<Deps, 'storage'>): Promise<{ entranceId: string; queueId: string }> {
  const r = await createAccount(deps.storage.db, {
    address: `bench-acd-${Date.now()}@example.test`, protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
    mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
  }, Date.now());
  if (!r.ok) throw new Error(r.message);
  return { entranceId: r.entranceId, queueId: r.queueId };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface ApiFigures { read: number[]; state: number[]; accept: number[]; close: number[]; decisionsPerSec: number; perGroup: number; retried: number; core: number[]; coreAccept: number[] }

async function throughTheApi(databaseUrl: string | null): Promise<ApiFigures> {
  const port = await freePort();
  const config = { ...benchConfig(databaseUrl, port), offerTimeoutSeconds: 600 };
  // Seed first (the leader loads it when it starts), on a storage of its own.
  const pre = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const { entranceId, queueId } = await newAccount({ storage: pre });
  const { ids, tokens } = await seed(pre.db, AGENTS, CONTACTS, entranceId, queueId);
  await pre.close();
  const split = SPLIT && databaseUrl !== null;
  const engine = split ? await startSwitchyard({ ...config, instanceId: 'bench-engine' }, ['acd'], { demo: false }) : null;
  const running = await startSwitchyard({ ...config, instanceId: split ? 'bench-web' : config.instanceId }, split ? ['web'] : ['acd', 'web'], { demo: false });
  const base = `http://127.0.0.1:${port}`;
  try {
    const call = async (method: string, path: string, token: string, body?: unknown): Promise<Record<string, any>> => {
      const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const json = await r.json() as Record<string, any>;
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    };
    const timed = async <T>(into: number[], fn: () => Promise<T>): Promise<T> => { const t = performance.now(); const v = await fn(); into.push(performance.now() - t); return v; };
    await call('GET', '/api/v1/agents/me', tokens[0]); // warm up (the leader has loaded by now)
    await running.deps.storage.db.selectFrom('contacts').select('id').limit(1).execute();
    const read: number[] = []; const state: number[] = []; const accept: number[] = []; const close: number[] = [];
    for (let i = 0; i < ROUNDS; i++) await timed(read, () => call('GET', '/api/v1/agents/me', tokens[0]));
    // State changes: paused → ready (an offer is made) → paused (it is withdrawn), one agent.
    for (let i = 0; i < ROUNDS; i++) await timed(state, () => call('PUT', '/api/v1/agents/me/state', tokens[1], { state: i % 2 === 0 ? 'ready' : 'paused' }));
    // Accept and close: each close offers the agent the next contact.
    const offerOf = (effects: { type: string; offer?: { id: string; contactId: string; agentId: string } }[], agentId: string) =>
      effects.find((e) => e.type === 'offer.created' && e.offer?.agentId === agentId)?.offer;
    let me = await call('PUT', '/api/v1/agents/me/state', tokens[2], { state: 'ready' });
    let offer: { id: string; contactId: string } | undefined = me.offers[0];
    for (let i = 0; i < ROUNDS && offer; i++) {
      await timed(accept, () => call('POST', `/api/v1/offers/${offer!.id}/accept`, tokens[2]));
      const closed = await timed(close, () => call('POST', `/api/v1/contacts/${offer!.contactId}/close`, tokens[2], {}));
      offer = offerOf(closed.effects, ids[2]) ?? (await call('GET', '/api/v1/agents/me', tokens[2])).offers[0];
    }
    // 50 agents at once: accept, close, accept, … for BURST_MS, from a worker thread (the server keeps this one).
    const load = await new Promise<LoadResult>((resolve, reject) => {
      const job: LoadJob = { base, agents: Array.from({ length: CONCURRENT }, (_, k) => ({ id: ids[10 + k], token: tokens[10 + k] })), durationMs: BURST_MS };
      const w = new Worker(new URL('./acd-api-load.js', import.meta.url), { workerData: job });
      w.once('message', resolve);
      w.once('error', reject);
    });
    const decisionsPerSec = load.decisions / (load.ms / 1000);
    const leader = leaderFor((engine ?? running).deps.storage)!;
    const perGroup = leader.grouped / Math.max(1, leader.commits);
    // The pure core on the leader's own state: the same commands, decide() alone.
    const s = leader.snapshot() as AcdState;
    const core: number[] = []; const coreAccept: number[] = [];
    const agentId = ids[3];
    let now = Date.now();
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      const d = decide(s, { type: 'agent.setState', agentId, state: i % 2 === 0 ? 'ready' : 'paused' }, now += 10);
      core.push(performance.now() - t);
      if (i % 2 === 0) {
        const o = d.effects.find((e) => e.type === 'offer.created');
        if (o && o.type === 'offer.created') {
          const t2 = performance.now();
          decide(s, { type: 'offer.accept', offerId: o.offer.id, agentId }, now += 10);
          decide(s, { type: 'contact.close', contactId: o.offer.contactId, agentId }, now += 10);
          coreAccept.push((performance.now() - t2) / 2);
          delete s.contacts[o.offer.contactId];
        }
      }
    }
    return { read, state, accept, close, decisionsPerSec, perGroup, retried: load.retried, core, coreAccept };
  } finally { await running.stop(); await engine?.stop(); }
}

/** The leader's load at takeover on a big centre, as the ACD role does it: the lease, the load, the first decision (builds the index); time and heap. */
async function leaderLoad(databaseUrl: string | null): Promise<{ ms: number; heapMb: number; rssMb: number }> {
  const config = benchConfig(databaseUrl);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { entranceId, queueId } = await newAccount({ storage });
    await seed(storage.db, BIG_AGENTS, BIG_CONTACTS, entranceId, queueId);
    const deps: Deps = { config, storage, clock: Date.now, bus: createLocalBus(), metrics: createMetrics(), logger: createLogger('warn', 'bench') } as unknown as Deps;
    forceGc();
    const heap0 = process.memoryUsage().heapUsed;
    const leader = new AcdLeader(deps, 'bench');
    const t = performance.now();
    if (!(await tryLead(storage.db, 'bench', Date.now(), 60_000))) throw new Error('no lease');
    leader.leading = true;
    await leader.load();
    await leader.apply(deps, { type: 'tick' });
    const ms = performance.now() - t;
    forceGc();
    const mem = process.memoryUsage();
    return { ms, heapMb: (mem.heapUsed - heap0) / 1e6, rssMb: mem.rss / 1e6 };
  } finally { await storage.close(); }
}

export async function benchAcdApi(): Promise<void> {
  const rows: (string | number)[][] = [];
  const tput: (string | number)[][] = [];
  const loads: (string | number)[][] = [];
  for (const dialect of BACKENDS) {
    const pg = dialect === 'postgres' ? await freshPgDatabase() : null;
    try {
      console.error(`acd-api: ${AGENTS} agents × ${CONTACTS} contacts through the REST API on ${dialect} …`);
      const f = await throughTheApi(pg?.url ?? null);
      const [read, state, accept, close, core, coreAccept] = [f.read, f.state, f.accept, f.close, f.core, f.coreAccept].map(sorted);
      const r50 = percentile(read, 50);
      rows.push(
        [`${dialect}: limit: authenticated read GET /agents/me`, r50, percentile(read, 99), 1, percentile(read, 99) / P99_GOAL_MS],
        [`${dialect}: state change PUT /agents/me/state (paused ↔ ready, with offer)`, percentile(state, 50), percentile(state, 99), percentile(state, 50) / r50, percentile(state, 99) / P99_GOAL_MS],
        [`${dialect}: accept POST /offers/:id/accept`, percentile(accept, 50), percentile(accept, 99), percentile(accept, 50) / r50, percentile(accept, 99) / P99_GOAL_MS],
        [`${dialect}: close POST /contacts/:id/close (next offer made)`, percentile(close, 50), percentile(close, 99), percentile(close, 50) / r50, percentile(close, 99) / P99_GOAL_MS],
        [`${dialect}: pure core decide(), state change on the same state`, percentile(core, 50), percentile(core, 99), percentile(core, 50) / r50, percentile(core, 99) / P99_GOAL_MS],
        [`${dialect}: pure core decide(), accept / close on the same state`, percentile(coreAccept, 50), percentile(coreAccept, 99), percentile(coreAccept, 50) / r50, percentile(coreAccept, 99) / P99_GOAL_MS],
      );
      tput.push([dialect, Math.round(f.decisionsPerSec), 1000, f.decisionsPerSec / 1000, f.perGroup, f.retried]);
      console.error(`acd-api: leader load, ${BIG_AGENTS} agents × ${BIG_CONTACTS} contacts on ${dialect} …`);
      const big = await leaderLoad(pg?.url ?? null);
      loads.push([dialect, big.ms, TAKEOVER_MS, big.ms / TAKEOVER_MS, big.heapMb, big.rssMb, RSS_LIMIT_MB, big.rssMb / RSS_LIMIT_MB]);
    } finally { await pg?.drop(); }
  }
  table(`Queue engine through the REST API: ${AGENTS.toLocaleString('en')} agents, ${CONTACTS.toLocaleString('en')} queued contacts, ${SPLIT ? 'queue engine and web as two instances (PostgreSQL: commands over the command table and NOTIFY)' : 'one process (acd + web)'}, ${ROUNDS} requests each (ms; goal p99 ≤ 20)`,
    ['request', 'p50 ms', 'p99 ms', 'p50 ratio to the read', 'p99 ratio to the goal (20 ms)'], rows);
  table(`Queue engine through the REST API: ${CONCURRENT} agents accepting and closing at once for ${BURST_MS / 1000} s (decisions/s; goal ≥ 1,000)`,
    ['backend', 'decisions/s', 'goal', 'ratio to goal', 'events per commit (mean, whole run)', '503 retried'], tput);
  table(`Queue-engine leader taking over: ${BIG_AGENTS.toLocaleString('en')} agents, ${BIG_CONTACTS.toLocaleString('en')} queued contacts (lease, load from the database, first decision with the index build; limits: the issue's takeover deadline and its per-process RSS bound)`,
    ['backend', 'load ms', 'limit: takeover ms', 'ratio', 'heap MB (state + index)', 'bench process RSS MB (also holds the API run before)', 'limit: RSS MB', 'ratio'], loads);
}
