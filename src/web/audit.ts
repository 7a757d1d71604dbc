import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Deps } from '../app/deps.js';
import { auditTarget, maskSecrets, type AuditTarget } from '../core/admin/audit.js';
import type { Database, UserRow } from '../storage/schema.js';

/**
 * The audit log of configuration changes, written by one pair of hooks for every audited route
 * (core/admin/audit.ts decides which): after the route's own checks (role, validation) the object's
 * current view is read through its GET route (so secrets are masked exactly as the API masks them),
 * and after a successful change the entry is written with the response as "after".
 */
declare module 'fastify' {
  interface FastifyRequest {
    audit: { target: AuditTarget; before: unknown } | null;
  }
}

export interface AuditEntry {
  user: Pick<UserRow, 'id' | 'username'> | null;
  objectType: string;
  objectId: string | null;
  action: string;
  before: unknown;
  after: unknown;
}

/** Writes one entry (also for changes made outside the HTTP routes, e.g. the CLI). */
export async function writeAudit(db: Kysely<Database>, e: AuditEntry, now: number): Promise<void> {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(maskSecrets(v)));
  await db.insertInto('audit_log').values({
    at: now, user_id: e.user?.id ?? null, username: e.user?.username ?? null, object_type: e.objectType, object_id: e.objectId,
    action: e.action, before: json(e.before), after: json(e.after),
  }).execute();
}

async function currentView(app: FastifyInstance, request: FastifyRequest, url: string): Promise<unknown> {
  if (!request.sessionToken) return null;
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${request.sessionToken}` } });
  if (res.statusCode !== 200 || !String(res.headers['content-type'] ?? '').includes('json')) return null;
  return res.json();
}

export function installAudit(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('audit', null);
  const capture: preHandlerAsyncHookHandler = async function (request) {
    const target = auditTarget(request.method, request.routeOptions.url ?? '', request.url);
    if (!target) return;
    request.audit = { target, before: target.beforeUrl ? await currentView(app, request, target.beforeUrl) : null };
  };
  // Appended to each audited route's own preHandlers, so it runs after the role check.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map(String);
    if (!methods.some((m) => auditTarget(m, route.url, route.url))) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), capture];
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const a = request.audit;
    if (!a || reply.statusCode >= 300) return payload;
    let after: unknown = null;
    if (typeof payload === 'string' && payload && String(reply.getHeader('content-type') ?? '').includes('json')) {
      try { after = JSON.parse(payload); } catch { after = null; }
    }
    const params = request.params as Record<string, string> | undefined;
    const own = /\/me(\/|$)/.test(request.routeOptions.url ?? '') ? request.user?.id ?? null : null;
    const objectId = params?.id ?? own ?? (after && typeof after === 'object' && typeof (after as { id?: unknown }).id !== 'undefined' ? String((after as { id: unknown }).id) : null);
    try {
      await writeAudit(deps.storage.db, { user: request.user, objectType: a.target.objectType, objectId, action: a.target.action, before: a.before, after }, deps.clock());
    } catch (err) {
      request.log.error({ err }, 'audit entry not written');
    }
    return payload;
  });
}
