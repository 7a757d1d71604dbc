import { parseAndAnalyse, type AnalyseConfig, type AnalyseOutput } from './parse-analyse.js';

/**
 * The worker-thread side of parse-pool.ts. The configuration travels as a JSON string with its
 * version (copying one string is much cheaper than cloning the object graph for every message);
 * the worker parses it when the version changes and keeps those objects, so regexes and keyword
 * tables are compiled once per version.
 */
export interface WireJob { raw: Uint8Array; now: number; version: number; configJson: string }

let current: AnalyseConfig | null = null;

export default function run(job: WireJob): Promise<AnalyseOutput> {
  if (!current || current.version !== job.version) current = JSON.parse(job.configJson) as AnalyseConfig;
  return parseAndAnalyse({ raw: job.raw, now: job.now, config: current });
}
