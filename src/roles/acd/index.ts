import type { Deps, StopRole } from '../../app/deps.js';
import { submitAcdEvent } from './engine.js';
import { releaseLead, tryLead } from './leader.js';

/**
 * The ACD role: runs the queue engine on arrivals ('acd' bus hints) and on its timers
 * (offer expiry, wrap-up, escalation, relaxation, opening hours). Runs are serialised and
 * coalesced: any number of hints while a run is in progress cause exactly one more run.
 * A periodic sweep covers lost hints and renews the leader lease: on PostgreSQL only the
 * lease holder runs (the others stand by and take over within lease + sweep, under 10 s).
 */
export const LEASE_MS = 6000;

export async function startAcd(deps: Deps, opts: { sweepMs?: number } = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'acd' });
  const me = deps.config.instanceId;
  const single = deps.storage.dialect === 'sqlite';
  let leader = single;
  let running = false;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let idle: Promise<void> = Promise.resolve();

  const schedule = (due: number | null) => {
    if (timer) { clearTimeout(timer); timer = null; }
    if (due === null || stopped) return;
    timer = setTimeout(() => { kick(); }, Math.min(2 ** 31 - 1, Math.max(0, due - deps.clock()) + 5));
  };

  // Under a burst of arrivals the engine would run back to back, each run reading the open
  // state. After each run the next one waits three times as long as that run took, so the
  // engine takes at most about a quarter of the process while mail pours in; after a quiet
  // spell a single arrival is still decided at once.
  let pacedUntil = 0;
  let deferred: NodeJS.Timeout | null = null;
  const run = async (): Promise<void> => {
    do {
      again = false;
      const started = performance.now();
      try {
        if (!single) {
          const was = leader;
          leader = await tryLead(deps.storage.db, me, deps.clock(), LEASE_MS);
          if (leader !== was) log.info({ instance: me }, leader ? 'queue engine: leader' : 'queue engine: standing by');
        }
        if (leader) {
          const out = await submitAcdEvent(deps, { type: 'tick' });
          if (out.ok) schedule(out.nextDue);
        }
      } catch (err) {
        log.error({ err }, 'queue engine run failed');
      }
      const took = performance.now() - started;
      pacedUntil = performance.now() + Math.min(1000, 3 * took);
      if (again && !stopped) await new Promise((r) => setTimeout(r, Math.max(0, pacedUntil - performance.now())));
    } while (again && !stopped);
  };

  function kick(): void {
    if (stopped) return;
    if (running) { again = true; return; }
    const wait = pacedUntil - performance.now();
    if (wait > 0) {
      deferred ??= setTimeout(() => { deferred = null; kick(); }, wait);
      return;
    }
    running = true;
    idle = run().finally(() => { running = false; });
  }

  const unsubscribe = deps.bus.subscribe('acd', kick);
  const sweep = setInterval(kick, opts.sweepMs ?? 2000);
  kick();
  log.info('queue engine started');
  return async () => {
    stopped = true;
    unsubscribe();
    clearInterval(sweep);
    if (timer) clearTimeout(timer);
    if (deferred) clearTimeout(deferred);
    await idle;
    if (!single && leader) await releaseLead(deps.storage.db, me).catch(() => undefined);
    log.info('queue engine stopped');
  };
}
