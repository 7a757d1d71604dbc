import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { ADMIN, insertContact, login, seedAdmin, seedUser } from '../support/api.js';
import { smtpAccount } from '../support/analysis.js';
import { fromSchema, hostileBody, odd, type JsonSchema } from '../support/openapi-arbitraries.js';
import { buildWebApp } from '../../src/roles/web/index.js';
import { DOCS_PREFIX } from '../../src/web/app.js';
import type { Role } from '../../src/storage/repositories/users.js';

/**
 * API fuzzing (issue 10): requests generated from the OpenAPI document for every route and
 * every role (and no session), with bad types, missing and extra fields, huge and odd
 * values, bad path and query values, malformed JSON. Properties: no response is a 5xx; every
 * 4xx carries a stable error code in the JSON body.
 *
 *   SWITCHYARD_FUZZ_API_RUNS (requests per route and role; default 6, `npm run fuzz` 200)
 *   SWITCHYARD_FUZZ_SEED     (default random; printed)
 */
const RUNS = Number(process.env.SWITCHYARD_FUZZ_API_RUNS ?? 6);
/** npm test: a fixed seed (a CI run is repeatable); npm run fuzz: a random one unless SWITCHYARD_FUZZ_SEED is given. */
const SEED = Number(process.env.SWITCHYARD_FUZZ_SEED ?? (process.env.SWITCHYARD_FUZZ_RANDOM === "1" ? Math.floor(Math.random() * 2 ** 31) : 20261130));
const STABLE_CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

interface Operation { parameters?: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>; requestBody?: { content: Record<string, { schema?: JsonSchema }> } }
type Who = Role | 'anonymous';
const WHO: Who[] = ['admin', 'supervisor', 'agent', 'anonymous'];

interface FuzzRequest { path: Record<string, string>; query: Array<[string, string]>; body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string } }

