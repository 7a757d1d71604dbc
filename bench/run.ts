import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib.js';
import { benchAnalysis } from './analysis.js';
import { benchIngest } from './ingest.js';
import { benchLatency } from './latency.js';
import { benchLatencySmtp } from './latency-smtp.js';
import { benchBacklog } from './backlog.js';
import { benchAcdScale } from './acd-scale.js';
import { benchAcdDay } from './acd-day.js';
import { benchStatistics } from './statistics.js';
import { benchMonitor } from './monitor.js';
import { benchDeskLoad, benchDeskOffer } from './desk.js';
import { benchAcdApi } from './acd-api.js';

/** npm run bench [-- name…]: prints one table per benchmark. Not a test: nothing here asserts a timing. */
const ALL: Record<string, () => Promise<void>> = { ingest: benchIngest, latency: benchLatency, 'latency-smtp': benchLatencySmtp, backlog: benchBacklog, analysis: benchAnalysis, 'acd-scale': benchAcdScale, 'acd-day': benchAcdDay, 'acd-api': benchAcdApi, statistics: benchStatistics, monitor: benchMonitor, 'desk-offer': benchDeskOffer, 'desk-load': benchDeskLoad };

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(ALL);
  const unknown = names.filter((n) => !ALL[n]);
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(ALL).join(', ')}`);
  execFileSync('bash', [join(ROOT, 'scripts/mailstack.sh'), 'start'], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`Switchyard benchmarks (${new Date().toISOString()}, node ${process.version}, ${(await import('node:os')).cpus().length} CPUs)`);
  for (const name of names) await ALL[name]();
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
