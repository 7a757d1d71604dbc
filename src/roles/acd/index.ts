import type { Deps, StopRole } from '../../app/deps.js';
import { submitAcdEvent } from './engine.js';
import { releaseLead, tryLead } from './leader.js';
import { startRunner } from '../runner.js';

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

  const runner = startRunner(async () => {
    if (!single) {
      const was = leader;
      leader = await tryLead(deps.storage.db, me, deps.clock(), LEASE_MS);
      if (leader !== was) log.info({ instance: me }, leader ? 'queue engine: leader' : 'queue engine: standing by');
    }
    if (!leader) return;
    const out = await submitAcdEvent(deps, { type: 'tick' });
    if (out.ok) runner.at(out.nextDue);
  }, {
    bus: deps.bus, topic: 'acd', sweepMs: opts.sweepMs ?? 2000, clock: deps.clock,
    onError: (err) => log.error({ err }, 'queue engine run failed'),
    // Under a burst of arrivals each run reads the open state: holding the next run for three
    // times as long as the last one took keeps the engine to about a quarter of the process,
    // while a single arrival after a quiet spell is still decided at once.
    pace: (ms) => Math.min(1000, 3 * ms),
  });
  log.info('queue engine started');
  return async () => {
    await runner.stop();
    if (!single && leader) await releaseLead(deps.storage.db, me).catch(() => undefined);
    log.info('queue engine stopped');
  };
}
