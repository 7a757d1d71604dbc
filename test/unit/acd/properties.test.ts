import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide } from '../../../src/core/acd/decide.js';
import { agentDef as defOf, indexOf, minLevel, queueDef, waitingKey } from '../../../src/core/acd/indexes.js';
import type { AcdEvent, AcdState, Contact } from '../../../src/core/acd/types.js';
import { relaxationLevel } from '../../../src/core/routing/requirement.js';
import { agent, agentDef, area, config, contact, queue, state } from './fixtures.js';

/**
 * Random event sequences (arrivals through the routing table, state changes, accepts, declines,
 * timeouts, closes, transfers, moves, priority changes, clock jumps) against the invariants:
 * a contact is offered to at most one agent; no agent over capacity; no contact lost; queue order
 * respected; paused / logged-out agents never offered work; queue time never reset by a requeue;
 * and no available agent left idle while a contact they may take waits.
 */
const cfg = config({
  areas: { A: area('A', { defaultWrapUpSeconds: 20 }) },
  queues: {
    qa: queue('qa', { req: 'billing>=5', relaxation: [{ afterSeconds: 60, lowerLevelsBy: 3, drop: [] }], sortOrder: 'longest-waiting' }),
    qb: queue('qb', { req: 'group:sv', weight: 2, sortOrder: 'highest-priority' }),
    qc: queue('qc', { priorityTier: 2, sortOrder: 'service-level-deadline', sl1Minutes: 5 }),
    'A-none': queue('A-none', { kind: 'no-routing' }),
  },
  entrances: { e: { id: 'e', areaId: 'A', name: 'support', hours: null, defaultQueueId: null } },
  taskTypes: { tt: { id: 'tt', areaId: 'A', name: 'Billing', wrapUpSeconds: null } },
  taskTypeRules: [{ id: 't', areaId: 'A', order: 1, criteria: [{ key: 'emailHdrSubject', op: 'equals', value: 'b' }], taskTypeId: 'tt' }],
  routingRules: [
    { id: 'r1', areaId: 'A', order: 1, criteria: [{ key: 'taskType', op: 'equals', value: 'Billing' }], destinations: [{ type: 'queue', queueId: 'qa', escalation: { type: 'wait', seconds: 30 } }, { type: 'queue', queueId: 'qb', escalation: { type: 'none' } }] },
    { id: 'r2', areaId: 'A', order: 2, criteria: [{ key: 'emailHdrSubject', op: 'equals', value: 's' }], destinations: [{ type: 'queue', queueId: 'qb', escalation: { type: 'none' } }] },
    { id: 'r3', areaId: 'A', order: 3, criteria: [], destinations: [{ type: 'queue', queueId: 'qc', escalation: { type: 'eqt', seconds: 600 } }, { type: 'queue', queueId: 'qa', escalation: { type: 'none' } }] },
  ],
  agents: {
    a1: agentDef('a1', { skills: { billing: 7 } }), a2: agentDef('a2', { skills: { billing: 3 }, groups: ['sv'] }),
    a3: agentDef('a3', { groups: ['sv'] }), a4: agentDef('a4'),
  },
});
const AGENTS = ['a1', 'a2', 'a3', 'a4'];
const QUEUES = ['qa', 'qb', 'qc'];

type Step = { dt: number; make: (s: AcdState, n: number) => { event: AcdEvent; add?: Contact } };
const pick = <T>(xs: T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const tick: AcdEvent = { type: 'tick' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ subject: fc.constantFrom('b', 's', 'x'), dt: fc.nat(20_000) }).map(({ subject, dt }) => ({
    dt, make: (_s: AcdState, n: number) => {
      const id = `c${n}`;
      return { event: { type: 'contact.queued', contactId: id } as AcdEvent, add: contact(id, { routing: 'pending', entranceId: 'e', areaId: null, queueId: 'qc', data: { emailHdrSubject: subject } }) };
    },
  })),
  fc.record({ who: fc.constantFrom(...AGENTS), st: fc.constantFrom('ready', 'ready', 'paused', 'logged_out') as fc.Arbitrary<'ready' | 'paused' | 'logged_out'>, force: fc.boolean(), dt: fc.nat(20_000) })
    .map(({ who, st, force, dt }) => ({ dt, make: () => ({ event: { type: 'agent.setState', agentId: who, state: st, force } as AcdEvent }) })),
  fc.record({ i: fc.nat(), accept: fc.boolean(), dt: fc.nat(20_000) }).map(({ i, accept, dt }) => ({
    dt, make: (s: AcdState) => {
      const o = pick(Object.values(s.offers).sort((a, b) => (a.id < b.id ? -1 : 1)), i);
      return { event: o ? { type: accept ? 'offer.accept' : 'offer.decline', offerId: o.id, agentId: o.agentId } as AcdEvent : tick };
    },
  })),
  fc.record({ i: fc.nat(), how: fc.constantFrom('close', 'close', 'queue', 'colleague'), target: fc.nat(), dt: fc.nat(20_000) }).map(({ i, how, target, dt }) => ({
    dt, make: (s: AcdState): { event: AcdEvent } => {
      const c = pick(Object.values(s.contacts).filter((x) => x.status === 'assigned').sort((a, b) => (a.id < b.id ? -1 : 1)), i);
      if (!c) return { event: tick };
      if (how === 'close') return { event: { type: 'contact.close', contactId: c.id, agentId: c.agentId! } };
      const to = how === 'queue' ? { queueId: QUEUES[target % 3] } : { agentId: AGENTS[target % 4] };
      return { event: { type: 'contact.transfer', contactId: c.id, agentId: c.agentId!, to } };
    },
  })),
  fc.record({ i: fc.nat(), target: fc.nat(), prio: fc.option(fc.integer({ min: 0, max: 9 })), dt: fc.nat(20_000) }).map(({ i, target, prio, dt }) => ({
    dt, make: (s: AcdState): { event: AcdEvent } => {
      const c = pick(Object.values(s.contacts).filter((x) => x.status === 'queued' || x.status === 'offered').sort((a, b) => (a.id < b.id ? -1 : 1)), i);
      if (!c) return { event: tick };
      return { event: prio === null ? { type: 'contact.move', contactId: c.id, to: target % 2 ? { queueId: QUEUES[target % 3] } : { agentId: AGENTS[target % 4] } } : { type: 'contact.setPriority', contactId: c.id, priority: prio } };
    },
  })),
  fc.record({ who: fc.constantFrom(...AGENTS), end: fc.boolean(), dt: fc.nat(20_000) }).map(({ who, end, dt }) => ({ dt, make: () => ({ event: { type: 'agent.wrapUp', agentId: who, action: end ? 'end' : 'extend', seconds: 10 } as AcdEvent }) })),
  fc.oneof(fc.nat(120_000), fc.constant(3_600_000)).map((dt) => ({ dt, make: () => ({ event: tick }) })),
);

