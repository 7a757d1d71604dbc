import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/acd/decide.js';
import { agent, agentDef, config, contact, offered, queue, state } from './fixtures.js';

describe('choosing an agent for a new contact', () => {
  const skilled = config({
    queues: {
      q1: queue('q1', { req: 'billing>=5 AND group:swedish' }),
      ms: queue('ms', { req: 'billing', agentSelection: 'most-skilled' }),
      lb: queue('lb', { agentSelection: 'least-busy' }),
    },
    agents: {
      low: agentDef('low', { skills: { billing: 4 }, groups: ['swedish'] }),
      sv: agentDef('sv', { skills: { billing: 6 }, groups: ['swedish'] }),
      en: agentDef('en', { skills: { billing: 9 } }),
      other: agentDef('other', { areaId: 'B', skills: { billing: 9 }, groups: ['swedish'] }),
      busy: agentDef('busy', { capacity: 4 }),
      free: agentDef('free', { capacity: 2 }),
    },
  });
  it.each([
    { name: 'only agents meeting the requirement (skills and groups, same area)', q: 'q1', agents: ['low', 'sv', 'en', 'other'], expect: 'sv' },
    { name: 'nobody qualifies: the contact waits', q: 'q1', agents: ['low', 'en', 'other'], expect: null },
    { name: 'most skilled: highest level on the required skills', q: 'ms', agents: ['low', 'sv', 'en'], expect: 'en' },
    { name: 'least busy: equal load ratio → longest idle', q: 'lb', agents: ['busy', 'free'], expect: 'free' },
  ])('$name', ({ q, agents, expect: who }) => {
    const as = agents.map((id, i) => agent(id, { idleSince: 100 - i, capacity: skilled.agents[id].capacity }));
    const d = decide(state(as, [contact('c', { queueId: q })], skilled), { type: 'contact.queued', contactId: 'c' }, 1000);
    expect(offered(d.state)).toEqual(who ? [`c→${who}`] : []);
  });

  it('least busy prefers the agent with the lower load ratio', () => {
    const cfg = config({ queues: { lb: queue('lb', { agentSelection: 'least-busy' }) }, agents: { x: agentDef('x', { capacity: 2 }), y: agentDef('y', { capacity: 4 }) } });
    const s = state([agent('x', { capacity: 2, idleSince: 0 }), agent('y', { capacity: 4, idleSince: 5 })],
      [contact('held-x', { status: 'assigned', agentId: 'x', queueId: 'lb' }), contact('held-y', { status: 'assigned', agentId: 'y', queueId: 'lb' }), contact('c', { queueId: 'lb' })], cfg);
    expect(offered(decide(s, { type: 'contact.queued', contactId: 'c' }, 10).state)).toEqual(['c→y']);
  });

  it('forced into a queue (supervisor emergency): served without the skills', () => {
    const cfg = config({ queues: { q1: queue('q1', { req: 'legal>=9' }) }, agents: { a: agentDef('a', { forcedQueueIds: ['q1'] }) } });
    expect(offered(decide(state([agent('a')], [contact('c')], cfg), { type: 'tick' }, 10).state)).toEqual(['c→a']);
  });
});

describe('choosing the next contact for an agent who becomes ready', () => {
  const cfg = config({
    queues: {
      gold: queue('gold', { priorityTier: 1, weight: 1 }),
      silver: queue('silver', { priorityTier: 1, weight: 3 }),
      low: queue('low', { priorityTier: 2 }),
      prio: queue('prio', { priorityTier: 3, sortOrder: 'highest-priority' }),
      fifo: queue('fifo', { priorityTier: 3, sortOrder: 'longest-waiting' }),
      sl: queue('sl', { priorityTier: 4, sortOrder: 'service-level-deadline', sl1Minutes: 10 }),
      slow: queue('slow', { priorityTier: 4, sortOrder: 'service-level-deadline', sl1Minutes: 600 }),
    },
  });
  const ready = (contacts: ReturnType<typeof contact>[]) => decide(state([agent('a', { state: 'paused' })], contacts, cfg), { type: 'agent.setState', agentId: 'a', state: 'ready' }, 100_000);
  it.each([
    { name: 'tier 1 before tier 2, however long tier 2 waited', contacts: [contact('old', { queueId: 'low', queuedAt: 0 }), contact('new', { queueId: 'gold', queuedAt: 99_000 })], expect: 'new' },
    { name: 'among heads of one tier: weight × wait (weight 3 beats twice the wait)', contacts: [contact('g', { queueId: 'gold', queuedAt: 40_000 }), contact('s', { queueId: 'silver', queuedAt: 70_000 })], expect: 's' },
    { name: 'among heads of one tier: a much longer wait beats the weight', contacts: [contact('g', { queueId: 'gold', queuedAt: 0 }), contact('s', { queueId: 'silver', queuedAt: 90_000 })], expect: 'g' },
    { name: 'highest-priority order: priority, then wait', contacts: [contact('p0', { queueId: 'prio', queuedAt: 0 }), contact('p5', { queueId: 'prio', queuedAt: 50_000, priority: 5 })], expect: 'p5' },
    { name: 'longest-waiting order ignores priority within the queue', contacts: [contact('f0', { queueId: 'fifo', queuedAt: 0 }), contact('f5', { queueId: 'fifo', queuedAt: 50_000, priority: 5 })], expect: 'f0' },
    { name: 'service-level deadline: the tighter SL wins at equal wait', contacts: [contact('x', { queueId: 'slow', queuedAt: 10_000 }), contact('y', { queueId: 'sl', queuedAt: 10_000 })], expect: 'y' },
    { name: 'the personal queue comes first', contacts: [contact('g', { queueId: 'gold', queuedAt: 0 }), contact('p', { queueId: 'low', personalAgentId: 'a', queuedAt: 99_000 })], expect: 'p' },
    { name: "another agent's personal queue is never offered", contacts: [contact('p', { queueId: 'gold', personalAgentId: 'b' })], expect: null },
  ])('$name', ({ contacts, expect: id }) => {
    expect(offered(ready(contacts).state)).toEqual(id ? [`${id}→a`] : []);
  });

  it('capacity: offers up to the capacity, then stops', () => {
    const cfg2 = config({ agents: { a: agentDef('a', { capacity: 3 }) } });
    const d = decide(state([agent('a', { capacity: 3 })], ['c1', 'c2', 'c3', 'c4'].map((id, i) => contact(id, { queuedAt: i })), cfg2), { type: 'tick' }, 10);
    expect(offered(d.state)).toEqual(['c1→a', 'c2→a', 'c3→a']);
  });

  it('relaxation: an under-skilled agent gets the contact once the step time has passed', () => {
    const cfg2 = config({
      queues: { q1: queue('q1', { req: 'billing>=7', relaxation: [{ afterSeconds: 60, lowerLevelsBy: 3, drop: [] }] }) },
      agents: { a: agentDef('a', { skills: { billing: 4 } }) },
    });
    let s = decide(state([agent('a')], [contact('c', { queuedAt: 0, destEnteredAt: 0 })], cfg2), { type: 'tick' }, 1000).state;
    expect(offered(s)).toEqual([]);
    s = decide(s, { type: 'tick' }, 59_999).state;
    expect(offered(s)).toEqual([]);
    s = decide(s, { type: 'tick' }, 60_000).state;
    expect(offered(s)).toEqual(['c→a']);
  });
});
