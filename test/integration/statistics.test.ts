import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedAdmin, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { rebuildStatistics, statisticsCursor, updateStatistics } from '../../src/storage/repositories/statistics.js';
import type { Storage } from '../../src/storage/db.js';

/**
 * A scripted day of events (the queue engine's and the answering's own event shapes) gives the expected counts and
 * service levels: SL1 60 min / SL2 240 min with waits 30, 90, 200, 500 and 10 min at queue A;
 * queue time from the first queue entry, credited to the delivering queue; a transfer with the task
 * type unchanged is re-established, one that changed it is established again. Processing in small
 * batches across a restart and a rebuild from the events give the same figures.
 */
type Json = Record<string, any>;
const DAY = Date.UTC(2026, 10, 2);
const at = (hhmm: string) => DAY + Number(hhmm.slice(0, 2)) * 3_600_000 + Number(hhmm.slice(3)) * 60_000;

interface Ids { A: string; B: string; E: string; T1: string; T2: string; x: string; y: string }

function script(ids: Ids) {
  const ev: Array<{ at: number; type: string; contact: string | null; agent: string | null; data: Json }> = [];
  const created = (c: string, t: string) => ev.push({ at: at(t), type: 'contact.created', contact: c, agent: null, data: { entranceId: ids.E, queueId: ids.A, inboundMessageId: 1 } });
  const routed = (c: string, t: string, queueId: string, how: string, taskTypeId: string | null) =>
    ev.push({ at: at(t), type: 'contact.routed', contact: c, agent: null, data: { type: 'contact.routed', contactId: c, areaId: 'default', queueId, personalAgentId: null, taskTypeId, destination: 0, how } });
  const assigned = (c: string, t: string, agentId: string) => ev.push({ at: at(t), type: 'contact.assigned', contact: c, agent: agentId, data: { type: 'contact.assigned', contactId: c, agentId } });
  const closed = (c: string, t: string, agentId: string) => ev.push({ at: at(t), type: 'contact.closed', contact: c, agent: agentId, data: { type: 'contact.closed', contactId: c, agentId } });
  const offered = (c: string, t: string, agentId: string) => ev.push({ at: at(t), type: 'offer.created', contact: c, agent: agentId, data: { type: 'offer.created', offer: { id: `o-${c}`, contactId: c, agentId } } });
  for (const c of ['c1', 'c2', 'c3', 'c4']) created(c, '08:00');
  routed('c1', '08:00', ids.A, 'rule', ids.T1);
  routed('c3', '08:00', ids.A, 'rule', ids.T1);
  created('c5', '09:00');
  routed('c5', '09:00', ids.B, 'rule', null); // first routing away from the entrance's queue
  offered('c1', '08:29', ids.x);
  assigned('c1', '08:30', ids.x); closed('c1', '08:40', ids.x);
  assigned('c5', '09:10', ids.x); closed('c5', '09:20', ids.x);
  assigned('c2', '09:30', ids.y); closed('c2', '10:00', ids.y);
  created('c6', '10:00');
  ev.push({ at: at('10:00'), type: 'contact.ended', contact: 'c6', agent: null, data: { type: 'contact.ended', contactId: 'c6', reason: 'ended by routing' } });
  assigned('c3', '11:20', ids.x);
  routed('c3', '11:30', ids.B, 'transfer', ids.T1);
  assigned('c3', '12:00', ids.y); closed('c3', '12:30', ids.y);
  created('c7', '13:00');
  routed('c7', '13:00', ids.A, 'rule', ids.T1);
  assigned('c7', '13:10', ids.x);
  routed('c7', '13:20', ids.B, 'transfer', ids.T2);
  assigned('c7', '13:50', ids.y); closed('c7', '14:00', ids.y);
  assigned('c4', '16:20', ids.y); closed('c4', '16:30', ids.y);
  // c8: routed to B, then closed by its agent as unhandled (spam): no handling time.
  created('c8', '15:00');
  routed('c8', '15:00', ids.B, 'rule', null);
  assigned('c8', '15:05', ids.x);
  ev.push({ at: at('15:10'), type: 'contact.closed', contact: 'c8', agent: ids.x, data: { type: 'contact.closed', contactId: 'c8', agentId: ids.x, unhandledReason: 'spam' } });
  // y's answer to c3 leaves from the entrance's address.
  ev.push({ at: at('12:40'), type: 'answer.state', contact: 'c3', agent: ids.y, data: { answerId: 'a1', contactId: 'c3', agentId: ids.y, state: 'sent' } });
  ev.push({ at: at('12:39'), type: 'answer.state', contact: 'c3', agent: ids.y, data: { answerId: 'a1', contactId: 'c3', agentId: ids.y, state: 'queued' } });
  return ev.sort((a, b) => a.at - b.at);
}

