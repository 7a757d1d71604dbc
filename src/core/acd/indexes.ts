import type { AgentDef, QueueDef } from '../routing/model.js';
import { meetsAtLevel } from '../routing/requirement.js';
import { TimerHeap } from './heap.js';
import type { AcdState, Contact } from './types.js';

/**
 * Derived indexes over an AcdState, so a decision touches only what it needs:
 * per-queue ordered waiting contacts, per-agent load, agent↔queue eligibility
 * (with the relaxation level from which it holds) and the timer heap.
 * Built once per state (O(agents × queues + contacts log contacts)), then kept
 * up to date by decide. Never persisted: rebuilt from the records on load.
 */
export const PERSONAL_PREFIX = 'p:';
export const UNLIMITED = Number.POSITIVE_INFINITY;

/** The personal-queue template: served before every other tier, longest waiting first. */
export const PERSONAL_TEMPLATE: Omit<QueueDef, 'id' | 'areaId' | 'name' | 'ownerAgentId'> = {
  kind: 'personal', requirement: { op: 'true' }, requirementText: '', relaxation: [], priorityTier: 0, sortOrder: 'longest-waiting',
  weight: 1, agentSelection: 'longest-idle', sl1Minutes: 60, sl2Minutes: 240,
};

/** Queues the engine was not told about (tests, legacy rows) are open to every agent. */
export function queueDef(s: AcdState, id: string): QueueDef {
  return s.config.queues[id] ?? {
    id, areaId: '*', name: id, ownerAgentId: null, kind: 'skill', requirement: { op: 'true' }, requirementText: '', relaxation: [],
    priorityTier: 1, sortOrder: 'highest-priority', weight: 1, agentSelection: 'longest-idle', sl1Minutes: 60, sl2Minutes: 240,
  };
}

export function agentDef(s: AcdState, id: string): AgentDef {
  return s.config.agents[id] ?? { id, areaId: '*', skills: {}, groups: [], capacity: s.agents[id]?.capacity ?? 1, autoAccept: false, wrapUpSeconds: null, forcedQueueIds: [] };
}

/** The smallest relaxation level at which the agent may serve the queue; UNLIMITED = never. */
export function minLevel(q: QueueDef, a: AgentDef): number {
  if (q.kind === 'personal') return q.ownerAgentId === a.id ? 0 : UNLIMITED;
  if (a.forcedQueueIds.includes(q.id)) return 0;
  if (q.areaId !== '*' && a.areaId !== '*' && q.areaId !== a.areaId) return UNLIMITED;
  for (let k = 0; k <= q.relaxation.length; k++) if (meetsAtLevel(q.requirement, q.relaxation, k, a)) return k;
  return UNLIMITED;
}

export const waitingKey = (c: Contact): string => (c.personalAgentId ? PERSONAL_PREFIX + c.personalAgentId : c.queueId);

export interface Eligible { id: string; level: number }

export class AcdIndex {
  /** Waiting (queued, routed, not offered) contact ids per queue key, in the queue's sort order. */
  readonly waiting = new Map<string, string[]>();
  /** Offered + assigned (not parked) contacts per agent. */
  readonly load = new Map<string, number>();
  /** Agents eligible for each (non-personal, non-waiting-list) queue. */
  readonly agentsOf = new Map<string, Eligible[]>();
  /** Queues each agent may serve, sorted by tier then id. */
  readonly queuesOf = new Map<string, Eligible[]>();
  readonly timers = new TimerHeap();
  /** Contacts waiting at a destination with a load-dependent escalation constraint (eqt, ratio, min agents). */
  readonly dynamic = new Set<string>();
  /** Contacts not routed yet. */
  readonly pending = new Set<string>();
  /** True until the first decision on a freshly indexed state has matched every available agent. */
  fresh = true;

