import { describe, expect, it } from 'vitest';
import { decide, nextDue } from '../../../src/core/acd/decide.js';
import type { AcdState } from '../../../src/core/acd/types.js';
import type { Destination, RoutingConfig } from '../../../src/core/routing/model.js';
import { agent, agentDef, area, config, contact, offered, queue, state } from './fixtures.js';

const none = { type: 'none' } as const;
const cfgWith = (destinations: Destination[], over: Partial<RoutingConfig> = {}): RoutingConfig => config({
  areas: { A: area('A', { followUpPreferredSeconds: 120 }), B: area('B') },
  queues: {
    q1: queue('q1'), q2: queue('q2'), wl: queue('wl', { kind: 'waiting-list' }), 'A-none': queue('A-none', { kind: 'no-routing' }),
    b1: queue('b1', { areaId: 'B' }), 'B-none': queue('B-none', { areaId: 'B', kind: 'no-routing' }),
  },
  entrances: { e: { id: 'e', areaId: 'A', name: 'support@acme.test', hours: null, defaultQueueId: null } },
  taskTypes: { tt: { id: 'tt', areaId: 'A', name: 'Billing', wrapUpSeconds: null } },
  taskTypeRules: [{ id: 't', areaId: 'A', order: 1, criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'invoice' }], taskTypeId: 'tt' }],
  routingRules: [
    { id: 'r1', areaId: 'A', order: 1, criteria: [{ key: 'taskType', op: 'equals', value: 'Billing' }], destinations },
    { id: 'rB', areaId: 'B', order: 1, criteria: [], destinations: [{ type: 'queue', queueId: 'b1', escalation: none }] },
  ],
  ...over,
});
const arrive = (cfg: RoutingConfig, data: Record<string, string> = { emailHdrSubject: 'Invoice 42' }, agents = [agent('x', { state: 'paused' })], extra: Partial<Parameters<typeof contact>[1]> = {}) =>
  decide(state(agents, [contact('c', { routing: 'pending', entranceId: 'e', areaId: null, queueId: 'q1', queuedAt: 1000, data, ...extra })], cfg), { type: 'contact.queued', contactId: 'c' }, 1000);
const at = (s: AcdState) => ({ queueId: s.contacts.c.queueId, personal: s.contacts.c.personalAgentId, status: s.contacts.c.status, routeIndex: s.contacts.c.routeIndex });

describe('routing table', () => {
  it.each([
    { name: 'queue destination', dest: [{ type: 'queue', queueId: 'q2', escalation: none }], expect: { queueId: 'q2', status: 'queued', routeIndex: 0 } },
    { name: 'waiting list', dest: [{ type: 'waiting-list', queueId: 'wl', escalation: none }], expect: { queueId: 'wl', status: 'queued' } },
    { name: 'personal queue of an agent', dest: [{ type: 'personal', agentId: 'x', escalation: none }], expect: { personal: 'x', status: 'queued' } },
    { name: 'end route: ends with the reason', dest: [{ type: 'end', reason: 'spam' }], expect: { status: 'closed' } },
    { name: 'external email: ends, forwarded', dest: [{ type: 'external-email', address: 'partner@else.test' }], expect: { status: 'closed' } },
    { name: 'escalation to another area: routed by that area', dest: [{ type: 'area', areaId: 'B' }], expect: { queueId: 'b1', status: 'queued' } },
    { name: 'unusable destinations are skipped', dest: [{ type: 'queue', queueId: 'gone', escalation: none }, { type: 'queue', queueId: 'q2', escalation: none }], expect: { queueId: 'q2', routeIndex: 1 } },
    { name: 'no valid destination: the no-routing queue', dest: [{ type: 'queue', queueId: 'b1', escalation: none }], expect: { queueId: 'A-none', routeIndex: -1 } },
  ] as { name: string; dest: Destination[]; expect: Record<string, unknown> }[])('$name', ({ dest, expect: where }) => {
    const d = arrive(cfgWith(dest));
    expect(at(d.state)).toMatchObject(where);
    // task types belong to an area: after an area escalation, area B's table (empty) decides
    expect(d.state.contacts.c.taskTypeId).toBe(d.state.contacts.c.areaId === 'B' ? null : 'tt');
  });

  it('records why routing ended a contact, and forwards through an effect', () => {
    const ended = arrive(cfgWith([{ type: 'end', reason: 'spam' }]));
    expect(ended.state.contacts.c.endReason).toBe('spam');
    expect(ended.effects).toContainEqual({ type: 'contact.ended', contactId: 'c', reason: 'spam' });
    const fwd = arrive(cfgWith([{ type: 'external-email', address: 'partner@else.test' }]));
    expect(fwd.effects).toContainEqual({ type: 'contact.forwarded', contactId: 'c', address: 'partner@else.test' });
    expect(fwd.state.contacts.c.endReason).toBe('forwarded to partner@else.test');
  });

  it('no matching rule: the no-routing queue (or the entrance queue when it is the fallback)', () => {
    expect(at(arrive(cfgWith([]), { emailHdrSubject: 'hello' }).state).queueId).toBe('A-none');
    const fallback = cfgWith([], { entrances: { e: { id: 'e', areaId: 'A', name: 'support', hours: null, defaultQueueId: 'q2' } } });
    expect(at(arrive(fallback, { emailHdrSubject: 'hello' }).state).queueId).toBe('q2');
  });
});

