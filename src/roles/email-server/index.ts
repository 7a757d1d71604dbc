import type { Deps, StopRole } from '../../app/deps.js';
import { claimInbound } from '../../storage/repositories/inbound.js';
import { startDelivery } from '../delivery/index.js';
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
  let running = false;
  let again = false;
  let stopped = false;
  let idle: Promise<void> = Promise.resolve();

  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        for (;;) {
          if (stopped) return;
          const batch = await claimInbound(deps.storage, deps.config.instanceId, batchSize, deps.clock(), leaseMs);
          if (batch.length === 0) break;
          let created = 0;
          for (const msg of batch) {
            if (stopped) break;
            const out = await processInbound(deps, msg);
            if (out.kind === 'contact') created++;
            if (out.kind === 'retry') log.warn({ inboundMessageId: msg.id, error: out.error }, 'message will be retried');
          }
          if (created > 0) await deps.bus.publish('acd', { contacts: created });
        }
      } catch (err) {
        log.error({ err }, 'email server run failed; will retry');
      }
    } while (again && !stopped);
  };
  const kick = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    idle = run().finally(() => { running = false; });
  };

  const unsubscribe = deps.bus.subscribe('inbound', kick);
  const sweep = setInterval(kick, opts.sweepMs ?? 1000);
  const stopDelivery = opts.delivery === false ? null : await startDelivery(deps);
  kick();
  log.info('email server started');
  return async () => {
    stopped = true;
    unsubscribe();
    clearInterval(sweep);
    await idle;
    await stopDelivery?.();
    log.info('email server stopped');
  };
}
