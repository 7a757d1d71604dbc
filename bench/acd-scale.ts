import { decide } from '../src/core/acd/decide.js';
import type { AcdState, Contact } from '../src/core/acd/types.js';
import { meets, skillScore } from '../src/core/routing/requirement.js';
import { percentile, table } from './lib.js';
import { agentDef, agentRecord, contactRecord, emptyConfig, queueDef, rng, stateOf } from './acd-model.js';

/**
 * Scale: 10,000 agents, 100,000 queued contacts over 200 queues with mixed skill requirements.
 * A routing decision = decide() for an agent closing a contact (next contact for the agent: tiers →
 * queue heads → weight) or for a new contact arriving (an agent for the contact). Beside it, in the
 * same run, a naive baseline that scans every waiting contact (or every agent) per decision.
 */
const AGENTS = Number(process.env.BENCH_ACD_AGENTS ?? 10_000);
const CONTACTS = Number(process.env.BENCH_ACD_CONTACTS ?? 100_000);
const QUEUES = 200;
const SKILLS = 20;
const DECISIONS = Number(process.env.BENCH_ACD_DECISIONS ?? 5_000);
const NAIVE_DECISIONS = 200;

function build(seed: number): AcdState {
  const r = rng(seed);
  const cfg = emptyConfig();
  for (let q = 0; q < QUEUES; q++) {
    const a = Math.floor(r() * SKILLS);
    const b = (a + 1 + Math.floor(r() * (SKILLS - 1))) % SKILLS;
    const req = r() < 0.5 ? `s${a}>=${1 + Math.floor(r() * 5)}` : `s${a}>=${1 + Math.floor(r() * 4)} AND (s${b} OR group:g${q % 4})`;
    cfg.queues[`q${q}`] = queueDef(`q${q}`, req, { priorityTier: 1 + (q % 3), weight: 1 + (q % 5), sortOrder: q % 2 ? 'longest-waiting' : 'highest-priority' });
  }
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const skills: Record<string, number> = {};
    for (let k = 0; k < 4; k++) skills[`s${Math.floor(r() * SKILLS)}`] = 1 + Math.floor(r() * 9);
    cfg.agents[`a${i}`] = agentDef(`a${i}`, skills, { groups: [`g${i % 4}`], autoAccept: true });
    agents.push(agentRecord(`a${i}`));
  }
  const contacts: Contact[] = [];
  for (let i = 0; i < CONTACTS; i++) contacts.push(contactRecord(`c${i}`, `q${Math.floor(r() * QUEUES)}`, Math.floor(r() * 3_600_000), r() < 0.1 ? 5 : 0));
  return stateOf(cfg, agents, contacts);
}

/** The full scan: every waiting contact checked against the agent, best by tier then weight × wait. */
function naiveNextContact(s: AcdState, agentId: string, now: number): Contact | null {
  const def = s.config.agents[agentId];
  let best: Contact | null = null;
  let bestKey = [Infinity, -Infinity];
  for (const c of Object.values(s.contacts)) {
    if (c.status !== 'queued') continue;
    const q = s.config.queues[c.queueId];
    if (!meets(q.requirement, def)) continue;
    const key = [q.priorityTier, q.weight * (1 + c.priority) * (now - c.queuedAt + 1000)];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) { best = c; bestKey = key; }
  }
  return best;
}
function naiveAgentFor(s: AcdState, c: Contact): string | null {
  const q = s.config.queues[c.queueId];
  let best: string | null = null;
  let bestIdle = Infinity;
  for (const a of Object.values(s.agents)) {
    if (a.state !== 'ready') continue;
    if (!meets(q.requirement, s.config.agents[a.id])) continue;
    if (a.idleSince < bestIdle) { best = a.id; bestIdle = a.idleSince; }
  }
  void skillScore;
  return best;
}

const heapMb = () => process.memoryUsage().heapUsed / 1e6;

