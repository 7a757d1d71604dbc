import type { Deps } from '../../app/deps.js';
import type { Logger } from '../../observability/logger.js';
import { updateAccountHealth } from '../../storage/repositories/accounts.js';

export type AccountState = 'connecting' | 'idle' | 'polling' | 'fetching' | 'listening' | 'backoff' | 'error' | 'stopped' | 'disabled';

/**
 * Writes account health only when something changed: a new state, a new error text, or a
 * success stamp older than `successEveryMs` (so a busy mailbox does not write per run).
 * Never throws: a failed health write is logged and forgotten.
 */
export function healthReporter(deps: Deps, accountId: string, log: Logger, successEveryMs = 10_000) {
  let state: AccountState | null = null;
  let error: string | null | undefined;
  let successWrittenAt = 0;
  return {
    get state() { return state; },
    async set(next: AccountState, opts: { success?: boolean; error?: string | null } = {}): Promise<void> {
      const now = deps.clock();
      const writeSuccess = opts.success === true && now - successWrittenAt >= successEveryMs;
      const errorChanged = opts.error !== undefined && opts.error !== error;
      if (next === state && !writeSuccess && !errorChanged) return;
      const prev = state;
      state = next;
      if (opts.error !== undefined) error = opts.error;
      if (writeSuccess) successWrittenAt = now;
      if (prev !== next) log.debug({ from: prev, to: next }, 'account state');
      try {
        await updateAccountHealth(deps.storage.db, accountId, {
          state: next,
          ...(writeSuccess ? { lastSuccessAt: now } : {}),
          ...(opts.error !== undefined ? { lastError: opts.error } : {}),
        }, now);
      } catch (err) {
        log.warn({ err }, 'could not write account health');
      }
    },
  };
}

/** A sleep that stop() can cut short. */
export function interruptibleSleep() {
  let wake: (() => void) | null = null;
  return {
    sleep(ms: number): Promise<void> {
      return new Promise((resolve) => {
        const t = setTimeout(() => { wake = null; resolve(); }, ms);
        wake = () => { clearTimeout(t); wake = null; resolve(); };
      });
    },
    interrupt() { wake?.(); },
  };
}