async function insertEvents(storage: Storage, events: ReturnType<typeof script>) {
  for (const e of events) {
    await storage.db.insertInto('events').values({ at: e.at, type: e.type, contact_id: e.contact, agent_id: e.agent, data: JSON.stringify(e.data) }).execute();
  }
}

const MIN = 60;
for (const dialect of BACKENDS) {
  describe(`statistics from a scripted day (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let sup: Authed;
    let ids: Ids;
    const report = async (query: string) => { const r = await sup.get(`/api/v1/statistics?${query}`); expect(r.statusCode, r.body).toBe(200); return r.json() as Json; };
    const totals = async (dimension: string) => Object.fromEntries(((await report(`dimension=${dimension}&interval=day&from=2026-11-02&to=2026-11-03`)).totals as Json[]).map((t) => [t.key, t]));

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      const first = await makeDeps(tdb);
      await seedAdmin(first);
      const db = first.storage.db;
      const now = Date.now();
      await db.insertInto('queues').values([{ id: 'qa', name: 'A', created_at: now }, { id: 'qb', name: 'B', created_at: now }]).execute();
      await db.updateTable('queues').set({ sl1_minutes: 60, sl2_minutes: 240 }).execute();
      await db.insertInto('entrances').values({ id: 'ea', name: 'support@example.test', account_id: null, queue_id: 'qa', created_at: now }).execute();
      await db.insertInto('task_types').values([{ id: 't1', area_id: 'default', name: 'Billing', wrap_up_seconds: null, created_at: now }, { id: 't2', area_id: 'default', name: 'Refund', wrap_up_seconds: null, created_at: now }]).execute();
      const x = await seedUser(first, { username: 'x', password: 'x-password', role: 'agent' });
      const y = await seedUser(first, { username: 'y', password: 'y-password', role: 'agent' });
      await seedUser(first, { username: 'sup', password: 'sup-password', role: 'supervisor' });
      ids = { A: 'qa', B: 'qb', E: 'ea', T1: 't1', T2: 't2', x: x.id, y: y.id };
      await db.insertInto('answers').values({
        id: 'a1', contact_id: 'c3', case_id: null, agent_id: y.id, entrance_id: 'ea', account_id: null, mode: 'reply', from_address: 'support@example.test',
        to_addresses: '[]', cc_addresses: '[]', bcc_addresses: '[]', subject: 'Re', html: '', text: '', attachments: '[]', message_id: '<a1@example.test>',
        outbox_id: null, state: 'sent', reason: null, undo_until: 0, draft: '{}', created_at: now, updated_at: now, sent_at: now,
      }).execute();
      const events = script(ids);
      // Half the day, processed in batches of 3; then a restart; then the rest.
      await insertEvents(first.storage, events.slice(0, 17));
      await updateStatistics(first.storage, 3);
      const cursor = await statisticsCursor(first.storage.db);
      expect(cursor).toBeGreaterThan(0);
      await first.close();
      deps = await makeDeps(tdb);
      expect(await statisticsCursor(deps.storage.db)).toBe(cursor);
      await insertEvents(deps.storage, events.slice(17));
      app = await buildWebApp(deps);
      sup = authed(app, await login(app, 'sup', 'sup-password'));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('per queue: received, established, re-established, transfers, SL1/SL2, queue and handling time', async () => {
      const t = await totals('queue');
      expect(t.qa).toMatchObject({
        name: 'A', received: 6, established: 5, reEstablished: 0, transferred: 2, closedUnhandled: 1, sl1Percent: 40, sl2Percent: 80,
        avgQueueSeconds: 166 * MIN, maxQueueSeconds: 500 * MIN, handled: 3, avgHandlingSeconds: 1000,
      });
      expect(t.qb).toMatchObject({
        name: 'B', received: 4, established: 3, reEstablished: 1, transferred: 0, closedUnhandled: 1, sl1Percent: 100, sl2Percent: 100,
        avgQueueSeconds: 4575, maxQueueSeconds: 240 * MIN, handled: 3, avgHandlingSeconds: 1000,
      });
    });

    it('per entrance, task type and agent', async () => {
      expect((await totals('entrance')).ea).toMatchObject({ name: 'support@example.test', received: 8, established: 8, reEstablished: 1, closedUnhandled: 2, handled: 6, outgoing: 1 });
      const tt = await totals('task-type');
      expect(tt.t1).toMatchObject({ name: 'Billing', established: 3, reEstablished: 1 });
      expect(tt.t2).toMatchObject({ name: 'Refund', established: 1, reEstablished: 0 });
      expect(tt['(none)']).toMatchObject({ established: 4 });
      const ag = await totals('agent');
      expect(ag[ids.x]).toMatchObject({ name: 'x', established: 5, reEstablished: 0, transferred: 2, handled: 2, closedUnhandled: 1, outgoing: 0 });
      expect(ag[ids.y]).toMatchObject({ name: 'y', established: 3, reEstablished: 1, handled: 4, outgoing: 1 });
    });

    it('rolls 15-minute rows up to hours and months, and exports CSV', async () => {
      const hours = await report('dimension=queue&interval=hour&from=2026-11-02&to=2026-11-03&key=qa');
      const h8 = hours.rows.find((r: Json) => r.start === '2026-11-02T08:00:00.000Z');
      expect(h8).toMatchObject({ received: 4, established: 1, end: '2026-11-02T09:00:00.000Z' });
      expect(hours.rows.find((r: Json) => r.start === '2026-11-02T09:00:00.000Z')).toMatchObject({ received: 0, established: 1 }); // c5 moved to B
      const month = await report('dimension=queue&interval=month&from=2026-11-01&to=2026-12-01');
      expect(month.rows.find((r: Json) => r.key === 'qa')).toMatchObject({ start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', established: 5, sl1Percent: 40 });
      const csv = await sup.inject({ method: 'GET', url: '/api/v1/statistics?dimension=queue&interval=day&from=2026-11-02&to=2026-11-03', headers: { accept: 'text/csv' } });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('key,name,start,end,received,established,reEstablished,closedUnhandled,transferred,sl1Percent,sl2Percent,avgQueueSeconds,maxQueueSeconds,handled,avgHandlingSeconds,outgoing');
      expect(lines).toContain('qa,A,2026-11-02T00:00:00.000Z,2026-11-03T00:00:00.000Z,6,5,0,1,2,40,80,9960,30000,3,1000,0');
      expect((await sup.get('/api/v1/statistics?interval=15m&from=2026-01-01&to=2026-12-01')).json()).toMatchObject({ error: { code: 'statistics.range_too_long' } });
    });

    it('a rebuild from the event log gives the same figures', async () => {
      const before = await report('dimension=queue&interval=15m&from=2026-11-02&to=2026-11-03');
      const agentsBefore = await totals('agent');
      const processed = await rebuildStatistics(deps.storage, 1000);
      expect(processed).toBe(script(ids).length);
      expect(await report('dimension=queue&interval=15m&from=2026-11-02&to=2026-11-03')).toEqual(before);
      expect(await totals('agent')).toEqual(agentsBefore);
    });
  });
}
