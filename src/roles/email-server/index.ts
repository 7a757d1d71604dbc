import type { Deps, StopRole } from '../../app/deps.js';
import { claimInbound } from '../../storage/repositories/inbound.js';
import { startDelivery } from '../delivery/index.js';
import { startRunner } from '../runner.js';
import { processInbound } from './pipeline.js';

export interface EmailServerOptions { batchSize?: number; leaseMs?: number; sweepMs?: number; delivery?: boolean }

/**
 * The email server role: claims stored messages (safe with several email servers on
 * PostgreSQL: SKIP LOCKED claims with a lease), turns each into a contact and wakes the
 * queue engine. It also runs the outbox delivery worker unless told not to.
 */
export async function startEmailServer(deps: Deps, opts: EmailServerOptions = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'email-server' });
  const batchSize = opts.batchSize ?? 25;
  // A crashed server's claims become claimable after the lease; processing twice is harmless (unique contacts).
  const leaseMs = opts.leaseMs ?? 10_000;

  const runner = startRunner(async (stopped) => {
    while (!stopped()) {
      const batch = await claimInbound(deps.storage, deps.config.instanceId, batchSize, deps.clock(), leaseMs);
      if (batch.length === 0) return;
      let created = 0;
      for (const msg of batch) {
        if (stopped()) break;
        const out = await processInbound(deps, msg);
        if (out.kind === 'contact') created++;
        if (out.kind === 'retry') log.warn({ inboundMessageId: msg.id, error: out.error }, 'message will be retried');
      }
      if (created > 0) await deps.bus.publish('acd', { contacts: created });
    }
  }, { bus: deps.bus, topic: 'inbound', sweepMs: opts.sweepMs ?? 1000, clock: deps.clock, onError: (err) => log.error({ err }, 'email server run failed; will retry') });

  const stopDelivery = opts.delivery === false ? null : await startDelivery(deps);
  log.info('email server started');
  return async () => {
    await runner.stop();
    await stopDelivery?.();
    log.info('email server stopped');
  };
}
