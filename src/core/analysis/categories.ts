import { searchText, words, type SearchableEmail } from './text.js';
import type { Problem } from './problem.js';

export type { Problem } from './problem.js';

/**
 * Keyword categories (domain §3.7). A keyword is `word` (optional), `+word`
 * (required) or `-word` (prohibited). Matching is case-insensitive and by
 * prefix: "computer" hits "computers". A keyword of several words is a phrase:
 * the words must follow each other, the last one by prefix, the others whole.
 */
export interface Category {
  name: string;
  keywords: string[];
  active: boolean;
  /** ISO 639-1 code: a match of this category decides the message language. */
  language?: string;
}

export type KeywordKind = 'optional' | 'required' | 'prohibited';

export interface ParsedKeyword {
  /** The keyword as written, with its +/- prefix. */
  raw: string;
  kind: KeywordKind;
  /** Normalised words; the last one matches by prefix. */
  words: string[];
}

export interface KeywordHit {
  /** The keyword as configured, e.g. "+invoice". */
  keyword: string;
  /** The text that matched it (lower-cased), e.g. "invoices". */
  word: string;
}

export interface CategoryMatch {
  category: string;
  keywords: KeywordHit[];
}

export interface CategoryAnalysis {
  /** Names of matching categories, in configuration order. */
  categories: string[];
  matches: CategoryMatch[];
}

export function parseKeyword(raw: string): { ok: true; keyword: ParsedKeyword } | { ok: false; code: string; message: string } {
  const trimmed = raw.trim();
  let kind: KeywordKind = 'optional';
  let body = trimmed;
  if (trimmed.startsWith('+')) { kind = 'required'; body = trimmed.slice(1); }
  else if (trimmed.startsWith('-')) { kind = 'prohibited'; body = trimmed.slice(1); }
  if (body.trim() === '') return { ok: false, code: 'keyword.empty', message: `keyword "${raw}" is empty` };
  const w = words(body);
  if (w.length === 0) return { ok: false, code: 'keyword.no-words', message: `keyword "${raw}" contains no letters or digits` };
  return { ok: true, keyword: { raw: trimmed, kind, words: w } };
}

const LANGUAGE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

/** Every problem with one category (empty array = valid). */
export function validateCategory(category: Category): Problem[] {
  const problems: Problem[] = [];
  const name = category.name ?? '';
  if (name.trim() === '') problems.push({ code: 'category.name-empty', message: 'category name is empty' });
  else {
    if (name !== name.trim()) problems.push({ code: 'category.name-whitespace', message: `category name "${name}" has leading or trailing spaces` });
    if (/[\r\n;]/.test(name)) problems.push({ code: 'category.name-invalid', message: `category name "${name}" must not contain ";" or line breaks` });
  }
  if (category.language !== undefined && !LANGUAGE.test(category.language)) {
    problems.push({ code: 'category.language-invalid', message: `language "${category.language}" is not an ISO 639 code` });
  }
  const seen = new Set<string>();
  for (const raw of category.keywords) {
    if (/[\r\n]/.test(raw)) { problems.push({ code: 'keyword.line-break', message: `keyword "${raw}" contains a line break` }); continue; }
    const trimmed = raw.trim();
    if (/^[#[@]/.test(trimmed)) {
      problems.push({ code: 'keyword.reserved-start', message: `keyword "${raw}" must not start with "#", "[" or "@"` });
      continue;
    }
    const parsed = parseKeyword(raw);
    if (!parsed.ok) { problems.push({ code: parsed.code, message: parsed.message }); continue; }
    const key = `${parsed.keyword.kind}:${parsed.keyword.words.join(' ')}`;
    if (seen.has(key)) problems.push({ code: 'keyword.duplicate', message: `keyword "${raw}" is listed twice in "${name}"` });
    seen.add(key);
  }
  const kinds = category.keywords.map((k) => parseKeyword(k)).filter((p) => p.ok).map((p) => (p as { keyword: ParsedKeyword }).keyword.kind);
  if (kinds.length > 0 && !kinds.some((k) => k !== 'prohibited')) {
    problems.push({ code: 'category.never-matches', message: `category "${name}" has only prohibited keywords and can never match` });
  }
  return problems;
}

/** Problems of a whole category list, including duplicate names. */
export function validateCategories(categories: Category[]): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  for (const c of categories) {
    problems.push(...validateCategory(c));
    if (names.has(c.name)) problems.push({ code: 'category.name-duplicate', message: `category "${c.name}" is defined twice` });
    names.add(c.name);
  }
  return problems;
}

