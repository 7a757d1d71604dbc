import type { Bus } from './bus.js';

/**
 * Configuration cached in each process and dropped when it changes: a change made through any
 * process is announced on the bus ('config', with its scope) after commit, and every process
 * reloads on next use. On PostgreSQL the announcement is a NOTIFY on the same channel as every
 * other hint, so it reaches a process before any later hint or command from the same sender.
 */
export type ConfigScope = 'routing' | 'analysis' | 'accounts';

export async function announceConfigChange(bus: Bus, scope: ConfigScope): Promise<void> {
  await bus.publish('config', { scope });
}

/**
 * A user changed (disabled, deleted, role, password, email, skills): every process drops what it
 * cached of that user (its sessions' resolution, its address for redirects). After commit.
 */
export async function announceUserChange(bus: Bus, userId: string): Promise<void> {
  await heardEverywhere(bus, { scope: 'users', userId });
}

/** On PostgreSQL, returns once the database has delivered the announcement back to this process (so to every listener): the response leaves after. */
const heardEverywhere = (bus: Bus, payload: Record<string, unknown>): Promise<void> =>
  bus.publishHeard ? bus.publishHeard('config', payload) : bus.publish('config', payload);

/** Sessions ended (signed out: by their token hashes; every session of a user: by its id): no process accepts them any more. After commit. */
export async function announceSessionsEnded(bus: Bus, ended: { userId: string } | { tokenHashes: string[] }): Promise<void> {
  await heardEverywhere(bus, { scope: 'sessions', ...ended });
}

export interface Cached<T> {
  get(): Promise<T>;
  /** Drops the value; the next get() loads it again. */
  invalidate(): void;
}

/** A lazily loaded value, dropped on a 'config' announcement for one of `scopes` (or for everything). */
export function cachedConfig<T>(bus: Bus, scopes: ConfigScope[], load: () => Promise<T>): Cached<T> {
  let value: Promise<T> | null = null;
  let generation = 0;
  const invalidate = () => { value = null; generation++; };
  bus.subscribe('config', (p) => {
    const scope = (p as { scope?: ConfigScope } | null)?.scope;
    if (!scope || scopes.includes(scope)) invalidate();
  });
  return {
    get() {
      if (value) return value;
      const mine = generation;
      const loading = load();
      value = loading;
      // A failed load is not kept; a load overtaken by an invalidation is used once, not kept.
      loading.then(() => { if (generation !== mine && value === loading) value = null; }, () => { if (value === loading) value = null; });
      return loading;
    },
    invalidate,
  };
}
