import type { Deps } from '../app/deps.js';
import type { Bus } from '../storage/bus.js';
import { sessionWithUser } from '../storage/repositories/users.js';
import type { UserRow } from '../storage/schema.js';

/**
 * Session → user, cached in each process for a few seconds so that a request does not read the
 * database to learn who sent it. Ending a session and any change to a user (disabled, deleted,
 * role, password, email) is announced on the bus after commit (announceUserChange /
 * announceSessionsEnded, scope 'users' / 'sessions' of the 'config' topic, the same channel as
 * every configuration change), and every process drops what it cached for that user or session
 * at once: sign-out and disabling take effect on every process at the next request. The TTL only
 * bounds how long a lost announcement (a bus outage) could keep a session working. On SQLite, whose bus does not leave the process,
 * nothing is kept (see sessionCache). A cached entry never outlives its session's
 * expiry (sessions have a fixed lifetime: nothing is written per request).
 */
export const SESSION_CACHE_MS = 5_000;
/** At most this many sessions are cached per process; the oldest are dropped first. */
const MAX_ENTRIES = 20_000;

interface Entry { user: UserRow; until: number }

export interface SessionCache {
  /** The signed-in user of a session token's hash, or undefined (unknown, expired, user disabled). */
  user(tokenHash: string, now: number): Promise<UserRow | undefined>;
  /** Drops everything (tests). */
  clear(): void;
}

const caches = new WeakMap<Bus, SessionCache>();

/** The session cache of this process (one per bus, subscribed once). */
export function sessionCache(deps: Pick<Deps, 'bus' | 'storage'>): SessionCache {
  let c = caches.get(deps.bus);
  // On SQLite the bus stays inside this process: another process (a second instance, the CLI) could
  // not announce a sign-out, so every request asks the database (there it is an in-process read).
  if (!c) caches.set(deps.bus, (c = createSessionCache(deps, deps.bus.crossProcess ? SESSION_CACHE_MS : 0)));
  return c;
}

export function createSessionCache(deps: Pick<Deps, 'bus' | 'storage'>, ttlMs: number): SessionCache {
  const entries = new Map<string, Entry>();
  /** Lookups in flight, shared by concurrent requests with the same token. */
  const loading = new Map<string, Promise<UserRow | undefined>>();
  // Bumped by every invalidation: a lookup that started before one is answered but not kept.
  let generation = 0;
  const dropUser = (userId: string) => { for (const [k, e] of entries) if (e.user.id === userId) entries.delete(k); };
  deps.bus.subscribe('config', (p) => {
    const m = p as { scope?: string; userId?: string; tokenHashes?: string[] } | null;
    const scope = m?.scope;
    if (scope !== undefined && scope !== 'users' && scope !== 'sessions') return;
    generation++;
    if (scope === 'users' && m?.userId) dropUser(m.userId);
    else if (scope === 'sessions' && m?.tokenHashes) for (const h of m.tokenHashes) entries.delete(h);
    else if (scope === 'sessions' && m?.userId) dropUser(m.userId);
    else entries.clear();
  });
  return {
    user(tokenHash, now) {
      const hit = entries.get(tokenHash);
      if (hit && hit.until > now) return Promise.resolve(hit.user);
      if (hit) entries.delete(tokenHash);
      const inFlight = loading.get(tokenHash);
      if (inFlight) return inFlight;
      const mine = generation;
      const p = sessionWithUser(deps.storage.db, tokenHash, now).then((found) => {
        // Only a live session is kept (an unknown token is asked again: it cannot crowd the cache).
        if (found && generation === mine && ttlMs > 0) {
          if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
          entries.set(tokenHash, { user: found.user, until: Math.min(now + ttlMs, found.expiresAt) });
        }
        return found?.user;
      }).finally(() => { if (loading.get(tokenHash) === p) loading.delete(tokenHash); });
      loading.set(tokenHash, p);
      return p;
    },
    clear() { generation++; entries.clear(); },
  };
}
