import { parseAndAnalyse, type AnalyseConfig, type AnalyseOutput } from './parse-analyse.js';

/**
 * The worker-thread side of parse-pool.ts. The configuration travels as a JSON string with its
 * version (copying one string is much cheaper than cloning the object graph for every message);
 * the worker parses it when the version changes and keeps those objects, so regexes and keyword
 * tables are compiled once per version. A task is one message or a chunk of a batch (one message
 * to and from the thread per chunk instead of per mail); a chunk's messages are parsed one after
 * the other, and a message that throws fails alone.
 */
export interface WireJob { raw: Uint8Array; now: number; version: number; configJson: string }
export interface WireChunk { raws: Uint8Array[]; now: number; version: number; configJson: string }
/** A chunk's result per message: the analysis, or the error one message threw. */
export type ChunkResult = AnalyseOutput | { ok: false; thrown: string };

let current: AnalyseConfig | null = null;

function configOf(job: { version: number; configJson: string }): AnalyseConfig {
  if (!current || current.version !== job.version) current = JSON.parse(job.configJson) as AnalyseConfig;
  return current;
}

export default async function run(job: WireJob | WireChunk): Promise<AnalyseOutput | ChunkResult[]> {
  const config = configOf(job);
  if (!('raws' in job)) return parseAndAnalyse({ raw: job.raw, now: job.now, config });
  const out: ChunkResult[] = [];
  for (const raw of job.raws) {
    try { out.push(await parseAndAnalyse({ raw, now: job.now, config })); } catch (err) { out.push({ ok: false, thrown: err instanceof Error ? err.message : String(err) }); }
  }
  return out;
}
