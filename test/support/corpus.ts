import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The shared email corpus (../shared/corpus); never copied into the project. */
export const CORPUS_DIR = resolve(import.meta.dirname, '../../../shared/corpus');

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
