import { waitFor } from './mailstack.js';
import { freePort, spawnSwitchyard, type SwitchyardProcess } from './process.js';
import type { TestDatabase } from './storage.js';

/** The built `switchyard start` (all roles) on a test database, with a small JSON client for its API. */
export type Json = Record<string, any>;

export const E2E_ADMIN_PASSWORD = 'admin-e2e-password';

export interface RunningApp {
  base: string;
  process: SwitchyardProcess;
  /** Any status: the caller asserts on it. */
  request(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; json: Json }>;
  /** Throws on a status of 300 or more, with the response text. */
  call(method: string, path: string, token: string | null, body?: unknown): Promise<Json>;
  login(username: string, password: string): Promise<string>;
}

export async function startApp(tdb: TestDatabase, env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const process = spawnSwitchyard(['start'], {
    SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl ?? undefined, SWITCHYARD_HTTP_PORT: String(port), SWITCHYARD_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD, ...env,
  });
  await process.started;
  await waitFor(async () => (await fetch(`${base}/healthz`)).ok, 20_000, 'healthz');
  const request = async (method: string, path: string, token: string | null, body?: unknown) => {
    const r = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, json: (text ? JSON.parse(text) : {}) as Json, text };
  };
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const r = await request(method, path, token, body);
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    return r.json;
  };
  return {
    base, process, request, call,
    login: async (username, password) => (await call('POST', '/api/v1/session', null, { username, password })).token as string,
  };
}
