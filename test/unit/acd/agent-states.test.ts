import { describe, expect, it } from 'vitest';
import { decide, nextDue } from '../../../src/core/acd/decide.js';
import type { AcdState } from '../../../src/core/acd/types.js';
import { agent, agentDef, area, config, contact, offered, state } from './fixtures.js';

/** One agent 'a' working contact 'c1' (task type tt when given); 'c2' waits behind it. */
function working(opts: { agentWrap?: number | 'unlimited' | null; ttWrap?: number | 'unlimited' | null; areaWrap?: number | 'unlimited'; taskType?: boolean; capacity?: number } = {}): AcdState {
  const cfg = config({
    areas: { A: area('A', { defaultWrapUpSeconds: opts.areaWrap ?? 0 }) },
    taskTypes: { tt: { id: 'tt', areaId: 'A', name: 'Billing', wrapUpSeconds: opts.ttWrap ?? null } },
    agents: { a: agentDef('a', { wrapUpSeconds: opts.agentWrap ?? null, capacity: opts.capacity ?? 1 }) },
  });
  return state([agent('a', { capacity: opts.capacity ?? 1 })], [
    contact('c1', { status: 'assigned', agentId: 'a', taskTypeId: opts.taskType === false ? null : 'tt' }),
    contact('c2', { queuedAt: 5 }),
  ], cfg);
}
const close = (s: AcdState, now = 1000) => decide(s, { type: 'contact.close', contactId: 'c1', agentId: 'a' }, now);

describe('wrap-up', () => {
  it.each([
    { name: 'area default', o: { areaWrap: 30 }, until: 31_000 },
    { name: 'task type overrides the area', o: { areaWrap: 30, ttWrap: 60 }, until: 61_000 },
    { name: 'agent overrides the task type', o: { areaWrap: 30, ttWrap: 60, agentWrap: 10 }, until: 11_000 },
    { name: 'unlimited until ended', o: { ttWrap: 'unlimited' as const }, until: null },
  ])('$name', ({ o, until }) => {
    const d = close(working(o));
    expect(d.state.agents.a).toMatchObject({ state: 'wrap_up', wrapUpUntil: until });
    expect(offered(d.state)).toEqual([]);
  });

  it.each([
    { name: 'no task type: no wrap-up', o: { areaWrap: 30, taskType: false } },
    { name: 'length 0: no wrap-up', o: { ttWrap: 0 } },
  ])('$name → straight to the next offer', ({ o }) => {
    const d = close(working(o));
    expect(d.state.agents.a.state).toBe('ready');
    expect(offered(d.state)).toEqual(['c2→a']);
  });

  it('expiry returns the agent to ready and the next contact is offered; the timer is the next due time', () => {
    const s = close(working({ areaWrap: 30 })).state;
    expect(nextDue(s)).toBe(31_000);
    expect(offered(decide(s, { type: 'tick' }, 30_999).state)).toEqual([]);
    const d = decide(s, { type: 'tick' }, 31_000);
    expect(d.state.agents.a.state).toBe('ready');
    expect(offered(d.state)).toEqual(['c2→a']);
  });

  it('extend and end early', () => {
    let s = close(working({ areaWrap: 30 })).state;
    s = decide(s, { type: 'agent.wrapUp', agentId: 'a', action: 'extend', seconds: 20 }, 5000).state;
    expect(s.agents.a.wrapUpUntil).toBe(51_000);
    s = decide(s, { type: 'agent.wrapUp', agentId: 'a', action: 'end' }, 6000).state;
    expect(s.agents.a.state).toBe('ready');
    expect(offered(s)).toEqual(['c2→a']);
    expect(decide(s, { type: 'agent.wrapUp', agentId: 'a', action: 'end' }, 7000).rejected?.code).toBe('agent.not_in_wrap_up');
  });
});

describe('pause, missed offers, auto-accept', () => {
  it('a pause requested while working starts when the work ends (after wrap-up)', () => {
    let s = decide(working({ areaWrap: 30 }), { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'lunch' }, 500).state;
    expect(s.agents.a).toMatchObject({ state: 'ready', pendingPause: { reason: 'lunch' } });
    s = close(s).state;
    expect(s.agents.a.state).toBe('wrap_up');
    s = decide(s, { type: 'tick' }, 31_000).state;
    expect(s.agents.a).toMatchObject({ state: 'paused', pauseReason: 'lunch', pendingPause: null });
    expect(offered(s)).toEqual([]);
  });

  it('a pause requested while working, no wrap-up: paused at close, no new offer meanwhile', () => {
    const cfg = working({ taskType: false, capacity: 2 });
    let s = decide(cfg, { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'meeting' }, 500).state;
    // c2 was offered (capacity 2) and is withdrawn by the pause request
    expect(offered(s)).toEqual([]);
    s = close(s).state;
    expect(s.agents.a).toMatchObject({ state: 'paused', pauseReason: 'meeting' });
  });

  it('a supervisor-forced pause applies at once, even while working', () => {
    const s = decide(working(), { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'supervisor', force: true }, 500).state;
    expect(s.agents.a).toMatchObject({ state: 'paused', pauseReason: 'supervisor', pendingPause: null });
  });

  it('a missed offer pauses the agent with "missed offer" and withdraws their other offers', () => {
    const cfg = config({ agents: { a: agentDef('a', { capacity: 2 }) } });
    let s = decide(state([agent('a', { capacity: 2 })], [contact('c1'), contact('c2', { queuedAt: 1 })], cfg), { type: 'tick' }, 0).state;
    s = decide(s, { type: 'offer.accept', offerId: 'c1.1', agentId: 'a' }, 1).state;
    expect(Object.keys(s.offers)).toEqual(['c2.1']);
    const d = decide(s, { type: 'tick' }, 30_000);
    expect(d.state.agents.a).toMatchObject({ state: 'paused', pauseReason: 'missed offer' });
    expect(d.state.contacts.c2).toMatchObject({ status: 'queued', queuedAt: 1 });
  });

  it('auto-accept assigns without an open offer', () => {
    const cfg = config({ agents: { a: agentDef('a', { autoAccept: true }) } });
    const d = decide(state([agent('a')], [contact('c1')], cfg), { type: 'tick' }, 0);
    expect(d.state.contacts.c1).toMatchObject({ status: 'assigned', agentId: 'a' });
    expect(d.state.offers).toEqual({});
    expect(d.effects.map((e) => e.type)).toEqual(['offer.created', 'offer.accepted', 'contact.assigned']);
  });

  it('pause reasons come from the area\'s list (supervisors may force any)', () => {
    const cfg = config({ areas: { A: area('A', { pauseReasons: ['lunch', 'meeting'] }) } });
    const s = state([agent('a')], [], cfg);
    expect(decide(s, { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'nap' }, 1).rejected?.code).toBe('agent.pause_reason_unknown');
    expect(decide(s, { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'nap', force: true }, 1).state.agents.a.pauseReason).toBe('nap');
    expect(decide(s, { type: 'agent.setState', agentId: 'a', state: 'paused', reason: 'lunch' }, 2).state.agents.a.pauseReason).toBe('lunch');
  });

  it('logged-out and paused agents are never offered work', () => {
    for (const st of ['paused', 'logged_out', 'wrap_up'] as const) {
      expect(offered(decide(state([agent('a', { state: st })], [contact('c1')]), { type: 'tick' }, 0).state)).toEqual([]);
    }
  });
});
