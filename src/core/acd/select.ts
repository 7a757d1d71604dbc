import { relaxationLevel, skillScore } from '../routing/requirement.js';
import type { Ctx } from './context.js';
import { isAvailable } from './context.js';
import { agentDef, cmpId, PERSONAL_PREFIX, queueDef, waitingKey } from './indexes.js';
import type { Agent, Contact } from './types.js';

/**
 * The two routing decisions.
 * - agentFor: a contact became waiting; among available agents who may serve its queue at its
 *   relaxation level (and did not decline it), pick by the queue's policy: longest idle
 *   (default), most skilled (skill points on the requirement, then longest idle), least busy
 *   (lowest load/capacity, then longest idle).
 * - nextContactFor: an agent became available; go through priority tiers in order (the personal
 *   queue is tier 0), take the head of each queue by its sort order that this agent may take, and
 *   choose among the heads by score = weight × (1 + priority) × (wait + 1 s), where service-level
 *   queues scale the wait by 60 min / SL1. Ties: lower queue id. Deterministic, no state needed.
 */
export function contactLevel(ctx: Ctx, c: Contact): number {
  if (c.personalAgentId) return 0;
  return relaxationLevel(queueDef(ctx.s, c.queueId).relaxation, ctx.now - c.destEnteredAt);
}

export function agentFor(ctx: Ctx, c: Contact): Agent | null {
  if (c.personalAgentId) {
    const a = ctx.s.agents[c.personalAgentId];
    return isAvailable(ctx, a) && !c.declinedBy.includes(a.id) ? a : null;
  }
  const q = queueDef(ctx.s, c.queueId);
  if (q.kind === 'waiting-list') return null;
  const level = contactLevel(ctx, c);
  const candidates = ctx.ix.agentsOf.get(c.queueId) ?? (ctx.s.config.queues[c.queueId] ? [] : Object.keys(ctx.s.agents).map((id) => ({ id, level: 0 })));
  let best: Agent | null = null;
  let bestKey: number[] = [];
  for (const e of candidates) {
    if (e.level > level) continue;
    const a = ctx.s.agents[e.id];
    if (!isAvailable(ctx, a) || c.declinedBy.includes(a.id)) continue;
    const key = q.agentSelection === 'most-skilled' ? [-skillScore(q.requirement, agentDef(ctx.s, a.id)), a.idleSince]
      : q.agentSelection === 'least-busy' ? [ctx.ix.loadOf(a.id) / a.capacity, a.idleSince]
      : [a.idleSince];
    if (!best || lessKey(key, bestKey) || (eqKey(key, bestKey) && a.id < best.id)) { best = a; bestKey = key; }
  }
  return best;
}

function lessKey(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
const eqKey = (a: number[], b: number[]) => a.every((x, i) => x === b[i]);

function score(ctx: Ctx, key: string, c: Contact): number {
  const wait = Math.max(0, ctx.now - c.queuedAt) + 1000;
  if (key.startsWith(PERSONAL_PREFIX)) return wait * (1 + Math.max(0, c.priority));
  const q = queueDef(ctx.s, key);
  const slScale = q.sortOrder === 'service-level-deadline' ? 60 / Math.max(1, q.sl1Minutes) : 1;
  return q.weight * (1 + Math.max(0, c.priority)) * wait * slScale;
}

/** The head of a queue this agent may take: first in order, not declined by them, relaxed enough. */
function headFor(ctx: Ctx, key: string, agentId: string, minLevel: number): Contact | null {
  const list = ctx.ix.waiting.get(key);
  if (!list) return null;
  for (const id of list) {
    const c = ctx.s.contacts[id];
    if (c.declinedBy.includes(agentId)) continue;
    if (minLevel > 0 && contactLevel(ctx, c) < minLevel) continue;
    return c;
  }
  return null;
}

/** The first contact in c's queue (c itself or one ahead of it) that this agent may take: queue order first. */
export function headOfQueueFor(ctx: Ctx, c: Contact, agentId: string): Contact | null {
  const level = c.personalAgentId ? 0 : (ctx.ix.queuesOf.get(agentId)?.find((e) => e.id === c.queueId)?.level ?? 0);
  return headFor(ctx, waitingKey(c), agentId, level);
}

export function nextContactFor(ctx: Ctx, agentId: string): Contact | null {
  const personal = headFor(ctx, PERSONAL_PREFIX + agentId, agentId, 0);
  if (personal) return personal;
  const mine = ctx.ix.queuesOf.get(agentId) ?? [];
  let tier: number | null = null;
  let best: Contact | null = null;
  let bestScore = -1;
  let bestQueue = '';
  for (const e of mine) {
    const t = queueDef(ctx.s, e.id).priorityTier;
    if (tier !== null && t !== tier) {
      if (best) return best;
    }
    tier = t;
    const head = headFor(ctx, e.id, agentId, e.level);
    if (!head) continue;
    const sc = score(ctx, e.id, head);
    if (sc > bestScore || (sc === bestScore && cmpId(e.id, bestQueue) < 0)) { best = head; bestScore = sc; bestQueue = e.id; }
  }
  if (best) return best;
  // Queues the engine has no definition for (legacy rows) are open to everyone.
  for (const [key, list] of ctx.ix.waiting) {
    if (key.startsWith(PERSONAL_PREFIX) || ctx.s.config.queues[key] || list.length === 0) continue;
    const head = headFor(ctx, key, agentId, 0);
    if (head && (!best || score(ctx, key, head) > bestScore)) { best = head; bestScore = score(ctx, key, head); }
  }
  return best;
}

/** Agents logged in (not logged out) who may serve the queue, and those available now. */
export function queueAgents(ctx: Ctx, queueId: string): { loggedIn: number; available: number } {
  let loggedIn = 0, available = 0;
  for (const e of ctx.ix.agentsOf.get(queueId) ?? []) {
    const a = ctx.s.agents[e.id];
    if (!a || a.state === 'logged_out') continue;
    loggedIn++;
    if (isAvailable(ctx, a)) available++;
  }
  return { loggedIn, available };
}

/** Estimated queue time for a new contact: waiting contacts × average handling time ÷ logged-in agents. */
export function estimatedQueueMs(ctx: Ctx, queueId: string): number {
  const waiting = ctx.ix.waiting.get(queueId)?.length ?? 0;
  const { loggedIn } = queueAgents(ctx, queueId);
  const avg = ctx.s.stats[queueId]?.avgHandleMs ?? 300_000;
  if (loggedIn === 0) return Number.POSITIVE_INFINITY; // nobody logged in to serve it
  return ((waiting + 1) * avg) / loggedIn;
}
