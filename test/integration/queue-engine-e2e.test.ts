import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { freshMailbox, MAIL, smtpTransport, waitFor } from '../support/mailstack.js';
import type { SwitchyardProcess } from '../support/process.js';
import { E2E_ADMIN_PASSWORD, startApp, type Json, type RunningApp } from '../support/app.js';

/**
 * The routing model end to end through real mail (Postfix → Dovecot → the built `switchyard start`):
 * two queues, a skill, a task type from the subject, escalation after wait(5) from the skilled queue to
 * the general one, and a customer's reply (In-Reply-To the first mail) that returns to the agent who
 * handled the first one through their personal queue.
 */

for (const dialect of BACKENDS) {
  describe(`queue engine end to end through real mail (${dialect})`, () => {
    let tdb: TestDatabase;
    let app: SwitchyardProcess;
    let base: string;
    let adminToken: string;
    const sockets: WebSocket[] = [];
    const support = freshMailbox('routing');
    let billing: string; let general: string;

    let running: RunningApp;
    const api = (method: string, path: string, token: string | null, body?: unknown) => running.call(method, path, token, body);
    const login = (username: string, password: string) => running.login(username, password);
    const offers = (token: string) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/events?token=${encodeURIComponent(token)}`);
      sockets.push(ws);
      const seen: Json[] = [];
      ws.on('message', (d) => { const e = JSON.parse(String(d)) as Json; if (e.type === 'offer.created') seen.push(e); });
      return (contactId: string) => waitFor(async () => seen.find((e) => e.offer.contactId === contactId), 30_000, `offer of ${contactId}`, 100);
    };
    const send = async (subject: string, extra: Json = {}) => {
      const t = smtpTransport();
      try { await t.sendMail({ from: '"Customer" <customer@example.org>', to: support.address, subject, text: `Text of ${subject}`, ...extra }); } finally { t.close(); }
      return waitFor(async () => (await api('GET', '/api/v1/contacts?limit=500', adminToken)).contacts.find((c: Json) => c.subject === subject && c.routing === 'routed'), 30_000, `contact "${subject}"`, 200);
    };

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      running = await startApp(tdb);
      base = running.base;
      app = running.process;
      adminToken = await login('admin', E2E_ADMIN_PASSWORD);
      const account = await api('POST', '/api/v1/accounts', adminToken, {
        address: support.address, protocol: 'imap', host: MAIL.host, port: MAIL.imapPort, security: 'none', username: support.address, password: support.password, afterImport: 'seen',
      });
      await api('POST', '/api/v1/routing/skills', adminToken, { areaId: 'default', name: 'billing' });
      billing = (await api('POST', '/api/v1/routing/queues', adminToken, { name: 'Billing', requirement: 'billing>=5' })).id;
      general = (await api('POST', '/api/v1/routing/queues', adminToken, { name: 'General' })).id;
      const invoice = await api('POST', '/api/v1/routing/task-types', adminToken, { name: 'Invoice' });
      await api('PUT', '/api/v1/routing/areas/default/task-type-rules', adminToken, { rules: [{ criteria: [{ key: 'emailHdrSubject', op: 'contains', value: 'invoice' }], taskTypeId: invoice.id }] });
      await api('PUT', '/api/v1/routing/areas/default/routing-rules', adminToken, { rules: [{
        criteria: [{ key: 'taskType', op: 'equals', value: 'Invoice' }],
        destinations: [{ type: 'queue', queueId: billing, escalation: { type: 'wait', seconds: 5 } }, { type: 'queue', queueId: general }],
      }] });
      await api('PATCH', '/api/v1/routing/areas/default', adminToken, { followUpPreferredSeconds: 300 });
      const alice = await api('POST', '/api/v1/users', adminToken, { username: 'alice', displayName: 'Alice', password: 'alice-password-1', role: 'agent' });
      await api('PUT', `/api/v1/routing/agents/${alice.id}`, adminToken, { skills: { billing: 7 } });
      await api('POST', '/api/v1/users', adminToken, { username: 'bob', displayName: 'Bob', password: 'bob-password-1', role: 'agent' });
      await waitFor(async () => ['idle', 'polling'].includes((await api('GET', `/api/v1/accounts/${account.id}`, adminToken)).health?.state), 30_000, 'account watching');
    }, 120_000);
    afterEach(({ task }) => { if (task.result?.state === 'fail') console.error(`switchyard output:\n${app?.output().slice(-6000)}`); });
    afterAll(async () => { for (const ws of sockets) ws.close(); await app?.kill('SIGTERM'); await tdb?.drop(); });

    it('escalates after wait(5) from the skilled queue to the general one, and a reply returns to the same agent', async () => {
      const bob = await login('bob', 'bob-password-1');
      const alice = await login('alice', 'alice-password-1');
      const bobOffer = offers(bob);
      const aliceOffer = offers(alice);
      await new Promise((r) => setTimeout(r, 200));
      await api('PUT', '/api/v1/agents/me/state', bob, { state: 'ready' });

      // Nobody with billing>=5 is ready: Billing holds it for 5 s, then General offers it to bob.
      const first = await send(`Invoice 1 ${dialect}`);
      expect(first).toMatchObject({ queueId: billing, taskTypeId: expect.any(String) });
      const offered = await bobOffer(first.id);
      const detail = await api('GET', `/api/v1/contacts/${first.id}`, adminToken);
      expect(detail).toMatchObject({ queueId: general, queuedAt: first.queuedAt });
      const history = (await api('GET', `/api/v1/contacts/${first.id}/events`, adminToken)).events as Json[];
      const routed = history.filter((e) => e.type === 'contact.routed');
      expect(routed.map((e) => [e.data.queueId, e.data.how])).toEqual([[billing, 'rule'], [general, 'escalation']]);
      expect(Date.parse(routed[1].at) - Date.parse(routed[0].at)).toBeGreaterThanOrEqual(5000);
      await api('POST', `/api/v1/offers/${encodeURIComponent(offered.offer.id)}/accept`, bob);
      await api('POST', `/api/v1/contacts/${first.id}/close`, bob);
      await api('PUT', '/api/v1/agents/me/state', bob, { state: 'paused', reason: 'lunch' });

      // The customer replies; alice (skilled, ready) is not offered it: it waits for bob.
      await api('PUT', '/api/v1/agents/me/state', alice, { state: 'ready' });
      const reply = await send(`Re: Invoice 1 ${dialect}`, { inReplyTo: detail.messageId, references: [detail.messageId] });
      expect(reply).toMatchObject({ personalAgentId: expect.any(String), status: 'queued' });
      await api('PUT', '/api/v1/agents/me/state', bob, { state: 'ready' });
      const again = await bobOffer(reply.id);
      expect(again.offer.agentId).toBe(offered.offer.agentId);
      expect(await Promise.race([aliceOffer(reply.id).then(() => 'alice'), new Promise((r) => setTimeout(() => r('nobody else'), 500))])).toBe('nobody else');
    }, 90_000);
  });
}
