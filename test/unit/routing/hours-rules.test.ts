import { describe, expect, it } from 'vitest';
import { isOpen, nextOpening, validateHours } from '../../../src/core/routing/hours.js';
import type { OpeningHours, RoutingConfig } from '../../../src/core/routing/model.js';
import { assignTaskType, criterionHolds, destinationProblem, findRoutingRule } from '../../../src/core/routing/rules.js';

const office: OpeningHours = {
  timeZone: 'Europe/Stockholm',
  weekly: { 1: ['08:00-12:00', '13:00-17:00'], 2: ['08:00-17:00'], 3: ['08:00-17:00'], 4: ['08:00-17:00'], 5: ['08:00-15:00'] },
  exceptions: { '2026-12-24': [], '2026-12-27': ['10:00-14:00'] },
};
const at = (iso: string) => Date.parse(iso);

describe('opening hours (entrance time zone)', () => {
  it.each([
    { when: '2026-11-30T07:30:00Z', open: true, why: 'Monday 08:30 CET' },
    { when: '2026-11-30T06:59:00Z', open: false, why: 'Monday 07:59 CET' },
    { when: '2026-11-30T11:30:00Z', open: false, why: 'Monday lunch 12:30 CET' },
    { when: '2026-12-04T14:00:00Z', open: false, why: 'Friday 15:00 CET (end exclusive)' },
    { when: '2026-12-05T10:00:00Z', open: false, why: 'Saturday' },
    { when: '2026-12-24T10:00:00Z', open: false, why: 'dated exception: closed all day' },
    { when: '2026-12-27T10:00:00Z', open: true, why: 'dated exception: open on a Sunday' },
    { when: '2026-07-06T06:30:00Z', open: true, why: 'Monday 08:30 CEST (summer time)' },
  ])('$why → open=$open', ({ when, open }) => {
    expect(isOpen(office, at(when))).toBe(open);
  });

  it.each([
    { from: '2026-12-04T16:00:00Z', next: '2026-12-07T07:00:00Z', why: 'Friday evening → Monday 08:00 CET' },
    { from: '2026-11-30T11:15:00Z', next: '2026-11-30T12:00:00Z', why: 'lunch → 13:00 CET' },
    { from: '2026-12-23T20:00:00Z', next: '2026-12-25T07:00:00Z', why: 'skips the closed exception day' },
    { from: '2026-11-30T08:00:00Z', next: '2026-11-30T08:00:00Z', why: 'already open: now' },
  ])('next opening: $why', ({ from, next }) => {
    expect(nextOpening(office, at(from))).toBe(at(next));
  });

  it('never open → null; no hours → always open', () => {
    expect(nextOpening({ timeZone: 'UTC', weekly: {}, exceptions: {} }, 0)).toBeNull();
    expect(isOpen(null, 0)).toBe(true);
  });

  it('validation lists every problem', () => {
    expect(validateHours({ timeZone: 'Mars/Olympus', weekly: { 8: ['x'] } as OpeningHours['weekly'], exceptions: { '2026-1-1': ['17:00-08:00'] } })).toEqual([
      "unknown time zone 'Mars/Olympus'", "weekday '8' must be 1 (Monday) to 7 (Sunday)", "weekly.8: 'x' is not HH:MM-HH:MM with start before end",
      "exception '2026-1-1' must be YYYY-MM-DD", "exceptions.2026-1-1: '17:00-08:00' is not HH:MM-HH:MM with start before end",
    ]);
  });
});

