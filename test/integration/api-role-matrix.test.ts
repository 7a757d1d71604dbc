import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { authed, login, seedUser, type Authed } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/**
 * The role matrix of the administration, monitor and statistics routes: agents are refused,
 * supervisors read, admins change. Each route is called by each role (with ids that need not exist:
 * the role is checked first, so a permitted role gets 404 or 400, never 403); and each route
 * declares its roles so the check happens on arrival.
 */
type Who = 'agent' | 'supervisor' | 'admin';
type Access = 'read' | 'change' | 'admin-read' | 'everyone';

const MATRIX: Array<[string, string, Access]> = [
  ['GET', '/api/v1/audit', 'admin-read'],
  ['PATCH', '/api/v1/users/nobody', 'change'],
  ['DELETE', '/api/v1/users/nobody', 'change'],
  ['POST', '/api/v1/users/nobody/password', 'change'],
  ['DELETE', '/api/v1/users/nobody/sessions', 'change'],
  ['POST', '/api/v1/users/me/password', 'everyone'],
  ['PATCH', '/api/v1/smtp-servers/nobody', 'change'],
  ['DELETE', '/api/v1/smtp-servers/nobody', 'change'],
  ['POST', '/api/v1/smtp-servers/nobody/test', 'change'],
  ['POST', '/api/v1/smtp-servers/test', 'change'],
  ['PATCH', '/api/v1/accounts/nobody', 'change'],
  ['DELETE', '/api/v1/accounts/nobody', 'change'],
  ['POST', '/api/v1/accounts/nobody/test', 'change'],
  ['POST', '/api/v1/accounts/test', 'change'],
  ['GET', '/api/v1/quarantine/999999', 'read'],
  ['POST', '/api/v1/quarantine/999999/release', 'change'],
  ['DELETE', '/api/v1/quarantine/999999', 'change'],
  ['GET', '/api/v1/outbox/999999', 'read'],
  ['GET', '/api/v1/outbox/999999/raw', 'admin-read'],
  ['POST', '/api/v1/outbox/999999/retry', 'change'],
  ['POST', '/api/v1/analysis/try', 'read'],
  ['GET', '/api/v1/monitor', 'read'],
  ['GET', '/api/v1/monitor/intervals', 'read'],
  ['GET', '/api/v1/queues/nobody/thresholds', 'read'],
  ['PUT', '/api/v1/queues/nobody/thresholds', 'change'],
  ['GET', '/api/v1/statistics', 'read'],
  ['GET', '/api/v1/agents/me/image-senders', 'everyone'],
  ['POST', '/api/v1/answer-templates/nobody/preview', 'read'],
  ['PUT', '/api/v1/agents/me/image-senders', 'everyone'],
];

const allowed = (access: Access, who: Who): boolean =>
  access === 'everyone' || who === 'admin' || (who === 'supervisor' && access === 'read');

describe('role matrix: administration, monitor and statistics', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  const as: Partial<Record<Who, Authed>> = {};

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    app = await buildWebApp(deps);
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      await seedUser(deps, { username: role, password: `${role}-password`, role });
      as[role] = authed(app, await login(app, role, `${role}-password`));
    }
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  for (const [method, url, access] of MATRIX) {
    it(`${method} ${url}: ${access}`, async () => {
      for (const who of ['agent', 'supervisor', 'admin'] as const) {
        const res = await as[who]!.inject({ method: method as 'GET', url, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) });
        if (allowed(access, who)) expect([401, 403], `${who}: ${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
        else {
          expect(res.statusCode, `${who} must be refused: ${res.body}`).toBe(403);
          expect(res.json()).toMatchObject({ error: { code: 'auth.forbidden' } });
        }
      }
      const anonymous = await app.inject({ method: method as 'GET', url });
      expect(anonymous.statusCode).toBe(401);
    });
  }

  it('every administration, monitor and statistics route declares its roles (checked on arrival), and none admits agents unless it is their own', () => {
    const prefix = /^\/api\/v1\/(audit|users|smtp-servers|accounts|quarantine|outbox|analysis\/try|monitor|queues\/:id\/thresholds|statistics)/;
    const mine = app.switchyardRoutes.filter((r) => prefix.test(r.url) && !r.url.includes('/me/'));
    expect(mine.length).toBeGreaterThanOrEqual(MATRIX.length - 1);
    const problems: string[] = [];
    for (const r of mine) {
      if (!r.roles) problems.push(`${r.method} ${r.url}: no roles`);
      else if (r.roles.includes('agent')) problems.push(`${r.method} ${r.url}: admits agents`);
    }
    expect(problems).toEqual([]);
    const listed = new Set(MATRIX.map(([m, u]) => `${m} ${u.replace(/nobody|999999/g, ':id')}`));
    const unlisted = mine.map((r) => `${r.method} ${r.url}`).filter((k) => !listed.has(k) && /audit|\/test$|release|retry|raw|thresholds|monitor|statistics|analysis|password|sessions/.test(k)
      && !['GET /api/v1/quarantine/:id/raw', 'GET /api/v1/contacts/:id/raw'].includes(k));
    expect(unlisted).toEqual([]);
  });
});
