import { setFlagsFromString } from 'node:v8';
import type { Deps, StopRole } from '../../app/deps.js';
import { claimInbound } from '../../storage/repositories/inbound.js';
import { startDelivery } from '../delivery/index.js';
import { startRunner } from '../runner.js';
import { processBatch } from './pipeline.js';
import { createParsePool } from './parse-pool.js';

export interface EmailServerOptions { batchSize?: number; /** Batches in flight at once (one being written while the next is parsed). Default 2. */ concurrency?: number; leaseMs?: number; sweepMs?: number; delivery?: boolean; /** Parse/analysis worker threads (default: one per CPU, at most 8; 0 = inline). */ threads?: number;
  /** How far V8 lets the old generation grow past its live size before the next full collection, in percent, for the whole process (every isolate: the main thread's and the workers'). Default 50; 0 leaves V8's own heuristic. */ heapGrowingPercent?: number }

/**
 * The email server's garbage is mostly batch data (raw messages, pg rows, parsed emails cloned back
 * from the workers) that lives across a few scavenges while a batch is in flight, so it is promoted
 * and then dies in the old generation. V8's default heuristic on a machine with plenty of memory lets
 * the old generation grow up to 4× its live size before a full collection: in the 50k backlog bench
 * the main thread's old space swung between 30 and 107 MB, each worker's between 20 and 50 MB, and
 * the process peaked at ~373 MB resident. A fixed factor of 1.5 keeps them near 45 and 22 MB (peak
 * ~243 MB) at the price of more full collections of small live sets (major-GC pauses 3.1 → 5.7 s
 * over the 50k messages; CPU a message within the benches' noise). The flag is read at each
 * collection, so setting it after start works; it is process-wide (other roles in the same process
 * get it too).
 */
export function limitHeapGrowth(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (!Number.isInteger(percent) || percent < 0) throw new Error(`heapGrowingPercent must be a whole number ≥ 0, not ${percent}`);
  setFlags(`--heap-growing-percent=${percent}`); // 0 is V8's "off": its own heuristic again
}

/**
 * The email server role: claims stored messages in batches (safe with several email servers on
 * PostgreSQL: SKIP LOCKED claims with a lease), runs them through the pipeline's stages (parse and
 * analysis in a worker-thread pool, the batch written in one transaction) and hands the new
 * contacts to the queue engine. It also runs the outbox delivery worker unless told not to.
 */
export async function startEmailServer(deps: Deps, opts: EmailServerOptions = {}): Promise<StopRole> {
  const log = deps.logger.child({ role: 'email-server' });
  const batchSize = opts.batchSize ?? 50;
  // A crashed server's claims become claimable after the lease; processing twice is harmless (unique contacts).
  const leaseMs = opts.leaseMs ?? 10_000;

  limitHeapGrowth(opts.heapGrowingPercent ?? 50);
  const pool = createParsePool({ threads: opts.threads });
  // Several claim-and-process loops: while one batch is written (main thread, database), the
  // next is parsed and analysed in the pool, so neither side waits for the other.
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const drain = async (stopped: () => boolean): Promise<void> => {
    while (!stopped()) {
      const batch = await claimInbound(deps.storage, deps.config.instanceId, batchSize, deps.clock(), leaseMs);
      if (batch.length === 0) return;
      const outcomes = await processBatch(deps, batch, pool);
      outcomes.forEach((out, i) => { if (out.kind === 'retry') log.warn({ inboundMessageId: batch[i].id, error: out.error }, 'message will be retried'); });
    }
  };
  const runner = startRunner(async (stopped) => {
    await Promise.all(Array.from({ length: concurrency }, () => drain(stopped)));
  }, { bus: deps.bus, topic: 'inbound', sweepMs: opts.sweepMs ?? 1000, clock: deps.clock, onError: (err) => log.error({ err }, 'email server run failed; will retry') });

  const stopDelivery = opts.delivery === false ? null : await startDelivery(deps);
  log.info('email server started');
  return async () => {
    await runner.stop();
    await pool.close();
    await stopDelivery?.();
    log.info('email server stopped');
  };
}
