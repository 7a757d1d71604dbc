import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, load, nextDue } from '../../src/core/acd/decide.js';
import type { AcdEvent, AcdState, Agent, Contact } from '../../src/core/acd/types.js';

const settings = { offerTimeoutMs: 30_000, missedOfferReason: 'missed offer' };
const agent = (id: string, over: Partial<Agent> = {}): Agent => ({ id, state: 'ready', pauseReason: null, stateSince: 0, idleSince: 0, capacity: 1, pendingPause: null, wrapUpUntil: null, ...over });
const contact = (id: string, over: Partial<Contact> = {}): Contact => ({
  id, entranceId: null, areaId: null, queueId: 'q1', personalAgentId: null, status: 'queued', routing: 'routed', queuedAt: 0, destEnteredAt: 0, priority: 0, agentId: null,
  offerCount: 0, declinedBy: [], taskTypeId: null, route: [], routeIndex: -1, dueAt: null, outOfHours: false, previousAgentId: null, endReason: null, data: {}, ...over,
});
const state = (agents: Agent[], contacts: Contact[]): AcdState => ({
  agents: Object.fromEntries(agents.map((a) => [a.id, a])), contacts: Object.fromEntries(contacts.map((c) => [c.id, c])), offers: {}, settings,
  config: { areas: {}, queues: {}, entrances: {}, taskTypes: {}, taskTypeRules: [], routingRules: [], agents: {} }, stats: {},
});
/** decide() owns and updates its input: tests that compare before/after keep a copy. */
const copy = (s: AcdState): AcdState => { const { index: _ix, ...rest } = s; return structuredClone(rest); };

describe('decide: distribution', () => {
  it.each([
    { name: 'longest idle ready agent gets the offer', agents: [agent('a', { idleSince: 50 }), agent('b', { idleSince: 10 })], expect: 'b' },
    { name: 'paused agents are skipped', agents: [agent('a', { idleSince: 50 }), agent('b', { idleSince: 10, state: 'paused' })], expect: 'a' },
    { name: 'logged-out agents are skipped', agents: [agent('a', { state: 'logged_out' })], expect: null },
    { name: 'agents at capacity are skipped', agents: [agent('a', { capacity: 0 }), agent('b', { idleSince: 99 })], expect: 'b' },
    { name: 'no agent: the contact stays queued', agents: [], expect: null },
  ])('$name', ({ agents, expect: who }) => {
    const d = decide(state(agents, [contact('c1', { queuedAt: 5 })]), { type: 'contact.queued', contactId: 'c1' }, 100);
    const offers = d.effects.filter((e) => e.type === 'offer.created');
    if (who === null) {
      expect(offers).toHaveLength(0);
      expect(d.state.contacts.c1.status).toBe('queued');
    } else {
      expect(offers).toHaveLength(1);
      expect(d.state.contacts.c1).toMatchObject({ status: 'offered', agentId: who });
      const offer = Object.values(d.state.offers)[0];
      expect(offer).toMatchObject({ agentId: who, contactId: 'c1', expiresAt: 100 + 30_000 });
    }
  });

  it('offers the longest-waiting contact first, and higher priority before that', () => {
    const s = state([agent('a')], [contact('late', { queuedAt: 20 }), contact('early', { queuedAt: 10 })]);
    expect(decide(s, { type: 'tick' }, 100).state.contacts.early.status).toBe('offered');
    const s2 = state([agent('a')], [contact('late', { queuedAt: 20, priority: 5 }), contact('early', { queuedAt: 10 })]);
    expect(decide(s2, { type: 'tick' }, 100).state.contacts.late.status).toBe('offered');
  });

  it('respects capacity above one', () => {
    const s = state([agent('a', { capacity: 2 })], [contact('c1'), contact('c2'), contact('c3')]);
    const d = decide(s, { type: 'tick' }, 1);
    expect(load(d.state, 'a')).toBe(2);
    expect(d.state.contacts.c3.status).toBe('queued');
  });
});

