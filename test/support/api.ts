import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Deps } from '../../src/app/deps.js';
import { hashPassword } from '../../src/adapters/crypto/secrets.js';
import { createUser, type Role } from '../../src/storage/repositories/users.js';
import type { ContactStatus, UserRow } from '../../src/storage/schema.js';

/** Helpers for API tests: seed users, sign in, call the API with a token, insert contacts. */
export const ADMIN = { username: 'admin', password: 'admin-password-1' } as const;

export async function seedUser(deps: Deps, u: { username: string; password: string; role: Role; email?: string; capacity?: number }): Promise<UserRow> {
  const result = await createUser(deps.storage.db, {
    username: u.username, displayName: u.username, passwordHash: await hashPassword(u.password), role: u.role, email: u.email ?? null, capacity: u.capacity,
  }, Date.now());
  if (!result.ok) throw new Error(result.message);
  return result.user;
}

export const seedAdmin = (deps: Deps): Promise<UserRow> => seedUser(deps, { ...ADMIN, role: 'admin' });

export async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (res.statusCode !== 201) throw new Error(`login as ${username} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export interface Authed {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Inject helpers that send `Authorization: Bearer <token>`. */
export function authed(app: FastifyInstance, token: string): Authed {
  const inject = (opts: InjectOptions) => app.inject({ ...opts, headers: { authorization: `Bearer ${token}`, ...(opts.headers ?? {}) } });
  return {
    get: (url) => inject({ method: 'GET', url }),
    post: (url, body) => inject({ method: 'POST', url, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) }),
    put: (url, body) => inject({ method: 'PUT', url, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) }),
    patch: (url, body) => inject({ method: 'PATCH', url, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) }),
    delete: (url) => inject({ method: 'DELETE', url }),
    inject,
  };
}

export interface ContactSeed {
  entranceId: string;
  queueId: string;
  subject?: string;
  status?: ContactStatus;
  agentId?: string | null;
  inboundMessageId?: number | null;
  html?: string | null;
  text?: string;
  attachments?: unknown[];
  queuedAt?: number;
}

/** Inserts a contact row directly (no email server). Queued contacts need a tick of the queue engine to be offered. */
export async function insertContact(deps: Deps, c: ContactSeed): Promise<string> {
  const now = Date.now();
  const id = randomUUID();
  await deps.storage.db.insertInto('contacts').values({
    id, entrance_id: c.entranceId, queue_id: c.queueId, inbound_message_id: c.inboundMessageId ?? null, dedupe_key: `test:${id}`,
    status: c.status ?? 'queued', message_id: `<${id}@example.org>`, subject: c.subject ?? 'Test contact',
    from_address: 'customer@example.org', from_name: 'Customer', to_addresses: JSON.stringify([{ address: 'support@example.test', name: '' }]),
    cc_addresses: '[]', reply_to: '[]', sent_date: now, in_reply_to: null, references_ids: '[]', text_body: c.text ?? 'Hello',
    html_body: c.html ?? null, attachments: JSON.stringify(c.attachments ?? []), contact_data: '{}', priority: 0, queued_at: c.queuedAt ?? now,
    agent_id: c.agentId ?? null, offer_count: 0, declined_by: '[]', assigned_at: null, closed_at: c.status === 'closed' ? now : null,
    created_at: now, updated_at: now,
  }).execute();
  return id;
}
