import type { AcdEffect, AcdEvent, AcdRejection, AcdState, Agent, Contact, Decision, Offer, WithdrawReason } from './types.js';

/**
 * The queue engine: decide(state, event, now) → new state + effects, as data.
 * Pure and deterministic: no I/O, no clock, no randomness. The shell loads the
 * snapshot, persists the new state and the effects in one transaction, then
 * performs the effects (pushing events, queueing deliveries).
 */
export function decide(state: AcdState, event: AcdEvent, now: number): Decision {
  const draft = clone(state);
  const effects: AcdEffect[] = [];
  const rejected = apply(draft, event, now, effects);
  if (rejected) return { state, effects: [], rejected };
  expireOffers(draft, now, effects);
  dispatch(draft, now, effects);
  return { state: draft, effects };
}

/** The earliest time at which a tick changes something (an offer expiry), or null. */
export function nextDue(state: AcdState): number | null {
  let due: number | null = null;
  for (const o of Object.values(state.offers)) if (due === null || o.expiresAt < due) due = o.expiresAt;
  return due;
}

/** Contacts the agent holds: offered to them or assigned to them. */
export function load(state: AcdState, agentId: string): number {
  let n = 0;
  for (const c of Object.values(state.contacts)) if (c.agentId === agentId && (c.status === 'offered' || c.status === 'assigned')) n++;
  return n;
}

function clone(s: AcdState): AcdState {
  const contacts: Record<string, Contact> = {};
  for (const [k, c] of Object.entries(s.contacts)) contacts[k] = { ...c, declinedBy: [...c.declinedBy] };
  const agents: Record<string, Agent> = {};
  for (const [k, a] of Object.entries(s.agents)) agents[k] = { ...a };
  const offers: Record<string, Offer> = {};
  for (const [k, o] of Object.entries(s.offers)) offers[k] = { ...o };
  return { agents, contacts, offers, settings: s.settings };
}

const reject = (code: AcdRejection['code'], message: string): AcdRejection => ({ code, message });

