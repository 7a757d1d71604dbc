import { describe, expect, it } from 'vitest';
import { decide, load, nextDue } from '../../../src/core/acd/decide.js';
import { ownEffects } from '../../../src/core/acd/effects.js';
import type { AcdState } from '../../../src/core/acd/types.js';
import { agent, agentDef, area, config, contact, offered, state } from './fixtures.js';

/** Agent 'a' (capacity 1, area A allowing `maxParked`) holds c1 (task type tt with `codes`); c2 and c3 wait. */
function working(opts: { maxParked?: number; codes?: string[]; capacity?: number } = {}): AcdState {
  const cfg = config({
    areas: { A: area('A', opts.maxParked === undefined ? {} : { maxParked: opts.maxParked }) },
    taskTypes: { tt: { id: 'tt', areaId: 'A', name: 'Billing', wrapUpSeconds: 0, wrapUpCodes: opts.codes ?? [] } },
    agents: { a: agentDef('a', { capacity: opts.capacity ?? 1 }), b: agentDef('b') },
  });
  return state([agent('a', { capacity: opts.capacity ?? 1 }), agent('b', { state: 'paused' })], [
    contact('c1', { status: 'assigned', agentId: 'a', taskTypeId: 'tt' }),
    contact('c2', { queuedAt: 5, taskTypeId: 'tt' }),
    contact('c3', { queuedAt: 6, taskTypeId: 'tt' }),
  ], cfg);
}

