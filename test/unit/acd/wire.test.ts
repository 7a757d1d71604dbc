import { describe, expect, it } from 'vitest';
import { toWireEvent } from '../../../src/core/acd/wire.js';
import { localDay } from '../../../src/web/routes/desk.js';

/** The pushed event shapes the desktop codes against (live and replayed alike). */
describe('toWireEvent', () => {
  const at = Date.UTC(2026, 10, 30, 8, 0, 0);
  it.each([
    [{ type: 'contact.parked', contactId: 'c', agentId: 'a', remindAt: at + 60_000 }, { type: 'contact.parked', agentId: 'a', contactId: 'c', remindAt: '2026-11-30T08:01:00.000Z' }],
    [{ type: 'contact.parked', contactId: 'c', agentId: 'a', remindAt: null }, { type: 'contact.parked', agentId: 'a', contactId: 'c', remindAt: null }],
    [{ type: 'contact.unparked', contactId: 'c', agentId: 'a' }, { type: 'contact.unparked', agentId: 'a', contactId: 'c' }],
    [{ type: 'contact.park_reminder', contactId: 'c', agentId: 'a' }, { type: 'contact.park_reminder', agentId: 'a', contactId: 'c' }],
    [{ type: 'contact.closed', contactId: 'c', agentId: 'a', wrapUpCode: 'sold' }, { type: 'contact.closed', agentId: 'a', contactId: 'c', wrapUpCode: 'sold', unhandledReason: null }],
    [{ type: 'contact.closed', contactId: 'c', agentId: 'a', unhandledReason: 'spam' }, { type: 'contact.closed', agentId: 'a', contactId: 'c', wrapUpCode: null, unhandledReason: 'spam' }],
    [{ type: 'agent.stateChanged', agentId: 'a', state: 'wrap_up', reason: null, wrapUpUntil: at + 30_000 }, { type: 'agent.state', agentId: 'a', state: 'wrap_up', reason: null, wrapUpUntil: '2026-11-30T08:00:30.000Z' }],
    [{ type: 'contact.requeued', contactId: 'c', queueId: 'q', reason: 'declined' }, { type: 'contact.requeued', agentId: null, contactId: 'c', queueId: 'q', reason: 'declined' }],
  ] as const)('%o', (effect, wire) => {
    expect(toWireEvent(effect as never, at)).toEqual({ ...wire, at: '2026-11-30T08:00:00.000Z' });
  });
});

describe('localDay', () => {
  it('spans the local calendar day holding the time', () => {
    const now = new Date(2026, 10, 30, 13, 45).getTime();
    const d = localDay(now);
    expect(d.date).toBe('2026-11-30');
    expect(d.from).toBe(new Date(2026, 10, 30).getTime());
    expect(d.to).toBe(new Date(2026, 11, 1).getTime());
    expect(localDay(d.to).date).toBe('2026-12-01');
  });
});
