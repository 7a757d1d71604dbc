import type { AcdState, Agent, Contact } from '../src/core/acd/types.js';
import type { AgentDef, QueueDef, RoutingConfig } from '../src/core/routing/model.js';
import { parseRequirement } from '../src/core/routing/requirement.js';

/** Shared builders for the queue-engine benchmarks: a seeded PRNG and synthetic contact centres. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

export function queueDef(id: string, req: string, over: Partial<QueueDef> = {}): QueueDef {
  const p = parseRequirement(req);
  if (!p.ok) throw new Error(p.problems.join('; '));
  return { id, areaId: 'A', name: id, kind: 'skill', ownerAgentId: null, requirement: p.requirement, requirementText: req, relaxation: [], priorityTier: 1,
    sortOrder: 'longest-waiting', weight: 1, agentSelection: 'longest-idle', sl1Minutes: 5, sl2Minutes: 15, ...over };
}

export const agentDef = (id: string, skills: Record<string, number>, over: Partial<AgentDef> = {}): AgentDef =>
  ({ id, areaId: 'A', skills, groups: [], capacity: 1, autoAccept: false, wrapUpSeconds: null, forcedQueueIds: [], ...over });

export const agentRecord = (id: string, capacity = 1): Agent =>
  ({ id, state: 'ready', pauseReason: null, stateSince: 0, idleSince: 0, capacity, pendingPause: null, wrapUpUntil: null });

export const contactRecord = (id: string, queueId: string, queuedAt: number, priority = 0): Contact => ({
  id, entranceId: null, areaId: 'A', queueId, personalAgentId: null, status: 'queued', routing: 'routed', queuedAt, destEnteredAt: queuedAt, priority, agentId: null,
  offerCount: 0, declinedBy: [], taskTypeId: null, route: [], routeIndex: -1, dueAt: null, outOfHours: false, previousAgentId: null, endReason: null, data: {},
});

export function emptyConfig(): RoutingConfig {
  return {
    areas: { A: { id: 'A', name: 'A', defaultWrapUpSeconds: 0, followUpPreferredSeconds: 0, noRoutingQueueId: 'none', pauseReasons: [] } },
    queues: {}, entrances: {}, taskTypes: {}, taskTypeRules: [], routingRules: [], agents: {},
  };
}

export const stateOf = (config: RoutingConfig, agents: Agent[], contacts: Contact[], offerTimeoutMs = 3_600_000): AcdState => ({
  agents: Object.fromEntries(agents.map((a) => [a.id, a])), contacts: Object.fromEntries(contacts.map((c) => [c.id, c])), offers: {},
  settings: { offerTimeoutMs, missedOfferReason: 'missed offer' }, config, stats: {},
});