describe('parking', () => {
  it('a parked contact stays the agent\'s but frees its capacity unit: the next contact is offered', () => {
    const d = decide(working(), { type: 'contact.park', contactId: 'c1', agentId: 'a', remindAt: null }, 1000);
    expect(d.rejected).toBeUndefined();
    expect(d.state.contacts.c1).toMatchObject({ status: 'assigned', agentId: 'a', parked: true, parkedAt: 1000 });
    expect(offered(d.state)).toEqual(['c2→a']);
    expect(load(d.state, 'a')).toBe(1); // c2's offer; c1 does not count
    expect(d.effects.map((e) => e.type)).toEqual(['contact.parked', 'offer.created']);
  });

  it('un-parking needs a free capacity unit', () => {
    const s = decide(working(), { type: 'contact.park', contactId: 'c1', agentId: 'a' }, 1000).state; // c2 offered to a: load 1 of 1
    const full = decide(s, { type: 'contact.unpark', contactId: 'c1', agentId: 'a' }, 2000);
    expect(full.rejected?.code).toBe('agent.no_capacity');
    const declined = decide(s, { type: 'offer.decline', offerId: 'c2.1', agentId: 'a' }, 2000).state;
    // Declining frees the unit, but c3 is offered to a at once; close the loop by pausing a first.
    const paused = decide(declined, { type: 'agent.setState', agentId: 'a', state: 'paused', reason: null, force: true }, 2500).state;
    expect(load(paused, 'a')).toBe(0);
    const d = decide(paused, { type: 'contact.unpark', contactId: 'c1', agentId: 'a' }, 3000);
    expect(d.rejected).toBeUndefined();
    expect(d.state.contacts.c1).toMatchObject({ parked: false, remindAt: null });
    expect(load(d.state, 'a')).toBe(1);
    expect(d.effects).toEqual([{ type: 'contact.unparked', contactId: 'c1', agentId: 'a' }]);
  });

  it('refuses more parked contacts than the area allows, and parking twice', () => {
    let s = working({ maxParked: 1, capacity: 2 });
    s = decide(s, { type: 'contact.park', contactId: 'c1', agentId: 'a' }, 1000).state;
    expect(decide(s, { type: 'contact.park', contactId: 'c1', agentId: 'a' }, 1100).rejected?.code).toBe('contact.parked');
    s = decide(s, { type: 'offer.accept', offerId: 'c2.1', agentId: 'a' }, 1200).state;
    const d = decide(s, { type: 'contact.park', contactId: 'c2', agentId: 'a' }, 1300);
    expect(d.rejected?.code).toBe('contact.park_limit');
    expect(d.state.contacts.c2.parked).toBeFalsy();
  });

  it('defaults to at most 5 parked contacts', () => {
    const cfg = config({ agents: { a: agentDef('a', { capacity: 1 }) } });
    const held = Array.from({ length: 6 }, (_, i) => contact(`p${i}`, { status: 'assigned', agentId: 'a', parked: i < 5 }));
    const s = state([agent('a')], held, cfg);
    expect(decide(s, { type: 'contact.park', contactId: 'p5', agentId: 'a' }, 1000).rejected?.code).toBe('contact.park_limit');
  });

  it('only the holding agent parks; waiting contacts cannot be parked; un-parking an active one is refused', () => {
    const s = working();
    expect(decide(s, { type: 'contact.park', contactId: 'c1', agentId: 'b' }, 1).rejected?.code).toBe('contact.not_yours');
    expect(decide(s, { type: 'contact.park', contactId: 'c2', agentId: 'a' }, 1).rejected?.code).toBe('contact.not_assigned');
    expect(decide(s, { type: 'contact.unpark', contactId: 'c1', agentId: 'a' }, 1).rejected?.code).toBe('contact.not_parked');
  });

  it('the reminder fires once at its time, as a timer the tick handles', () => {
    let s = decide(working(), { type: 'contact.park', contactId: 'c1', agentId: 'a', remindAt: 60_000 }, 1000).state;
    expect(nextDue(s)).toBe(31_000); // the offer of c2 expires first
    s = decide(s, { type: 'offer.accept', offerId: 'c2.1', agentId: 'a' }, 2000).state;
    expect(nextDue(s)).toBe(60_000);
    expect(decide(s, { type: 'tick' }, 59_999).effects).toEqual([]);
    const d = decide(s, { type: 'tick' }, 60_000);
    expect(d.effects).toEqual([{ type: 'contact.park_reminder', contactId: 'c1', agentId: 'a' }]);
    expect(d.state.contacts.c1).toMatchObject({ parked: true, remindAt: null });
    expect(d.touched.contacts).toContain('c1');
    expect(decide(d.state, { type: 'tick' }, 70_000).effects).toEqual([]);
  });

  it('the reminder survives a reload: a state rebuilt from the records still fires it', () => {
    const s = state([agent('a')], [contact('c1', { status: 'assigned', agentId: 'a', parked: true, remindAt: 5000 })], config({ agents: { a: agentDef('a') } }));
    expect(nextDue(s)).toBe(5000);
    expect(decide(s, { type: 'tick' }, 5000).effects.map((e) => e.type)).toEqual(['contact.park_reminder']);
  });

  it('un-parking cancels the reminder', () => {
    const cfg = config({ agents: { a: agentDef('a') } });
    const s = state([agent('a', { state: 'paused' })], [contact('c1', { status: 'assigned', agentId: 'a', parked: true, remindAt: 5000 })], cfg);
    const d = decide(s, { type: 'contact.unpark', contactId: 'c1', agentId: 'a' }, 1000);
    expect(decide(d.state, { type: 'tick' }, 6000).effects).toEqual([]);
  });

  it('closing or transferring a parked contact does not free a unit twice', () => {
    const s = decide(working({ capacity: 2 }), { type: 'contact.park', contactId: 'c1', agentId: 'a' }, 1000).state;
    expect(load(s, 'a')).toBe(2); // c2 and c3 offered
    const closed = decide(structuredClone({ ...s, index: undefined }), { type: 'contact.close', contactId: 'c1', agentId: 'a' }, 2000);
    expect(closed.rejected).toBeUndefined();
    expect(load(closed.state, 'a')).toBe(2);
    expect(closed.state.contacts.c1).toMatchObject({ status: 'closed', parked: false });
    const moved = decide(s, { type: 'contact.transfer', contactId: 'c1', agentId: 'a', to: { queueId: 'q1' } }, 2000);
    expect(moved.state.contacts.c1).toMatchObject({ status: 'queued', parked: false, queuedAt: 0 });
  });
});

