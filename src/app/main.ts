import type { Config, Role } from '../config/config.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { openStorage } from '../storage/db.js';
import { createLocalBus, createPostgresBus } from '../storage/bus.js';
import { createSecretBox, loadSecretKey } from '../adapters/crypto/secrets.js';
import type { Deps, StopRole } from './deps.js';
import { ensureAdmin, ensureDemo } from './bootstrap.js';

/**
 * The composition root: config → logger → database → adapters → roles.
 * Each role's start(deps) returns its stop(); stopping runs them in reverse.
 */
export interface Running { deps: Deps; stop(): Promise<void>; admin: Awaited<ReturnType<typeof ensureAdmin>>; demo: boolean }

export async function buildDeps(config: Config): Promise<Deps> {
  const logger = createLogger(config.logLevel, config.instanceId);
  const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const bus = config.databaseUrl
    ? await createPostgresBus(storage, config.databaseUrl, (err) => logger.warn({ err }, 'bus connection problem'))
    : createLocalBus();
  const secrets = createSecretBox(loadSecretKey(config.secretKey, config.dataDir));
  return { config, logger, storage, bus, secrets, metrics: createMetrics(), clock: Date.now };
}

/**
 * Each role's code is loaded only by a process that runs it: a process with one role (as in
 * production with several email servers) does not carry the web stack's or the others' modules
 * in memory.
 */
const STARTERS: Record<Role, (deps: Deps) => Promise<StopRole>> = {
  acd: async (deps) => (await import('../roles/acd/index.js')).startAcd(deps),
  'email-server': async (deps) => (await import('../roles/email-server/index.js')).startEmailServer(deps),
  'account-server': async (deps) => (await import('../roles/account-server/index.js')).startAccountServer(deps),
  web: async (deps) => (await import('../roles/web/index.js')).startWeb(deps),
};
const ORDER: Role[] = ['acd', 'email-server', 'account-server', 'web'];

export async function startSwitchyard(config: Config, roles: Role[], opts: { demo: boolean }): Promise<Running> {
  const deps = await buildDeps(config);
  const admin = await ensureAdmin(deps);
  if (opts.demo) await ensureDemo(deps);
  const stops: StopRole[] = [];
  try {
    for (const role of ORDER) if (roles.includes(role)) stops.push(await STARTERS[role](deps));
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await deps.bus.close();
    await deps.storage.close();
    throw err;
  }
  deps.logger.info({ roles, database: deps.storage.dialect }, 'switchyard started');
  let stopping: Promise<void> | null = null;
  return {
    deps, admin, demo: opts.demo,
    stop: () => (stopping ??= (async () => {
      for (const stop of [...stops].reverse()) {
        try { await stop(); } catch (err) { deps.logger.error({ err }, 'role failed to stop cleanly'); }
      }
      await deps.bus.close();
      await deps.storage.close();
    })()),
  };
}
