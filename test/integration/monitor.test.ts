import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, insertContact, login, seedUser, type Authed } from '../support/api.js';
import { waitFor } from '../support/mailstack.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';

/**
 * The supervisor monitor: live per-queue and per-agent figures, thresholds turning a row red,
 * today's 15-minute chart data, and a coalesced monitor.changed on supervisors' sockets (agents
 * get none). Accept answers with ISO 8601 times.
 */
type Json = Record<string, any>;

for (const dialect of BACKENDS) {
  describe(`supervisor monitor (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let base: string;
    let sup: Authed; let agent: Authed; let agentToken: string; let supToken: string;
    let agentId: string; let queueId: string; let entranceId: string;
    const monitorQueue = async () => ((await sup.get('/api/v1/monitor')).json() as Json).queues.find((q: Json) => q.id === queueId);

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps, { monitorIntervalMs: 200 });
      base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
      const acc = await createAccount(deps.storage.db, {
        address: 'monitor@example.test', protocol: 'smtp', host: '127.0.0.1', port: 0, security: 'none', username: null, passwordSealed: null, mailbox: 'INBOX',
        afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acc.ok) throw new Error(acc.message);
      queueId = acc.queueId; entranceId = acc.entranceId;
      agentId = (await seedUser(deps, { username: 'ann', password: 'ann-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'sue', password: 'sue-password', role: 'supervisor' });
      await seedUser(deps, { username: 'adm', password: 'adm-password', role: 'admin' });
      agentToken = await login(app, 'ann', 'ann-password');
      supToken = await login(app, 'sue', 'sue-password');
      agent = authed(app, agentToken); sup = authed(app, supToken);
      const admin = authed(app, await login(app, 'adm', 'adm-password'));
      expect((await admin.put(`/api/v1/queues/${queueId}/thresholds`, { longestWaitSeconds: 60, slPercent: 80 })).json()).toMatchObject({ longestWaitSeconds: 60, slPercent: 80 });
      expect((await sup.put(`/api/v1/queues/${queueId}/thresholds`, { longestWaitSeconds: 1, slPercent: null })).statusCode).toBe(403);
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('shows a waiting contact, its longest wait against the threshold, and no agent to serve it', async () => {
      const queuedAt = Date.now() - 120_000;
      const id = await insertContact(deps, { entranceId, queueId, queuedAt });
      await deps.storage.db.insertInto('events').values({ at: queuedAt, type: 'contact.created', contact_id: id, agent_id: null, data: JSON.stringify({ entranceId, queueId }) }).execute();
      const q = await monitorQueue();
      expect(q).toMatchObject({ waiting: 1, offered: 0, assigned: 0, agents: { loggedIn: 0 }, estimatedQueueSeconds: null, thresholds: { longestWaitSeconds: 60, slPercent: 80 }, alerts: { longestWait: true } });
      expect(q.longestWaitSeconds).toBeGreaterThanOrEqual(119);
      expect(q.oldestQueuedAt).toBe(new Date(queuedAt).toISOString());
      expect((await agent.get('/api/v1/monitor')).statusCode).toBe(403);
    });

    it('pushes monitor.changed to supervisors (coalesced), not to agents, and the monitor then shows the offer and the agent', async () => {
      const supWs = new WebSocket(`${base}/api/v1/events?token=${supToken}`);
      const agentWs = new WebSocket(`${base}/api/v1/events?token=${agentToken}`);
      const got: Record<string, Json[]> = { sup: [], agent: [] };
      supWs.on('message', (d) => got.sup.push(JSON.parse(d.toString()) as Json));
      agentWs.on('message', (d) => got.agent.push(JSON.parse(d.toString()) as Json));
      await Promise.all([supWs, agentWs].map((w) => new Promise((r) => w.on('open', r))));

      expect((await agent.put('/api/v1/agents/me/state', { state: 'ready' })).statusCode).toBe(200);
      // agent.state and offer.created: at least two events, in as few messages as the 200 ms pace allows.
      const changes = await waitFor(async () => {
        const c = got.sup.filter((m) => m.type === 'monitor.changed');
        return c.reduce((n, m) => n + m.events, 0) >= 2 ? c : null;
      }, 5000, 'monitor.changed');
      expect(changes.flatMap((m) => m.agents)).toContain(agentId);
      for (let i = 1; i < changes.length; i++) expect(Date.parse(changes[i].at) - Date.parse(changes[i - 1].at)).toBeGreaterThanOrEqual(190);
      const q = await monitorQueue();
      expect(q).toMatchObject({ waiting: 0, offered: 1, agents: { loggedIn: 1, busy: 1, ready: 0 } });
      const me = ((await sup.get('/api/v1/monitor')).json() as Json).agents.find((a: Json) => a.id === agentId);
      expect(me).toMatchObject({ state: 'ready', contacts: { offered: 1, assigned: 0 }, capacity: 1, queueIds: expect.arrayContaining([queueId]) });
      expect(got.agent.filter((m) => m.type === 'monitor.changed')).toEqual([]);

      const offerId = got.agent.find((m) => m.type === 'offer.created')!.offer.id as string;
      const accepted = (await agent.post(`/api/v1/offers/${offerId}/accept`)).json() as Json;
      const assignedOffer = accepted.effects.find((e: Json) => e.type === 'offer.accepted').offer;
      expect(assignedOffer.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/); // ISO 8601, not epoch ms
      await waitFor(async () => (await monitorQueue()).assigned === 1, 5000, 'assigned in the monitor');
      supWs.close(); agentWs.close();
    });

    it("gives today's 15-minute chart data per queue and entrance, and today's service level", async () => {
      const r = (await sup.get('/api/v1/monitor/intervals')).json() as Json;
      const q = r.queues.find((x: Json) => x.id === queueId);
      expect(q.intervals).toHaveLength(96);
      expect(q.intervals.reduce((n: number, i: Json) => n + i.arrivals, 0)).toBe(1);
      expect(q.intervals.reduce((n: number, i: Json) => n + i.answered, 0)).toBe(1);
      expect(r.entrances.find((x: Json) => x.id === entranceId).intervals.reduce((n: number, i: Json) => n + i.arrivals, 0)).toBe(1);
      expect((await sup.get('/api/v1/monitor/intervals?date=2026-13-45')).statusCode).toBe(400);
      // Today's SL: the contact waited about 2 minutes, within SL1 (60 min). Aggregates refresh at most every 15 s.
      const today = await waitFor(async () => { const t = (await monitorQueue()).today; return t.established === 1 ? t : null; }, 20_000, 'today\'s figures');
      expect(today).toMatchObject({ received: 1, established: 1, sl1Percent: 100 });
    }, 30_000);
  });
}
