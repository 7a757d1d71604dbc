import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * Statistics in a time zone, across DST changes (Europe/Berlin: clocks back on 2026-10-25 at
 * 01:00 UTC, forward on 2026-03-29 at 01:00 UTC) and a half-hour zone (Asia/Kolkata): days and
 * months follow the local calendar, hours the local offset (the repeated hour is two rows).
 */
type Json = Record<string, any>;
const ARRIVALS = [
  '2026-03-29T01:30:00Z', // 03:30 CEST, the short day
  '2026-10-24T22:30:00Z', // 00:30 CEST on the 25th (UTC: still the 24th)
  '2026-10-25T00:30:00Z', // 02:30 CEST, the first 02:30
  '2026-10-25T01:30:00Z', // 02:30 CET, the second 02:30
  '2026-10-25T10:10:00Z', // 15:40 in Kolkata
  '2026-10-25T22:30:00Z', // 23:30 CET on the 25th
  '2026-10-25T23:45:00Z', // 00:45 CET on the 26th (UTC: still the 25th)
];

for (const dialect of BACKENDS) {
  describe(`statistics in a time zone (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    let sup: Authed;
    const report = async (query: string) => { const r = await sup.get(`/api/v1/statistics?dimension=queue&key=qa&${query}`); expect(r.statusCode, r.body).toBe(200); return r.json() as Json; };
    const received = (rep: Json) => Object.fromEntries((rep.rows as Json[]).filter((r) => r.received > 0).map((r) => [r.start, r.received]));

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      const db = deps.storage.db;
      const now = Date.now();
      await db.insertInto('queues').values({ id: 'qa', name: 'A', created_at: now }).execute();
      await db.insertInto('entrances').values({ id: 'ea', name: 'support@example.test', account_id: null, queue_id: 'qa', created_at: now }).execute();
      for (const [i, at] of ARRIVALS.entries()) {
        await db.insertInto('events').values({ at: Date.parse(at), type: 'contact.created', contact_id: `c${i}`, agent_id: null, data: JSON.stringify({ entranceId: 'ea', queueId: 'qa', inboundMessageId: i + 1 }) }).execute();
      }
      await seedUser(deps, { username: 'sup', password: 'sup-password', role: 'supervisor' });
      app = await buildWebApp(deps);
      sup = authed(app, await login(app, 'sup', 'sup-password'));
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    it('days follow the local calendar: the autumn day has 25 hours, the spring day 23; UTC days differ', async () => {
      const berlin = await report('interval=day&from=2026-10-25&to=2026-10-27&timeZone=Europe/Berlin');
      expect(berlin).toMatchObject({ timeZone: 'Europe/Berlin', from: '2026-10-25T00:00:00+02:00', to: '2026-10-27T00:00:00+01:00' });
      expect(berlin.rows.map((r: Json) => [r.start, r.end, r.received])).toEqual([
        ['2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', 5],
        ['2026-10-26T00:00:00+01:00', '2026-10-27T00:00:00+01:00', 1],
      ]);
      const utc = await report('interval=day&from=2026-10-24&to=2026-10-26');
      expect(utc.timeZone).toBe('UTC');
      expect(utc.rows.map((r: Json) => [r.start, r.received])).toEqual([['2026-10-24T00:00:00.000Z', 1], ['2026-10-25T00:00:00.000Z', 5]]);
      const spring = await report('interval=day&from=2026-03-29&to=2026-03-30&timeZone=Europe/Berlin');
      expect(spring.rows.map((r: Json) => [r.start, r.end, r.received])).toEqual([['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 1]]);
    });

    it('hours follow the offset: the hour repeated when the clocks go back is two rows; a +05:30 zone\'s hours start at :30 UTC', async () => {
      const hours = await report('interval=hour&from=2026-10-25&to=2026-10-26&timeZone=Europe/Berlin');
      expect(received(hours)).toEqual({
        '2026-10-25T00:00:00+02:00': 1, '2026-10-25T02:00:00+02:00': 1, '2026-10-25T02:00:00+01:00': 1, '2026-10-25T11:00:00+01:00': 1, '2026-10-25T23:00:00+01:00': 1,
      });
      const repeated = (hours.rows as Json[]).filter((r) => r.start.startsWith('2026-10-25T02:00'));
      expect(repeated.map((r) => r.end)).toEqual(['2026-10-25T02:00:00+01:00', '2026-10-25T03:00:00+01:00']);
      const kolkata = await report('interval=hour&from=2026-10-25&to=2026-10-26&timeZone=Asia/Kolkata');
      // 10:10 UTC is 15:40 in Kolkata: its local hour 15:00 began at 09:30 UTC.
      const h15 = (kolkata.rows as Json[]).find((r) => r.start === '2026-10-25T15:00:00+05:30');
      expect(h15).toMatchObject({ received: 1, end: '2026-10-25T16:00:00+05:30' });
      const quarter = await report('interval=15m&from=2026-10-25T10:00:00Z&to=2026-10-25T11:00:00Z&timeZone=Asia/Kolkata');
      expect(received(quarter)).toEqual({ '2026-10-25T15:30:00+05:30': 1 });
    });

    it('months by the local calendar; the default zone is the configured one; a wrong zone is refused by name', async () => {
      const october = await report('interval=month&from=2026-10-01&to=2026-11-01&timeZone=Europe/Berlin');
      expect(october.rows.map((r: Json) => [r.start, r.end, r.received])).toEqual([['2026-10-01T00:00:00+02:00', '2026-11-01T00:00:00+01:00', 6]]);
      const utcOctober = await report('interval=month&from=2026-10-01&to=2026-11-01');
      expect(utcOctober.rows.map((r: Json) => r.received)).toEqual([6]);
      deps.config.timeZone = 'Europe/Berlin';
      try {
        expect((await report('interval=day&from=2026-10-26&to=2026-10-27')).rows.map((r: Json) => [r.start, r.received])).toEqual([['2026-10-26T00:00:00+01:00', 1]]);
      } finally { deps.config.timeZone = 'UTC'; }
      const bad = await sup.get('/api/v1/statistics?timeZone=Mars/Olympus');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'statistics.bad_time_zone', details: [{ path: 'query.timeZone' }] } });
      const csv = await sup.inject({ method: 'GET', url: '/api/v1/statistics?dimension=queue&interval=day&from=2026-10-25&to=2026-10-26&timeZone=Europe/Berlin&format=csv' });
      expect(csv.body).toContain('qa,A,2026-10-25T00:00:00+02:00,2026-10-26T00:00:00+01:00,5,');
      expect((await sup.get('/api/v1/statistics?interval=day&from=2025-01-01&to=2026-10-01&timeZone=Europe/Berlin')).json()).toMatchObject({ error: { code: 'statistics.range_too_long' } });
    });
  });
}
