import type { AcdState, Agent, Contact } from '../../../src/core/acd/types.js';
import type { AgentDef, Area, QueueDef, RoutingConfig } from '../../../src/core/routing/model.js';
import { parseRequirement } from '../../../src/core/routing/requirement.js';

/** Builders for queue-engine states in unit tests. */
export const settings = { offerTimeoutMs: 30_000, missedOfferReason: 'missed offer' };

export const area = (id = 'A', over: Partial<Area> = {}): Area => ({ id, name: id, defaultWrapUpSeconds: 0, followUpPreferredSeconds: 0, noRoutingQueueId: `${id}-none`, pauseReasons: [], ...over });

export function queue(id: string, over: Partial<QueueDef> & { req?: string } = {}): QueueDef {
  const { req, ...rest } = over;
  const parsed = parseRequirement(req ?? '');
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return {
    id, areaId: 'A', name: id, kind: 'skill', ownerAgentId: null, requirement: parsed.requirement, requirementText: req ?? '', relaxation: [], priorityTier: 1,
    sortOrder: 'longest-waiting', weight: 1, agentSelection: 'longest-idle', sl1Minutes: 60, sl2Minutes: 240, ...rest,
  };
}

export const agentDef = (id: string, over: Partial<AgentDef> = {}): AgentDef => ({ id, areaId: 'A', skills: {}, groups: [], capacity: 1, autoAccept: false, wrapUpSeconds: null, forcedQueueIds: [], ...over });

export const agent = (id: string, over: Partial<Agent> = {}): Agent => ({ id, state: 'ready', pauseReason: null, stateSince: 0, idleSince: 0, capacity: 1, pendingPause: null, wrapUpUntil: null, ...over });

export const contact = (id: string, over: Partial<Contact> = {}): Contact => ({
  id, entranceId: null, areaId: 'A', queueId: 'q1', personalAgentId: null, status: 'queued', routing: 'routed', queuedAt: 0, destEnteredAt: over.queuedAt ?? 0, priority: 0,
  agentId: null, offerCount: 0, declinedBy: [], taskTypeId: null, route: [], routeIndex: -1, dueAt: null, outOfHours: false, previousAgentId: null, endReason: null, data: {}, ...over,
});

export function config(over: Partial<RoutingConfig> = {}): RoutingConfig {
  const a = area('A');
  return {
    areas: { A: a }, queues: { q1: queue('q1'), 'A-none': queue('A-none', { kind: 'no-routing' }) }, entrances: {}, taskTypes: {}, taskTypeRules: [], routingRules: [], agents: {}, ...over,
  };
}

/** A state; agents get a definition (area A, no skills) unless the config names them. */
export function state(agents: Agent[], contacts: Contact[], cfg: RoutingConfig = config()): AcdState {
  const defs = { ...cfg.agents };
  for (const a of agents) defs[a.id] ??= agentDef(a.id, { capacity: a.capacity });
  return {
    agents: Object.fromEntries(agents.map((a) => [a.id, a])), contacts: Object.fromEntries(contacts.map((c) => [c.id, c])), offers: {}, settings,
    config: { ...cfg, agents: defs }, stats: {},
  };
}

export const offered = (s: AcdState) => Object.values(s.contacts).filter((c) => c.status === 'offered').map((c) => `${c.id}→${c.agentId}`).sort();
