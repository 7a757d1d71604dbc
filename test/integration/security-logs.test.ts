import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { seedAdmin } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { createLogger } from '../../src/observability/logger.js';

/**
 * Logs never carry credentials (issue 10): a token in the URL (the event socket's ?token=),
 * the Authorization header and the session cookie are redacted in every line, including the
 * error line of a request that fails with 500. The logger's real output is captured.
 */
describe('log redaction', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  const lines: string[] = [];
  const secrets = Array.from({ length: 9 }, (_, i) => `S3CR3T${i}x${Math.random().toString(36).slice(2)}`);
  const request = (url: string, n: number) => app.inject({
    method: 'GET', url: `${url}?token=${secrets[n]}&limit=5`,
    headers: { authorization: `Bearer ${secrets[n + 1]}`, cookie: `switchyard_session=${secrets[n + 2]}` },
  });

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    const logger = createLogger('trace', 'test', { write: (line: string) => { lines.push(line); } });
    deps = await makeDeps(tdb, { logger });
    await seedAdmin(deps);
    app = await buildWebApp(deps);
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  it('redacts tokens in URLs, Authorization and cookies in every line, also for a request failing with 500', async () => {
    expect((await request('/api/v1/events', 0)).statusCode).toBe(401);
    deps.logger.warn({ url: `/x?token=${secrets[3]}`, headers: { authorization: `Bearer ${secrets[4]}` }, nested: { link: `wss://h/api/v1/events?token=${secrets[5]}` } }, `calling /y?token=${secrets[5]}`);
    // The database goes away: the session lookup throws and the request fails with 500, logged with its URL.
    await deps.storage.close();
    const failed = await request('/api/v1/contacts', 6);
    expect(failed.statusCode).toBe(500);
    const output = lines.join('');
    expect(output).toContain('request failed');
    expect(output).toContain('/api/v1/contacts?token=[redacted]&limit=5');
    expect(output).toContain('[redacted]');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
