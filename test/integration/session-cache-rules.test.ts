import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/storage.js';
import { makeDeps } from '../support/deps.js';
import { createSessionCache, sessionCache } from '../../src/web/session-cache.js';
import { createSession, createUser } from '../../src/storage/repositories/users.js';
import { announceSessionsEnded, announceUserChange } from '../../src/storage/config-cache.js';

/**
 * The session cache's own rules (src/web/session-cache.ts), on one process's bus: what it keeps,
 * what drops it, and that it never outlives the session. The cross-process behaviour is in
 * session-cache.test.ts.
 */
describe('session cache rules (sqlite)', () => {
  let tdb: TestDatabase;
  let deps: Awaited<ReturnType<typeof makeDeps>>;
  let userId: string;
  let n = 0;
  const TTL = 60_000;

  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    deps = await makeDeps(tdb);
    const r = await createUser(deps.storage.db, { username: 'cache-agent', displayName: 'C', passwordHash: 'x', role: 'agent' }, Date.now());
    if (!r.ok) throw new Error(r.message);
    userId = r.user.id;
  });
  afterAll(async () => { await deps?.close(); await tdb?.drop(); });

  const newSession = async (now: number, ttlMs = 3_600_000) => {
    const hash = `hash-${++n}`;
    await createSession(deps.storage.db, userId, hash, now, ttlMs);
    return hash;
  };
  /** Removes the row behind the cache's back (no announcement): only the cache can still answer. */
  const dropRow = (hash: string) => deps.storage.db.deleteFrom('sessions').where('token_hash', '=', hash).execute();

  it('keeps a live session for its TTL and asks the database again after it', async () => {
    const cache = createSessionCache(deps, TTL);
    const now = Date.now();
    const hash = await newSession(now);
    expect((await cache.user(hash, now))?.id).toBe(userId);
    await dropRow(hash);
    expect((await cache.user(hash, now + 1000))?.id).toBe(userId);
    expect(await cache.user(hash, now + TTL + 1)).toBeUndefined();
  });

  it('never outlives the session it caches', async () => {
    const cache = createSessionCache(deps, TTL);
    const now = Date.now();
    const hash = await newSession(now, 2000);
    expect((await cache.user(hash, now))?.id).toBe(userId);
    expect(await cache.user(hash, now + 2000)).toBeUndefined();
  });

  it('a sign-out, the end of all the user\'s sessions, or a change to the user drops it at once', async () => {
    const cache = createSessionCache(deps, TTL);
    const now = Date.now();
    const ends = [
      (hash: string) => announceSessionsEnded(deps.bus, { tokenHashes: [hash] }),
      () => announceSessionsEnded(deps.bus, { userId }),
      () => announceUserChange(deps.bus, userId),
    ];
    for (const end of ends) {
      const hash = await newSession(now);
      expect((await cache.user(hash, now))?.id).toBe(userId);
      await dropRow(hash);
      await end(hash);
      expect(await cache.user(hash, now)).toBeUndefined();
    }
  });

  it('a lookup overtaken by an announcement is answered but not kept', async () => {
    const cache = createSessionCache(deps, TTL);
    const now = Date.now();
    const hash = await newSession(now);
    const pending = cache.user(hash, now);
    await announceUserChange(deps.bus, userId);
    expect((await pending)?.id).toBe(userId);
    await dropRow(hash);
    expect(await cache.user(hash, now)).toBeUndefined();
  });

  it('an unknown token is not kept', async () => {
    const cache = createSessionCache(deps, TTL);
    const now = Date.now();
    expect(await cache.user('hash-later', now)).toBeUndefined();
    await createSession(deps.storage.db, userId, 'hash-later', now, 3_600_000);
    expect((await cache.user('hash-later', now))?.id).toBe(userId);
  });

  it('keeps nothing where the bus does not reach other processes (SQLite)', async () => {
    const cache = sessionCache(deps);
    const now = Date.now();
    const hash = await newSession(now);
    expect((await cache.user(hash, now))?.id).toBe(userId);
    await dropRow(hash);
    expect(await cache.user(hash, now)).toBeUndefined();
  });
});
