import type { Ctx } from './context.js';
import { isAvailable, setAgentState, touchAgent, touchContact } from './context.js';
import { agentDef, indexOf, minLevel, queueDef, UNLIMITED } from './indexes.js';
import { closeProblem, parkProblem, unparkProblem } from './park.js';
import { checkDynamic, contactDue, placeAt, routeNew } from './route.js';
import { agentFor, contactLevel, headOfQueueFor, nextContactFor } from './select.js';
import type { AcdEvent, AcdRejection, AcdState, Agent, Contact, Decision, Offer, WithdrawReason } from './types.js';

/**
 * The queue engine: decide(state, event, now) → new state + effects, as data.
 * Pure and deterministic: no I/O, no clock, no randomness. See types.ts for the ownership
 * contract (the state is updated in place; a rejection leaves it untouched). The shell loads
 * the snapshot, persists the touched records and the effects in one transaction, then
 * performs the effects (pushing events, queueing deliveries).
 */
export function decide(state: AcdState, event: AcdEvent, now: number): Decision {
  const ix = indexOf(state);
  const ctx: Ctx = { s: state, ix, now, fx: [], touchedAgents: new Set(), touchedContacts: new Set(), dirtyContacts: new Set(), dirtyAgents: new Set() };
  const rejected = validate(state, event, now);
  if (rejected) return { state, effects: [], touched: { agents: [], contacts: [] }, rejected };
  apply(ctx, event);
  if (ix.fresh) {
    ix.fresh = false;
    for (const a of Object.values(state.agents)) if (isAvailable(ctx, a)) ctx.dirtyAgents.add(a.id);
  }
  for (const id of [...ix.pending].sort()) routeNew(ctx, state.contacts[id]);
  runTimers(ctx);
  if (event.type === 'tick') checkDynamic(ctx);
  dispatch(ctx);
  return { state, effects: ctx.fx, touched: { agents: [...ctx.touchedAgents], contacts: [...ctx.touchedContacts] } };
}

/** The earliest time at which a tick changes something (offer expiry, wrap-up end, escalation, relaxation, opening), or null. */
export function nextDue(state: AcdState): number | null {
  const ix = indexOf(state);
  for (;;) {
    const top = ix.timers.peek();
    if (!top) return null;
    if (timerLive(state, top.kind, top.id, top.at)) return top.at;
    ix.timers.pop();
  }
}

/** Contacts the agent holds: offered to them or assigned to them. */
export function load(state: AcdState, agentId: string): number {
  return indexOf(state).loadOf(agentId);
}

function timerLive(s: AcdState, kind: string, id: string, at: number): boolean {
  switch (kind) {
    case 'offer': return s.offers[id]?.expiresAt === at;
    case 'agent': return s.agents[id]?.state === 'wrap_up' && s.agents[id].wrapUpUntil === at;
    case 'contact': return s.contacts[id]?.dueAt === at && s.contacts[id].status !== 'closed';
    case 'remind': { const c = s.contacts[id]; return !!c && c.status === 'assigned' && !!c.parked && c.remindAt === at; }
    default: { const c = s.contacts[id]; return !!c && c.status === 'queued' && c.routing === 'routed'; }
  }
}

const reject = (code: AcdRejection['code'], message: string): AcdRejection => ({ code, message });