describe('escalation constraints', () => {
  const two = (escalation: Destination extends infer D ? D extends { escalation: infer E } ? E : never : never) =>
    cfgWith([{ type: 'queue', queueId: 'q1', escalation }, { type: 'queue', queueId: 'q2', escalation: none }]);

  it('wait(x): moves on after x seconds in the destination, keeping the queue time', () => {
    const s = arrive(two({ type: 'wait', seconds: 5 })).state;
    expect(at(s).queueId).toBe('q1');
    expect(nextDue(s)).toBe(6000);
    expect(at(decide(s, { type: 'tick' }, 5999).state).queueId).toBe('q1');
    const d = decide(s, { type: 'tick' }, 6000);
    expect(at(d.state)).toMatchObject({ queueId: 'q2', routeIndex: 1 });
    expect(d.state.contacts.c.queuedAt).toBe(1000);
  });

  it.each([
    { name: 'eqt(x): estimated queue time above x (nobody logged in)', esc: { type: 'eqt', seconds: 60 }, agents: [], to: 'q2' },
    { name: 'eqt(x): below x with agents logged in', esc: { type: 'eqt', seconds: 3600 }, agents: [agent('x', { state: 'paused' })], to: 'q1' },
    { name: 'agentConRatio: more contacts per logged-in agent than allowed', esc: { type: 'agentConRatio', ratio: 0.5 }, agents: [agent('x', { state: 'paused' })], to: 'q2' },
    { name: 'agentConRatio: within the ratio', esc: { type: 'agentConRatio', ratio: 2 }, agents: [agent('x', { state: 'paused' })], to: 'q1' },
    { name: 'minAvailAgents: fewer available agents than the minimum', esc: { type: 'minAvailAgents', min: 1 }, agents: [agent('x', { state: 'paused' })], to: 'q2' },
    { name: 'minAvailAgents: enough available', esc: { type: 'minAvailAgents', min: 1 }, agents: [agent('x', { state: 'ready' }), agent('y', { state: 'paused' })], to: 'q1' },
  ] as const)('$name', ({ esc, agents, to }) => {
    const d = arrive(two(esc), undefined, [...agents]);
    expect(d.state.contacts.c.queueId).toBe(to);
  });

  it('load-dependent constraints are re-checked on ticks', () => {
    let s = arrive(two({ type: 'minAvailAgents', min: 1 }), undefined, [agent('x', { state: 'ready', capacity: 1 }), agent('y', { state: 'paused' })]).state;
    // x got the offer; a second contact would see no available agent
    expect(s.contacts.c.status).toBe('offered');
    s = decide(s, { type: 'offer.decline', offerId: 'c.1', agentId: 'x' }, 2000).state;
    s = decide(s, { type: 'agent.setState', agentId: 'x', state: 'paused' }, 2001).state;
    expect(at(decide(s, { type: 'tick' }, 2002).state).queueId).toBe('q2');
  });
});

