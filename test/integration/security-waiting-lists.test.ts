import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, authed, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { smtpAccount } from '../support/analysis.js';

/**
 * Waiting lists (issue 10): an agent could list any waiting list (subjects, customer
 * addresses), even one they may not serve. Listing now applies the same eligibility as
 * picking: the list's requirement for that agent.
 */
for (const dialect of BACKENDS) {
  describe(`waiting lists are listed only to agents who may pick from them (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let admin: Authed; let lawyer: Authed; let other: Authed; let sup: Authed;
    let list: string; let contactId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      const acct = await smtpAccount(deps, 'legal@example.test');
      await seedAdmin(deps);
      const lawyerId = (await seedUser(deps, { username: 'lawyer', password: 'lawyer-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'other', password: 'other-password', role: 'agent' });
      await seedUser(deps, { username: 'sup', password: 'supervisor-pw', role: 'supervisor' });
      admin = authed(app, await login(app, ADMIN.username, ADMIN.password));
      lawyer = authed(app, await login(app, 'lawyer', 'lawyer-password'));
      other = authed(app, await login(app, 'other', 'other-password'));
      sup = authed(app, await login(app, 'sup', 'supervisor-pw'));
      expect((await admin.post('/api/v1/routing/skills', { areaId: 'default', name: 'legal' })).statusCode).toBe(201);
      list = (await admin.post('/api/v1/routing/queues', { name: 'Legal backlog', kind: 'waiting-list', requirement: 'legal>=3' })).json().id;
      expect((await admin.put(`/api/v1/routing/agents/${lawyerId}`, { skills: { legal: 5 } })).statusCode).toBe(200);
      expect((await admin.put('/api/v1/routing/areas/default/routing-rules', { rules: [{ criteria: [], destinations: [{ type: 'waiting-list', queueId: list }] }] })).statusCode).toBe(200);
      contactId = randomUUID();
      const now = Date.now();
      await deps.storage.db.insertInto('contacts').values({
        id: contactId, entrance_id: acct.entranceId, queue_id: acct.queueId, inbound_message_id: null, dedupe_key: `t:${contactId}`, status: 'queued',
        message_id: `<${contactId}@example.org>`, subject: 'Confidential: my lawsuit', from_address: 'client@example.org', from_name: 'C', to_addresses: '[]',
        cc_addresses: '[]', reply_to: '[]', sent_date: now, in_reply_to: null, references_ids: '[]', text_body: 'hello', html_body: null, attachments: '[]',
        contact_data: JSON.stringify({ entrance: 'legal@example.test' }), priority: 0, queued_at: now, agent_id: null,
        offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: null, created_at: now, updated_at: now,
      }).execute();
      await submitAcdEvent(deps, { type: 'tick' });
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('an agent without the skill gets 403 and no subjects or addresses; picking is refused alike', async () => {
      const res = await other.get(`/api/v1/waiting-lists/${list}/contacts`);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('agent.not_eligible');
      expect(res.body).not.toContain('lawsuit');
      expect(res.body).not.toContain('client@example.org');
      await other.put('/api/v1/agents/me/state', { state: 'ready' });
      const pick = await other.post(`/api/v1/waiting-lists/${list}/pick/${contactId}`);
      expect(pick.statusCode).toBeGreaterThanOrEqual(400);
      expect(pick.json().error.code).toBe('agent.not_eligible');
    });

    it('an eligible agent and a supervisor see the list', async () => {
      expect((await lawyer.get(`/api/v1/waiting-lists/${list}/contacts`)).json().contacts.map((c: { id: string }) => c.id)).toEqual([contactId]);
      expect((await sup.get(`/api/v1/waiting-lists/${list}/contacts`)).json().contacts.map((c: { id: string }) => c.id)).toEqual([contactId]);
    });
  });
}
