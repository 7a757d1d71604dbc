import { parseEmail } from '../../adapters/mime/parse.js';
import { analyseEmail, type AnalysisResult, type Category, type PatternSpec } from '../../core/analysis/index.js';
import { dedupeKey } from '../../core/email/dedupe.js';
import type { ParsedEmail } from '../../core/email/types.js';

/**
 * The CPU-bound stages of the email server: parse (mailparser) and analyse (categories, language,
 * patterns, auto-generated, spam), for one message. No database: it runs in a worker thread
 * (parse-pool.ts), or inline. The configuration carries a version; a worker keeps the objects of
 * the last version it saw, so its regexes and keyword tables are compiled once per version.
 */
export interface AnalyseConfig { version: number; categories: Category[]; patterns: PatternSpec[]; languageMinLength: number }

export interface AnalyseJob { raw: Uint8Array; config: AnalyseConfig; now: number }

export type AnalyseOutput =
  | { ok: true; email: ParsedEmail; key: string; result: AnalysisResult }
  | { ok: false; code: string; reason: string };

function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  return false;
}

/** PostgreSQL text cannot hold NUL characters; real mail sometimes has them. */
export function storable(email: ParsedEmail): ParsedEmail {
  // Almost no mail has one: the JSON round trip (a copy of the whole message) only when needed.
  if (!hasNul(email)) return email;
  return JSON.parse(JSON.stringify(email).replace(/\\u0000/g, '')) as ParsedEmail;
}

/** A batch's result per message: the analysis, or the error one message threw (it fails alone). */
export type ChunkResult = AnalyseOutput | { ok: false; thrown: string };

/** Messages parsed one after the other with one configuration and time (a worker's chunk, or inline). */
export async function parseChunk(job: { raws: Uint8Array[]; config: AnalyseConfig; now: number }): Promise<ChunkResult[]> {
  const out: ChunkResult[] = [];
  for (const raw of job.raws) {
    try { out.push(await parseAndAnalyse({ raw, config: job.config, now: job.now })); } catch (err) { out.push({ ok: false, thrown: err instanceof Error ? err.message : String(err) }); }
  }
  return out;
}

export async function parseAndAnalyse(job: AnalyseJob): Promise<AnalyseOutput> {
  const raw = Buffer.isBuffer(job.raw) ? job.raw : Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  const parsed = await parseEmail(raw);
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const email = storable(parsed.email);
  const key = dedupeKey(email, raw).replace(/\u0000/g, '');
  const { categories, patterns, languageMinLength } = job.config;
  const result = analyseEmail(email, { categories, patterns, language: { minLength: languageMinLength } }, job.now);
  return { ok: true, email, key, result };
}
