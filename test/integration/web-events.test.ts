import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { connect, type Client } from '../support/ws.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, insertContact, login, seedUser } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';

/** Live events over the WebSocket of a real listening server, pushed from the bus (LISTEN/NOTIFY on PostgreSQL). */
for (const dialect of BACKENDS) {
  describe(`web events over WebSocket (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let base: string;
    let entranceId: string; let queueId: string;
    let aliceId: string; let bobId: string;
    const tokens: Record<string, string> = {};
    const clients: Client[] = [];

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps, { events: { keepAliveMs: 300 } });
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      base = address.replace(/^http/, 'ws');
      const acct = await createAccount(deps.storage.db, {
        address: 'support@example.test', protocol: 'smtp', host: '127.0.0.1', port: 2525, security: 'none', username: null, passwordSealed: null,
        mailbox: 'INBOX', afterImport: 'seen', moveTo: null, pollIntervalSeconds: 30, smtpServerId: null, returnAddress: null, alternativeAddresses: [], enabled: true,
      }, Date.now());
      if (!acct.ok) throw new Error(acct.message);
      ({ entranceId, queueId } = acct);
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      bobId = (await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'sue', password: 'supervisor-pw', role: 'supervisor' });
      for (const [u, p] of [['alice', 'alice-password'], ['bob', 'bob-password'], ['sue', 'supervisor-pw']]) tokens[u] = await login(app, u, p);
    });
    afterAll(async () => {
      for (const c of clients) c.ws.terminate();
      await app?.close(); await deps?.close(); await tdb?.drop();
    });

    const open = async (url: string, opts?: WebSocket.ClientOptions) => { const c = await connect(url, opts); clients.push(c); return c; };

    it('pushes an agent their own offers and withdrawals; other agents get nothing of it; supervisors get everything', async () => {
      const alice = await open(`${base}/api/v1/events?token=${encodeURIComponent(tokens.alice)}`);
      const bob = await open(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${tokens.bob}` } });
      // A browser: the session cookie, and the Origin of the server's own page (csrf.ts).
      const sue = await open(`${base}/api/v1/events`, { headers: { cookie: `switchyard_session=${tokens.sue}` }, origin: base.replace(/^ws/, 'http') });
      expect(await alice.next((e) => e.type === 'hello', 'hello')).toEqual({ type: 'hello', user: { id: aliceId, role: 'agent' }, lastEventId: expect.any(Number) });
      expect((await bob.next((e) => e.type === 'hello', 'hello')).user).toEqual({ id: bobId, role: 'agent' });
      expect((await sue.next((e) => e.type === 'hello', 'hello')).user?.role).toBe('supervisor');

      const contactId = await insertContact(deps, { entranceId, queueId, subject: 'Live' });
      await submitAcdEvent(deps, { type: 'tick' });
      const ready = await submitAcdEvent(deps, { type: 'agent.setState', agentId: aliceId, state: 'ready' });
      expect(ready.ok).toBe(true);

      const created = await alice.next((e) => e.type === 'offer.created', 'offer.created');
      expect(created).toMatchObject({ agentId: aliceId, offer: { contactId, agentId: aliceId } });
      expect(created.offer?.id).toEqual(expect.any(String));
      expect(Date.parse(created.offer!.expiresAt!)).toBeGreaterThan(Date.now());

      const declined = await submitAcdEvent(deps, { type: 'offer.decline', offerId: created.offer!.id, agentId: aliceId });
      expect(declined.ok).toBe(true);
      const withdrawn = await alice.next((e) => e.type === 'offer.withdrawn', 'offer.withdrawn');
      expect(withdrawn).toMatchObject({ agentId: aliceId, offer: { id: created.offer!.id, contactId } });

      await sue.next((e) => e.type === 'offer.created' && e.offer?.agentId === aliceId, 'supervisor sees alice\'s offer');
      await sue.next((e) => e.type === 'contact.requeued' && e.contactId === contactId, 'supervisor sees the requeue');

      // Bob's own later event proves everything published before it has been delivered (or filtered).
      await submitAcdEvent(deps, { type: 'agent.setState', agentId: bobId, state: 'ready' });
      const bobOffer = await bob.next((e) => e.type === 'offer.created', 'bob\'s offer');
      expect(bobOffer).toMatchObject({ agentId: bobId, offer: { contactId } });
      expect(bob.events.filter((e) => e.type !== 'hello').every((e) => e.agentId === bobId)).toBe(true);
      expect(alice.events.filter((e) => e.type !== 'hello').every((e) => e.agentId === aliceId)).toBe(true);
      expect(alice.events.some((e) => e.offer?.id === bobOffer.offer?.id)).toBe(false);
    });

    it('refuses a socket without a session, explains a plain GET, and closes a socket when its session ends', async () => {
      await expect(connect(`${base}/api/v1/events`)).rejects.toThrow('HTTP 401');
      await expect(connect(`${base}/api/v1/events?token=not-a-token`)).rejects.toThrow('HTTP 401');

      const plain = await authed(app, tokens.bob).get('/api/v1/events');
      expect(plain.statusCode).toBe(426);
      expect(plain.json()).toMatchObject({ error: { code: 'events.upgrade_required' } });

      const token = await login(app, 'bob', 'bob-password');
      const c = await open(`${base}/api/v1/events?token=${encodeURIComponent(token)}`);
      await c.next((e) => e.type === 'hello', 'hello');
      expect((await authed(app, token).delete('/api/v1/session')).statusCode).toBe(204);
      const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
      expect(closed).toEqual({ code: 4401, reason: 'session ended' });
    });
  });
}