describe('decide: offers', () => {
  const offered = () => decide(state([agent('a'), agent('b', { idleSince: 5 })], [contact('c1', { queuedAt: 7 })]), { type: 'tick' }, 100).state;

  it('accept assigns the contact to the agent', () => {
    const s = offered();
    const offerId = Object.keys(s.offers)[0];
    const d = decide(s, { type: 'offer.accept', offerId, agentId: 'a' }, 200);
    expect(d.rejected).toBeUndefined();
    expect(d.state.contacts.c1).toMatchObject({ status: 'assigned', agentId: 'a' });
    expect(d.effects.map((e) => e.type)).toEqual(['offer.accepted', 'contact.assigned']);
  });

  it.each([
    { event: { type: 'offer.accept', offerId: 'nope', agentId: 'a' }, code: 'offer.unknown' },
    { event: { type: 'offer.accept', offerId: 'c1.1', agentId: 'b' }, code: 'offer.not_yours' },
    { event: { type: 'offer.decline', offerId: 'c1.1', agentId: 'b' }, code: 'offer.not_yours' },
    { event: { type: 'contact.close', contactId: 'c1', agentId: 'a' }, code: 'contact.not_assigned' },
    { event: { type: 'contact.close', contactId: 'zz', agentId: 'a' }, code: 'contact.unknown' },
    { event: { type: 'agent.setState', agentId: 'zz', state: 'ready' }, code: 'agent.unknown' },
  ] as { event: AcdEvent; code: string }[])('rejects $event.type with $code and changes nothing', ({ event, code }) => {
    const s = offered();
    const snapshot = copy(s);
    const d = decide(s, event, 200);
    expect(d.rejected?.code).toBe(code);
    expect(d.state).toBe(s);
    expect(copy(d.state)).toEqual(snapshot);
    expect(d.effects).toEqual([]);
  });

  it('an accept after expiry is rejected', () => {
    const s = offered();
    expect(decide(s, { type: 'offer.accept', offerId: 'c1.1', agentId: 'a' }, 100 + 30_000).rejected?.code).toBe('offer.unknown');
  });

  it('decline returns the contact with its queue time and offers it to someone else, never back to the decliner', () => {
    const d = decide(offered(), { type: 'offer.decline', offerId: 'c1.1', agentId: 'a' }, 300);
    expect(d.state.contacts.c1).toMatchObject({ status: 'offered', agentId: 'b', queuedAt: 7, declinedBy: ['a'] });
    expect(d.state.agents.a.state).toBe('ready');
    const d2 = decide(d.state, { type: 'offer.decline', offerId: 'c1.2', agentId: 'b' }, 400);
    expect(d2.state.contacts.c1).toMatchObject({ status: 'queued', agentId: null, queuedAt: 7 });
  });

  it('timeout: the contact returns to the queue keeping its queue time, the agent is paused with "missed offer"', () => {
    const s = offered();
    expect(nextDue(s)).toBe(100 + 30_000);
    const d = decide(s, { type: 'tick' }, 100 + 30_000);
    expect(d.state.agents.a).toMatchObject({ state: 'paused', pauseReason: 'missed offer' });
    expect(d.effects.some((e) => e.type === 'offer.withdrawn' && e.reason === 'expired')).toBe(true);
    // re-offered to the other ready agent, same queue time
    expect(d.state.contacts.c1).toMatchObject({ status: 'offered', agentId: 'b', queuedAt: 7, offerCount: 2 });
  });

  it('pausing with an open offer withdraws it', () => {
    const d = decide(offered(), { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'lunch' }, 150);
    expect(d.state.agents.a).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    expect(d.effects.some((e) => e.type === 'offer.withdrawn' && e.reason === 'agent-unavailable')).toBe(true);
  });

  it('closing frees capacity and the next contact is offered', () => {
    let s = decide(state([agent('a')], [contact('c1', { queuedAt: 1 }), contact('c2', { queuedAt: 2 })]), { type: 'tick' }, 10).state;
    s = decide(s, { type: 'offer.accept', offerId: 'c1.1', agentId: 'a' }, 20).state;
    expect(s.contacts.c2.status).toBe('queued');
    const d = decide(s, { type: 'contact.close', contactId: 'c1', agentId: 'a' }, 30);
    expect(d.state.contacts.c1.status).toBe('closed');
    expect(d.state.contacts.c2).toMatchObject({ status: 'offered', agentId: 'a' });
  });
});

