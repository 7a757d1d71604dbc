import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, login, seedAdmin, seedUser } from '../support/api.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/** Every bad request gets a 4xx with a stable error.code and a message that names the problem. */
type As = 'admin' | 'agent' | 'nobody';
interface Case {
  name: string;
  as: As;
  req: InjectOptions;
  status: number;
  code: string;
  /** Must appear in error.message (and, for validation, in a details[].path). */
  field?: string;
}

const user = { username: 'carol', displayName: 'Carol', password: 'long-enough-pw', role: 'agent' };
const imap = { address: 'in@example.test', protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'in', password: 'pw' };
const post = (url: string, payload: unknown): InjectOptions => ({ method: 'POST', url, payload: payload as InjectOptions['payload'] });

const CASES: Case[] = [
  // wrong types
  { name: 'username is a number', as: 'admin', req: post('/api/v1/users', { ...user, username: 123 }), status: 400, code: 'request.invalid', field: 'body.username' },
  { name: 'port is a string', as: 'admin', req: post('/api/v1/smtp-servers', { name: 's', host: 'h', port: '25', security: 'none' }), status: 400, code: 'request.invalid', field: 'body.port' },
  { name: 'enabled is a string', as: 'admin', req: post('/api/v1/accounts', { ...imap, enabled: 'yes' }), status: 400, code: 'request.invalid', field: 'body.enabled' },
  { name: 'body is an array', as: 'admin', req: post('/api/v1/users', [user]), status: 400, code: 'request.invalid', field: 'body' },
  // unknown fields
  { name: 'unknown top-level field', as: 'admin', req: post('/api/v1/users', { ...user, isAdmin: true }), status: 400, code: 'request.invalid', field: 'body.isAdmin' },
  { name: 'unknown nested field', as: 'admin', req: post('/api/v1/smtp-servers', { name: 's', host: 'h', port: 25, security: 'none', auth: { user: 'u', password: 'p', method: 'PLAIN', tls: true } }), status: 400, code: 'request.invalid', field: 'body.auth.tls' },
  { name: 'unknown login field', as: 'nobody', req: post('/api/v1/session', { username: 'a', password: 'b', remember: true }), status: 400, code: 'request.invalid', field: 'body.remember' },
  { name: 'unknown query parameter', as: 'admin', req: { method: 'GET', url: '/api/v1/contacts?colour=red' }, status: 400, code: 'request.invalid', field: 'query.colour' },
  // missing required fields
  { name: 'missing password', as: 'admin', req: post('/api/v1/users', { username: 'x', displayName: 'X', role: 'agent' }), status: 400, code: 'request.invalid', field: 'body.password' },
  { name: 'missing body', as: 'admin', req: { method: 'POST', url: '/api/v1/users' }, status: 400, code: 'request.invalid', field: 'body' },
  { name: 'missing state', as: 'agent', req: { method: 'PUT', url: '/api/v1/agents/me/state', payload: {} }, status: 400, code: 'request.invalid', field: 'body.state' },
  { name: 'IMAP account without password', as: 'admin', req: post('/api/v1/accounts', { ...imap, password: undefined }), status: 400, code: 'request.invalid', field: 'body.password' },
  { name: "afterImport 'move' without moveTo", as: 'admin', req: post('/api/v1/accounts', { ...imap, afterImport: 'move' }), status: 400, code: 'request.invalid', field: 'body.moveTo' },
  // out of range / invalid values
  { name: 'password too short', as: 'admin', req: post('/api/v1/users', { ...user, password: 'short' }), status: 400, code: 'request.invalid', field: 'body.password' },
  { name: 'skill level 10', as: 'admin', req: post('/api/v1/users', { ...user, skills: { billing: 10 } }), status: 400, code: 'request.invalid', field: 'body.skills.billing' },
  { name: 'capacity 26', as: 'admin', req: post('/api/v1/users', { ...user, capacity: 26 }), status: 400, code: 'request.invalid', field: 'body.capacity' },
  { name: 'poll interval 1 s', as: 'admin', req: post('/api/v1/accounts', { ...imap, pollIntervalSeconds: 1 }), status: 400, code: 'request.invalid', field: 'body.pollIntervalSeconds' },
  { name: 'address not an email', as: 'admin', req: post('/api/v1/accounts', { ...imap, address: 'not-an-address' }), status: 400, code: 'request.invalid', field: 'body.address' },
  { name: 'limit 0', as: 'admin', req: { method: 'GET', url: '/api/v1/contacts?limit=0' }, status: 400, code: 'request.invalid', field: 'query.limit' },
  // invalid enum values
  { name: 'role god', as: 'admin', req: post('/api/v1/users', { ...user, role: 'god' }), status: 400, code: 'request.invalid', field: 'body.role' },
  { name: 'security ssl', as: 'admin', req: post('/api/v1/smtp-servers', { name: 's', host: 'h', port: 25, security: 'ssl' }), status: 400, code: 'request.invalid', field: 'body.security' },
  { name: 'auth method NTLM', as: 'admin', req: post('/api/v1/smtp-servers', { name: 's', host: 'h', port: 25, security: 'none', auth: { user: 'u', password: 'p', method: 'NTLM' } }), status: 400, code: 'request.invalid', field: 'body.auth.method' },
  { name: 'agent state sleeping', as: 'agent', req: { method: 'PUT', url: '/api/v1/agents/me/state', payload: { state: 'sleeping' } }, status: 400, code: 'request.invalid', field: 'body.state' },
  { name: 'contact status bogus', as: 'agent', req: { method: 'GET', url: '/api/v1/contacts?status=bogus' }, status: 400, code: 'request.invalid', field: 'query.status' },
  { name: 'outbox status bogus', as: 'admin', req: { method: 'GET', url: '/api/v1/outbox?status=lost' }, status: 400, code: 'request.invalid', field: 'query.status' },
  // not JSON
  { name: 'malformed JSON', as: 'admin', req: { method: 'POST', url: '/api/v1/users', payload: '{"username": ', headers: { 'content-type': 'application/json' } }, status: 400, code: 'request.malformed_json', field: 'JSON' },
  { name: 'text/plain body', as: 'admin', req: { method: 'POST', url: '/api/v1/users', payload: 'username=carol', headers: { 'content-type': 'text/plain' } }, status: 415, code: 'request.unsupported_media_type', field: 'application/json' },
  { name: 'form body', as: 'nobody', req: { method: 'POST', url: '/api/v1/session', payload: 'username=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, status: 415, code: 'request.unsupported_media_type', field: 'application/json' },
  // auth and roles
  { name: 'no session', as: 'nobody', req: { method: 'GET', url: '/api/v1/users' }, status: 401, code: 'auth.required', field: 'POST /api/v1/session' },
  { name: 'made-up token', as: 'nobody', req: { method: 'GET', url: '/api/v1/contacts', headers: { authorization: 'Bearer made-up-token' } }, status: 401, code: 'auth.required', field: 'sign in' },
  { name: 'no session on the event socket URL', as: 'nobody', req: { method: 'GET', url: '/api/v1/events' }, status: 401, code: 'auth.required' },
  { name: 'agent creating a user', as: 'agent', req: post('/api/v1/users', user), status: 403, code: 'auth.forbidden', field: 'admin' },
  { name: 'agent listing accounts', as: 'agent', req: { method: 'GET', url: '/api/v1/accounts' }, status: 403, code: 'auth.forbidden', field: 'supervisor' },
  { name: 'agent reading raw mail', as: 'agent', req: { method: 'GET', url: '/api/v1/contacts/x/raw' }, status: 403, code: 'auth.forbidden' },
  // bad ids
  { name: 'unknown user id', as: 'admin', req: { method: 'GET', url: '/api/v1/users/no-such-user' }, status: 404, code: 'user.not_found', field: 'no-such-user' },
  { name: 'unknown account id', as: 'admin', req: { method: 'GET', url: '/api/v1/accounts/00000000-0000-0000-0000-000000000000' }, status: 404, code: 'account.not_found', field: '00000000' },
  { name: 'unknown SMTP server id', as: 'admin', req: { method: 'GET', url: '/api/v1/smtp-servers/nope' }, status: 404, code: 'smtp_server.not_found', field: 'nope' },
  { name: 'unknown contact id', as: 'admin', req: { method: 'GET', url: '/api/v1/contacts/nope' }, status: 404, code: 'contact.not_found', field: 'nope' },
  { name: 'unknown offer id', as: 'agent', req: post('/api/v1/offers/nope/accept', {}), status: 404, code: 'offer.not_found', field: 'nope' },
  { name: 'unknown attachment contact', as: 'admin', req: { method: 'GET', url: '/api/v1/contacts/nope/attachments/0' }, status: 404, code: 'contact.not_found' },
  { name: 'negative attachment index', as: 'admin', req: { method: 'GET', url: '/api/v1/contacts/nope/attachments/-1' }, status: 400, code: 'request.invalid', field: 'path.index' },
  { name: 'unknown SMTP server reference', as: 'admin', req: post('/api/v1/accounts', { ...imap, smtpServerId: 'nope' }), status: 400, code: 'smtp_server.unknown', field: 'nope' },
  { name: 'unknown route', as: 'admin', req: { method: 'GET', url: '/api/v1/nothing-here' }, status: 404, code: 'route.not_found', field: '/api/v1/nothing-here' },
  { name: 'unknown route without a session', as: 'nobody', req: { method: 'DELETE', url: '/nowhere' }, status: 404, code: 'route.not_found' },
];

for (const dialect of BACKENDS) {
  describe(`web API: bad input (${dialect})`, () => {
    let tdb: TestDatabase;
    let deps: Awaited<ReturnType<typeof makeDeps>>;
    let app: FastifyInstance;
    const tokens: Record<As, string | null> = { admin: null, agent: null, nobody: null };

    beforeAll(async () => {
      tdb = await createTestDatabase(dialect);
      deps = await makeDeps(tdb);
      app = await buildWebApp(deps);
      await seedAdmin(deps);
      await seedUser(deps, { username: 'agent', password: 'agent-password', role: 'agent' });
      tokens.admin = await login(app, ADMIN.username, ADMIN.password);
      tokens.agent = await login(app, 'agent', 'agent-password');
    });
    afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

    for (const c of CASES) {
      it(`${c.name} → ${c.status} ${c.code}`, async () => {
        const token = tokens[c.as];
        const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(c.req.headers ?? {}) };
        const res = await app.inject({ ...c.req, headers });
        expect(res.statusCode, res.body).toBe(c.status);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const body = res.json() as { error: { code: string; message: string; details?: { path: string; message: string }[] } };
        expect(Object.keys(body)).toEqual(['error']);
        expect(body.error.code).toBe(c.code);
        expect(body.error.message.length).toBeGreaterThan(10);
        if (c.field) expect(body.error.message.toLowerCase()).toContain(c.field.toLowerCase());
        if (c.code === 'request.invalid' && c.field) {
          expect(body.error.details?.map((d) => d.path)).toContain(c.field);
        }
      });
    }

    it('lists every problem at once, each with its path', async () => {
      const res = await app.inject({
        method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${tokens.admin}` },
        payload: { username: '', password: 'x', role: 'root', extra: 1 },
      });
      expect(res.statusCode).toBe(400);
      const paths = (res.json() as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['body.username', 'body.displayName', 'body.password', 'body.role', 'body.extra']));
    });

    it('refuses a body over the size limit with 413', async () => {
      const big = JSON.stringify({ ...user, displayName: 'x'.repeat(deps.config.http.maxBodyBytes + 10) });
      const res = await app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, payload: big });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error: { code: 'request.too_large' } });
    });

    it('answers a server fault with 500 internal and no stack', async () => {
      const broken = await buildWebApp({ ...deps, storage: { ...deps.storage, db: deps.storage.db.withSchema('no_such_schema') } as typeof deps.storage });
      try {
        const res = await broken.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: 'whatever-pw' } });
        expect(res.statusCode).toBe(500);
        expect(res.json()).toEqual({ error: { code: 'internal', message: expect.any(String) } });
        expect(res.body).not.toMatch(/at .*\.(ts|js):\d+|no_such_schema|SqliteError|relation/i);
      } finally {
        await broken.close();
      }
    });

    it('reports 503 from /healthz when the database does not answer', async () => {
      const storage = await tdb.open();
      await storage.close();
      const down = await buildWebApp({ ...deps, storage });
      try {
        const health = await down.inject({ method: 'GET', url: '/healthz' });
        expect(health.statusCode).toBe(503);
        expect(health.json()).toEqual({ status: 'error', db: 'error' });
      } finally {
        await down.close();
      }
    });
  });
}
