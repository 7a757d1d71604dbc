import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedUser } from '../support/api.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { decide } from '../../src/core/acd/decide.js';
import { admitContact } from '../../src/core/acd/admit.js';
import type { AcdEvent, AcdState, Contact } from '../../src/core/acd/types.js';
import { AcdLeader } from '../../src/roles/acd/memory.js';
import { acdSettings } from '../../src/roles/acd/engine.js';
import { releaseLead, tryLead } from '../../src/roles/acd/leader.js';
import { loadContacts, loadSnapshot } from '../../src/roles/acd/snapshot.js';
import type { Deps } from '../../src/app/deps.js';

/**
 * The in-memory leader against a leader rebuilt from the database: random sequences of arrivals,
 * agent state changes, accepts, declines, closes, transfers, priority changes and clock jumps
 * (offer expiry). Before every event the state in memory equals the state loaded from the database,
 * and the decision made on the loaded state has the same effects as the leader's. At random points
 * the leader itself is replaced by one rebuilt from the database (a takeover), which carries on.
 * And grouped: several events submitted at once are committed as one group, with the outcomes of
 * deciding them one at a time on the loaded state, and the state after it equals a reload.
 */
type Step =
  | { k: 'state'; a: number; s: 'ready' | 'paused' | 'logged_out' }
  | { k: 'accept' | 'decline' | 'close' | 'transfer'; a: number }
  | { k: 'arrive' }
  | { k: 'prio'; c: number; p: number }
  | { k: 'tick'; dt: number }
  | { k: 'takeover' };

const agentIx = fc.nat(2);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('state' as const), a: agentIx, s: fc.constantFrom('ready' as const, 'ready' as const, 'ready' as const, 'paused' as const, 'logged_out' as const) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constantFrom('accept' as const, 'accept' as const, 'decline' as const, 'close' as const, 'close' as const, 'transfer' as const), a: agentIx }) },
  { weight: 3, arbitrary: fc.constant({ k: 'arrive' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('prio' as const), c: fc.nat(20), p: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 45_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'takeover' as const }) },
);

/** What must agree: agents, open contacts, open offers (the statistics and the index are derived). */
const comparable = (s: Pick<AcdState, 'agents' | 'contacts' | 'offers'>) => ({ agents: s.agents, contacts: s.contacts, offers: s.offers });

