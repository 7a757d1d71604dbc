import type { ContactData, Destination } from '../routing/model.js';
import { isOpen, nextOpening } from '../routing/hours.js';
import { assignTaskType, destinationProblem, findRoutingRule } from '../routing/rules.js';
import { touchContact, type Ctx } from './context.js';
import { estimatedQueueMs, queueAgents } from './select.js';
import type { AcdEffect, Contact } from './types.js';

/**
 * Routing a contact through its area's tables:
 * opening hours (held until the entrance opens) → task type (first matching row) → routing rule
 * (first matching row by search order) → its destinations in order, each with an escalation
 * constraint that moves the contact on. A follow-up first waits in the previous agent's personal
 * queue for the area's follow-up time. No valid route → the area's no-routing queue.
 */
const MAX_AREA_HOPS = 5;
type How = Extract<AcdEffect, { type: 'contact.routed' }>['how'];

function contactData(ctx: Ctx, c: Contact): ContactData {
  const entrance = c.entranceId ? ctx.s.config.entrances[c.entranceId] : undefined;
  const tt = c.taskTypeId ? ctx.s.config.taskTypes[c.taskTypeId] : undefined;
  return { ...c.data, ...(entrance && c.data.entrance === undefined ? { entrance: entrance.name } : {}), ...(tt ? { taskType: tt.name } : {}) };
}

function defaultArea(ctx: Ctx): string | null {
  const ids = Object.keys(ctx.s.config.areas).sort();
  return ids.includes('default') ? 'default' : ids[0] ?? null;
}

/** Routes a pending contact (new), or releases a held one when its entrance opens. */
export function routeNew(ctx: Ctx, c: Contact): void {
  touchContact(ctx, c);
  ctx.ix.pending.delete(c.id);
  const entrance = c.entranceId ? ctx.s.config.entrances[c.entranceId] : undefined;
  if (c.routing === 'pending' && entrance?.hours && !isOpen(entrance.hours, ctx.now)) {
    c.routing = 'held';
    c.outOfHours = true;
    c.dueAt = nextOpening(entrance.hours, ctx.now);
    if (c.dueAt !== null) ctx.ix.timers.push(c.dueAt, 'contact', c.id);
    ctx.fx.push({ type: 'contact.held', contactId: c.id, until: c.dueAt });
    return;
  }
  const released = c.routing === 'held';
  if (released) c.queuedAt = ctx.now; // queue time starts when the entrance opens
  c.areaId = entrance?.areaId ?? c.areaId ?? defaultArea(ctx);
  routeInArea(ctx, c, released ? 'opened' : 'rule', 0);
}

function routeInArea(ctx: Ctx, c: Contact, how: How, hops: number): void {
  const cfg = ctx.s.config;
  const areaId = c.areaId;
  const area = areaId ? cfg.areas[areaId] : undefined;
  if (!area || !areaId) { placeAt(ctx, c, -1, { queueId: c.queueId, personalAgentId: null }, how); return; }
  c.taskTypeId = assignTaskType(cfg.taskTypeRules, areaId, contactData(ctx, { ...c, taskTypeId: null }))?.taskTypeId ?? null;
  const rule = findRoutingRule(cfg.routingRules, areaId, contactData(ctx, c));
  const entrance = c.entranceId ? cfg.entrances[c.entranceId] : undefined;
  // No rule: the entrance's own queue when it has one in this area (the backbone's behaviour), else no-routing.
  const fallback = !rule && hops === 0 && entrance?.defaultQueueId && cfg.queues[entrance.defaultQueueId]?.areaId === areaId ? entrance.defaultQueueId : null;
  c.route = rule?.destinations ?? (fallback ? [{ type: 'queue', queueId: fallback, escalation: { type: 'none' } }] : []);
  const prev = c.previousAgentId ? cfg.agents[c.previousAgentId] : undefined;
  if (prev && prev.areaId === areaId && area.followUpPreferredSeconds > 0 && hops === 0) {
    placeAt(ctx, c, -1, { queueId: c.queueId, personalAgentId: prev.id }, 'follow-up');
    c.dueAt = ctx.now + area.followUpPreferredSeconds * 1000;
    ctx.ix.timers.push(c.dueAt, 'contact', c.id);
    return;
  }
  enterDestination(ctx, c, 0, how, hops);
}

/** Moves the contact to destination i of its route, or further when i is unusable or already escalating. */
export function enterDestination(ctx: Ctx, c: Contact, from: number, how: How, hops = 0): void {
  const cfg = ctx.s.config;
  const areaId = c.areaId ?? '';
  for (let i = from; i < c.route.length; i++) {
    const d = c.route[i];
    if (destinationProblem(cfg, areaId, d)) continue;
    const last = i === c.route.length - 1;
    switch (d.type) {
      case 'queue': case 'waiting-list': case 'personal': {
        if (!last && escalationHolds(ctx, d, c, 0)) continue;
        placeAt(ctx, c, i, d.type === 'personal' ? { queueId: c.queueId, personalAgentId: d.agentId } : { queueId: d.queueId, personalAgentId: null }, how);
        if (!last && d.escalation.type === 'wait') {
          c.dueAt = ctx.now + d.escalation.seconds * 1000;
          ctx.ix.timers.push(c.dueAt, 'contact', c.id);
        }
        return;
      }
      case 'external-email':
        endContact(ctx, c, `forwarded to ${d.address}`, i);
        ctx.fx.push({ type: 'contact.forwarded', contactId: c.id, address: d.address });
        return;
      case 'end':
        endContact(ctx, c, d.reason || 'ended by routing', i);
        return;
      case 'area':
        if (hops >= MAX_AREA_HOPS) break;
        c.areaId = d.areaId;
        routeInArea(ctx, c, 'escalation', hops + 1);
        return;
    }
  }
  const area = cfg.areas[areaId];
  const noRouting = area?.noRoutingQueueId && cfg.queues[area.noRoutingQueueId] ? area.noRoutingQueueId : c.queueId;
  placeAt(ctx, c, -1, { queueId: noRouting, personalAgentId: null }, 'no-route');
}