  constructor(private readonly s: AcdState) {
    const queues = Object.values(s.config.queues).filter((q) => q.kind !== 'waiting-list' && q.kind !== 'personal');
    const tierSorted = [...queues].sort((a, b) => a.priorityTier - b.priorityTier || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const a of Object.values(s.agents)) this.computeAgent(a.id, tierSorted);
    const byKey = new Map<string, Contact[]>();
    for (const c of Object.values(s.contacts)) {
      // A parked contact stays its agent's but does not count in their load.
      if ((c.status === 'offered' || c.status === 'assigned') && !c.parked) if (c.agentId) this.load.set(c.agentId, (this.load.get(c.agentId) ?? 0) + 1);
      if (c.status === 'closed') continue;
      if (c.parked && c.remindAt != null) this.timers.push(c.remindAt, 'remind', c.id);
      if (c.routing === 'pending') this.pending.add(c.id);
      if (c.dueAt !== null) this.timers.push(c.dueAt, 'contact', c.id);
      if (c.status === 'queued' && c.routing === 'routed') {
        const k = waitingKey(c);
        let list = byKey.get(k);
        if (!list) byKey.set(k, (list = []));
        list.push(c);
        this.pushRelaxTimers(c);
        if (hasDynamic(c)) this.dynamic.add(c.id);
      }
    }
    for (const [k, list] of byKey) {
      const cmp = this.comparator(k);
      this.waiting.set(k, list.sort(cmp).map((c) => c.id));
    }
    for (const o of Object.values(s.offers)) this.timers.push(o.expiresAt, 'offer', o.id);
    for (const a of Object.values(s.agents)) if (a.state === 'wrap_up' && a.wrapUpUntil !== null) this.timers.push(a.wrapUpUntil, 'agent', a.id);
  }

  private computeAgent(agentId: string, queues: QueueDef[]): void {
    const def = agentDef(this.s, agentId);
    const mine: Eligible[] = [];
    for (const q of queues) {
      const level = minLevel(q, def);
      if (level === UNLIMITED) continue;
      mine.push({ id: q.id, level });
      let list = this.agentsOf.get(q.id);
      if (!list) this.agentsOf.set(q.id, (list = []));
      list.push({ id: agentId, level });
    }
    this.queuesOf.set(agentId, mine);
  }

  loadOf(agentId: string): number { return this.load.get(agentId) ?? 0; }
  addLoad(agentId: string, d: number): void { this.load.set(agentId, this.loadOf(agentId) + d); }

  comparator(key: string): (a: Contact, b: Contact) => number {
    const order = key.startsWith(PERSONAL_PREFIX) ? 'longest-waiting' : queueDef(this.s, key).sortOrder;
    if (order === 'highest-priority') return (a, b) => b.priority - a.priority || a.queuedAt - b.queuedAt || cmpId(a.id, b.id);
    return (a, b) => a.queuedAt - b.queuedAt || cmpId(a.id, b.id);
  }

  /** Puts a waiting contact into its queue's ordered list (binary search). */
  enqueue(c: Contact): void {
    const k = waitingKey(c);
    let list = this.waiting.get(k);
    if (!list) this.waiting.set(k, (list = []));
    const cmp = this.comparator(k);
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.s.contacts[list[mid]], c) < 0) lo = mid + 1; else hi = mid;
    }
    list.splice(lo, 0, c.id);
    this.pushRelaxTimers(c);
    if (hasDynamic(c)) this.dynamic.add(c.id);
  }

  /** Takes a contact out of its queue's list; call before changing its queue, priority or status. */
  dequeue(c: Contact): void {
    this.dynamic.delete(c.id);
    const list = this.waiting.get(waitingKey(c));
    if (!list) return;
    const cmp = this.comparator(waitingKey(c));
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.s.contacts[list[mid]], c) < 0) lo = mid + 1; else hi = mid;
    }
    if (list[lo] === c.id) list.splice(lo, 1);
    else { const i = list.indexOf(c.id); if (i >= 0) list.splice(i, 1); }
  }

  isWaiting(c: Contact): boolean {
    return c.status === 'queued' && c.routing === 'routed';
  }

  private pushRelaxTimers(c: Contact): void {
    if (c.personalAgentId) return;
    const q = this.s.config.queues[c.queueId];
    if (!q) return;
    for (const step of q.relaxation) this.timers.push(c.destEnteredAt + step.afterSeconds * 1000, 'relax', c.id);
  }
}

export const cmpId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function hasDynamic(c: Contact): boolean {
  const d = c.routeIndex >= 0 ? c.route[c.routeIndex] : undefined;
  if (!d || c.routeIndex >= c.route.length - 1) return false;
  if (d.type !== 'queue' && d.type !== 'waiting-list' && d.type !== 'personal') return false;
  return d.escalation.type === 'eqt' || d.escalation.type === 'agentConRatio' || d.escalation.type === 'minAvailAgents';
}

export function indexOf(s: AcdState): AcdIndex {
  if (!(s.index instanceof AcdIndex)) s.index = new AcdIndex(s);
  return s.index as AcdIndex;
}
