import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { DOCS_PREFIX } from '../../src/web/app.js';

/**
 * The OpenAPI document must describe every route the app serves: a route added
 * without a schema (summary, tags) makes this test fail.
 */
interface Operation { summary?: string; tags?: string[]; security?: unknown[] }
interface OpenApi { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> }; security: unknown[] }

/** Fastify's '/a/:id' is OpenAPI's '/a/{id}'; a wildcard '/*' is '/{*}'. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{*}');

describe('OpenAPI document', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  let doc: OpenApi;

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    app = await buildWebApp(deps);
    const res = await app.inject({ method: 'GET', url: `${DOCS_PREFIX}/json` });
    expect(res.statusCode).toBe(200);
    doc = res.json() as OpenApi;
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  it('is OpenAPI 3 with bearer and cookie security schemes', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'cookie']);
    expect(doc.security).toEqual([{ bearer: [] }, { cookie: [] }]);
  });

  it('documents every registered route with its method, a summary and tags', () => {
    const routes = app.switchyardRoutes.filter((r) => !r.url.startsWith(DOCS_PREFIX));
    expect(routes.length).toBeGreaterThan(25);
    const missing: string[] = [];
    for (const r of routes) {
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op) { missing.push(`${r.method} ${r.url}: not in the document`); continue; }
      if (!op.summary) missing.push(`${r.method} ${r.url}: no summary`);
      if (!op.tags?.length) missing.push(`${r.method} ${r.url}: no tags`);
    }
    expect(missing).toEqual([]);
  });

  it('marks the public routes as needing no session', () => {
    for (const [path, method] of [['/api/v1/session', 'post'], ['/healthz', 'get'], ['/metrics', 'get'], ['/', 'get']] as const) {
      expect(doc.paths[path][method].security, `${method} ${path}`).toEqual([]);
    }
    expect(doc.paths['/api/v1/users'].post.security).toBeUndefined();
  });

  it('serves the interactive docs without a session', async () => {
    const res = await app.inject({ method: 'GET', url: `${DOCS_PREFIX}/` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
