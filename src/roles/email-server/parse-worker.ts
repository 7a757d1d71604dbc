import { parseAndAnalyse, type AnalyseConfig, type AnalyseJob, type AnalyseOutput } from './parse-analyse.js';

/** The worker-thread side of parse-pool.ts: keeps the last configuration version's objects (compiled once). */
let current: AnalyseConfig | null = null;

export default function run(job: AnalyseJob): Promise<AnalyseOutput> {
  if (!current || current.version !== job.config.version) current = job.config;
  return parseAndAnalyse({ ...job, config: current });
}
