import type { AgentDef, QueueDef, RoutingConfig } from '../routing/model.js';
import { minLevel, UNLIMITED } from './indexes.js';

/**
 * The queues and waiting lists an agent may serve: in their area (or logged in by a
 * supervisor), with a requirement they meet at some relaxation level. No-routing queues
 * are for supervisors and are never served. The same rule the engine applies to offers
 * and picks (minLevel).
 */
export function servableQueues(config: RoutingConfig, agentId: string): QueueDef[] {
  const def: AgentDef = config.agents[agentId] ?? { id: agentId, areaId: 'default', skills: {}, groups: [], capacity: 1, autoAccept: false, wrapUpSeconds: null, forcedQueueIds: [] };
  return Object.values(config.queues)
    .filter((q) => q.kind !== 'no-routing' && q.kind !== 'personal' && minLevel(q, def) !== UNLIMITED)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
