/**
 * What an audit entry says about a configuration change, derived from the route that made it.
 * Pure: the web layer supplies the route pattern, method and bodies.
 */
const SECRET_KEY = /pass(word)?|secret|token|credential/i;

/** A copy of a JSON value with every secret-looking field replaced by '***' (booleans such as passwordSet stay). */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && typeof v !== 'boolean' && v !== null ? '***' : maskSecrets(v, depth + 1);
  }
  return out;
}

/** Configuration collections whose changes are audited (paths below /api/v1/). */
const AUDITED = /^\/api\/v1\/(users|smtp-servers|accounts|routing|categories|patterns|answer-templates|entrances|analysis\/settings|quarantine|outbox|queues)(\/|$)/;
/** Reads and checks that use POST but change nothing. */
const NOT_CHANGES = /\/test$|^\/api\/v1\/routing\/requirements\/check$/;
/** Trailing path segments that name an action on the object rather than a sub-resource. */
const ACTIONS = new Set(['release', 'discard', 'retry', 'password', 'sessions']);

export interface AuditTarget {
  objectType: string;
  action: string;
  /** The URL whose GET shows the object before the change, or null (creation, or no such view). */
  beforeUrl: string | null;
}

/** Whether (and how) a request to this route pattern is audited. `url` is the concrete path. */
export function auditTarget(method: string, routePattern: string, url: string): AuditTarget | null {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return null;
  if (!AUDITED.test(routePattern) || NOT_CHANGES.test(routePattern)) return null;
  const segments = routePattern.replace(/^\/api\/v1\//, '').split('/');
  const concrete = url.split('?')[0].replace(/^\/api\/v1\//, '').split('/');
  const last = segments[segments.length - 1];
  const isAction = ACTIONS.has(last) && segments.length > 1;
  const named = segments.filter((s, i) => !s.startsWith(':') && !(isAction && i === segments.length - 1) && s !== 'routing' && s !== 'me');
  const objectType = named.join('.') || segments[0];
  const hasId = segments.some((s) => s.startsWith(':') || s === 'me');
  let action: string;
  if (isAction) action = method === 'DELETE' ? `${last}.delete` : last;
  else if (method === 'POST') action = hasId && segments[segments.length - 1].startsWith(':') ? 'update' : 'create';
  else if (method === 'DELETE') action = 'delete';
  else action = 'update';
  const objectPath = isAction ? concrete.slice(0, -1) : concrete;
  const beforeUrl = action === 'create' || !hasId ? (method === 'PUT' ? `/api/v1/${objectPath.join('/')}` : null) : `/api/v1/${objectPath.join('/')}`;
  return { objectType, action, beforeUrl };
}
