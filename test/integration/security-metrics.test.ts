import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { startApp, type RunningApp } from '../support/app.js';
import { httpFrom } from '../support/http-from.js';
import { makeDeps } from '../support/deps.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * /metrics names queues (mailbox addresses) and used to be open to anyone (issue 10).
 * With SWITCHYARD_METRICS_TOKEN it needs that bearer token; without one it answers only the
 * machine itself (loopback, not relayed by a proxy).
 */
describe('/metrics access', () => {
  let tdb: TestDatabase;
  let withToken: RunningApp;
  let open: RunningApp;
  let app: FastifyInstance;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  const TOKEN = 'metrics-token-0123456789abcdef';

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    withToken = await startApp(tdb, { SWITCHYARD_METRICS_TOKEN: TOKEN });
    open = await startApp({ ...tdb, dataDir: `${tdb.dataDir}/second` });
    deps = await makeDeps(tdb);
    app = await buildWebApp(deps);
  });
  afterAll(async () => { await withToken?.process.kill(); await open?.process.kill(); await app?.close(); await deps?.close(); await tdb?.drop(); });

  it('with a token configured: 401 without it or with a wrong one, metrics with it', async () => {
    const none = await httpFrom('127.0.0.1', withToken.base, 'GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('metrics.unauthorized');
    expect((await httpFrom('127.0.0.1', withToken.base, 'GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(401);
    const ok = await fetch(`${withToken.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchyard_outbox_backlog');
  });

  it('without a token: served to loopback clients, refused when relayed by a proxy or from another machine', async () => {
    const local = await fetch(`${open.base}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('switchyard_queue_contacts');
    const relayed = await httpFrom('127.0.0.2', open.base, 'GET', '/metrics', undefined, { 'x-forwarded-for': '203.0.113.9' });
    expect(relayed.status).toBe(403);
    expect(relayed.json.error.code).toBe('metrics.forbidden');
    const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.7' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.code).toBe('metrics.forbidden');
  });
});