/** Word index of one text, built once and shared by all keywords. */
class WordIndex {
  readonly tokens: string[];
  private readonly positions = new Map<string, number[]>();
  private readonly sorted: string[];

  constructor(text: string) {
    this.tokens = words(text);
    this.tokens.forEach((t, i) => {
      const list = this.positions.get(t);
      if (list) list.push(i);
      else this.positions.set(t, [i]);
    });
    this.sorted = [...this.positions.keys()].sort();
  }

  /** First token position of every word starting with `prefix`. */
  private prefixed(prefix: string): Array<{ word: string; first: number }> {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: Array<{ word: string; first: number }> = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) {
      out.push({ word: this.sorted[i], first: this.positions.get(this.sorted[i])![0] });
    }
    return out;
  }

  /** The earliest text that matches the keyword words, or null. */
  find(kw: string[]): string | null {
    if (kw.length === 1) {
      let best: { word: string; first: number } | null = null;
      for (const cand of this.prefixed(kw[0])) if (!best || cand.first < best.first) best = cand;
      return best ? best.word : null;
    }
    for (const start of this.positions.get(kw[0]) ?? []) {
      if (start + kw.length > this.tokens.length) break;
      let ok = true;
      for (let j = 1; j < kw.length - 1 && ok; j++) ok = this.tokens[start + j] === kw[j];
      if (ok && this.tokens[start + kw.length - 1].startsWith(kw[kw.length - 1])) {
        return this.tokens.slice(start, start + kw.length).join(' ');
      }
    }
    return null;
  }
}

/**
 * A category's keywords, parsed once per category object: a configuration kept in memory (the
 * email server's cache, one object per version) is parsed on first use, not per mail. Invalid
 * keywords are reported by validateCategory and never match.
 */
const tables = new WeakMap<Category, ParsedKeyword[]>();
function keywordTable(category: Category): ParsedKeyword[] {
  let t = tables.get(category);
  if (!t) {
    t = category.keywords.map(parseKeyword).flatMap((p) => (p.ok ? [p.keyword] : []));
    tables.set(category, t);
  }
  return t;
}

function matchOne(category: Category, index: WordIndex): CategoryMatch | null {
  if (!category.active) return null;
  const hits: KeywordHit[] = [];
  let optional = 0;
  let optionalHit = false;
  let required = 0;
  for (const kw of keywordTable(category)) {
    const found = index.find(kw.words);
    if (kw.kind === 'prohibited') {
      if (found !== null) return null;
    } else if (kw.kind === 'required') {
      required++;
      if (found === null) return null;
      hits.push({ keyword: kw.raw, word: found });
    } else {
      optional++;
      if (found !== null) { optionalHit = true; hits.push({ keyword: kw.raw, word: found }); }
    }
  }
  const matched = optional > 0 ? optionalHit : required > 0;
  return matched ? { category: category.name, keywords: hits } : null;
}

/** Matches categories against a plain text. */
export function matchCategories(categories: Category[], text: string): CategoryAnalysis {
  const index = new WordIndex(text);
  const matches: CategoryMatch[] = [];
  for (const c of categories) {
    const m = matchOne(c, index);
    if (m) matches.push(m);
  }
  return { categories: matches.map((m) => m.category), matches };
}

/**
 * Matches categories against subject + body (the text part, or the HTML as
 * text only when there is no text part).
 */
export function analyseCategories(categories: Category[], email: SearchableEmail): CategoryAnalysis {
  return matchCategories(categories, searchText(email));
}

/**
 * "Categories can decide the language": among the matched categories that
 * carry a language, the one with the most keyword hits wins (ties: the first
 * in configuration order). Null when no language category matched.
 */
export function languageFromCategories(
  categories: Category[],
  analysis: CategoryAnalysis,
): { language: string; category: string; hits: number } | null {
  let best: { language: string; category: string; hits: number } | null = null;
  for (const c of categories) {
    if (!c.language) continue;
    const m = analysis.matches.find((x) => x.category === c.name);
    if (!m) continue;
    if (!best || m.keywords.length > best.hits) best = { language: c.language.toLowerCase(), category: c.name, hits: m.keywords.length };
  }
  return best;
}
