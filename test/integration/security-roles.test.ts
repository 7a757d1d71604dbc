import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, login, seedAdmin, seedUser } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * Role checks come before body validation (issue 10): a caller without the role gets 403
 * for every route limited to other roles, even with an invalid body, invalid path values
 * and an unknown query, so the 400 details never reveal the schema. Runs over every route
 * the app registers with a role limit.
 */
describe('role checks before validation, over every role-limited route', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    await seedAdmin(deps);
    await seedUser(deps, { username: 'sup', password: 'supervisor-pw-1', role: 'supervisor' });
    await seedUser(deps, { username: 'agent', password: 'agent-password-1', role: 'agent' });
    app = await buildWebApp(deps);
    tokens.admin = await login(app, ADMIN.username, ADMIN.password);
    tokens.supervisor = await login(app, 'sup', 'supervisor-pw-1');
    tokens.agent = await login(app, 'agent', 'agent-password-1');
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  const hostile = (method: string, url: string, token: string) => app.inject({
    method: method as 'GET',
    url: `${url.replace(/:[A-Za-z]+/g, 'x'.repeat(90))}?limit=-7&bogus[]=1`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{"__unknown__": [1, {"deep": null}], "username": 12, "name": false}' }),
  });

  it('an agent gets 403 auth.forbidden (never 400) from every route limited to other roles', async () => {
    const limited = app.switchyardRoutes.filter((r) => r.roles && !r.roles.includes('agent'));
    expect(limited.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const r of limited) {
      const res = await hostile(r.method, r.url, tokens.agent);
      if (res.statusCode !== 403 || res.json().error?.code !== 'auth.forbidden') wrong.push(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a supervisor gets 403 from every admin-only route', async () => {
    const adminOnly = app.switchyardRoutes.filter((r) => r.roles && !r.roles.includes('supervisor'));
    expect(adminOnly.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const r of adminOnly) {
      const res = await hostile(r.method, r.url, tokens.supervisor);
      if (res.statusCode !== 403) wrong.push(`${r.method} ${r.url} → ${res.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the allowed role still gets the validation error with its details', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${tokens.admin}` }, payload: { username: 12 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('request.invalid');
  });
});
