import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { buildWebApp } from '../../src/roles/web/index.js';

/** The agent desktop served by Switchyard itself: files, caching, history fallback, CSP, JSON 404 under /api. */
describe('web app serving (src/web/spa.ts)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-web-'));
    mkdirSync(join(root, 'bundle/assets'), { recursive: true });
    writeFileSync(join(root, 'bundle/index.html'), '<!doctype html><title>desk</title><div id="root"></div>');
    writeFileSync(join(root, 'bundle/assets/index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'bundle/favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'outside the bundle');
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    app = await buildWebApp(deps, { web: { root: join(root, 'bundle') } });
    bare = await buildWebApp(deps, { web: { root: join(root, 'missing') } });
  });
  afterAll(async () => { await app?.close(); await bare?.close(); await deps?.close(); await tdb?.drop(); rmSync(root, { recursive: true, force: true }); });

  it('serves the app at / with a strict CSP and no caching of the page', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = String(res.headers['content-security-policy']);
    for (const d of ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "connect-src 'self'"]) expect(csp).toContain(d);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const svg = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['cache-control']).toBe('no-cache');
  });

  it('answers deep links with the app page (history fallback)', async () => {
    const res = await app.inject({ method: 'GET', url: '/desk/contacts/42?x=1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
  });

  it('keeps JSON 404s under /api and for missing files', async () => {
    for (const url of ['/api/v1/nothing-here', '/api', '/assets/missing.js', '/nothing.png']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('route.not_found');
    }
    const post = await app.inject({ method: 'POST', url: '/desk' });
    expect(post.statusCode).toBe(404);
  });

  it('never serves a file outside the bundle', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('outside the bundle');
    }
  });

  it('explains how to build the desktop when the bundle is missing', async () => {
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build');
    expect(res.body).toContain('/api/docs');
  });
});
