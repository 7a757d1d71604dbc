import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { parseAndAnalyse, type AnalyseJob, type AnalyseOutput } from './parse-analyse.js';
import type { WireJob } from './parse-worker.js';

/**
 * Parse and analysis off the main thread: a piscina pool of worker threads sized to the machine
 * (one per CPU, at most 8), so the main thread only does I/O and transactions. Without the
 * compiled worker (the TypeScript sources run directly, before a build) it runs inline.
 */
export interface ParsePool {
  run(job: AnalyseJob): Promise<AnalyseOutput>;
  readonly threads: number;
  close(): Promise<void>;
}

function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), 'parse-worker.js');
  const built = resolve(dirname(here), '../../../dist/src/roles/email-server/parse-worker.js');
  return existsSync(built) ? built : null;
}

export function createParsePool(opts: { threads?: number } = {}): ParsePool {
  const file = workerFile();
  const threads = opts.threads ?? Math.max(1, Math.min(8, availableParallelism()));
  if (!file || threads === 0) return { run: parseAndAnalyse, threads: 0, close: async () => undefined };
  let sentVersion = -1;
  let configJson = '';
  // A small young generation per worker: each isolate's default (up to 48 MB of semi-spaces) multiplied by the
  // threads was most of the email server's resident memory; parsing one mail allocates little that lives long.
  const pool = new Piscina({ filename: file, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  return {
    threads,
    run: (job) => {
      if (job.config.version !== sentVersion) { sentVersion = job.config.version; configJson = JSON.stringify(job.config); }
      const wire: WireJob = { raw: job.raw, now: job.now, version: sentVersion, configJson };
      return pool.run(wire) as Promise<AnalyseOutput>;
    },
    close: () => pool.destroy(),
  };
}