/** Commands are checked in full before anything changes. */
function validate(s: AcdState, e: AcdEvent, now: number): AcdRejection | null {
  const contact = (id: string) => s.contacts[id] && s.contacts[id].status !== 'closed' ? s.contacts[id] : undefined;
  switch (e.type) {
    case 'tick': return null;
    case 'contact.queued': {
      const c = s.contacts[e.contactId];
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is not known to the queue engine`);
      return c.status === 'queued' ? null : reject('contact.not_queued', `contact ${e.contactId} is ${c.status}`);
    }
    case 'agent.setState': {
      if (!s.agents[e.agentId]) return reject('agent.unknown', `agent ${e.agentId} is unknown`);
      const area = s.config.areas[agentDef(s, e.agentId).areaId];
      if (e.state === 'paused' && e.reason && !e.force && area && area.pauseReasons.length > 0 && !area.pauseReasons.includes(e.reason)) {
        return reject('agent.pause_reason_unknown', `'${e.reason}' is not a pause reason of area ${area.name}; use one of: ${area.pauseReasons.join(', ')}`);
      }
      return null;
    }
    case 'agent.wrapUp': {
      const a = s.agents[e.agentId];
      if (!a) return reject('agent.unknown', `agent ${e.agentId} is unknown`);
      return a.state === 'wrap_up' ? null : reject('agent.not_in_wrap_up', `agent ${e.agentId} is ${a.state}, not in wrap-up`);
    }
    case 'offer.accept': case 'offer.decline': {
      const o = s.offers[e.offerId];
      if (!o) return reject('offer.unknown', `offer ${e.offerId} is not open (it may have expired or been withdrawn)`);
      if (o.agentId !== e.agentId) return reject('offer.not_yours', `offer ${e.offerId} was made to another agent`);
      if (e.type === 'offer.accept' && o.expiresAt <= now) return reject('offer.unknown', `offer ${e.offerId} has expired`);
      return null;
    }
    case 'contact.close': case 'contact.transfer': case 'contact.park': case 'contact.unpark': {
      const c = contact(e.contactId);
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is unknown`);
      if (c.status !== 'assigned') return reject('contact.not_assigned', `contact ${e.contactId} is ${c.status}, not assigned`);
      if (c.agentId !== e.agentId) return reject('contact.not_yours', `contact ${e.contactId} is assigned to another agent`);
      if (e.type === 'contact.transfer') return targetProblem(s, e.to);
      if (e.type === 'contact.close') return closeProblem(s, c, e);
      return e.type === 'contact.park' ? parkProblem(s, c, e.agentId) : unparkProblem(s, c, e.agentId);
    }
    case 'contact.pick': {
      const c = contact(e.contactId);
      const a = s.agents[e.agentId];
      if (!a) return reject('agent.unknown', `agent ${e.agentId} is unknown`);
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is unknown`);
      if (c.status !== 'queued' || c.routing !== 'routed' || c.queueId !== e.queueId || c.personalAgentId) return reject('contact.not_in_list', `contact ${e.contactId} is not waiting in list ${e.queueId}`);
      const q = queueDef(s, e.queueId);
      if (a.state === 'logged_out') return reject('agent.not_eligible', 'log in (ready, paused or wrap-up) to pick contacts');
      if (indexOf(s).loadOf(a.id) >= a.capacity) return reject('agent.no_capacity', `agent ${a.id} is at capacity (${a.capacity})`);
      const lvl = minLevel(q, agentDef(s, a.id));
      if (lvl === UNLIMITED) return reject('agent.not_eligible', `agent ${a.id} does not meet the requirement of ${q.name}`);
      return null;
    }
    case 'contact.move': {
      const c = contact(e.contactId);
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is unknown`);
      if (c.status === 'assigned') return reject('contact.not_queued', `contact ${e.contactId} is assigned; the agent transfers it`);
      return targetProblem(s, e.to);
    }
    case 'contact.setPriority':
      return contact(e.contactId) ? null : reject('contact.unknown', `contact ${e.contactId} is unknown`);
  }
}

function targetProblem(s: AcdState, to: { queueId: string } | { agentId: string }): AcdRejection | null {
  if ('queueId' in to) return s.config.queues[to.queueId] ? null : reject('queue.unknown', `no queue with id '${to.queueId}'`);
  return s.agents[to.agentId] ? null : reject('agent.unknown', `agent ${to.agentId} is unknown`);
}

