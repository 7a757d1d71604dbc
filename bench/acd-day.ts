import { decide } from '../src/core/acd/decide.js';
import type { AcdState, Contact } from '../src/core/acd/types.js';
import type { AgentSelection } from '../src/core/routing/model.js';
import { percentile, table } from './lib.js';
import { agentDef, agentRecord, contactRecord, emptyConfig, queueDef, rng, stateOf } from './acd-model.js';

/**
 * A simulated working day through the pure queue engine: Poisson arrivals into 5 queues, exponential
 * handling times (faster for more skilled agents), 50 agents with auto-accept. The same arrival stream
 * and the same per-contact random draws run under two agent-selection policies: longest idle and most
 * skilled. Prints service levels (SL1 5 min, SL2 15 min), occupancy per agent and the longest wait.
 */
const AGENTS = 50;
const HOURS = 8;
const PER_HOUR = Number(process.env.BENCH_ACD_DAY_RATE ?? 520);
const MEAN_HANDLE_MIN = 6;
const MIX = [0.25, 0.2, 0.2, 0.15, 0.2];
const MIN = 60_000;

interface Result { handled: number; waits: number[]; occupancy: number[]; left: number; decideMs: number; decisions: number }

function simulate(policy: AgentSelection): Result {
  const r = rng(2026);
  const cfg = emptyConfig();
  for (let q = 0; q < 5; q++) cfg.queues[`q${q}`] = queueDef(`q${q}`, q < 4 ? `k${q}>=3` : '', { agentSelection: policy, sortOrder: 'longest-waiting', sl1Minutes: 5, sl2Minutes: 15 });
  const agents = [];
  for (let i = 0; i < AGENTS; i++) {
    const a = i % 4;
    const b = (a + 1 + (i % 3)) % 4;
    const skills = { [`k${a}`]: 3 + Math.floor(r() * 7), [`k${b}`]: 1 + Math.floor(r() * 9) };
    cfg.agents[`a${i}`] = agentDef(`a${i}`, skills, { autoAccept: true });
    agents.push(agentRecord(`a${i}`));
  }
  // arrivals and each contact's uniform draw for its handling time: identical under both policies
  const arrivals: { at: number; queueId: string; u: number }[] = [];
  for (let t = 0; ;) {
    t += (-Math.log(1 - r()) / PER_HOUR) * 3_600_000;
    if (t >= HOURS * 3_600_000) break;
    const x = r();
    let q = 0;
    for (let acc = MIX[0]; x > acc && q < 4; acc += MIX[++q]);
    arrivals.push({ at: t, queueId: `q${q}`, u: r() });
  }
  const s: AcdState = stateOf(cfg, agents, []);
  const draws = new Map<string, number>();
  const busyFrom = new Map<string, number>();
  const busyMs = new Map<string, number>();
  const done: { at: number; contactId: string; agentId: string }[] = [];
  const waits: number[] = [];
  let decideMs = 0; let decisions = 0;
  const run = (event: Parameters<typeof decide>[1], now: number) => {
    const t = performance.now();
    const d = decide(s, event, now);
    decideMs += performance.now() - t; decisions++;
    for (const e of d.effects) {
      if (e.type !== 'contact.assigned') continue;
      const c: Contact = s.contacts[e.contactId];
      waits.push(now - c.queuedAt);
      const q = s.config.queues[c.queueId];
      const skill = q.requirementText ? q.requirementText.split('>=')[0] : null;
      const level = skill ? s.config.agents[e.agentId].skills[skill] ?? 1 : 5;
      const mean = MEAN_HANDLE_MIN * MIN * (1.4 - level * 0.08);
      done.push({ at: now + -Math.log(1 - draws.get(c.id)!) * mean, contactId: c.id, agentId: e.agentId });
      busyFrom.set(e.agentId, now);
    }
  };
  let i = 0;
  let n = 0;
  const end = HOURS * 3_600_000;
  for (;;) {
    const nextArrival = i < arrivals.length ? arrivals[i].at : Infinity;
    let k = -1;
    for (let j = 0; j < done.length; j++) if (k < 0 || done[j].at < done[k].at) k = j;
    const nextDone = k >= 0 ? done[k].at : Infinity;
    if (Math.min(nextArrival, nextDone) >= end) break;
    if (nextArrival <= nextDone) {
      const a = arrivals[i++];
      const c = contactRecord(`c${n++}`, a.queueId, a.at);
      draws.set(c.id, a.u);
      s.contacts[c.id] = c;
      (s.index as { enqueue(c: Contact): void } | undefined)?.enqueue(c);
      run({ type: 'contact.queued', contactId: c.id }, a.at);
    } else {
      const d = done.splice(k, 1)[0];
      busyMs.set(d.agentId, (busyMs.get(d.agentId) ?? 0) + d.at - busyFrom.get(d.agentId)!);
      busyFrom.delete(d.agentId);
      run({ type: 'contact.close', contactId: d.contactId, agentId: d.agentId }, d.at);
      delete s.contacts[d.contactId];
    }
  }
  for (const [id, from] of busyFrom) busyMs.set(id, (busyMs.get(id) ?? 0) + end - from);
  const left = Object.values(s.contacts).filter((c) => c.status === 'queued');
  for (const c of left) waits.push(end - c.queuedAt); // still waiting at the end of the day: counted with their wait so far
  return { handled: waits.length - left.length, waits, occupancy: Object.keys(s.agents).map((id) => (busyMs.get(id) ?? 0) / end), left: left.length, decideMs, decisions };
}

export async function benchAcdDay(): Promise<void> {
  const rows: (string | number)[][] = [];
  const occ: (string | number)[][] = [];
  for (const policy of ['longest-idle', 'most-skilled'] as const) {
    const res = simulate(policy);
    const w = [...res.waits].sort((a, b) => a - b);
    const within = (m: number) => `${((100 * w.filter((x) => x <= m * MIN).length) / w.length).toFixed(1)} %`;
    const o = [...res.occupancy].sort((a, b) => a - b);
    rows.push([policy, String(res.waits.length), String(res.handled), within(5), within(15), w.reduce((a, b) => a + b, 0) / w.length / MIN, percentile(w, 100) / MIN, String(res.left), (1000 * res.decideMs) / res.decisions]);
    occ.push([policy, `${(100 * o[0]).toFixed(0)} %`, `${(100 * percentile(o, 25)).toFixed(0)} %`, `${(100 * percentile(o, 50)).toFixed(0)} %`, `${(100 * percentile(o, 75)).toFixed(0)} %`, `${(100 * o[o.length - 1]).toFixed(0)} %`,
      `${((100 * o.reduce((a, b) => a + b, 0)) / o.length).toFixed(1)} %`]);
  }
  table(`Simulated day: ${AGENTS} agents, 5 queues, ${HOURS} h, Poisson ${PER_HOUR}/h, exponential handling (mean ${MEAN_HANDLE_MIN} min, faster when skilled); SL1 5 min, SL2 15 min`,
    ['policy', 'contacts', 'handled', 'SL1', 'SL2', 'mean wait min', 'longest wait min', 'waiting at close', 'µs / decision'], rows);
  table('Simulated day: occupancy per agent (share of the day working a contact)', ['policy', 'min', 'p25', 'median', 'p75', 'max', 'mean'], occ);
}
