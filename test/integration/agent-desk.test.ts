import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, insertContact, login, seedAdmin, seedUser, ADMIN, type Authed } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';

/** The agent desktop's actions through the API: park, wrap-up codes, close unhandled, transfer, my contacts, history, day figures. */
type Json = Record<string, any>;

for (const dialect of BACKENDS) {
  describe(`agent desk actions (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed; let alice: Authed; let bob: Authed; let sue: Authed;
    let aliceId: string; let bobId: string;
    let entranceId: string; let queueId: string; let otherQueueId: string;
    let taskTypeId: string;

    /** A contact whose contact data makes the task-type rule give it the Billing task type. */
    const billing = async (subject: string, from = 'customer@example.org', queue = queueId) => {
      const id = await insertContact(deps, { entranceId, queueId: queue, subject });
      await deps.storage.db.updateTable('contacts').set({ contact_data: JSON.stringify({ kind: 'billing', categories: ['invoice'], language: 'en' }), from_address: from })
        .where('id', '=', id).execute();
      return id;
    };
    const tick = () => submitAcdEvent(deps, { type: 'tick' });
    const me = async (who: Authed) => (await who.get('/api/v1/agents/me')).json() as Json;
    const row = (id: string) => deps.storage.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const types = (r: { json(): unknown }) => ((r.json() as Json).effects as Json[]).map((e) => e.type);

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      const acct = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acct.ok) throw new Error(acct.message);
      ({ entranceId, queueId } = acct);
      await seedAdmin(deps);
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      bobId = (await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      alice = authed(app, await login(app, 'alice', 'alice-password'));
      bob = authed(app, await login(app, 'bob', 'bob-password'));
      sue = authed(app, await login(app, 'sue', 'supervisor-pw'));

      const tt = await admin.post('/api/v1/routing/task-types', { name: 'Billing', wrapUpCodes: ['sold', 'info'] });
      expect(tt.statusCode).toBe(201);
      expect(tt.json()).toMatchObject({ name: 'Billing', wrapUpCodes: ['sold', 'info'], wrapUp: null });
      taskTypeId = (tt.json() as Json).id;
      expect((await admin.put('/api/v1/routing/areas/default/task-type-rules', { rules: [{ criteria: [{ key: 'kind', op: 'equals', value: 'billing' }], taskTypeId }] })).statusCode).toBe(200);
      const area = await admin.patch('/api/v1/routing/areas/default', { maxParked: 1, pauseReasons: ['lunch', 'meeting'] });
      expect(area.statusCode).toBe(200);
      expect(area.json()).toMatchObject({ maxParked: 1, pauseReasons: ['lunch', 'meeting'], defaultWrapUp: 0 });
      // Another area, whose queue alice and bob may not serve.
      const b = await admin.post('/api/v1/routing/areas', { name: 'Other' });
      expect(b.statusCode).toBe(201);
      const q = await admin.post('/api/v1/routing/queues', { name: 'Other queue', areaId: (b.json() as Json).id });
      expect(q.statusCode).toBe(201);
      otherQueueId = (q.json() as Json).id;
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('task types keep their wrap-up codes through patch and get; a patch changes only what it names', async () => {
      const patched = await admin.patch(`/api/v1/routing/task-types/${taskTypeId}`, { wrapUp: 0 });
      expect(patched.json()).toMatchObject({ wrapUp: 0, wrapUpCodes: ['sold', 'info'] });
      expect((await admin.patch(`/api/v1/routing/task-types/${taskTypeId}`, { wrapUpCodes: ['a', 'a'] })).statusCode).toBe(400);
      const list = (await sue.get('/api/v1/routing/task-types')).json() as Json;
      expect(list.taskTypes).toContainEqual(expect.objectContaining({ id: taskTypeId, wrapUpCodes: ['sold', 'info'] }));
      expect((await alice.patch(`/api/v1/routing/task-types/${taskTypeId}`, { wrapUpCodes: [] })).statusCode).toBe(403);
      // A patch that changes nothing is a no-op (it was an empty UPDATE and a 500); an unknown id is still a 404.
      const empty = await admin.patch(`/api/v1/routing/task-types/${taskTypeId}`, {});
      expect(empty.statusCode).toBe(200);
      expect(empty.json()).toMatchObject({ id: taskTypeId, wrapUpCodes: ['sold', 'info'] });
      expect((await admin.patch('/api/v1/routing/task-types/no-such-type', {})).statusCode).toBe(404);
      expect((await admin.patch(`/api/v1/routing/queues/${otherQueueId}`, {})).statusCode).toBe(200);
    });

    it('park frees the capacity unit, up to the area maximum; un-park needs a free unit; the reminder is pushed once', async () => {
      expect((await alice.put('/api/v1/agents/me/state', { state: 'ready' })).statusCode).toBe(200);
      const c1 = await billing('Invoice 1');
      await tick();
      const offer = (await me(alice)).offers[0];
      expect(offer.contactId).toBe(c1);
      expect((await alice.post(`/api/v1/offers/${offer.id}/accept`)).statusCode).toBe(200);

      const view = await me(alice);
      expect(view).toMatchObject({
        state: 'ready', capacity: 1, inUse: 1, parkedCount: 0, maxParked: 1, pauseReasons: ['lunch', 'meeting'], autoAccept: false,
        email: null, externalClient: false, waitingLists: [], wrapUpUntil: null, pendingPause: null, areaId: 'default',
      });
      expect(view.contacts[0]).toMatchObject({
        id: c1, parked: false, taskType: { id: taskTypeId, name: 'Billing', wrapUpCodes: ['sold', 'info'] }, categories: ['invoice'], language: 'en',
        entranceName: expect.any(String), queueSeconds: expect.any(Number),
      });

      const c2 = await billing('Invoice 2');
      await tick();
      expect((await me(alice)).offers).toEqual([]); // at capacity

      const pushed: Json[] = [];
      const unsubscribe = deps.bus.subscribe('events', (p) => { pushed.push(p as Json); });
      const remindAt = new Date(Date.now() + 1200).toISOString();
      const parked = await alice.post(`/api/v1/contacts/${c1}/park`, { remindAt });
      expect(parked.statusCode).toBe(200);
      expect(types(parked)).toEqual(['contact.parked', 'offer.created']); // the freed unit takes c2 at once
      expect(((await me(alice)).offers as Json[]).map((o) => o.contactId)).toEqual([c2]);
      expect(await row(c1)).toMatchObject({ status: 'assigned', agent_id: aliceId, parked: 1, park_remind_at: Date.parse(remindAt) });

      const parkedList = (await alice.get('/api/v1/contacts?mine=parked')).json() as Json;
      expect(parkedList.contacts).toEqual([expect.objectContaining({ id: c1, parked: true, remindAt })]);
      expect(((await alice.get('/api/v1/contacts?mine=active')).json() as Json).contacts).toEqual([]);

      const offer2 = (await me(alice)).offers[0];
      expect((await alice.post(`/api/v1/offers/${offer2.id}/accept`)).statusCode).toBe(200);
      expect(((await alice.get('/api/v1/contacts?mine=active')).json() as Json).contacts.map((c: Json) => c.id)).toEqual([c2]);
      expect(await me(alice)).toMatchObject({ inUse: 1, parkedCount: 1 });

      const limit = await alice.post(`/api/v1/contacts/${c2}/park`);
      expect(limit.statusCode).toBe(409);
      expect(limit.json()).toMatchObject({ error: { code: 'contact.park_limit' } });
      const full = await alice.post(`/api/v1/contacts/${c1}/unpark`);
      expect(full.statusCode).toBe(409);
      expect(full.json()).toMatchObject({ error: { code: 'agent.no_capacity' } });
      expect((await bob.post(`/api/v1/contacts/${c1}/unpark`)).statusCode).toBe(403);
      expect((await alice.post(`/api/v1/contacts/${c2}/unpark`)).json()).toMatchObject({ error: { code: 'contact.not_parked' } });
      expect((await alice.post(`/api/v1/contacts/${c1}/park`, { remindAt: 'tomorrow' })).statusCode).toBe(400);

      // The reminder is a due time on the row: the engine's timer sweep (a tick) sends it, once.
      await waitFor(async () => Date.now() > Date.parse(remindAt), 5000, 'reminder time');
      await tick();
      await tick();
      const reminders = pushed.filter((p) => p.type === 'contact.park_reminder');
      expect(reminders).toEqual([expect.objectContaining({ type: 'contact.park_reminder', contactId: c1, agentId: aliceId, id: expect.any(Number) })]);
      expect((await row(c1)).park_remind_at).toBeNull();
      unsubscribe();

      // Close with a wrap-up code: required, and one of the task type's.
      const none = await alice.post(`/api/v1/contacts/${c2}/close`);
      expect(none.statusCode).toBe(422);
      expect(none.json()).toMatchObject({ error: { code: 'contact.wrap_up_code_required' } });
      const wrong = await alice.post(`/api/v1/contacts/${c2}/close`, { wrapUpCode: 'nope' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json()).toMatchObject({ error: { code: 'contact.wrap_up_code_unknown' } });
      const closed = await alice.post(`/api/v1/contacts/${c2}/close`, { wrapUpCode: 'sold' });
      expect(closed.statusCode).toBe(200);
      expect((closed.json() as Json).effects).toContainEqual({ type: 'contact.closed', contactId: c2, agentId: aliceId, wrapUpCode: 'sold' });
      expect((await row(c2)).wrap_up_code).toBe('sold');
      const log = await deps.storage.db.selectFrom('events').select(['data', 'push']).where('contact_id', '=', c2).where('type', '=', 'contact.closed').executeTakeFirstOrThrow();
      expect(JSON.parse(log.data)).toMatchObject({ wrapUpCode: 'sold' });
      expect(JSON.parse(log.push!)).toMatchObject({ type: 'contact.closed', wrapUpCode: 'sold', unhandledReason: null });

      // Un-park, then close unhandled with a reason.
      expect((await alice.put('/api/v1/agents/me/state', { state: 'paused', reason: 'lunch' })).statusCode).toBe(200);
      const unparked = await alice.post(`/api/v1/contacts/${c1}/unpark`);
      expect(unparked.statusCode).toBe(200);
      expect(types(unparked)).toEqual(['contact.unparked']);
      expect((await alice.post(`/api/v1/contacts/${c1}/close-unhandled`, {})).statusCode).toBe(400);
      const unhandled = await alice.post(`/api/v1/contacts/${c1}/close-unhandled`, { reason: 'duplicate of another case' });
      expect(unhandled.statusCode).toBe(200);
      expect(await row(c1)).toMatchObject({ status: 'closed', unhandled_reason: 'duplicate of another case', wrap_up_code: null, parked: 0 });

      const mineClosed = ((await alice.get('/api/v1/contacts?mine=closed')).json() as Json).contacts as Json[];
      expect(mineClosed.map((c) => [c.id, c.closedUnhandled, c.wrapUpCode])).toEqual([[c1, true, null], [c2, false, 'sold']]);
      expect((await bob.get('/api/v1/contacts?mine=closed')).json()).toEqual({ contacts: [] });
      expect((await alice.get('/api/v1/contacts?mine=closed&status=queued')).statusCode).toBe(400);

      const day = (await alice.get('/api/v1/agents/me/day')).json() as Json;
      expect(day).toMatchObject({ handled: 1, closedUnhandled: 1, averageHandlingSeconds: expect.any(Number), timeZone: expect.any(String) });
      expect(Date.parse(day.from)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(day.to)).toBeGreaterThan(Date.now());
      expect((await bob.get('/api/v1/agents/me/day')).json()).toMatchObject({ handled: 0, closedUnhandled: 0, averageHandlingSeconds: null });
    });

    it('transfer: targets are readable by agents; queue time kept; the agent is paused without wrap-up; the response holds only my effects', async () => {
      const targets = (await alice.get('/api/v1/transfer-targets')).json() as Json;
      expect(targets.queues.map((q: Json) => q.id)).toContain(queueId);
      expect(targets.queues.map((q: Json) => q.id)).not.toContain(otherQueueId);
      expect(targets.agents).toContainEqual(expect.objectContaining({ id: bobId, username: 'bob', state: expect.any(String) }));
      expect(targets.agents.map((a: Json) => a.id)).not.toContain(aliceId);
      expect(((await sue.get('/api/v1/transfer-targets')).json() as Json).queues.map((q: Json) => q.id)).toContain(otherQueueId);

      expect((await alice.put('/api/v1/agents/me/state', { state: 'ready' })).statusCode).toBe(200);
      const c3 = await billing('Transfer me');
      await tick();
      const offer = (await me(alice)).offers[0];
      expect((await alice.post(`/api/v1/offers/${offer.id}/accept`)).statusCode).toBe(200);
      const queuedAt = (await row(c3)).queued_at;
      expect((await bob.put('/api/v1/agents/me/state', { state: 'ready' })).statusCode).toBe(200);

      const moved = await alice.post(`/api/v1/contacts/${c3}/transfer`, { agentId: bobId });
      expect(moved.statusCode).toBe(200);
      const effects = (moved.json() as Json).effects as Json[];
      const log = await deps.storage.db.selectFrom('events').select(['type', 'agent_id']).where('type', '=', 'offer.created').where('contact_id', '=', c3).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(log.agent_id).toBe(bobId); // the engine offered c3 to bob in the same decision…
      expect(effects.some((e) => e.type === 'offer.created')).toBe(false); // …which is not alice's business
      expect(JSON.stringify(effects)).not.toContain(bobId);
      expect(effects).toContainEqual(expect.objectContaining({ type: 'agent.stateChanged', agentId: aliceId, state: 'paused', reason: 'requeue' }));
      expect(await me(alice)).toMatchObject({ state: 'paused', pauseReason: 'requeue', wrapUpUntil: null });
      expect(await row(c3)).toMatchObject({ queued_at: queuedAt, status: 'offered', agent_id: bobId });
      const bobsOffer = (await me(bob)).offers[0];
      expect(bobsOffer.contactId).toBe(c3);
      const accepted = await bob.post(`/api/v1/offers/${bobsOffer.id}/accept`);
      expect(types(accepted)).toEqual(['offer.accepted', 'contact.assigned']);
    });

    it('customer history: same sender newest first, search by address, subject and case number, limited to what the agent may see', async () => {
      const sender = 'history.customer@example.net';
      const old = await billing('Old refund question', sender);
      await deps.storage.db.updateTable('contacts').set({ status: 'closed', agent_id: bobId, created_at: Date.now() - 86_400_000, case_number: 4242, routing: 'routed', task_type_id: taskTypeId }).where('id', '=', old).execute();
      const hidden = await billing('Other area contact', sender, otherQueueId);
      await deps.storage.db.updateTable('contacts').set({ status: 'closed', agent_id: bobId, routing: 'routed' }).where('id', '=', hidden).execute();
      const current = await billing('New refund question', sender.toUpperCase());
      await deps.storage.db.updateTable('contacts').set({ status: 'assigned', agent_id: aliceId, routing: 'routed' }).where('id', '=', current).execute();

      const mine = (await alice.get(`/api/v1/contacts/${current}/history`)).json() as Json;
      expect(mine.contacts.map((c: Json) => c.id)).toEqual([old]); // bob's, but in a queue alice may serve; not the other area's
      expect(mine.contacts[0]).toMatchObject({ caseNumber: 4242, status: 'closed', taskType: { name: 'Billing' } });
      const all = (await sue.get(`/api/v1/contacts/${current}/history`)).json() as Json;
      expect(all.contacts.map((c: Json) => c.id)).toEqual([hidden, old]);

      const forbidden = await alice.get(`/api/v1/contacts/${hidden}/history`);
      expect(forbidden.statusCode).toBe(403);
      expect((await alice.get('/api/v1/contacts/no-such-contact/history')).statusCode).toBe(404);

      const ids = async (who: Authed, q: string) => (((await who.get(`/api/v1/history?q=${encodeURIComponent(q)}`)).json() as Json).contacts as Json[]).map((c) => c.id);
      expect(await ids(alice, 'HISTORY.customer@')).toEqual([current, old]);
      expect(await ids(sue, 'history.customer')).toEqual(expect.arrayContaining([current, old, hidden]));
      expect(await ids(alice, 'refund')).toEqual([current, old]);
      expect(await ids(alice, '#4242')).toEqual([old]);
      expect(await ids(alice, '4242')).toEqual([old]);
      expect(await ids(alice, '100%_')).toEqual([]);
      expect((await alice.get('/api/v1/history?q=')).statusCode).toBe(400);
    });
  });
}