/** Does the destination's escalation constraint already say "move on"? (waitedMs for wait(x).) */
export function escalationHolds(ctx: Ctx, d: Destination, c: Contact, waitedMs: number): boolean {
  if (d.type !== 'queue' && d.type !== 'waiting-list' && d.type !== 'personal') return false;
  const e = d.escalation;
  const queueId = d.type === 'personal' ? null : d.queueId;
  switch (e.type) {
    case 'none': return false;
    case 'wait': return waitedMs >= e.seconds * 1000;
    case 'eqt': return queueId !== null && estimatedQueueMs(ctx, queueId) > e.seconds * 1000;
    case 'agentConRatio': {
      if (!queueId) return false;
      const { loggedIn } = queueAgents(ctx, queueId);
      const waiting = (ctx.ix.waiting.get(queueId)?.length ?? 0) + (c.queueId === queueId && c.routing === 'routed' ? 0 : 1);
      return loggedIn === 0 || waiting / loggedIn > e.ratio;
    }
    case 'minAvailAgents': {
      if (!queueId) return ctx.s.agents[d.type === 'personal' ? d.agentId : '']?.state !== 'ready' && e.min > 0;
      return queueAgents(ctx, queueId).available < e.min;
    }
  }
}

/** Puts the contact, waiting, at a queue or personal queue; keeps its first queue time. */
export function placeAt(ctx: Ctx, c: Contact, routeIndex: number, where: { queueId: string; personalAgentId: string | null }, how: How): void {
  touchContact(ctx, c);
  ctx.ix.pending.delete(c.id); // a supervisor may place a contact before it was routed
  if (ctx.ix.isWaiting(c)) ctx.ix.dequeue(c);
  // The event log records changes: a new contact that stays where it was placed, untyped, logs no routing event.
  const visible = c.queueId !== where.queueId || c.personalAgentId !== where.personalAgentId || c.taskTypeId !== null || c.routing !== 'pending' || how !== 'rule';
  c.queueId = where.queueId;
  c.personalAgentId = where.personalAgentId;
  c.routeIndex = routeIndex;
  c.destEnteredAt = ctx.now;
  c.dueAt = null;
  c.routing = 'routed';
  if (c.status === 'queued') {
    ctx.ix.enqueue(c);
    ctx.dirtyContacts.add(c.id);
  }
  if (visible) ctx.fx.push({ type: 'contact.routed', contactId: c.id, areaId: c.areaId ?? '', queueId: c.queueId, personalAgentId: c.personalAgentId, taskTypeId: c.taskTypeId, destination: routeIndex, how });
}

function endContact(ctx: Ctx, c: Contact, reason: string, routeIndex: number): void {
  touchContact(ctx, c);
  if (ctx.ix.isWaiting(c)) ctx.ix.dequeue(c);
  c.status = 'closed';
  c.routing = 'routed';
  c.routeIndex = routeIndex;
  c.dueAt = null;
  c.endReason = reason;
  ctx.fx.push({ type: 'contact.ended', contactId: c.id, reason });
}

/** A contact's timer fired: release after hours, follow-up preference over, or wait(x) escalation. */
export function contactDue(ctx: Ctx, c: Contact): void {
  if (c.dueAt === null || c.dueAt > ctx.now || c.status === 'closed') return;
  if (c.routing === 'held') { c.dueAt = null; routeNew(ctx, c); return; }
  if (c.status !== 'queued') return; // offered: re-checked when the offer resolves
  touchContact(ctx, c);
  c.dueAt = null;
  if (c.routeIndex === -1) { enterDestination(ctx, c, 0, 'rule'); return; } // follow-up time over: the normal route
  enterDestination(ctx, c, c.routeIndex + 1, 'escalation');
}

/** Re-evaluates load-dependent escalation constraints (eqt, ratio, min available agents). */
export function checkDynamic(ctx: Ctx): void {
  for (const id of [...ctx.ix.dynamic].sort()) {
    const c = ctx.s.contacts[id];
    if (!c || !ctx.ix.isWaiting(c)) { ctx.ix.dynamic.delete(id); continue; }
    const d = c.route[c.routeIndex];
    if (d && escalationHolds(ctx, d, c, ctx.now - c.destEnteredAt)) enterDestination(ctx, c, c.routeIndex + 1, 'escalation');
  }
}