function mayTake(s: AcdState, agentId: string, c: Contact, now: number): boolean {
  if (c.declinedBy.includes(agentId)) return false;
  if (c.personalAgentId) return c.personalAgentId === agentId;
  const q = queueDef(s, c.queueId);
  if (q.kind === 'waiting-list') return false;
  return minLevel(q, defOf(s, agentId)) <= relaxationLevel(q.relaxation, now - c.destEnteredAt);
}
const ahead = (s: AcdState, a: Contact, b: Contact) => indexOf(s).comparator(waitingKey(a))(a, b) < 0;

describe('queue engine invariants over random event sequences', () => {
  it('holds every invariant after every decision', () => {
    // rebuild: like the shell, every decision runs on a state rebuilt from its plain records
    fc.assert(fc.property(fc.array(stepArb, { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }), fc.boolean(), (steps, caps, rebuild) => {
      const c2 = { ...cfg, agents: Object.fromEntries(AGENTS.map((id, i) => [id, { ...cfg.agents[id], capacity: caps[i] }])) };
      let s = state(AGENTS.map((id, i) => agent(id, { state: 'logged_out', capacity: caps[i] })), [], c2);
      let now = 1_000_000;
      let n = 0;
      const firstQueued = new Map<string, number>();
      for (const step of steps) {
        now += step.dt;
        const { event, add } = step.make(s, n++);
        if (add) { add.queuedAt = now; add.destEnteredAt = now; s.contacts[add.id] = add; s.index = undefined; firstQueued.set(add.id, now); }
        if (rebuild) { const { index: _ix, ...records } = s; s = structuredClone(records) as AcdState; }
        const waitingBefore = new Set(Object.values(s.contacts).filter((c) => c.status === 'queued').map((c) => c.id));
        const d = decide(s, event, now);
        s = d.state;
        const contacts = Object.values(s.contacts);
        // no contact lost; queue time never reset
        expect(contacts.length).toBe(firstQueued.size);
        for (const c of contacts) {
          expect(c.queuedAt).toBe(firstQueued.get(c.id));
          if (c.status === 'closed') continue;
          expect(c.routing).toBe('routed');
          if (c.status === 'queued') expect(indexOf(s).waiting.get(waitingKey(c))).toContain(c.id);
          else expect(c.agentId).not.toBeNull();
        }
        // at most one open offer per contact, matching the contact
        const perContact = new Map<string, number>();
        for (const o of Object.values(s.offers)) {
          perContact.set(o.contactId, (perContact.get(o.contactId) ?? 0) + 1);
          expect(s.contacts[o.contactId]).toMatchObject({ status: 'offered', agentId: o.agentId });
        }
        for (const k of perContact.values()) expect(k).toBe(1);
        for (const c of contacts) if (c.status === 'offered') expect(perContact.get(c.id)).toBe(1);
        // capacity, counted from the records
        for (const a of Object.values(s.agents)) {
          expect(contacts.filter((c) => c.agentId === a.id && (c.status === 'offered' || c.status === 'assigned')).length).toBeLessThanOrEqual(a.capacity);
        }
        for (const fx of d.effects) {
          if (fx.type !== 'offer.created') continue;
          // only ready agents without a pending pause get offers
          const a = s.agents[fx.offer.agentId];
          expect(a.pendingPause).toBeNull();
          expect(['ready']).toContain(a.state);
          // queue order: nothing still waiting ahead of the offered contact that this agent could take
          const c = s.contacts[fx.offer.contactId];
          for (const other of contacts) {
            if (other.status !== 'queued' || waitingKey(other) !== waitingKey(c) || !waitingBefore.has(other.id)) continue;
            if (ahead(s, other, c)) expect(mayTake(s, a.id, other, now)).toBe(false);
          }
        }
        // no available agent idle while a contact they may take waits (a rejected command changes nothing,
        // not even due timers: the next tick runs them)
        if (d.rejected) continue;
        for (const a of Object.values(s.agents)) {
          if (a.state !== 'ready' || a.pendingPause || indexOf(s).loadOf(a.id) >= a.capacity) continue;
          expect(contacts.filter((c) => c.status === 'queued' && mayTake(s, a.id, c, now)).map((c) => c.id)).toEqual([]);
        }
      }
    }), { numRuns: 1000 });
  });
});
