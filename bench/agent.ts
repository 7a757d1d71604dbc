import WebSocket from 'ws';
import type { Deps } from '../src/app/deps.js';
import { createUser } from '../src/storage/repositories/users.js';
import { hashPassword } from '../src/adapters/crypto/secrets.js';

export type Api = (method: string, path: string, body?: unknown, token?: string) => Promise<unknown>;

/** A JSON client of the server under test: a non-2xx answer throws with its body. */
export function apiClient(base: string): Api {
  return async (method, path, body, token) => {
    const r = await fetch(base + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** The benches' observer: an agent created in the database, signed in through the API, Ready, with its event socket open. */
export async function readyBenchAgent(deps: Deps, base: string, port: number): Promise<{ api: Api; token: string; ws: WebSocket }> {
  await createUser(deps.storage.db, { username: 'bench-agent', displayName: 'Bench Agent', passwordHash: await hashPassword('bench-agent-pw'), role: 'agent' }, Date.now());
  const api = apiClient(base);
  const { token } = await api('POST', '/api/v1/session', { username: 'bench-agent', password: 'bench-agent-pw' }) as { token: string };
  await api('PUT', '/api/v1/agents/me/state', { state: 'ready' }, token);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/events?token=${encodeURIComponent(token)}`);
  return { api, token, ws };
}
