import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { parseChunk, type AnalyseConfig, type ChunkResult } from './parse-analyse.js';
import type { WireChunk } from './parse-worker.js';

/**
 * Parse and analysis off the main thread: a piscina pool of worker threads sized to the machine
 * (one per CPU, at most 8), so the main thread only does I/O and transactions. Without the
 * compiled worker (the TypeScript sources run directly, before a build) it runs inline.
 */
export interface ParsePool {
  /**
   * A batch's messages (one configuration and time), in at most one chunk per thread: one message
   * to and from a thread per chunk instead of per mail. A message that throws fails alone.
   */
  runBatch(jobs: { raws: Uint8Array[]; config: AnalyseConfig; now: number }): Promise<ChunkResult[]>;
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
  if (!file || threads === 0) return { runBatch: parseChunk, threads: 0, close: async () => undefined };
  let sentVersion = -1;
  let configJson = '';
  // A small young generation per worker: each isolate's default (up to 48 MB of semi-spaces) multiplied by the
  // threads was most of the email server's resident memory; parsing one mail allocates little that lives long.
  const pool = new Piscina({ filename: file, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const wireConfig = (config: AnalyseConfig) => {
    if (config.version !== sentVersion) { sentVersion = config.version; configJson = JSON.stringify(config); }
    return { version: sentVersion, configJson };
  };
  return {
    threads,
    runBatch: async ({ raws, config, now }) => {
      const size = Math.ceil(raws.length / threads);
      const chunks: Uint8Array[][] = [];
      for (let i = 0; i < raws.length; i += size) chunks.push(raws.slice(i, i + size));
      const wire = wireConfig(config);
      const results = await Promise.all(chunks.map((part) => pool.run({ raws: part, now, ...wire } satisfies WireChunk) as Promise<ChunkResult[]>));
      return results.flat();
    },
    close: () => pool.destroy(),
  };
}
