import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import type { Deps } from '../../src/app/deps.js';

/**
 * The routing model through the REST API and the queue engine's shell, on both backends:
 * areas, skills, queues, task types, routing table with escalation, follow-ups by thread,
 * transfers, waiting lists, supervisor actions, external forwarding, opening hours, the event log.
 */
type Json = Record<string, any>;

async function newContact(deps: Deps, entranceId: string, queueId: string, o: { subject: string; messageId?: string; inReplyTo?: string; data?: Json }): Promise<string> {
  const now = Date.now();
  const id = randomUUID();
  await deps.storage.db.insertInto('contacts').values({
    id, entrance_id: entranceId, queue_id: queueId, inbound_message_id: null, dedupe_key: `t:${id}`, status: 'queued', message_id: o.messageId ?? `<${id}@example.org>`,
    subject: o.subject, from_address: 'customer@example.org', from_name: 'C', to_addresses: '[]', cc_addresses: '[]', reply_to: '[]', sent_date: now,
    in_reply_to: o.inReplyTo ?? null, references_ids: '[]', text_body: 'hello', html_body: null, attachments: '[]',
    contact_data: JSON.stringify({ entrance: 'support@example.test', emailHdrSubject: o.subject, ...o.data }), priority: 0, queued_at: now, agent_id: null,
    offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
  }).execute();
  return id;
}