describe('follow-ups, opening hours, transfers and supervisor actions', () => {
  const simple = cfgWith([{ type: 'queue', queueId: 'q2', escalation: none }]);

  it('a follow-up waits in the previous agent\'s personal queue, then takes the normal route keeping its queue time', () => {
    const s = arrive(simple, undefined, [agent('x', { state: 'paused' }), agent('y', { state: 'ready' })], { previousAgentId: 'x' }).state;
    expect(at(s)).toMatchObject({ personal: 'x', status: 'queued' });
    expect(nextDue(s)).toBe(1000 + 120_000);
    const d = decide(s, { type: 'tick' }, 121_000);
    expect(d.state.contacts.c).toMatchObject({ queueId: 'q2', personalAgentId: null, status: 'offered', agentId: 'y', queuedAt: 1000 });
  });

  it('a follow-up is offered to the previous agent when ready', () => {
    const s = arrive(simple, undefined, [agent('x', { state: 'ready', idleSince: 999 }), agent('y', { state: 'ready', idleSince: 0 })], { previousAgentId: 'x' }).state;
    expect(offered(s)).toEqual(['c→x']);
  });

  it('closed entrance: held, marked out of hours, routed when it opens with queue time from the opening', () => {
    const hours = { timeZone: 'UTC', weekly: { 1: ['08:00-17:00'], 2: ['08:00-17:00'], 3: ['08:00-17:00'], 4: ['08:00-17:00'], 5: ['08:00-17:00'] }, exceptions: {} };
    const cfg = { ...simple, entrances: { e: { id: 'e', areaId: 'A', name: 'support', hours, defaultQueueId: null } } };
    const sat = Date.parse('2026-11-28T10:00:00Z');
    const s = decide(state([agent('y')], [contact('c', { routing: 'pending', entranceId: 'e', areaId: null, queuedAt: sat, data: { emailHdrSubject: 'invoice' } })], cfg), { type: 'contact.queued', contactId: 'c' }, sat).state;
    expect(s.contacts.c).toMatchObject({ routing: 'held', outOfHours: true, status: 'queued' });
    expect(offered(s)).toEqual([]);
    const monday = Date.parse('2026-11-30T08:00:00Z');
    expect(nextDue(s)).toBe(monday);
    const d = decide(s, { type: 'tick' }, monday);
    expect(d.state.contacts.c).toMatchObject({ routing: 'routed', queueId: 'q2', status: 'offered', queuedAt: monday, outOfHours: true });
  });

  it('transfer to a queue or a colleague keeps the queue time; the agent pauses without wrap-up', () => {
    const cfg = { ...simple, agents: { x: agentDef('x'), y: agentDef('y') }, areas: { A: area('A', { defaultWrapUpSeconds: 60 }), B: area('B') } };
    const base = () => state([agent('x'), agent('y', { state: 'paused' })], [contact('c', { status: 'assigned', agentId: 'x', queuedAt: 7, taskTypeId: 'tt' })], cfg);
    const toQueue = decide(base(), { type: 'contact.transfer', contactId: 'c', agentId: 'x', to: { queueId: 'q2' } }, 500);
    expect(toQueue.state.contacts.c).toMatchObject({ status: 'queued', queueId: 'q2', queuedAt: 7, agentId: null });
    expect(toQueue.state.agents.x).toMatchObject({ state: 'paused', pauseReason: 'requeue' });
    const toColleague = decide(base(), { type: 'contact.transfer', contactId: 'c', agentId: 'x', to: { agentId: 'y' } }, 500);
    expect(toColleague.state.contacts.c).toMatchObject({ personalAgentId: 'y', queuedAt: 7 });
    const yReady = decide(toColleague.state, { type: 'agent.setState', agentId: 'y', state: 'ready' }, 600);
    expect(offered(yReady.state)).toEqual(['c→y']);
    expect(decide(base(), { type: 'contact.transfer', contactId: 'c', agentId: 'x', to: { queueId: 'nope' } }, 1).rejected?.code).toBe('queue.unknown');
    expect(decide(base(), { type: 'contact.transfer', contactId: 'c', agentId: 'y', to: { queueId: 'q2' } }, 1).rejected?.code).toBe('contact.not_yours');
  });

  it('supervisor: move a waiting or offered contact; change priority re-orders the queue', () => {
    let s = state([agent('x', { state: 'paused' })], [contact('a1', { queuedAt: 1, queueId: 'q1' }), contact('a2', { queuedAt: 2, queueId: 'q1' })], { ...simple, queues: { ...simple.queues, q1: queue('q1', { sortOrder: 'highest-priority' }) } });
    s = decide(s, { type: 'contact.setPriority', contactId: 'a2', priority: 9 }, 10).state;
    s = decide(s, { type: 'agent.setState', agentId: 'x', state: 'ready' }, 11).state;
    expect(offered(s)).toEqual(['a2→x']);
    const moved = decide(s, { type: 'contact.move', contactId: 'a2', to: { queueId: 'q2' } }, 12);
    expect(moved.effects).toContainEqual(expect.objectContaining({ type: 'offer.withdrawn', reason: 'moved' }));
    expect(moved.state.contacts.a2).toMatchObject({ queueId: 'q2', queuedAt: 2 });
  });

  it('a supervisor move before routing wins: the contact is not routed over it', () => {
    const s = state([agent('x', { state: 'paused' })], [contact('c', { routing: 'pending', entranceId: 'e', areaId: null, data: { emailHdrSubject: 'invoice' } })], simple);
    const d = decide(s, { type: 'contact.move', contactId: 'c', to: { queueId: 'q1' } }, 5);
    expect(d.state.contacts.c).toMatchObject({ queueId: 'q1', routing: 'routed', routeIndex: -1 });
  });

  it('waiting lists are never pushed; an eligible agent picks', () => {
    let s = state([agent('x'), agent('z', { state: 'logged_out' })], [contact('w', { queueId: 'wl' })], simple);
    s = decide(s, { type: 'tick' }, 1).state;
    expect(offered(s)).toEqual([]);
    expect(decide(s, { type: 'contact.pick', contactId: 'w', agentId: 'z', queueId: 'wl' }, 2).rejected?.code).toBe('agent.not_eligible');
    expect(decide(s, { type: 'contact.pick', contactId: 'w', agentId: 'x', queueId: 'q1' }, 2).rejected?.code).toBe('contact.not_in_list');
    const d = decide(s, { type: 'contact.pick', contactId: 'w', agentId: 'x', queueId: 'wl' }, 2);
    expect(d.state.contacts.w).toMatchObject({ status: 'assigned', agentId: 'x' });
  });
});
