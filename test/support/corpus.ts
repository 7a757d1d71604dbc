import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The shared email corpus: `../shared/corpus` beside the project (never copied into it).
 * SWITCHYARD_CORPUS_DIR overrides; a clone elsewhere also finds a `shared/corpus` beside
 * any ancestor folder, and this workplace's /work/shared/corpus.
 */
function locateCorpus(): string {
  if (process.env.SWITCHYARD_CORPUS_DIR) return resolve(process.env.SWITCHYARD_CORPUS_DIR);
  const root = resolve(import.meta.dirname, '../..');
  const candidates: string[] = [];
  for (let dir = root; ; dir = dirname(dir)) {
    candidates.push(join(dirname(dir), 'shared/corpus'));
    if (dirname(dir) === dir) break;
  }
  candidates.push('/work/shared/corpus');
  return candidates.find((c) => existsSync(join(c, 'MANIFEST.tsv'))) ?? candidates[0];
}

export const CORPUS_DIR = locateCorpus();

export interface CorpusEntry { path: string; file: string; category: string; tags: string; bytes: number }

export function corpusEntries(): CorpusEntry[] | null {
  const manifest = join(CORPUS_DIR, 'MANIFEST.tsv');
  if (!existsSync(manifest)) return null;
  const [header, ...lines] = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  const cols = header.split('\t');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const f = line.split('\t');
    return { path: f[at('path')], file: join(CORPUS_DIR, f[at('path')]), category: f[at('category')], tags: f[at('tags')] ?? '', bytes: Number(f[at('bytes')]) };
  });
}

export function corpusAbsentMessage(): string {
  return `email corpus absent at ${CORPUS_DIR}: skipping the corpus sweep`;
}