describe('API fuzzing from the OpenAPI document', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let app: FastifyInstance;
  let doc: { paths: Record<string, Record<string, Operation>> };
  const tokens: Partial<Record<Who, string>> = {};
  const known: string[] = ['default', 'me', '0', '1'];
  let users = 0;

  /** A valid session for the role: the fuzzer may disable, delete or sign out its own users. */
  async function tokenFor(who: Who): Promise<string | null> {
    if (who === 'anonymous') return null;
    const current = tokens[who];
    if (current && (await app.inject({ method: 'GET', url: '/api/v1/session', headers: { authorization: `Bearer ${current}` } })).statusCode === 200) return current;
    const username = `fuzz-${who}-${++users}`;
    const u = await seedUser(deps, { username, password: 'fuzz-password-1', role: who });
    known.push(u.id);
    tokens[who] = await login(app, username, 'fuzz-password-1');
    return tokens[who]!;
  }

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    await seedAdmin(deps);
    app = await buildWebApp(deps);
    tokens.admin = await login(app, ADMIN.username, ADMIN.password);
    const acc = await smtpAccount(deps, 'fuzz@example.test');
    known.push(acc.accountId, acc.entranceId, acc.queueId, await insertContact(deps, { entranceId: acc.entranceId, queueId: acc.queueId }), randomUUID());
    doc = (await app.inject({ method: 'GET', url: `${DOCS_PREFIX}/json` })).json();
  });
  afterAll(async () => { await app?.close(); await deps?.close(); await tdb?.drop(); });

  const requestArb = (url: string, op: Operation): fc.Arbitrary<FuzzRequest> => {
    const params = op.parameters ?? [];
    const pathNames = [...url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathValue = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...known) },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(150), '%', '..', '%2e%2e%2f', ' ', '-1', '1e99', '\u0000', 'ü', '%ZZ') },
    );
    const path = fc.record(Object.fromEntries(pathNames.map((n) => [n, pathValue])) as Record<string, fc.Arbitrary<string>>);
    const queryParams = params.filter((p) => p.in === 'query');
    const query = fc.tuple(
      fc.tuple(...queryParams.map((p) => fc.option(fromSchema(p.schema, 2).map((v) => [p.name, typeof v === 'string' ? v : JSON.stringify(v) ?? ''] as [string, string]), { nil: undefined }))),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 })), { nil: undefined }),
    ).map(([known, extra]) => [...known.filter((q): q is [string, string] => q !== undefined), ...(extra ? [extra] : [])]);
    const [type, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
    const raw = fc.record({ kind: fc.constant('raw' as const), text: fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '', '\u0000', '{"a":1}{', '[' .repeat(5000)), type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded') });
    const body: fc.Arbitrary<FuzzRequest['body']> = !type
      ? fc.oneof({ weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) }, { weight: 1, arbitrary: odd().map((value) => ({ kind: 'json' as const, value })) })
      : type === 'application/json'
        ? fc.oneof({ weight: 6, arbitrary: hostileBody(media?.schema).map((value) => ({ kind: 'json' as const, value })) }, { weight: 1, arbitrary: raw }, { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) })
        : fc.oneof(fc.string({ maxLength: 400 }).map((text) => ({ kind: 'raw' as const, text, type })), raw);
    return fc.record({ path, query, body });
  };

  const toInject = (method: string, url: string, r: FuzzRequest, token: string | null): InjectOptions => {
    const path = url.replace(/\{([^}]+)\}/g, (_m, n: string) => encodeURIComponent(r.path[n] ?? 'x'));
    const qs = new URLSearchParams(r.query).toString();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    // From another address than the helpers' sign-ins, so fuzzed sign-ins cannot throttle them.
    const base = { method: method.toUpperCase() as 'GET', url: qs ? `${path}?${qs}` : path, headers, remoteAddress: '192.0.2.77' };
    if (r.body.kind === 'json') return { ...base, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(r.body.value) ?? 'null' };
    if (r.body.kind === 'raw') return { ...base, headers: { ...headers, 'content-type': r.body.type }, payload: r.body.text };
    return base;
  };

  it(`every route × role: no 5xx, every 4xx with a stable error code (${RUNS} requests each)`, async () => {
    console.info(`[api fuzz] seed ${SEED} (SWITCHYARD_FUZZ_SEED=${SEED}), ${RUNS} requests per route and role`);
    const operations = Object.entries(doc.paths).flatMap(([url, methods]) => Object.entries(methods).map(([method, op]) => ({ url, method, op })))
      .filter((o) => !o.url.startsWith(DOCS_PREFIX));
    expect(operations.length).toBeGreaterThan(60);
    const problems: string[] = [];
    const statuses: Record<string, number> = {};
    let requests = 0;
    for (const [i, { url, method, op }] of operations.entries()) {
      for (const [j, who] of WHO.entries()) {
        const token = await tokenFor(who);
        await fc.assert(fc.asyncProperty(requestArb(url, op), async (r) => {
          const req = toInject(method, url, r, token);
          const res = await app.inject(req);
          requests++;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          let code: unknown;
          try { code = (res.json() as { error?: { code?: unknown } }).error?.code; } catch { code = undefined; }
          const bad = res.statusCode >= 500 ? 'a 5xx' : res.statusCode >= 400 && !(typeof code === 'string' && STABLE_CODE.test(code)) ? '4xx without a stable error code' : null;
          if (bad) {
            problems.push(`${who} ${req.method} ${String(req.url).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)} (body ${String(req.payload ?? '').slice(0, 200)})`);
            return false;
          }
          return true;
        }), { seed: SEED + i * 8 + j, numRuns: RUNS, endOnFailure: true }).catch(() => undefined);
      }
    }
    console.info(`[api fuzz] seed ${SEED}: ${requests} requests over ${operations.length} operations × ${WHO.length} roles; statuses ${JSON.stringify(statuses)}; problems ${problems.length}`);
    expect(problems).toEqual([]);
  }, Math.max(300_000, RUNS * 90 * 4 * 200));
});
