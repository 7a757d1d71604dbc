import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secrets.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createLocalBus, createPostgresBus } from '../../src/storage/bus.js';
import type { Deps } from '../../src/app/deps.js';
import type { TestDatabase } from './storage.js';

/** Real storage and bus for a test database; silent logger; a random secret key. */
export async function makeDeps(tdb: TestDatabase, overrides: Partial<Deps> = {}): Promise<Deps & { close(): Promise<void> }> {
  const loaded = loadConfig({}, { SWITCHYARD_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl ?? undefined, SWITCHYARD_LOG_LEVEL: process.env.SWITCHYARD_TEST_LOG ?? 'silent' });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const logger = createLogger(loaded.config.logLevel, 'test');
  const storage = await tdb.open();
  const bus = tdb.databaseUrl ? await createPostgresBus(storage, tdb.databaseUrl, (e) => logger.warn(e)) : createLocalBus();
  const deps: Deps = {
    config: loaded.config, logger, storage, bus, secrets: createSecretBox(randomBytes(32)), metrics: createMetrics(), clock: Date.now,
    ...overrides,
  };
  return { ...deps, async close() { await bus.close(); await storage.close(); } };
}