function apply(ctx: Ctx, e: AcdEvent): void {
  const { s, now } = ctx;
  switch (e.type) {
    case 'tick': case 'contact.queued': {
      if (e.type === 'contact.queued' && ctx.ix.isWaiting(s.contacts[e.contactId])) ctx.dirtyContacts.add(e.contactId);
      return;
    }
    case 'agent.setState': {
      const a = s.agents[e.agentId];
      const reason = e.state === 'paused' ? (e.reason ?? null) : null;
      if (e.state !== 'ready') for (const o of offersOf(s, a.id)) withdraw(ctx, o, 'agent-unavailable');
      const working = ctx.ix.loadOf(a.id) > 0 || a.state === 'wrap_up';
      if (e.state === 'paused' && working && !e.force) {
        touchAgent(ctx, a).pendingPause = { reason };
        ctx.fx.push({ type: 'agent.pauseRequested', agentId: a.id, reason });
        return;
      }
      touchAgent(ctx, a).pendingPause = null;
      setAgentState(ctx, a, e.state, reason);
      if (e.state === 'ready') { markIdle(ctx, a); ctx.dirtyAgents.add(a.id); }
      return;
    }
    case 'agent.wrapUp': {
      const a = s.agents[e.agentId];
      if (e.action === 'end') { endWrapUp(ctx, a); return; }
      const base = a.wrapUpUntil === null ? null : Math.max(a.wrapUpUntil, now);
      setAgentState(ctx, a, 'wrap_up', null, e.seconds === undefined || base === null ? null : base + e.seconds * 1000);
      return;
    }
    case 'offer.accept': {
      const o = s.offers[e.offerId];
      accept(ctx, o);
      return;
    }
    case 'offer.decline': {
      const o = s.offers[e.offerId];
      const c = touchContact(ctx, s.contacts[o.contactId]);
      c.declinedBy.push(o.agentId);
      withdraw(ctx, o, 'declined');
      markIdle(ctx, s.agents[o.agentId]);
      ctx.dirtyAgents.add(o.agentId);
      return;
    }
    case 'contact.close': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      c.status = 'closed';
      if (!unpark(c)) ctx.ix.addLoad(e.agentId, -1);
      c.wrapUpCode = e.unhandledReason ? null : e.wrapUpCode ?? null;
      c.unhandledReason = e.unhandledReason ?? null;
      ctx.fx.push({ type: 'contact.closed', contactId: c.id, agentId: e.agentId, ...(c.wrapUpCode ? { wrapUpCode: c.wrapUpCode } : {}), ...(c.unhandledReason ? { unhandledReason: c.unhandledReason } : {}) });
      const a = s.agents[e.agentId];
      if (a) afterWork(ctx, a, c.taskTypeId);
      return;
    }
    case 'contact.park': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      c.parked = true;
      c.parkedAt = now;
      c.remindAt = e.remindAt ?? null;
      if (c.remindAt !== null) ctx.ix.timers.push(c.remindAt, 'remind', c.id);
      ctx.ix.addLoad(e.agentId, -1);
      ctx.dirtyAgents.add(e.agentId); // the freed capacity unit may take new work
      ctx.fx.push({ type: 'contact.parked', contactId: c.id, agentId: e.agentId, remindAt: c.remindAt });
      return;
    }
    case 'contact.unpark': {
      unpark(touchContact(ctx, s.contacts[e.contactId]));
      ctx.ix.addLoad(e.agentId, 1);
      ctx.fx.push({ type: 'contact.unparked', contactId: e.contactId, agentId: e.agentId });
      return;
    }
    case 'contact.transfer': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      c.status = 'queued';
      c.agentId = null;
      if (!unpark(c)) ctx.ix.addLoad(e.agentId, -1);
      moveTo(ctx, c, e.to, 'transfer');
      const a = touchAgent(ctx, s.agents[e.agentId]);
      for (const o of offersOf(s, a.id)) withdraw(ctx, o, 'agent-unavailable');
      a.pendingPause = null;
      setAgentState(ctx, a, 'paused', 'requeue'); // the requeuing agent pauses, without wrap-up
      markIdle(ctx, a);
      return;
    }
    case 'contact.pick': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      ctx.ix.dequeue(c);
      c.status = 'assigned';
      c.agentId = e.agentId;
      c.dueAt = null;
      ctx.ix.addLoad(e.agentId, 1);
      ctx.fx.push({ type: 'contact.assigned', contactId: c.id, agentId: e.agentId });
      return;
    }
    case 'contact.move': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      if (c.status === 'offered') for (const o of Object.values(s.offers)) if (o.contactId === c.id) withdraw(ctx, o, 'moved');
      moveTo(ctx, c, e.to, 'move');
      return;
    }
    case 'contact.setPriority': {
      const c = touchContact(ctx, s.contacts[e.contactId]);
      const waiting = ctx.ix.isWaiting(c);
      if (waiting) ctx.ix.dequeue(c);
      c.priority = e.priority;
      if (waiting) { ctx.ix.enqueue(c); ctx.dirtyContacts.add(c.id); }
      ctx.fx.push({ type: 'contact.priorityChanged', contactId: c.id, priority: e.priority });
      return;
    }
  }
}

