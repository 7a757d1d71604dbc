import type { Deps } from '../../app/deps.js';
import type { Category, PatternSpec } from '../../core/analysis/index.js';
import { cachedConfig, type Cached } from '../../storage/config-cache.js';
import { DEFAULT_MAX_MESSAGE_BYTES, getAnalysisSettings, listCategories, listPatterns, toCategory, toPattern, type AnalysisSettings } from '../../storage/repositories/analysis-config.js';
import type { EntranceRef } from './analysis-stage.js';

/**
 * What the email server reads for every message, cached in the process and dropped when any
 * process announces a change (storage/config-cache.ts): the analysis configuration (one object per
 * version, so its regexes and keyword tables are compiled once), the entrance of each account and
 * each account's size limit.
 */
export interface IngestConfig {
  version: number;
  categories: Category[];
  patterns: PatternSpec[];
  settings: AnalysisSettings;
  entranceOf: Map<string, EntranceRef>;
  sizeLimitOf: Map<string, number>;
}

const caches = new WeakMap<Deps['bus'], Cached<IngestConfig>>();
let versions = 0;

/** The configuration; reloaded once first when it does not know one of `accountIds` (an account added without an announcement, e.g. by the CLI). */
export async function ingestConfigFor(deps: Deps, accountIds: string[]): Promise<IngestConfig> {
  const cfg = await ingestConfig(deps);
  if (accountIds.every((id) => cfg.entranceOf.has(id))) return cfg;
  caches.get(deps.bus)?.invalidate();
  return ingestConfig(deps);
}

export function ingestConfig(deps: Deps): Promise<IngestConfig> {
  let c = caches.get(deps.bus);
  if (!c) {
    const db = deps.storage.db;
    c = cachedConfig(deps.bus, ['analysis', 'accounts', 'routing'], async () => {
      const [categories, patterns, settings, entrances, limits] = await Promise.all([
        listCategories(db), listPatterns(db), getAnalysisSettings(db),
        db.selectFrom('entrances').select(['id', 'name', 'queue_id', 'account_id']).where('account_id', 'is not', null).execute(),
        db.selectFrom('account_limits').select(['account_id', 'max_message_bytes']).execute(),
      ]);
      return {
        version: ++versions,
        categories: categories.map(toCategory), patterns: patterns.map(toPattern), settings,
        entranceOf: new Map(entrances.map((e) => [e.account_id!, e as EntranceRef])),
        sizeLimitOf: new Map(limits.map((l) => [l.account_id, Number(l.max_message_bytes)])),
      };
    });
    caches.set(deps.bus, c);
  }
  return c.get();
}

export const sizeLimit = (cfg: IngestConfig, accountId: string): number => cfg.sizeLimitOf.get(accountId) ?? DEFAULT_MAX_MESSAGE_BYTES;
