import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { francAll } from 'franc';
import { CORPUS_DIR } from '../test/support/corpus.js';
import { parseEmail } from '../src/adapters/mime/parse.js';
import { bodyText, str } from '../src/core/analysis/index.js';
import { DEFAULT_CANDIDATES, FRANC_MAX_CHARS, detectLanguage, languageSample } from '../src/core/analysis/language.js';
import { customerMessage } from './ingest-kit.js';
import { table } from './lib.js';

/**
 * Language detection micro-benchmark: µs per detectLanguage call on the ingest bench's
 * 10 KB English customer message and on every corpus message's body (as analyseEmail
 * feeds it), beside the same work done with franc's own francAll (the reference the
 * fast scorer must equal) and the sample cleaning alone. CPU µs per call.
 * Run: npx tsx bench/language.ts  (BENCH_LANGUAGE_ROUNDS, default 7; median pass).
 */
const ROUNDS = Number(process.env.BENCH_LANGUAGE_ROUNDS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median CPU µs (user + system, this process) per call over ROUNDS passes of
 * `inputs`, after one warm-up pass. CPU time rather than wall time: the
 * machine is shared, and a descheduled pass would count time not spent here.
 */
function usPerCall(inputs: string[], fn: (text: string) => unknown): number {
  for (const t of inputs) fn(t);
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    for (const t of inputs) fn(t);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / inputs.length);
  }
  return median(runs);
}

/** detectLanguage's work done by franc itself: the sample, then francAll with the default candidates. */
function viaFranc(text: string): unknown {
  const sample = languageSample(text, FRANC_MAX_CHARS);
  if (sample.length < 40) return null;
  return francAll(sample, { minLength: 1, only: [...DEFAULT_CANDIDATES] });
}

async function bodies(raws: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  for (const raw of raws) {
    const p = await parseEmail(raw);
    if (!p.ok) continue;
    const { body } = bodyText({ text: str(p.email.text), html: typeof p.email.html === 'string' ? p.email.html : null });
    out.push(body.trim() ? body : str(p.email.subject));
  }
  return out;
}

async function main(): Promise<void> {
  const sets: Array<[string, string[]]> = [];
  sets.push(['10 KB English customer message (ingest bench), 200 variants', await bodies(Array.from({ length: 200 }, (_, i) => customerMessage(i, 'support@example.org')))]);
  if (existsSync(join(CORPUS_DIR, 'MANIFEST.tsv'))) {
    const paths = readFileSync(join(CORPUS_DIR, 'MANIFEST.tsv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
    sets.push([`corpus bodies (${paths.length} messages)`, await bodies(paths.map((p) => readFileSync(join(CORPUS_DIR, p))))]);
  } else {
    console.log(`corpus absent at ${CORPUS_DIR}: corpus row skipped`);
  }
  const rows: (string | number)[][] = [];
  for (const [name, texts] of sets) {
    const franc = usPerCall(texts, viaFranc);
    const detect = usPerCall(texts, (t) => detectLanguage(t));
    const sample = usPerCall(texts, (t) => languageSample(t, FRANC_MAX_CHARS));
    rows.push([name, franc, detect, sample, franc / detect]);
  }
  table(`Language detection, CPU µs per call (median of ${ROUNDS} passes)`,
    ['input', 'languageSample + francAll', 'detectLanguage', 'languageSample alone', 'ratio'], rows);
}

await main();