/** Clears the parked state; true when the contact was parked (so it was not in its agent's load). */
function unpark(c: Contact): boolean {
  const was = !!c.parked;
  if (was) { c.parked = false; c.parkedAt = null; c.remindAt = null; }
  return was;
}

function offersOf(s: AcdState, agentId: string): Offer[] {
  return Object.values(s.offers).filter((o) => o.agentId === agentId).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

function moveTo(ctx: Ctx, c: Contact, to: { queueId: string } | { agentId: string }, how: 'transfer' | 'move'): void {
  const where = 'queueId' in to ? { queueId: to.queueId, personalAgentId: null } : { queueId: c.queueId, personalAgentId: to.agentId };
  placeAt(ctx, c, -1, where, how);
  if ('agentId' in to) c.declinedBy = c.declinedBy.filter((id) => id !== to.agentId);
}

function markIdle(ctx: Ctx, a: Agent | undefined): void {
  if (a && ctx.ix.loadOf(a.id) === 0) touchAgent(ctx, a).idleSince = ctx.now;
}

/** After a contact ends: wrap-up (only after a contact with a task type), a pending pause, or ready again. */
function afterWork(ctx: Ctx, a: Agent, taskTypeId: string | null): void {
  markIdle(ctx, a);
  if (a.state === 'ready' && taskTypeId) {
    const def = agentDef(ctx.s, a.id);
    const tt = ctx.s.config.taskTypes[taskTypeId];
    const area = ctx.s.config.areas[tt?.areaId ?? def.areaId];
    const len = def.wrapUpSeconds ?? tt?.wrapUpSeconds ?? area?.defaultWrapUpSeconds ?? 0;
    if (len === 'unlimited' || len > 0) {
      setAgentState(ctx, a, 'wrap_up', null, len === 'unlimited' ? null : ctx.now + len * 1000);
      return;
    }
  }
  if (a.state === 'ready' && a.pendingPause && ctx.ix.loadOf(a.id) === 0) {
    setAgentState(ctx, a, 'paused', a.pendingPause.reason);
    a.pendingPause = null;
    return;
  }
  ctx.dirtyAgents.add(a.id);
}

function endWrapUp(ctx: Ctx, a: Agent): void {
  touchAgent(ctx, a);
  if (a.pendingPause && ctx.ix.loadOf(a.id) === 0) {
    setAgentState(ctx, a, 'paused', a.pendingPause.reason);
    a.pendingPause = null;
    return;
  }
  setAgentState(ctx, a, 'ready', null);
  markIdle(ctx, a);
}

function accept(ctx: Ctx, o: Offer): void {
  delete ctx.s.offers[o.id];
  const c = touchContact(ctx, ctx.s.contacts[o.contactId]);
  c.status = 'assigned';
  c.dueAt = null;
  ctx.fx.push({ type: 'offer.accepted', offer: o }, { type: 'contact.assigned', contactId: c.id, agentId: o.agentId });
}

/** Returns the offered contact to its queue; its queue time is kept. */
function withdraw(ctx: Ctx, o: Offer, reason: WithdrawReason): void {
  delete ctx.s.offers[o.id];
  const c = touchContact(ctx, ctx.s.contacts[o.contactId]);
  c.status = 'queued';
  c.agentId = null;
  ctx.ix.addLoad(o.agentId, -1);
  ctx.ix.enqueue(c);
  ctx.dirtyContacts.add(c.id);
  ctx.dirtyAgents.add(o.agentId); // their capacity is free again
  if (c.dueAt !== null) ctx.ix.timers.push(c.dueAt, 'contact', c.id);
  ctx.fx.push({ type: 'offer.withdrawn', offer: o, reason }, { type: 'contact.requeued', contactId: c.id, queueId: c.queueId, reason });
}

/** Everything due at or before now, in time order: offer expiry, wrap-up end, contact timers, relaxation. */
function runTimers(ctx: Ctx): void {
  const { s, ix, now } = ctx;
  for (;;) {
    const top = ix.timers.peek();
    if (!top || top.at > now) return;
    ix.timers.pop();
    if (!timerLive(s, top.kind, top.id, top.at)) continue;
    if (top.kind === 'offer') {
      const o = s.offers[top.id];
      withdraw(ctx, o, 'expired');
      const a = s.agents[o.agentId];
      if (a) {
        for (const other of offersOf(s, a.id)) withdraw(ctx, other, 'agent-unavailable');
        if (a.state === 'ready') setAgentState(ctx, a, 'paused', s.settings.missedOfferReason);
        markIdle(ctx, a);
      }
    } else if (top.kind === 'agent') endWrapUp(ctx, s.agents[top.id]);
    else if (top.kind === 'remind') {
      const c = touchContact(ctx, s.contacts[top.id]);
      c.remindAt = null; // once
      ctx.fx.push({ type: 'contact.park_reminder', contactId: c.id, agentId: c.agentId! });
    }
    else if (top.kind === 'contact') contactDue(ctx, s.contacts[top.id]);
    else ctx.dirtyContacts.add(top.id);
  }
}

function offer(ctx: Ctx, c: Contact, a: Agent): void {
  touchContact(ctx, c);
  ctx.ix.dequeue(c);
  c.offerCount += 1;
  const o: Offer = { id: `${c.id}.${c.offerCount}`, contactId: c.id, agentId: a.id, createdAt: ctx.now, expiresAt: ctx.now + ctx.s.settings.offerTimeoutMs };
  c.status = 'offered';
  c.agentId = a.id;
  ctx.ix.addLoad(a.id, 1);
  ctx.fx.push({ type: 'offer.created', offer: o });
  if (agentDef(ctx.s, a.id).autoAccept) { accept(ctx, o); return; }
  ctx.s.offers[o.id] = o;
  ctx.ix.timers.push(o.expiresAt, 'offer', o.id);
}

/** Offers waiting work: new waiting contacts first (by tier, then queue order), then agents who became available. */
function dispatch(ctx: Ctx): void {
  const { s, ix } = ctx;
  const tierOf = (c: Contact) => (c.personalAgentId ? 0 : queueDef(s, c.queueId).priorityTier);
  // Priority counts only where the queue sorts by it, so within one queue this is the queue's own order.
  const prioOf = (c: Contact) => (!c.personalAgentId && queueDef(s, c.queueId).sortOrder === 'highest-priority' ? c.priority : 0);
  const contacts = [...ctx.dirtyContacts].map((id) => s.contacts[id]).filter((c) => c && ix.isWaiting(c))
    .sort((a, b) => tierOf(a) - tierOf(b) || prioOf(b) - prioOf(a) || a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
  for (const c of contacts) {
    // The queue's policy picks the agent; the agent then gets the head of the queue they may take
    // (c, or a contact ahead of it that waited with no agent free), so queue order always holds.
    while (ix.isWaiting(c)) {
      const a = agentFor(ctx, c);
      if (!a) break;
      offer(ctx, headOfQueueFor(ctx, c, a.id) ?? c, a);
    }
  }
  const agents = [...ctx.dirtyAgents].map((id) => s.agents[id]).filter((a) => a)
    .sort((a, b) => a.idleSince - b.idleSince || (a.id < b.id ? -1 : 1));
  for (const a of agents) {
    while (isAvailable(ctx, a)) {
      const c = nextContactFor(ctx, a.id);
      if (!c) break;
      offer(ctx, c, a);
    }
  }
}

export { contactLevel };