describe('criteria, task types and routing rules', () => {
  const data = { entrance: 'support@acme.test', emailCategories: ['billing', 'Invoice'], emailHdrSubject: 'Refund for order 123', language: 'sv' };
  it.each([
    { c: { key: 'entrance', op: 'equals', value: 'SUPPORT@acme.test' }, holds: true },
    { c: { key: 'entrance', op: 'equals', value: 'support' }, holds: false },
    { c: { key: 'entrance', op: 'contains', value: 'support' }, holds: true },
    { c: { key: 'emailCategories', op: 'equals', value: 'invoice' }, holds: true },
    { c: { key: 'emailCategories', op: 'contains', value: 'bill' }, holds: true },
    { c: { key: 'emailHdrSubject', op: 'contains', value: 'refund' }, holds: true },
    { c: { key: 'language', op: 'equals', value: 'en' }, holds: false },
    { c: { key: 'missing', op: 'contains', value: '' }, holds: false },
  ] as const)('$c.key $c.op $c.value → $holds', ({ c, holds }) => {
    expect(criterionHolds(c, data)).toBe(holds);
  });

  it('task types: explicit search order, first match wins, per area', () => {
    const rules = [
      { id: 'r3', areaId: 'a', order: 3, criteria: [], taskTypeId: 'general' },
      { id: 'r1', areaId: 'a', order: 1, criteria: [{ key: 'emailCategories', op: 'equals' as const, value: 'billing' }, { key: 'language', op: 'equals' as const, value: 'en' }], taskTypeId: 'billing-en' },
      { id: 'r2', areaId: 'a', order: 2, criteria: [{ key: 'emailCategories', op: 'equals' as const, value: 'billing' }], taskTypeId: 'billing' },
      { id: 'x', areaId: 'b', order: 0, criteria: [], taskTypeId: 'other-area' },
    ];
    expect(assignTaskType(rules, 'a', data)?.taskTypeId).toBe('billing');
    expect(assignTaskType(rules, 'a', { ...data, language: 'en' })?.taskTypeId).toBe('billing-en');
    expect(assignTaskType(rules, 'a', {})?.taskTypeId).toBe('general');
    expect(assignTaskType(rules.slice(1, 3), 'a', {})).toBeNull();
  });

  it('routing rules: first matching rule by search order', () => {
    const rules = [
      { id: 'b', areaId: 'a', order: 2, criteria: [{ key: 'taskType', op: 'equals' as const, value: 'billing' }], destinations: [] },
      { id: 'a', areaId: 'a', order: 1, criteria: [{ key: 'language', op: 'equals' as const, value: 'sv' }], destinations: [] },
    ];
    expect(findRoutingRule(rules, 'a', { ...data, taskType: 'billing' })?.id).toBe('a');
    expect(findRoutingRule(rules, 'a', { taskType: 'billing' })?.id).toBe('b');
    expect(findRoutingRule(rules, 'a', {})).toBeNull();
  });

  it('destination validity', () => {
    const cfg = {
      areas: { a: {}, b: {} }, agents: { x: { areaId: 'a' }, y: { areaId: 'b' } },
      queues: { q: { name: 'Q', areaId: 'a', kind: 'skill' }, w: { name: 'W', areaId: 'a', kind: 'waiting-list' }, o: { name: 'O', areaId: 'b', kind: 'skill' } },
    } as unknown as RoutingConfig;
    const none = { type: 'none' } as const;
    expect([
      destinationProblem(cfg, 'a', { type: 'queue', queueId: 'q', escalation: none }),
      destinationProblem(cfg, 'a', { type: 'queue', queueId: 'o', escalation: none }),
      destinationProblem(cfg, 'a', { type: 'queue', queueId: 'w', escalation: none }),
      destinationProblem(cfg, 'a', { type: 'waiting-list', queueId: 'q', escalation: none }),
      destinationProblem(cfg, 'a', { type: 'personal', agentId: 'y', escalation: none }),
      destinationProblem(cfg, 'a', { type: 'area', areaId: 'a' }),
      destinationProblem(cfg, 'a', { type: 'external-email', address: 'nope' }),
      destinationProblem(cfg, 'a', { type: 'end', reason: 'spam' }),
    ]).toEqual([null, 'queue O belongs to another area', 'W is a waiting list, not a queue', 'queue Q is not a waiting list', 'agent y belongs to another area',
      'escalation to the same area', "'nope' is not an email address", null]);
  });
});