export async function benchAcdScale(): Promise<void> {
  global.gc?.();
  const heap0 = heapMb();
  const s = build(42);
  let now = 3_600_000;
  const t0 = performance.now();
  const first = decide(s, { type: 'tick' }, now);
  const setupMs = performance.now() - t0;
  const heap1 = heapMb();
  const assigned = Object.values(s.contacts).filter((c) => c.status === 'assigned');
  const r = rng(7);
  const closeLat: number[] = [];
  const arriveLat: number[] = [];
  let offers = 0;
  let total = 0;
  let next = CONTACTS;
  for (let i = 0; i < DECISIONS; i++) {
    now += 10;
    if (i % 2 === 0 && assigned.length) {
      // an agent finishes: the next contact for them
      const k = Math.floor(r() * assigned.length);
      const c = assigned[k];
      const t = performance.now();
      const d = decide(s, { type: 'contact.close', contactId: c.id, agentId: c.agentId! }, now);
      const ms = performance.now() - t;
      closeLat.push(ms); total += ms;
      assigned[k] = assigned[assigned.length - 1]; assigned.pop();
      delete s.contacts[c.id];
      for (const e of d.effects) if (e.type === 'contact.assigned') { offers++; assigned.push(s.contacts[e.contactId]); }
    } else {
      // a new contact arrives (every agent is busy: the engine looks for a free, qualified one)
      const c = contactRecord(`c${next++}`, `q${Math.floor(r() * QUEUES)}`, now);
      s.contacts[c.id] = c;
      (s.index as { enqueue(c: Contact): void }).enqueue(c);
      const t = performance.now();
      const d = decide(s, { type: 'contact.queued', contactId: c.id }, now);
      const ms = performance.now() - t;
      arriveLat.push(ms); total += ms;
      for (const e of d.effects) if (e.type === 'contact.assigned') { offers++; assigned.push(s.contacts[e.contactId]); }
    }
  }
  // naive baseline on the same state
  const naive: number[] = [];
  const naiveArr: number[] = [];
  const agentIds = Object.keys(s.agents);
  const waiting = Object.values(s.contacts).filter((c) => c.status === 'queued');
  for (let i = 0; i < NAIVE_DECISIONS; i++) {
    const t = performance.now();
    naiveNextContact(s, agentIds[Math.floor(r() * agentIds.length)], now);
    naive.push(performance.now() - t);
    const t2 = performance.now();
    naiveAgentFor(s, waiting[Math.floor(r() * waiting.length)]);
    naiveArr.push(performance.now() - t2);
  }
  const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const [cl, ar, nv, na] = [sort(closeLat), sort(arriveLat), sort(naive), sort(naiveArr)];
  table(`Queue engine at scale: ${AGENTS.toLocaleString('en')} agents, ${CONTACTS.toLocaleString('en')} queued contacts, ${QUEUES} queues (${DECISIONS} decisions; baseline ${NAIVE_DECISIONS})`,
    ['decision', 'p50 ms', 'p99 ms', 'naive full scan p50 ms', 'naive p99 ms', 'speed-up (p50)'], [
      ['agent ready → next contact', percentile(cl, 50), percentile(cl, 99), percentile(nv, 50), percentile(nv, 99), `${(percentile(nv, 50) / percentile(cl, 50)).toFixed(0)}×`],
      ['contact arrives → agent', percentile(ar, 50), percentile(ar, 99), percentile(na, 50), percentile(na, 99), `${(percentile(na, 50) / percentile(ar, 50)).toFixed(0)}×`],
    ]);
  table('Queue engine at scale: throughput and memory', ['measure', 'value'], [
    ['assignments / s (decide only, mixed decisions)', Math.round(offers / (total / 1000))],
    ['first decision on a fresh state (index build + initial matching)', `${setupMs.toFixed(0)} ms, ${first.effects.filter((e) => e.type === 'contact.assigned').length} assignments`],
    ['heap: state + index', `${(heap1 - heap0).toFixed(0)} MB`],
  ]);
}