for (const dialect of BACKENDS) {
  describe(`queue-engine leader in memory = rebuilt from the database (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let now = Date.UTC(2026, 10, 30, 9, 0, 0);
    let clocked: Deps;
    let entranceId: string; let queueId: string;
    const agents: string[] = [];
    const INSTANCE = `prop-${dialect}`;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      clocked = { ...deps, config: { ...deps.config, offerTimeoutSeconds: 30 }, clock: () => now };
      const acct = await createAccount(deps.storage.db, {
        address: 'prop@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, now);
      if (!acct.ok) throw new Error(acct.message);
      ({ entranceId, queueId } = acct);
      for (let i = 0; i < 3; i++) agents.push((await seedUser(deps, { username: `prop${i}`, password: 'prop-password', role: 'agent', capacity: 1 + (i % 2) })).id);
    });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    const insertContact = async (): Promise<string> => {
      const id = randomUUID();
      await deps.storage.db.insertInto('contacts').values({
        id, entrance_id: entranceId, queue_id: queueId, inbound_message_id: null, dedupe_key: `p:${id}`, status: 'queued', message_id: `<${id}@example.org>`,
        subject: 'property', from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
        in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now, agent_id: null,
        offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
      }).execute();
      return id;
    };

    /** The step as an event, resolved against the current state (the same in memory and in the database). */
    const resolve = async (s: AcdState, st: Step): Promise<{ event: AcdEvent; contact?: Contact } | null> => {
      const a = agents[('a' in st ? st.a : 0) % agents.length];
      const offerOf = Object.values(s.offers).filter((o) => o.agentId === a).sort((x, y) => (x.id < y.id ? -1 : 1))[0];
      const assigned = Object.values(s.contacts).filter((c) => c.status === 'assigned' && c.agentId === a).sort((x, y) => (x.id < y.id ? -1 : 1))[0];
      switch (st.k) {
        case 'state': return { event: { type: 'agent.setState', agentId: a, state: st.s } };
        case 'accept': return { event: { type: 'offer.accept', offerId: offerOf?.id ?? 'no-such-offer', agentId: a } };
        case 'decline': return { event: { type: 'offer.decline', offerId: offerOf?.id ?? 'no-such-offer', agentId: a } };
        case 'close': return { event: { type: 'contact.close', contactId: assigned?.id ?? 'no-such-contact', agentId: a } };
        case 'transfer': return assigned ? { event: { type: 'contact.transfer', contactId: assigned.id, agentId: a, to: { queueId } } } : null;
        case 'prio': {
          const open = Object.keys(s.contacts).sort();
          return open.length ? { event: { type: 'contact.setPriority', contactId: open[st.c % open.length], priority: st.p } } : null;
        }
        case 'arrive': {
          const id = await insertContact();
          const [contact] = await loadContacts(deps.storage.db, (q) => q.where('id', '=', id));
          return { event: { type: 'contact.queued', contactId: id }, contact };
        }
        case 'tick': now += st.dt; return { event: { type: 'tick' } };
        case 'takeover': return null;
      }
    };

    it('every prefix: the same state, and the same effects for the next event', async () => {
      await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: dialect === 'sqlite' ? 30 : 18 }), async (steps) => {
        expect(await tryLead(deps.storage.db, INSTANCE, Date.now(), 600_000)).toBe(true);
        let leader = new AcdLeader(clocked, INSTANCE);
        leader.leading = true;
        await leader.load();
        try {
          for (const st of steps) {
            now += 1000;
            if (st.k === 'takeover') {
              leader = new AcdLeader(clocked, INSTANCE);
              leader.leading = true;
              await leader.load();
              continue;
            }
            let rebuilt = await loadSnapshot(deps.storage.db, acdSettings(clocked), now);
            expect(comparable(leader.snapshot()!)).toEqual(comparable(rebuilt));
            const r = await resolve(rebuilt, st);
            // A new contact is in the database before its hand-off reaches the leader.
            if (st.k === 'arrive') rebuilt = await loadSnapshot(deps.storage.db, acdSettings(clocked), now);
            if (!r) continue;
            const fromDb = decide(rebuilt, r.event, now);
            const out = await leader.apply(clocked, r.event, { contact: r.contact });
            if (fromDb.rejected) expect(out).toMatchObject({ ok: false, code: fromDb.rejected.code });
            else expect(out).toMatchObject({ ok: true, effects: fromDb.effects });
          }
          const end = await loadSnapshot(deps.storage.db, acdSettings(clocked), now);
          expect(comparable(leader.snapshot()!)).toEqual(comparable(end));
        } finally {
          await releaseLead(deps.storage.db, INSTANCE);
        }
      }), { numRuns: dialect === 'sqlite' ? 25 : 10 });
    }, 240_000);

    it('events submitted together (one group commit) reach the same outcomes as deciding them one at a time on the state loaded from the database', async () => {
      const chunked = fc.array(fc.array(step.filter((st) => st.k !== 'takeover' && st.k !== 'tick'), { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: dialect === 'sqlite' ? 8 : 5 });
      await fc.assert(fc.asyncProperty(chunked, async (chunks) => {
        expect(await tryLead(deps.storage.db, INSTANCE, Date.now(), 600_000)).toBe(true);
        const leader = new AcdLeader(clocked, INSTANCE);
        leader.leading = true;
        await leader.load();
        try {
          for (const chunk of chunks) {
            now += 1000;
            const rebuilt = await loadSnapshot(deps.storage.db, acdSettings(clocked), now);
            expect(comparable(leader.snapshot()!)).toEqual(comparable(rebuilt));
            const events: { event: AcdEvent; contact?: Contact }[] = [];
            for (const st of chunk) { const r = await resolve(rebuilt, st); if (r) events.push(r); }
            // Expected: one at a time on the loaded state, each arrival admitted when its event comes.
            const expected = events.map(({ event, contact }) => {
              if (contact && !rebuilt.contacts[contact.id]) admitContact(rebuilt, structuredClone(contact));
              const d = decide(rebuilt, event, now);
              for (const c of Object.values(rebuilt.contacts)) if (c.status === 'closed') delete rebuilt.contacts[c.id];
              return d.rejected ? { ok: false, code: d.rejected.code } : { ok: true, effects: d.effects };
            });
            const commits = leader.commits;
            const outs = await Promise.all(events.map(({ event, contact }) => leader.apply(clocked, event, { contact })));
            outs.forEach((out, i) => expect(out).toMatchObject(expected[i]));
            if (events.length) expect(leader.commits - commits).toBe(1); // one group
          }
          const end = await loadSnapshot(deps.storage.db, acdSettings(clocked), now);
          expect(comparable(leader.snapshot()!)).toEqual(comparable(end));
        } finally {
          await releaseLead(deps.storage.db, INSTANCE);
        }
      }), { numRuns: dialect === 'sqlite' ? 20 : 8 });
    }, 240_000);
  });
}
