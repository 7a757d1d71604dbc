import { parseChunk, type AnalyseConfig, type ChunkResult } from './parse-analyse.js';

/**
 * The worker-thread side of parse-pool.ts. The configuration travels as a JSON string with its
 * version (copying one string is much cheaper than cloning the object graph for every message);
 * the worker parses it when the version changes and keeps those objects, so regexes and keyword
 * tables are compiled once per version. A task is a chunk of a batch (one message to and from the
 * thread per chunk instead of per mail).
 */
export interface WireChunk { raws: Uint8Array[]; now: number; version: number; configJson: string }

let current: AnalyseConfig | null = null;

export default function run(job: WireChunk): Promise<ChunkResult[]> {
  if (!current || current.version !== job.version) current = JSON.parse(job.configJson) as AnalyseConfig;
  return parseChunk({ raws: job.raws, now: job.now, config: current });
}
