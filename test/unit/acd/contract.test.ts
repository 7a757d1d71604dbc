import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/acd/decide.js';
import type { AcdState } from '../../../src/core/acd/types.js';
import { agent, contact, state } from './fixtures.js';

/** The ownership contract of decide(): in place, touched records named, rejections leave the state untouched, deterministic. */
const plain = (s: AcdState) => { const { index: _i, ...rest } = s; return structuredClone(rest); };

describe('decide ownership contract', () => {
  it('returns the same state object, updated in place, and names exactly the records it touched', () => {
    const s = state([agent('a'), agent('b', { state: 'paused' })], [contact('c1'), contact('c2', { queuedAt: 5 })]);
    const d = decide(s, { type: 'tick' }, 100);
    expect(d.state).toBe(s);
    expect(d.touched.contacts.sort()).toEqual(['c1']);
    expect(d.touched.agents).toEqual([]);
    expect(s.contacts.c2.status).toBe('queued');
  });

  it('a rejected command changes nothing', () => {
    const s = state([agent('a')], [contact('c1', { status: 'assigned', agentId: 'a' })]);
    decide(s, { type: 'tick' }, 1);
    const before = plain(s);
    const d = decide(s, { type: 'contact.close', contactId: 'c1', agentId: 'someone-else' }, 2);
    expect(d.rejected?.code).toBe('contact.not_yours');
    expect(plain(d.state)).toEqual(before);
    expect(d.touched).toEqual({ agents: [], contacts: [] });
  });

  it('is deterministic: the same inputs give the same effects and state', () => {
    const make = () => state([agent('a', { idleSince: 3 }), agent('b', { idleSince: 3 })], [contact('x', { queuedAt: 1 }), contact('y', { queuedAt: 1 })]);
    const d1 = decide(make(), { type: 'tick' }, 10);
    const d2 = decide(make(), { type: 'tick' }, 10);
    expect(d1.effects).toEqual(d2.effects);
    expect(plain(d1.state)).toEqual(plain(d2.state));
  });

  it('a state rebuilt from its records (as the shell does) decides like the live one', () => {
    const live = state([agent('a'), agent('b', { state: 'paused' })], [contact('c1'), contact('c2', { queuedAt: 5 })]);
    decide(live, { type: 'tick' }, 100);
    const rebuilt = plain(live) as AcdState;
    const e1 = decide(live, { type: 'agent.setState', agentId: 'b', state: 'ready' }, 200).effects;
    const e2 = decide(rebuilt, { type: 'agent.setState', agentId: 'b', state: 'ready' }, 200).effects;
    expect(e2).toEqual(e1);
  });
});
