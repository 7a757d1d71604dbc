import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedUser } from '../support/api.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import type { AcdState } from '../../src/core/acd/types.js';
import { AcdLeader, CommandGoneError } from '../../src/roles/acd/memory.js';
import { AcdUnavailableError } from '../../src/roles/acd/commands.js';
import { acdSettings, type AcdOutcome } from '../../src/roles/acd/engine.js';
import { releaseLead, tryLead } from '../../src/roles/acd/leader.js';
import { loadSnapshot } from '../../src/roles/acd/snapshot.js';

/**
 * Group commit: events submitted together are decided one at a time in memory and committed in
 * one transaction. When that commit fails (here: the event log refuses inserts), every caller of the
 * group gets the retryable acd.unavailable, nothing of the group is in the database, and the
 * leader's state is what a reload from the database gives. Once the database accepts writes again,
 * the same commands succeed, again as one group.
 */
const comparable = (s: Pick<AcdState, 'agents' | 'contacts' | 'offers'>) => ({ agents: s.agents, contacts: s.contacts, offers: s.offers });

for (const dialect of BACKENDS) {
  describe(`queue-engine group commit (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    const agents: string[] = [];
    const INSTANCE = `group-${dialect}`;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      const now = Date.now();
      const acct = await createAccount(deps.storage.db, {
        address: 'group@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, now);
      if (!acct.ok) throw new Error(acct.message);
      for (let i = 0; i < 4; i++) agents.push((await seedUser(deps, { username: `group${i}`, password: 'group-password', role: 'agent' })).id);
      for (let i = 0; i < 6; i++) {
        const id = randomUUID();
        await deps.storage.db.insertInto('contacts').values({
          id, entrance_id: acct.entranceId, queue_id: acct.queueId, inbound_message_id: null, dedupe_key: `g:${id}`, status: 'queued', message_id: `<${id}@example.org>`,
          subject: `group ${i}`, from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
          in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: now + i, agent_id: null,
          offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
        }).execute();
      }
    });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    /** Makes every insert into the event log fail (a commit that cannot happen), or lifts that. */
    const refuseEventLog = async (on: boolean) => {
      const db = deps.storage.db;
      if (dialect === 'sqlite') {
        await sql.raw(on ? "create trigger refuse_events before insert on events begin select raise(abort, 'refused by the test'); end" : 'drop trigger refuse_events').execute(db);
      } else if (on) {
        await sql.raw("create function refuse_events() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$").execute(db);
        await sql.raw('create trigger refuse_events before insert on events for each row execute function refuse_events()').execute(db);
      } else {
        await sql.raw('drop trigger refuse_events on events').execute(db);
        await sql.raw('drop function refuse_events()').execute(db);
      }
    };
    const fromDb = async () => comparable(await loadSnapshot(deps.storage.db, acdSettings(deps), Date.now()));
    const settle = (ps: Promise<AcdOutcome>[]) => Promise.allSettled(ps);

    it('a failed group commit answers every caller with the retryable error; the state equals a reload', async () => {
      expect(await tryLead(deps.storage.db, INSTANCE, Date.now(), 600_000)).toBe(true);
      try {
        const leader = new AcdLeader(deps, INSTANCE);
        leader.leading = true;
        await leader.load();
        const before = await fromDb();
        expect(comparable(leader.snapshot()!)).toEqual(before);
        const commits = leader.commits;

        await refuseEventLog(true);
        const failed = await settle(agents.map((agentId) => leader.apply(deps, { type: 'agent.setState', agentId, state: 'ready' })));
        await refuseEventLog(false);
        expect(failed.map((r) => r.status)).toEqual(agents.map(() => 'rejected'));
        for (const r of failed) {
          const err = (r as PromiseRejectedResult).reason as unknown;
          expect(err).toBeInstanceOf(AcdUnavailableError);
          expect((err as AcdUnavailableError).code).toBe('acd.unavailable');
        }
        expect(leader.commits).toBe(commits);
        // Nothing of the group was written, and the leader reloads exactly that.
        expect(await fromDb()).toEqual(before);
        await leader.load();
        expect(comparable(leader.snapshot()!)).toEqual(before);

        // The same commands now succeed, decided one at a time and committed together.
        const done = await Promise.all(agents.map((agentId) => leader.apply(deps, { type: 'agent.setState', agentId, state: 'ready' })));
        expect(done.every((o) => o.ok)).toBe(true);
        expect(leader.commits).toBe(commits + 1);
        const offered = done.flatMap((o) => (o.ok ? o.effects : [])).filter((e) => e.type === 'offer.created');
        expect(offered).toHaveLength(agents.length);
        expect(new Set(offered.map((e) => (e.type === 'offer.created' ? e.offer.contactId : ''))).size).toBe(agents.length);
        expect(comparable(leader.snapshot()!)).toEqual(await fromDb());
        const logged = await deps.storage.db.selectFrom('events').select('type').where('type', '=', 'offer.created').execute();
        expect(logged).toHaveLength(agents.length);
      } finally {
        await releaseLead(deps.storage.db, INSTANCE);
      }
    }, 60_000);

    it("a group's command rows are answered together; one its sender cancelled is not decided, the others are", async () => {
      expect(await tryLead(deps.storage.db, INSTANCE, Date.now(), 600_000)).toBe(true);
      try {
        const leader = new AcdLeader(deps, INSTANCE);
        leader.leading = true;
        await leader.load();
        const db = deps.storage.db;
        const pause = (agentId: string) => ({ type: 'agent.setState' as const, agentId, state: 'paused' as const });
        const ids: number[] = [];
        for (const agentId of agents) {
          const row = await db.insertInto('acd_commands').values({
            event: JSON.stringify(pause(agentId)), status: 'pending', result: null, submitted_by: 'test', answered_by: null, created_at: Date.now(), answered_at: null,
          }).returning('id').executeTakeFirstOrThrow();
          ids.push(Number(row.id));
        }
        // The last sender gave up before the leader answered.
        await db.updateTable('acd_commands').set({ status: 'cancelled', answered_at: Date.now() }).where('id', '=', ids[3]).execute();
        const results = await settle(agents.map((agentId, i) => leader.apply(deps, pause(agentId), { commandId: ids[i] })));
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
        expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(CommandGoneError);
        const rows = await db.selectFrom('acd_commands').select(['id', 'status', 'result', 'answered_by']).where('id', 'in', ids).orderBy('id').execute();
        expect(rows.map((r) => [r.status, r.answered_by])).toEqual([['done', INSTANCE], ['done', INSTANCE], ['done', INSTANCE], ['cancelled', null]]);
        for (let i = 0; i < 3; i++) {
          const answered = (results[i] as PromiseFulfilledResult<AcdOutcome>).value;
          expect(JSON.parse(rows[i].result!)).toEqual({ ...answered, nextDue: null });
        }
        const states = await db.selectFrom('agent_states').select(['user_id', 'state']).where('user_id', 'in', agents).execute();
        expect(agents.map((id) => states.find((s) => s.user_id === id)?.state)).toEqual(['paused', 'paused', 'paused', 'ready']);
        expect(comparable(leader.snapshot()!)).toEqual(await fromDb());
      } finally {
        await releaseLead(deps.storage.db, INSTANCE);
      }
    }, 60_000);
  });
}