describe('decide: invariants over random event sequences', () => {
  const agentIds = ['a1', 'a2', 'a3'];
  const contactIds = ['c1', 'c2', 'c3', 'c4', 'c5'];
  const eventArb: fc.Arbitrary<{ e: (s: AcdState) => AcdEvent; dt: number }> = fc.oneof(
    fc.record({ who: fc.constantFrom(...agentIds), st: fc.constantFrom('ready', 'paused', 'logged_out') as fc.Arbitrary<'ready' | 'paused' | 'logged_out'>, dt: fc.nat(20_000) })
      .map(({ who, st, dt }) => ({ e: (): AcdEvent => ({ type: 'agent.setState', agentId: who, state: st }), dt })),
    fc.record({ pick: fc.nat(), accept: fc.boolean(), dt: fc.nat(20_000) }).map(({ pick, accept, dt }) => ({
      dt,
      e: (s: AcdState): AcdEvent => {
        const offers = Object.values(s.offers);
        if (offers.length === 0) return { type: 'tick' };
        const o = offers[pick % offers.length];
        return { type: accept ? 'offer.accept' : 'offer.decline', offerId: o.id, agentId: o.agentId };
      },
    })),
    fc.record({ pick: fc.nat(), dt: fc.nat(20_000) }).map(({ pick, dt }) => ({
      dt,
      e: (s: AcdState): AcdEvent => {
        const assigned = Object.values(s.contacts).filter((c) => c.status === 'assigned');
        if (assigned.length === 0) return { type: 'tick' };
        const c = assigned[pick % assigned.length];
        return { type: 'contact.close', contactId: c.id, agentId: c.agentId! };
      },
    })),
    fc.nat(90_000).map((dt) => ({ e: () => ({ type: 'tick' }) as AcdEvent, dt })),
  );

  it('never offers a contact twice, never exceeds capacity, never offers to unavailable agents, never loses a contact or resets its queue time', () => {
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }), (events, caps) => {
      let s = state(agentIds.map((id, i) => agent(id, { state: 'logged_out', capacity: caps[i] })), contactIds.map((id, i) => contact(id, { queuedAt: i })));
      let now = 1000;
      for (const { e, dt } of events) {
        now += dt;
        const before = copy(s);
        const d = decide(s, e(s), now);
        s = d.state;
        // no contact lost, queue time never reset
        expect(Object.keys(s.contacts).sort()).toEqual([...contactIds].sort());
        for (const c of Object.values(s.contacts)) expect(c.queuedAt).toBe(before.contacts[c.id].queuedAt);
        // one open offer per contact at most, and it matches the contact
        const perContact = new Map<string, number>();
        for (const o of Object.values(s.offers)) {
          perContact.set(o.contactId, (perContact.get(o.contactId) ?? 0) + 1);
          expect(s.contacts[o.contactId]).toMatchObject({ status: 'offered', agentId: o.agentId });
        }
        for (const n of perContact.values()) expect(n).toBe(1);
        for (const c of Object.values(s.contacts)) if (c.status === 'offered') expect(perContact.get(c.id)).toBe(1);
        for (const a of Object.values(s.agents)) expect(load(s, a.id)).toBeLessThanOrEqual(a.capacity);
        // new offers only go to ready agents
        for (const fx of d.effects) if (fx.type === 'offer.created') expect(s.agents[fx.offer.agentId]).toMatchObject({ state: 'ready', pendingPause: null });
        // a ready agent with room is never left idle while an offerable contact waits
        const queued = Object.values(s.contacts).filter((c) => c.status === 'queued');
        for (const a of Object.values(s.agents)) {
          if (a.state !== 'ready' || a.pendingPause || load(s, a.id) >= a.capacity) continue;
          expect(queued.filter((c) => !c.declinedBy.includes(a.id))).toEqual([]);
        }
      }
    }), { numRuns: 300 });
  });
});