for (const dialect of BACKENDS) {
  describe(`queue engine: routing model through the API (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed; let sue: Authed; let alice: Authed; let bob: Authed;
    let aliceId: string; let bobId: string;
    let entranceId: string; let entranceQueue: string;
    let billing: string; let general: string; let list: string; let taskType: string;
    const patch = (who: Authed, url: string, payload: unknown) => who.inject({ method: 'PATCH', url, payload: payload as Json });
    const contact = async (id: string) => (await sue.get(`/api/v1/contacts/${id}`)).json() as Json;
    const tick = () => submitAcdEvent(deps, { type: 'tick' });

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      const acct = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acct.ok) throw new Error(acct.message);
      ({ entranceId, queueId: entranceQueue } = acct);
      await seedAdmin(deps);
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      bobId = (await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      sue = authed(app, await login(app, 'sue', 'supervisor-pw'));
      alice = authed(app, await login(app, 'alice', 'alice-password'));
      bob = authed(app, await login(app, 'bob', 'bob-password'));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('configures skills, queues, task types and the routing table, with every problem reported', async () => {
      expect((await admin.post('/api/v1/routing/skills', { areaId: 'default', name: 'billing' })).statusCode).toBe(201);
      expect((await admin.post('/api/v1/routing/skills', { areaId: 'default', name: 'swedish', kind: 'group' })).statusCode).toBe(201);
      const bad = await admin.post('/api/v1/routing/queues', { name: 'Bad', requirement: 'billing>=12 AND (sales' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.map((d: Json) => d.message)).toEqual(["level 12 for 'billing' at 10 is outside 1-9", "missing ')' at the end (opened at 17)"]);
      const unknown = await admin.post('/api/v1/routing/queues', { name: 'Bad', requirement: 'legal AND group:danish' });
      expect(unknown.json().error.details.map((d: Json) => d.message)).toEqual(["skill 'legal' is not defined in area default", "group 'danish' is not defined in area default"]);
      expect((await admin.post('/api/v1/routing/queues', { name: 'x', extra: 1 })).statusCode).toBe(400);
      expect((await sue.post('/api/v1/routing/queues', { name: 'x' })).statusCode).toBe(403);
      const q = await admin.post('/api/v1/routing/queues', { name: 'Billing', requirement: 'billing>=5', sl1Minutes: 30, sl2Minutes: 120 });
      expect(q.statusCode).toBe(201);
      billing = q.json().id;
      general = (await admin.post('/api/v1/routing/queues', { name: 'General', priorityTier: 2 })).json().id;
      list = (await admin.post('/api/v1/routing/queues', { name: 'Backlog', kind: 'waiting-list' })).json().id;
      taskType = (await admin.post('/api/v1/routing/task-types', { name: 'Invoice', wrapUp: 0 })).json().id;
      expect((await admin.put('/api/v1/routing/areas/default/task-type-rules', { rules: [{ criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'invoice' }], taskTypeId: taskType }] })).statusCode).toBe(200);
      const badRules = await admin.put('/api/v1/routing/areas/default/routing-rules', { rules: [{ criteria: [], destinations: [{ type: 'queue', queueId: 'nope' }, { type: 'personal', agentId: 'nobody' }] }] });
      expect(badRules.statusCode).toBe(400);
      expect(badRules.json().error.details).toEqual([
        { path: 'body.rules.0.destinations.0', message: 'unknown queue nope' }, { path: 'body.rules.0.destinations.1', message: 'unknown agent nobody' },
      ]);
      const rules = await admin.put('/api/v1/routing/areas/default/routing-rules', { rules: [
        { criteria: [{ key: 'taskType', op: 'equals', value: 'Invoice' }], destinations: [{ type: 'queue', queueId: billing, escalation: { type: 'wait', seconds: 5 } }, { type: 'queue', queueId: general }] },
        { criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'backlog' }], destinations: [{ type: 'waiting-list', queueId: list }] },
        { criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'partner' }], destinations: [{ type: 'external-email', address: 'partner@elsewhere.test' }] },
        { criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'unsubscribe' }], destinations: [{ type: 'end', reason: 'newsletter reply' }] },
      ] });
      expect(rules.statusCode).toBe(200);
      expect((await admin.put(`/api/v1/routing/agents/${aliceId}`, { skills: { billing: 7 }, groups: ['swedish'] })).json()).toMatchObject({ skills: { billing: 7 }, groups: ['swedish'], areaId: 'default' });
      expect((await admin.put(`/api/v1/routing/agents/${aliceId}`, { capacity: 26 })).statusCode).toBe(400);
    });

    it('routes by task type to the skilled agent, escalates after wait(5) keeping the queue time, and logs every step', async () => {
      let now = Date.now();
      const clocked = { ...deps, clock: () => now };
      await submitAcdEvent(clocked, { type: 'agent.setState', agentId: bobId, state: 'ready' });
      const id = await newContact(deps, entranceId, entranceQueue, { subject: 'Invoice 42 is wrong' });
      await submitAcdEvent(clocked, { type: 'tick' });
      const c = await contact(id);
      expect(c).toMatchObject({ queueId: billing, taskTypeId: taskType, status: 'queued', routing: 'routed' });
      now += 5_000;
      const out = await submitAcdEvent(clocked, { type: 'tick' });
      expect(out.ok && out.effects.map((e) => e.type)).toEqual(['contact.routed', 'offer.created']);
      const after = await contact(id);
      expect(after).toMatchObject({ queueId: general, status: 'offered', agentId: bobId, queuedAt: c.queuedAt });
      const offerId = (await bob.get('/api/v1/agents/me')).json().offers[0].id;
      expect((await bob.post(`/api/v1/offers/${offerId}/accept`)).statusCode).toBe(200);
      const events = (await sue.get(`/api/v1/contacts/${id}/events`)).json().events.map((e: Json) => e.type);
      expect(events).toEqual(['contact.routed', 'contact.routed', 'offer.created', 'offer.accepted', 'contact.assigned']);
      expect((await bob.post(`/api/v1/contacts/${id}/close`)).statusCode).toBe(200);
      // the supervisor's monitor counts it as established within SL1 of its queue
      const monitor = (await sue.get('/api/v1/supervisor/queues')).json().queues.find((q: Json) => q.id === general);
      expect(monitor).toMatchObject({ established: 1, sl1Achieved: 1 });
    });

    it('a reply in the same thread returns to the agent who handled it (follow-up), then takes the normal route', async () => {
      await patch(admin, '/api/v1/routing/areas/default', { followUpPreferredSeconds: 60 });
      let now = Date.now();
      const clocked = { ...deps, clock: () => now };
      await submitAcdEvent(clocked, { type: 'agent.setState', agentId: bobId, state: 'paused', reason: 'lunch' });
      await submitAcdEvent(clocked, { type: 'agent.setState', agentId: aliceId, state: 'ready' });
      const first = await newContact(deps, entranceId, entranceQueue, { subject: 'hello', messageId: '<thread-1@example.org>' });
      await submitAcdEvent(clocked, { type: 'tick' });
      const offer = (await alice.get('/api/v1/agents/me')).json().offers[0];
      expect(offer.contactId).toBe(first);
      await alice.post(`/api/v1/offers/${offer.id}/accept`);
      await alice.post(`/api/v1/contacts/${first}/close`);
      await submitAcdEvent(clocked, { type: 'agent.setState', agentId: aliceId, state: 'paused' });
      await submitAcdEvent(clocked, { type: 'agent.setState', agentId: bobId, state: 'ready' });
      const reply = await newContact(deps, entranceId, entranceQueue, { subject: 'Re: hello', inReplyTo: '<thread-1@example.org>' });
      await submitAcdEvent(clocked, { type: 'tick' });
      expect(await contact(reply)).toMatchObject({ personalAgentId: aliceId, status: 'queued' });
      expect((await alice.get('/api/v1/agents/me/personal-queue')).json().contacts.map((c: Json) => c.id)).toEqual([reply]);
      expect((await bob.get('/api/v1/agents/me/personal-queue')).json().contacts).toEqual([]);
      now += 60_000;
      await submitAcdEvent(clocked, { type: 'tick' });
      expect(await contact(reply)).toMatchObject({ personalAgentId: null, status: 'offered', agentId: bobId });
      const o = (await bob.get('/api/v1/agents/me')).json().offers[0];
      await bob.post(`/api/v1/offers/${o.id}/accept`);
      // transfer to a colleague's personal queue: bob pauses, alice gets it when ready
      const t = await bob.post(`/api/v1/contacts/${reply}/transfer`, { agentId: aliceId });
      expect(t.statusCode).toBe(200);
      expect((await bob.get('/api/v1/agents/me')).json()).toMatchObject({ state: 'paused', pauseReason: 'requeue' });
      await alice.put('/api/v1/agents/me/state', { state: 'ready' });
      expect((await alice.get('/api/v1/agents/me')).json().offers.map((x: Json) => x.contactId)).toEqual([reply]);
      await patch(admin, '/api/v1/routing/areas/default', { followUpPreferredSeconds: 0 });
    });

    it('waiting lists, external forwarding, end route, supervisor move and priority, forced queues and states', async () => {
      await submitAcdEvent(deps, { type: 'agent.setState', agentId: aliceId, state: 'paused', force: true });
      await submitAcdEvent(deps, { type: 'agent.setState', agentId: bobId, state: 'paused', force: true });
      const backlog = await newContact(deps, entranceId, entranceQueue, { subject: 'backlog item' });
      const partner = await newContact(deps, entranceId, entranceQueue, { subject: 'for our partner' });
      const unsub = await newContact(deps, entranceId, entranceQueue, { subject: 'unsubscribe me' });
      await tick();
      expect((await bob.get(`/api/v1/waiting-lists/${list}/contacts`)).json().contacts.map((c: Json) => c.id)).toEqual([backlog]);
      expect((await bob.post(`/api/v1/waiting-lists/${list}/pick/${backlog}`)).statusCode).toBe(200);
      expect(await contact(backlog)).toMatchObject({ status: 'assigned', agentId: bobId });
      expect(await contact(partner)).toMatchObject({ status: 'closed', endReason: 'forwarded to partner@elsewhere.test' });
      const fwd = await deps.storage.db.selectFrom('outbox').select(['envelope_to', 'kind']).where('contact_id', '=', partner).execute();
      expect(fwd.map((r) => JSON.parse(r.envelope_to))).toEqual([['partner@elsewhere.test']]);
      expect(await contact(unsub)).toMatchObject({ status: 'closed', endReason: 'newsletter reply' });

      const waiting = await newContact(deps, entranceId, entranceQueue, { subject: 'Invoice again' });
      await tick();
      expect((await sue.put(`/api/v1/supervisor/contacts/${waiting}/priority`, { priority: 7 })).statusCode).toBe(200);
      expect((await sue.post(`/api/v1/supervisor/contacts/${waiting}/move`, { queueId: general })).statusCode).toBe(200);
      expect(await contact(waiting)).toMatchObject({ queueId: general, priority: 7 });
      expect((await sue.post(`/api/v1/supervisor/contacts/${waiting}/move`, { queueId: 'nope' })).statusCode).toBe(404);
      // a supervisor logs bob (no billing skill) into Billing and forces him ready
      expect((await sue.put(`/api/v1/supervisor/agents/${bobId}/forced-queues`, { queueIds: [billing] })).json().forcedQueueIds).toEqual([billing]);
      await bob.post(`/api/v1/contacts/${backlog}/close`);
      expect((await sue.put(`/api/v1/supervisor/agents/${bobId}/state`, { state: 'ready' })).statusCode).toBe(200);
      expect((await bob.get('/api/v1/agents/me')).json().offers.map((x: Json) => x.contactId)).toEqual([waiting]);
      expect((await alice.put(`/api/v1/supervisor/agents/${bobId}/state`, { state: 'ready' })).statusCode).toBe(403);
    });

    it('keeps mail that arrives while the entrance is closed, marked out of hours', async () => {
      const closed = { timeZone: 'Europe/Stockholm', weekly: {}, exceptions: {} };
      const bad = await patch(admin, `/api/v1/routing/entrances/${entranceId}`, { hours: { timeZone: 'Nowhere/City', weekly: { 1: ['9-5'] } } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.length).toBe(2);
      expect((await patch(admin, `/api/v1/routing/entrances/${entranceId}`, { hours: closed })).json()).toMatchObject({ openNow: false });
      const id = await newContact(deps, entranceId, entranceQueue, { subject: 'at night' });
      await tick();
      expect(await contact(id)).toMatchObject({ routing: 'held', outOfHours: true, status: 'queued' });
      await patch(admin, `/api/v1/routing/entrances/${entranceId}`, { hours: null });
    });
  });
}
