import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { login, seedUser } from '../support/api.js';
import { connect } from '../support/ws.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { loadConfig } from '../../src/config/config.js';

/**
 * Security for the browser: cookie-authenticated writes and WebSocket upgrades must come from the
 * server's own origin (or carry X-Switchyard-Client: web); bearer clients are unaffected; the
 * session cookie is Secure over HTTPS (through a trusted proxy only); sign-in is not cached.
 * No storage specifics here, so one backend suffices.
 */
describe('browser security', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    const loaded = loadConfig({}, { SWITCHYARD_DATA_DIR: tdb.dataDir, SWITCHYARD_LOG_LEVEL: 'silent', SWITCHYARD_TRUST_PROXY: '127.0.0.1', SWITCHYARD_PUBLIC_URL: 'https://desk.example.com/' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    deps = await makeDeps(tdb, { config: loaded.config });
    app = await buildWebApp(deps);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    await seedUser(deps, { username: 'alice', password: 'alice-password', role: 'agent' });
    token = await login(app, 'alice', 'alice-password');
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  const put = (headers: Record<string, string>) => fetch(`${base}/api/v1/agents/me/state`, {
    method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ state: 'ready' }),
  });
  const cookie = () => ({ cookie: `switchyard_session=${token}` });

  it.each([
    { name: 'cookie, no Origin', headers: {}, status: 403 },
    { name: 'cookie, another port', headers: { origin: 'http://127.0.0.1:1' }, status: 403 },
    { name: 'cookie, a subdomain of the public URL', headers: { origin: 'https://evil.desk.example.com' }, status: 403 },
    { name: 'cookie, Origin null (sandboxed page)', headers: { origin: 'null' }, status: 403 },
    { name: 'cookie, the wrong client header', headers: { 'x-switchyard-client': 'evil' }, status: 403 },
    { name: 'cookie, our own origin', headers: { origin: 'SELF' }, status: 200 },
    { name: 'cookie, the public URL', headers: { origin: 'https://desk.example.com' }, status: 200 },
    { name: 'cookie, X-Switchyard-Client: web', headers: { 'x-switchyard-client': 'web' }, status: 200 },
  ])('$name → $status', async ({ headers, status }) => {
    const h: Record<string, string> = { ...cookie(), ...(headers as Record<string, string>) };
    if (h.origin === 'SELF') h.origin = base;
    const res = await put(h);
    expect(res.status).toBe(status);
    if (status === 403) expect(await res.json()).toMatchObject({ error: { code: 'csrf.origin' } });
  });

  it('leaves bearer clients and cookie reads alone', async () => {
    expect((await put({ authorization: `Bearer ${token}`, origin: 'http://elsewhere.example' })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/agents/me`, { headers: { ...cookie(), origin: 'http://elsewhere.example' } })).status).toBe(200);
  });

  it('checks the WebSocket upgrade of a cookie session, not of a ?token= one', async () => {
    const ws = base.replace(/^http/, 'ws') + '/api/v1/events';
    await expect(connect(ws, { headers: cookie(), origin: 'http://elsewhere.example' })).rejects.toThrow('HTTP 403');
    await expect(connect(ws, { headers: cookie() })).rejects.toThrow('HTTP 403');
    const ok = await connect(ws, { headers: cookie(), origin: base });
    await ok.next((e) => e.type === 'hello', 'hello');
    ok.ws.terminate();
    const viaToken = await connect(`${ws}?token=${encodeURIComponent(token)}`, { origin: 'http://elsewhere.example' });
    await viaToken.next((e) => e.type === 'hello', 'hello');
    viaToken.ws.terminate();
  });

  it('sign-in is no-store; the cookie is HttpOnly, SameSite=Strict, and Secure only over HTTPS from the trusted proxy', async () => {
    const signIn = (headers: Record<string, string>) => fetch(`${base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    const plain = await signIn({});
    expect(plain.status).toBe(201);
    expect(plain.headers.get('cache-control')).toBe('no-store');
    const plainCookie = plain.headers.get('set-cookie') ?? '';
    expect(plainCookie).toMatch(/HttpOnly/i);
    expect(plainCookie).toMatch(/SameSite=Strict/i);
    expect(plainCookie).not.toMatch(/Secure/i);
    const https = await signIn({ 'x-forwarded-proto': 'https' }); // from 127.0.0.1, the trusted proxy
    expect(https.headers.get('set-cookie')).toMatch(/; Secure/i);
    const failed = await signIn({ 'x-forwarded-proto': 'https' }).then(() => fetch(`${base}/api/v1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'wrong-password' }),
    }));
    expect(failed.status).toBe(401);
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });

  it('ignores X-Forwarded-Proto from an untrusted peer', async () => {
    const loaded = loadConfig({}, { SWITCHYARD_DATA_DIR: tdb.dataDir, SWITCHYARD_LOG_LEVEL: 'silent', SWITCHYARD_TRUST_PROXY: '10.9.8.7' });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const other = await buildWebApp({ ...deps, config: loaded.config });
    try {
      const res = await other.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-proto': 'https' }, payload: { username: 'alice', password: 'alice-password' } });
      expect(res.statusCode).toBe(201);
      expect(String(res.headers['set-cookie'])).not.toMatch(/Secure/i);
      // An Origin that only matches the forwarded scheme is not ours either.
      const write = await other.inject({ method: 'PUT', url: '/api/v1/agents/me/state', headers: { host: 'desk.example.com', origin: 'https://desk.example.com', 'x-forwarded-proto': 'https', cookie: `switchyard_session=${token}` }, payload: { state: 'paused' } });
      expect(write.statusCode).toBe(403);
    } finally { await other.close(); }
  });

  it('refuses bad security settings at start', () => {
    expect(loadConfig({}, { SWITCHYARD_PUBLIC_URL: 'javascript:alert(1)' })).toMatchObject({ ok: false });
    expect(loadConfig({}, { SWITCHYARD_TRUST_PROXY: '127.0.0.1; rm -rf' })).toMatchObject({ ok: false });
    const ok = loadConfig({}, { SWITCHYARD_PUBLIC_URL: 'https://desk.example.com:8443/app', SWITCHYARD_TRUST_PROXY: '10.0.0.0/8, loopback' });
    expect(ok).toMatchObject({ ok: true, config: { http: { publicOrigin: 'https://desk.example.com:8443', trustProxy: ['10.0.0.0/8', 'loopback'] } } });
  });
});
