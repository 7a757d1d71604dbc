import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedUser } from '../support/api.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import type { Agent, Contact } from '../../src/core/acd/types.js';
import { persistAgent, persistContact, type ContactWrite } from '../../src/roles/acd/snapshot.js';
import { persistAgentsMany, persistContactsMany } from '../../src/roles/acd/persist-many.js';

/**
 * The queue-engine leader writes a group's contacts and agents in one statement per table
 * (persist-many.ts: json_to_recordset on PostgreSQL, json_each on SQLite). Two identical sets of
 * rows, one written row by row (persistContact / persistAgent) and one in one statement, must end
 * up equal column for column, including the rules: wrap-up code and unhandled reason only when
 * set, assigned_at / closed_at only when given, nulls, booleans as 0/1 and JSON arrays.
 */
for (const dialect of BACKENDS) {
  describe(`queue engine: one statement per table writes what row-by-row writes (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let acct: { entranceId: string; queueId: string };

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      const r = await createAccount(deps.storage.db, {
        address: 'many@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!r.ok) throw new Error(r.message);
      acct = r;
    });
    afterAll(async () => { await deps?.close(); await tdb?.drop(); });

    const insertContact = async (id: string, wrap: string | null) => {
      await deps.storage.db.insertInto('contacts').values({
        id, entrance_id: acct.entranceId, queue_id: acct.queueId, inbound_message_id: null, dedupe_key: `m:${id}`, status: 'queued', message_id: `<${id}@example.org>`,
        subject: 's', from_address: 'c@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: 1,
        in_reply_to: null, references_ids: '[]', text_body: 'x', html_body: null, attachments: '[]', contact_data: '{}', priority: 0, queued_at: 1, agent_id: null,
        offer_count: 0, declined_by: '[]', assigned_at: 5, closed_at: null, created_at: 1, updated_at: 1, wrap_up_code: wrap, unhandled_reason: 'before',
      }).execute();
    };

    it('contacts', async () => {
      const agent = (await seedUser(deps, { username: `many-a-${dialect}`, password: 'many-password', role: 'agent' })).id;
      const base = (id: string): Contact => ({
        id, entranceId: acct.entranceId, areaId: null, queueId: acct.queueId, personalAgentId: null, status: 'queued', routing: 'routed', queuedAt: 100, destEnteredAt: 110,
        priority: 3, agentId: null, offerCount: 0, declinedBy: [], taskTypeId: null, route: [], routeIndex: -1, dueAt: null, outOfHours: false, previousAgentId: null,
        endReason: null, data: {},
      });
      const variants: ((c: Contact) => Omit<ContactWrite, 'c'> & { c: Contact })[] = [
        (c) => ({ c, at: 1000 }),
        (c) => ({ c: { ...c, status: 'assigned', agentId: agent, offerCount: 2, declinedBy: [agent, 'other'], priority: 9 }, at: 1001, assignedAt: 1001 }),
        (c) => ({ c: { ...c, status: 'closed', agentId: agent, wrapUpCode: 'solved', endReason: 'done', unhandledReason: null }, at: 1002, closedAt: 1002 }),
        (c) => ({ c: { ...c, parked: true, parkedAt: 900, remindAt: 5000, outOfHours: true, dueAt: 7777, previousAgentId: agent, routeIndex: 1, route: [{ queueId: acct.queueId, waitSeconds: 30 }] as never }, at: 1003 }),
        (c) => ({ c: { ...c, status: 'closed', unhandledReason: 'spam', wrapUpCode: undefined }, at: 1004, closedAt: 1004 }),
        (c) => ({ c: { ...c, personalAgentId: agent, routing: 'personal' as never, wrapUpCode: null }, at: 1005 }),
      ];
      const one: string[] = [], many: string[] = [];
      for (let i = 0; i < variants.length; i++) {
        one.push(randomUUID()); many.push(randomUUID());
        await insertContact(one[i], i % 2 ? 'kept' : null);
        await insertContact(many[i], i % 2 ? 'kept' : null);
      }
      await deps.storage.transaction(async (trx) => {
        for (let i = 0; i < variants.length; i++) await persistContact(trx, variants[i](base(one[i])));
        await persistContactsMany(deps.storage.dialect, trx, variants.map((v, i) => v(base(many[i]))));
      });
      const read = async (ids: string[]) => {
        const rows = await deps.storage.db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute();
        return ids.map((id) => { const { id: _id, dedupe_key: _k, message_id: _m, ...rest } = rows.find((r) => r.id === id)!; return rest; });
      };
      const [byRow, byStatement] = [await read(one), await read(many)];
      expect(byStatement).toEqual(byRow);
      expect(byRow[1]).toMatchObject({ status: 'assigned', assigned_at: 1001, declined_by: JSON.stringify([agent, 'other']) });
      expect(byRow[2]).toMatchObject({ wrap_up_code: 'solved', closed_at: 1002, unhandled_reason: null });
      expect(byRow[4]).toMatchObject({ wrap_up_code: null, unhandled_reason: 'spam' });
      expect(byRow[3]).toMatchObject({ parked: 1, out_of_hours: 1, assigned_at: 5, wrap_up_code: 'kept', unhandled_reason: 'before' });
    });

    it('agents', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push((await seedUser(deps, { username: `many-${i}-${dialect}`, password: 'many-password', role: 'agent' })).id);
      const agents: Agent[] = [
        { id: ids[0], state: 'ready', pauseReason: null, stateSince: 10, idleSince: 11, capacity: 1, pendingPause: null, wrapUpUntil: null },
        { id: ids[1], state: 'paused', pauseReason: 'lunch', stateSince: 12, idleSince: 13, capacity: 1, pendingPause: { reason: 'meeting' }, wrapUpUntil: 99 },
      ];
      await deps.storage.transaction(async (trx) => {
        await persistAgent(trx, agents[0], 500);
        await persistAgent(trx, agents[1], 501);
        await persistAgentsMany(deps.storage.dialect, trx, [{ a: { ...agents[0], id: ids[2] }, at: 500 }, { a: { ...agents[1], id: ids[3] }, at: 501 }]);
      });
      const rows = await deps.storage.db.selectFrom('agent_states').selectAll().where('user_id', 'in', ids).execute();
      const strip = (id: string) => { const { user_id: _u, ...rest } = rows.find((r) => r.user_id === id)!; return rest; };
      expect([strip(ids[2]), strip(ids[3])]).toEqual([strip(ids[0]), strip(ids[1])]);
      expect(strip(ids[1])).toMatchObject({ state: 'paused', pause_reason: 'lunch', pending_pause: JSON.stringify({ reason: 'meeting' }), wrap_up_until: 99 });
    });
  });
}
