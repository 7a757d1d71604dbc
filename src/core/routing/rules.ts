import type { ContactData, Criterion, Destination, RoutingConfig, RoutingRule, TaskTypeRule } from './model.js';

/**
 * Matching contact data against criteria: the task-type assignment table and the
 * routing table both search their rows in order and the first row whose criteria all
 * hold wins. Text comparison is case-insensitive; a list value (categories, To
 * addresses) matches when any element does.
 */
function values(v: ContactData[string] | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map((x) => String(x).toLowerCase());
  if (typeof v === 'string' && v.includes(';')) return v.split(';').map((x) => x.trim().toLowerCase()).filter(Boolean);
  return [String(v).toLowerCase()];
}

export function criterionHolds(c: Criterion, data: ContactData): boolean {
  const want = c.value.toLowerCase();
  const have = values(data[c.key]);
  return c.op === 'equals' ? have.some((h) => h === want) : have.some((h) => h.includes(want));
}

export const criteriaHold = (cs: readonly Criterion[], data: ContactData): boolean => cs.every((c) => criterionHolds(c, data));

const byOrder = <T extends { order: number; id: string }>(a: T, b: T) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The task type of a contact in an area: first matching row of the assignment table, or null. */
export function assignTaskType(rules: readonly TaskTypeRule[], areaId: string, data: ContactData): TaskTypeRule | null {
  return rules.filter((r) => r.areaId === areaId).sort(byOrder).find((r) => criteriaHold(r.criteria, data)) ?? null;
}

/** The routing rule for a contact in an area: first matching row by search order, or null. */
export function findRoutingRule(rules: readonly RoutingRule[], areaId: string, data: ContactData): RoutingRule | null {
  return rules.filter((r) => r.areaId === areaId).sort(byOrder).find((r) => criteriaHold(r.criteria, data)) ?? null;
}

/** Why a destination cannot be used (unknown queue, wrong area, …), or null when it can. */
export function destinationProblem(cfg: RoutingConfig, areaId: string, d: Destination): string | null {
  switch (d.type) {
    case 'queue': case 'waiting-list': {
      const q = cfg.queues[d.queueId];
      if (!q) return `unknown queue ${d.queueId}`;
      if (q.areaId !== areaId) return `queue ${q.name} belongs to another area`;
      if (d.type === 'waiting-list' && q.kind !== 'waiting-list') return `queue ${q.name} is not a waiting list`;
      if (d.type === 'queue' && q.kind === 'waiting-list') return `${q.name} is a waiting list, not a queue`;
      return null;
    }
    case 'personal': {
      const a = cfg.agents[d.agentId];
      if (!a) return `unknown agent ${d.agentId}`;
      return a.areaId === areaId ? null : `agent ${d.agentId} belongs to another area`;
    }
    case 'area': return cfg.areas[d.areaId] ? (d.areaId === areaId ? 'escalation to the same area' : null) : `unknown area ${d.areaId}`;
    case 'external-email': return /^[^@\s]+@[^@\s]+$/.test(d.address) ? null : `'${d.address}' is not an email address`;
    case 'end': return null;
  }
}
