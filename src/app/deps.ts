import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Storage } from '../storage/db.js';
import type { Bus } from '../storage/bus.js';
import type { SecretBox } from '../adapters/crypto/secrets.js';

/** What the composition root hands to every role. */
export interface Deps {
  config: Config;
  logger: Logger;
  storage: Storage;
  bus: Bus;
  secrets: SecretBox;
  metrics: Metrics;
  /** The current time in epoch ms; tests may substitute it. */
  clock: () => number;
}

/** Every role's start(deps) resolves to its stop(). */
export type StopRole = () => Promise<void>;