function apply(s: AcdState, e: AcdEvent, now: number, fx: AcdEffect[]): AcdRejection | null {
  switch (e.type) {
    case 'contact.queued': {
      const c = s.contacts[e.contactId];
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is not known to the queue engine`);
      if (c.status !== 'queued') return reject('contact.not_queued', `contact ${e.contactId} is ${c.status}`);
      return null;
    }
    case 'agent.setState': {
      const a = s.agents[e.agentId];
      if (!a) return reject('agent.unknown', `agent ${e.agentId} is unknown`);
      if (e.state !== 'ready') {
        for (const o of Object.values(s.offers)) if (o.agentId === a.id) withdraw(s, o, 'agent-unavailable', fx);
      }
      const reason = e.state === 'paused' ? (e.reason ?? null) : null;
      setAgentState(s, a, e.state, reason, now, fx);
      if (e.state === 'ready' && load(s, a.id) === 0) a.idleSince = now;
      return null;
    }
    case 'offer.accept': {
      const o = s.offers[e.offerId];
      if (!o) return reject('offer.unknown', `offer ${e.offerId} is not open (it may have expired or been withdrawn)`);
      if (o.agentId !== e.agentId) return reject('offer.not_yours', `offer ${e.offerId} was made to another agent`);
      if (o.expiresAt <= now) return reject('offer.unknown', `offer ${e.offerId} has expired`);
      delete s.offers[o.id];
      const c = s.contacts[o.contactId];
      c.status = 'assigned';
      fx.push({ type: 'offer.accepted', offer: o }, { type: 'contact.assigned', contactId: c.id, agentId: o.agentId });
      return null;
    }
    case 'offer.decline': {
      const o = s.offers[e.offerId];
      if (!o) return reject('offer.unknown', `offer ${e.offerId} is not open (it may have expired or been withdrawn)`);
      if (o.agentId !== e.agentId) return reject('offer.not_yours', `offer ${e.offerId} was made to another agent`);
      s.contacts[o.contactId].declinedBy.push(o.agentId);
      withdraw(s, o, 'declined', fx);
      const a = s.agents[o.agentId];
      if (a && load(s, a.id) === 0) a.idleSince = now;
      return null;
    }
    case 'contact.close': {
      const c = s.contacts[e.contactId];
      if (!c) return reject('contact.unknown', `contact ${e.contactId} is unknown`);
      if (c.status !== 'assigned') return reject('contact.not_assigned', `contact ${e.contactId} is ${c.status}, not assigned`);
      if (c.agentId !== e.agentId) return reject('contact.not_yours', `contact ${e.contactId} is assigned to another agent`);
      c.status = 'closed';
      fx.push({ type: 'contact.closed', contactId: c.id, agentId: e.agentId });
      const a = s.agents[e.agentId];
      if (a && load(s, a.id) === 0) a.idleSince = now;
      return null;
    }
    case 'tick':
      return null;
  }
}

function setAgentState(s: AcdState, a: Agent, state: Agent['state'], reason: string | null, now: number, fx: AcdEffect[]): void {
  if (a.state === state && a.pauseReason === reason) return;
  a.state = state;
  a.pauseReason = reason;
  a.stateSince = now;
  fx.push({ type: 'agent.stateChanged', agentId: a.id, state, reason });
}

/** Returns the offered contact to its queue; its queue time is kept. */
function withdraw(s: AcdState, o: Offer, reason: WithdrawReason, fx: AcdEffect[]): void {
  delete s.offers[o.id];
  const c = s.contacts[o.contactId];
  c.status = 'queued';
  c.agentId = null;
  fx.push({ type: 'offer.withdrawn', offer: o, reason }, { type: 'contact.requeued', contactId: c.id, queueId: c.queueId, reason });
}

function expireOffers(s: AcdState, now: number, fx: AcdEffect[]): void {
  const expired = Object.values(s.offers).filter((o) => o.expiresAt <= now).sort((a, b) => a.expiresAt - b.expiresAt || cmp(a.id, b.id));
  for (const o of expired) {
    withdraw(s, o, 'expired', fx);
    const a = s.agents[o.agentId];
    if (a && a.state === 'ready') setAgentState(s, a, 'paused', s.settings.missedOfferReason, now, fx);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Highest priority first, then longest waiting, then id for determinism. */
function contactOrder(a: Contact, b: Contact): number {
  return b.priority - a.priority || a.queuedAt - b.queuedAt || cmp(a.id, b.id);
}

/** Offers queued contacts to Ready agents with free capacity, longest idle first. */
function dispatch(s: AcdState, now: number, fx: AcdEffect[]): void {
  const queued = Object.values(s.contacts).filter((c) => c.status === 'queued').sort(contactOrder);
  if (queued.length === 0) return;
  const free = new Map<string, number>();
  for (const a of Object.values(s.agents)) {
    if (a.state !== 'ready') continue;
    const room = a.capacity - load(s, a.id);
    if (room > 0) free.set(a.id, room);
  }
  for (const c of queued) {
    if (free.size === 0) return;
    let best: Agent | null = null;
    for (const id of free.keys()) {
      const a = s.agents[id];
      if (c.declinedBy.includes(a.id)) continue;
      if (!best || a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.id < best.id)) best = a;
    }
    if (!best) continue;
    c.offerCount += 1;
    const offer: Offer = { id: `${c.id}.${c.offerCount}`, contactId: c.id, agentId: best.id, createdAt: now, expiresAt: now + s.settings.offerTimeoutMs };
    s.offers[offer.id] = offer;
    c.status = 'offered';
    c.agentId = best.id;
    fx.push({ type: 'offer.created', offer });
    const room = (free.get(best.id) ?? 1) - 1;
    if (room > 0) free.set(best.id, room); else free.delete(best.id);
  }
}
