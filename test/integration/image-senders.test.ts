import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/** Issue 7: "always show images" per sender is the agent's own preference, kept on the server (any device). */
for (const dialect of BACKENDS) {
  describe(`always-show-images senders (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let alice: Authed; let aliceElsewhere: Authed; let bob: Authed; let admin: Authed;
    let aliceId: string;

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      aliceId = (await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' })).id;
      await seedUser(deps, { username: 'bob', password: 'bob-password', role: 'agent' });
      await seedUser(deps, { username: 'admin', password: 'admin-password', role: 'admin' });
      alice = authed(app, await login(app, 'alice', 'alice-password'));
      aliceElsewhere = authed(app, await login(app, 'alice', 'alice-password'));
      bob = authed(app, await login(app, 'bob', 'bob-password'));
      admin = authed(app, await login(app, 'admin', 'admin-password'));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    const put = (who: Authed, payload: object) => who.inject({ method: 'PUT', url: '/api/v1/agents/me/image-senders', payload });

    it('keeps each user\'s own list, lower case, once; another session of the same user sees it; taking back removes it', async () => {
      expect((await alice.get('/api/v1/agents/me/image-senders')).json()).toEqual({ senders: [] });
      expect((await put(alice, { sender: 'News@Shop.Example', always: true })).json()).toEqual({ senders: ['news@shop.example'] });
      expect((await put(alice, { sender: 'news@shop.example', always: true })).json()).toEqual({ senders: ['news@shop.example'] });
      expect((await put(alice, { sender: 'a@b.example', always: true })).json()).toEqual({ senders: ['a@b.example', 'news@shop.example'] });
      expect((await aliceElsewhere.get('/api/v1/agents/me/image-senders')).json()).toEqual({ senders: ['a@b.example', 'news@shop.example'] });
      expect((await bob.get('/api/v1/agents/me/image-senders')).json()).toEqual({ senders: [] });
      expect((await put(aliceElsewhere, { sender: 'NEWS@shop.example', always: false })).json()).toEqual({ senders: ['a@b.example'] });
      expect((await alice.get('/api/v1/agents/me/image-senders')).json()).toEqual({ senders: ['a@b.example'] });
    });

    it('refuses what is not an address, with the field named', async () => {
      for (const sender of ['', 'no-at-sign', 'a@b\r\nX: y', 'x'.repeat(400) + '@b.example']) {
        const r = await put(alice, { sender, always: true });
        expect(r.statusCode, sender).toBe(400);
        expect(JSON.stringify(r.json())).toContain('body.sender');
      }
      expect((await put(alice, { sender: 'a@b.example' })).statusCode).toBe(400);
    });

    it('goes with the user when the user is deleted', async () => {
      const carl = await seedUser(deps, { username: 'carl', password: 'carl-password', role: 'agent' });
      await put(authed(app, await login(app, 'carl', 'carl-password')), { sender: 'x@y.example', always: true });
      expect((await admin.inject({ method: 'DELETE', url: `/api/v1/users/${carl.id}` })).statusCode).toBe(204);
      expect(await deps.storage.db.selectFrom('image_senders').selectAll().where('user_id', '=', carl.id).execute()).toEqual([]);
      expect((await deps.storage.db.selectFrom('image_senders').selectAll().where('user_id', '=', aliceId).execute()).length).toBe(1);
    });
  });
}
