import type { Kysely } from 'kysely';
import type { Area, AgentDef, Criterion, Destination, EntranceDef, OpeningHours, QueueDef, RelaxationStep, RoutingConfig, WrapUp } from '../../core/routing/model.js';
import { parseRequirement } from '../../core/routing/requirement.js';
import type { Database } from '../schema.js';
import type { Bus } from '../bus.js';
import { cachedConfig, type Cached } from '../config-cache.js';

/** Reads the whole routing configuration (areas, queues, entrances, task types, rules, agent settings) as plain data. */
export const wrapUpFromDb = (n: number | null): WrapUp | null => (n === null ? null : n < 0 ? 'unlimited' : n);
export const wrapUpToDb = (w: WrapUp | null | undefined): number | null => (w === null || w === undefined ? null : w === 'unlimited' ? -1 : w);

export async function loadRoutingConfig(db: Kysely<Database>): Promise<RoutingConfig> {
  const [areas, queues, entrances, taskTypes, ttRules, rules, users, settings] = await Promise.all([
    db.selectFrom('areas').selectAll().execute(),
    db.selectFrom('queues').selectAll().execute(),
    db.selectFrom('entrances').selectAll().execute(),
    db.selectFrom('task_types').selectAll().execute(),
    db.selectFrom('task_type_rules').selectAll().execute(),
    db.selectFrom('routing_rules').selectAll().execute(),
    db.selectFrom('users').select(['id', 'username', 'skills', 'capacity']).execute(),
    db.selectFrom('agent_settings').selectAll().execute(),
  ]);
  const cfg: RoutingConfig = { areas: {}, queues: {}, entrances: {}, taskTypes: {}, taskTypeRules: [], routingRules: [], agents: {} };
  for (const a of areas) {
    cfg.areas[a.id] = {
      id: a.id, name: a.name, defaultWrapUpSeconds: wrapUpFromDb(a.default_wrap_up_seconds) ?? 0, followUpPreferredSeconds: a.follow_up_preferred_seconds,
      noRoutingQueueId: a.no_routing_queue_id ?? '', pauseReasons: JSON.parse(a.pause_reasons) as string[], maxParked: a.max_parked,
    } satisfies Area;
  }
  for (const q of queues) {
    const parsed = parseRequirement(q.requirement);
    cfg.queues[q.id] = {
      id: q.id, areaId: q.area_id, name: q.name, kind: q.kind, ownerAgentId: null,
      requirement: parsed.ok ? parsed.requirement : { op: 'not', item: { op: 'true' } }, requirementText: q.requirement,
      relaxation: JSON.parse(q.relaxation) as RelaxationStep[], priorityTier: q.priority_tier, sortOrder: q.sort_order, weight: q.weight,
      agentSelection: q.agent_selection, sl1Minutes: q.sl1_minutes, sl2Minutes: q.sl2_minutes,
    } satisfies QueueDef;
  }
  for (const e of entrances) cfg.entrances[e.id] = { id: e.id, areaId: e.area_id, name: e.name, hours: e.hours ? JSON.parse(e.hours) as OpeningHours : null, defaultQueueId: e.fallback_to_queue === 1 ? e.queue_id : null } satisfies EntranceDef;
  for (const t of taskTypes) cfg.taskTypes[t.id] = { id: t.id, areaId: t.area_id, name: t.name, wrapUpSeconds: wrapUpFromDb(t.wrap_up_seconds), wrapUpCodes: JSON.parse(t.wrap_up_codes) as string[] };
  cfg.taskTypeRules = ttRules.map((r) => ({ id: r.id, areaId: r.area_id, order: r.position, criteria: JSON.parse(r.criteria) as Criterion[], taskTypeId: r.task_type_id }));
  cfg.routingRules = rules.map((r) => ({ id: r.id, areaId: r.area_id, order: r.position, criteria: JSON.parse(r.criteria) as Criterion[], destinations: JSON.parse(r.destinations) as Destination[] }));
  const bySettings = new Map(settings.map((s) => [s.user_id, s]));
  for (const u of users) {
    const s = bySettings.get(u.id);
    const skills = JSON.parse(u.skills) as Record<string, number>;
    cfg.agents[u.id] = {
      id: u.id, name: u.username, areaId: s?.area_id ?? 'default', skills, groups: s ? JSON.parse(s.groups) as string[] : [], capacity: u.capacity,
      autoAccept: s?.auto_accept === 1, wrapUpSeconds: wrapUpFromDb(s?.wrap_up_seconds ?? null), forcedQueueIds: s ? JSON.parse(s.forced_queue_ids) as string[] : [],
    } satisfies AgentDef;
  }
  return cfg;
}

const cached = new WeakMap<Bus, Cached<RoutingConfig>>();

/**
 * The routing configuration as this process last loaded it, dropped when a change to routing,
 * accounts (their entrances and queues) or an agent's skills is announced on the bus
 * (config-cache.ts). For reads only: the caller must not change it. An agent that is not in it yet
 * (a user created since, by another process) is found by `withAgent`, which loads it again once.
 */
export function cachedRoutingConfig(deps: { bus: Bus; storage: { db: Kysely<Database> } }): { get(): Promise<RoutingConfig>; withAgent(agentId: string): Promise<RoutingConfig> } {
  let c = cached.get(deps.bus);
  if (!c) cached.set(deps.bus, (c = cachedConfig(deps.bus, ['routing', 'accounts'], () => loadRoutingConfig(deps.storage.db))));
  const cache = c;
  return {
    get: () => cache.get(),
    async withAgent(agentId) {
      const cfg = await cache.get();
      if (cfg.agents[agentId]) return cfg;
      cache.invalidate();
      return cache.get();
    },
  };
}
