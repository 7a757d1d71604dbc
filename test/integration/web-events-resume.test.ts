import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { connect, type Client, type Event } from '../support/ws.js';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { insertContact, login, seedUser } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { submitAcdEvent } from '../../src/roles/acd/engine.js';
import { createAccount } from '../../src/storage/repositories/accounts.js';
import { appendEvent } from '../../src/storage/repositories/events.js';

/**
 * Events that never miss: every pushed event carries its event-log id; a socket that reconnects
 * with ?since= (or a resume message) first receives what it missed, then the live stream, each
 * event exactly once and in id order, even when a bus message is lost or arrives late.
 */
for (const dialect of BACKENDS) {
  describe(`event stream resume (${dialect})`, () => {
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
      app = await buildWebApp(deps, { events: { keepAliveMs: 1000 } });
      base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
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

    const open = async (who: string, query = '') => {
      const c = await connect(`${base}/api/v1/events?token=${encodeURIComponent(tokens[who])}${query}`);
      clients.push(c);
      await c.next((e) => e.type === 'hello', 'hello');
      return c;
    };
    const drop = async (c: Client) => { c.ws.terminate(); await c.closed; };
    // Log events only: supervisors' sockets also get monitor.changed hints (no id, not in the event log).
    const pushed = (c: Client) => c.events.filter((e) => e.type !== 'hello' && e.type !== 'monitor.changed');
    const expectIncreasingIds = (events: Event[]) => {
      const ids = events.map((e) => e.id!);
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    };

    it('a socket dropped while an offer is made gets the offer exactly once on reconnecting with since=', async () => {
      const first = await open('alice');
      expect(first.events[0]).toMatchObject({ type: 'hello', lastEventId: expect.any(Number) });
      expect((await submitAcdEvent(deps, { type: 'agent.setState', agentId: aliceId, state: 'ready' })).ok).toBe(true);
      const state = await first.next((e) => e.type === 'agent.state', 'agent.state');
      expect(state).toMatchObject({ id: expect.any(Number), agentId: aliceId, state: 'ready' });
      const lastId = pushed(first).at(-1)!.id!;
      await drop(first);

      // The offer is made while nobody listens.
      const contactId = await insertContact(deps, { entranceId, queueId, subject: 'Missed while offline' });
      expect((await submitAcdEvent(deps, { type: 'tick' })).ok).toBe(true);

      const again = await open('alice', `&since=${lastId}`);
      const offer = await again.next((e) => e.type === 'offer.created', 'the missed offer');
      expect(offer).toMatchObject({ agentId: aliceId, offer: { contactId, agentId: aliceId } });
      expect(offer.id).toBeGreaterThan(lastId);

      // Live events continue after the replay, on the same socket, in order.
      expect((await submitAcdEvent(deps, { type: 'offer.decline', offerId: offer.offer!.id, agentId: aliceId })).ok).toBe(true);
      await again.next((e) => e.type === 'offer.withdrawn', 'live withdrawal');
      const events = pushed(again);
      expect(events.filter((e) => e.type === 'offer.created' && e.offer?.id === offer.offer!.id)).toHaveLength(1);
      expect(events.every((e) => e.agentId === aliceId && e.id! > lastId)).toBe(true);
      expectIncreasingIds(events);

      // The same through a first {type:"resume"} message, and a supervisor replays everyone's events.
      const viaMessage = await open('alice');
      viaMessage.ws.send(JSON.stringify({ type: 'resume', since: lastId }));
      await viaMessage.next((e) => e.type === 'offer.withdrawn', 'replayed withdrawal');
      expect(pushed(viaMessage).map((e) => e.id)).toEqual(events.map((e) => e.id));
      const sue = await open('sue', `&since=${lastId}`);
      await sue.next((e) => e.type === 'contact.requeued' && e.contactId === contactId, 'supervisor replay');
      expectIncreasingIds(pushed(sue));
      expect(pushed(sue).length).toBeGreaterThan(events.length - 1);
      for (const c of [again, viaMessage, sue]) await drop(c);
    });

    it('an event whose bus message was lost is sent before the next one; a late duplicate hint sends nothing twice', async () => {
      const bob = await open('bob');
      // A pushed event committed without a bus message (a lost NOTIFY, a LISTEN reconnect)…
      const lostId = await deps.storage.transaction((trx) => appendEvent(trx, {
        at: Date.now(), type: 'agent.pauseRequested', contactId: null, agentId: bobId, data: {},
        push: { type: 'agent.pauseRequested', at: new Date().toISOString(), agentId: bobId, reason: 'lost hint' },
      }));
      // …is sent in its place when the next event for bob arrives.
      expect(await submitAcdEvent(deps, { type: 'agent.setState', agentId: bobId, state: 'paused', reason: 'lunch' })).toMatchObject({ ok: true });
      const after = await bob.next((e) => e.type === 'agent.state' && e.agentId === bobId, 'the next event');
      expect(pushed(bob)[0]).toMatchObject({ id: lostId, type: 'agent.pauseRequested', reason: 'lost hint' });
      expect(after.id).toBeGreaterThan(lostId);
      // A hint repeated late (an old id) or out of order sends nothing again.
      await deps.bus.publish('events', { id: lostId, agentId: bobId, type: 'agent.pauseRequested' });
      await deps.bus.publish('events', { id: after.id, agentId: bobId, type: 'agent.state' });
      expect((await submitAcdEvent(deps, { type: 'agent.setState', agentId: bobId, state: 'logged_out' })).ok).toBe(true);
      await bob.next((e) => e.type === 'agent.state' && (e as Event & { state?: string }).state === 'logged_out', 'logged out');
      expect(pushed(bob).map((e) => e.id)).toHaveLength(3);
      expectIncreasingIds(pushed(bob));
      await drop(bob);
    });

    it('one bus subscription per process fans events out to every socket by agent', async () => {
      // A second app on the same database whose bus counts 'events' subscriptions.
      let subscriptions = 0;
      const bus = { ...deps.bus, subscribe: (topic: Parameters<typeof deps.bus.subscribe>[0], fn: (p: unknown) => void) => { if (topic === 'events') subscriptions++; return deps.bus.subscribe(topic, fn); } };
      const other = await buildWebApp({ ...deps, bus }, { events: { keepAliveMs: 1000 } });
      const otherBase = (await other.listen({ host: '127.0.0.1', port: 0 })).replace(/^http/, 'ws');
      const atBuild = subscriptions; // the supervisors' monitor feed subscribes once when the app is built
      try {
        const socket = async (who: string) => {
          const c = await connect(`${otherBase}/api/v1/events?token=${encodeURIComponent(tokens[who])}`);
          await c.next((e) => e.type === 'hello', 'hello');
          return c;
        };
        const [a1, a2, b1, s1] = [await socket('alice'), await socket('alice'), await socket('bob'), await socket('sue')];
        expect(subscriptions - atBuild).toBe(1);
        expect((await submitAcdEvent(deps, { type: 'agent.setState', agentId: aliceId, state: 'logged_out' })).ok).toBe(true);
        expect((await submitAcdEvent(deps, { type: 'agent.setState', agentId: bobId, state: 'ready' })).ok).toBe(true);
        const aliceState = (e: Event) => e.type === 'agent.state' && e.agentId === aliceId && (e as Event & { state?: string }).state === 'logged_out';
        const bobState = (e: Event) => e.type === 'agent.state' && e.agentId === bobId && (e as Event & { state?: string }).state === 'ready';
        for (const c of [a1, a2, s1]) await c.next(aliceState, "alice's event");
        for (const c of [b1, s1]) await c.next(bobState, "bob's event");
        expect(pushed(a1).filter(bobState)).toEqual([]);
        expect(pushed(a2).filter(bobState)).toEqual([]);
        expect(pushed(b1).some(aliceState)).toBe(false);
        expect(pushed(a1).map((e) => e.id)).toEqual(pushed(a2).map((e) => e.id));
        expectIncreasingIds(pushed(s1));
        for (const c of [a1, a2, b1, s1]) await drop(c);
      } finally { await other.close(); }
    });

    it('answers a resume sent after events with an error, and ignores a bad since', async () => {
      const c = await open('alice', '&since=0');
      await c.next((e) => e.type === 'offer.created', 'replayed from the start');
      c.ws.send(JSON.stringify({ type: 'resume', since: 0 }));
      await c.next((e) => e.type === 'error', 'resume too late');
      await expect(connect(`${base}/api/v1/events?token=${encodeURIComponent(tokens.alice)}&since=-1`)).rejects.toThrow('HTTP 400');
      await drop(c);
    });
  });
}

describe('pushed event ids follow commit order (postgres)', () => {
  it('a second writer of a pushed event waits for the first to commit, so no reader sees id n+1 without n', async () => {
    const tdb = await createTestDatabase('postgres');
    const deps = await makeDeps(tdb);
    try {
      const push = (reason: string) => ({ at: Date.now(), type: 'agent.pauseRequested', contactId: null, agentId: null, data: {}, push: { type: 'agent.pauseRequested', at: new Date().toISOString(), agentId: null, reason } });
      let firstCommitted = 0;
      let firstId = 0;
      const first = deps.storage.transaction(async (trx) => {
        firstId = await appendEvent(trx, push('first'));
        await new Promise((r) => setTimeout(r, 400));
        firstCommitted = Date.now();
      });
      await new Promise((r) => setTimeout(r, 100));
      const second = deps.storage.transaction((trx) => appendEvent(trx, push('second')).then((id) => ({ id, at: Date.now() })));
      const [, s] = await Promise.all([first, second]);
      expect(s.at).toBeGreaterThanOrEqual(firstCommitted);
      expect(s.id).toBeGreaterThan(firstId);
    } finally { await deps.close(); await tdb.drop(); }
  });
});