describe('closing with a wrap-up code, or unhandled', () => {
  const close = (s: AcdState, extra: { wrapUpCode?: string; unhandledReason?: string } = {}) => decide(s, { type: 'contact.close', contactId: 'c1', agentId: 'a', ...extra }, 1000);

  it.each([
    { name: 'no codes, none given', codes: [], given: {}, result: null, code: null },
    { name: 'a code of the task type', codes: ['sold', 'info'], given: { wrapUpCode: 'info' }, result: null, code: 'info' },
    { name: 'codes exist, none given', codes: ['sold'], given: {}, result: 'contact.wrap_up_code_required', code: null },
    { name: 'a code not in the list', codes: ['sold'], given: { wrapUpCode: 'other' }, result: 'contact.wrap_up_code_unknown', code: null },
    { name: 'a code where the task type has none', codes: [], given: { wrapUpCode: 'sold' }, result: 'contact.wrap_up_code_unknown', code: null },
    { name: 'unhandled needs no code', codes: ['sold'], given: { unhandledReason: 'spam' }, result: null, code: null },
  ])('$name', ({ codes, given, result, code }) => {
    const d = close(working({ codes }), given);
    expect(d.rejected?.code ?? null).toBe(result);
    if (result) { expect(d.state.contacts.c1.status).toBe('assigned'); return; }
    expect(d.state.contacts.c1).toMatchObject({ status: 'closed', wrapUpCode: code });
    const closedFx = d.effects.find((e) => e.type === 'contact.closed');
    expect(closedFx).toEqual({ type: 'contact.closed', contactId: 'c1', agentId: 'a', ...(code ? { wrapUpCode: code } : {}), ...(given.unhandledReason ? { unhandledReason: 'spam' } : {}) });
  });

  it('closed unhandled records the reason', () => {
    const d = close(working(), { unhandledReason: 'customer withdrew' });
    expect(d.state.contacts.c1).toMatchObject({ status: 'closed', unhandledReason: 'customer withdrew', wrapUpCode: null });
  });
});

describe("an agent's own effects", () => {
  it('declining reports my withdrawal and the requeue of my contact, not the offer to my colleague', () => {
    const cfg = config({ agents: { a: agentDef('a'), b: agentDef('b') } });
    let s = state([agent('a'), agent('b', { state: 'paused' })], [contact('c1')], cfg);
    s = decide(s, { type: 'tick' }, 1).state;
    expect(offered(s)).toEqual(['c1→a']);
    s = decide(s, { type: 'agent.setState', agentId: 'b', state: 'ready' }, 2).state;
    const d = decide(s, { type: 'offer.decline', offerId: 'c1.1', agentId: 'a' }, 3);
    expect(d.effects.map((e) => e.type)).toContain('offer.created'); // to b
    const mine = ownEffects(d.effects, 'a', ['c1']);
    expect(mine.map((e) => e.type)).toEqual(['offer.withdrawn', 'contact.requeued']);
    expect(JSON.stringify(mine)).not.toContain('"b"');
  });

  it('keeps agent-less effects only for contacts I touched', () => {
    const effects = [
      { type: 'contact.requeued' as const, contactId: 'x', queueId: 'q', reason: 'moved' as const },
      { type: 'contact.closed' as const, contactId: 'c1', agentId: 'a' },
      { type: 'contact.priorityChanged' as const, contactId: 'c1', priority: 3 },
      { type: 'agent.stateChanged' as const, agentId: 'b', state: 'ready' as const, reason: null },
    ];
    expect(ownEffects(effects, 'a').map((e) => e.type)).toEqual(['contact.closed', 'contact.priorityChanged']);
  });
});
