import { data } from 'franc/data.js';
import { topScript } from './language-script.js';

/**
 * franc's ranking (`francAll(value, { minLength: 1, only })`, franc 6) computed
 * in one pass instead of one dictionary lookup per (trigram, language): the
 * same list of [language, score] pairs, in the same order, ties included.
 * franc stays the data source: its models and script expressions are imported.
 *
 * What franc does, and how this reproduces it exactly:
 * - It reads the first 2,048 UTF-16 code units of the value.
 * - The script is the expression (in `expressions` order, first wins a tie)
 *   with the most matches. Every expression is a set of code points (BMP
 *   characters outside the surrogate range, or surrogate pairs), so its global
 *   match count is the number of code points it matches; each code point is
 *   classified once (lazily, with franc's own expressions) and then looked up.
 * - A script with one language answers that language (if allowed), 'und' when
 *   nothing matched.
 * - Otherwise the value is cleaned (ASCII ! to @ and white space collapse to
 *   one space, trim, lower case), padded with a space each side and cut into
 *   overlapping 3-code-unit trigrams, counted. A language's distance is the
 *   sum over distinct trigrams of |count − rank − 1| when the trigram is in its
 *   model (rank = position in the model) and 300 otherwise. That is
 *   300·n − Σ (300 − |count − rank − 1|) over the (trigram, language) pairs
 *   that exist, so an inverted index trigram → (language, rank) visits only
 *   those pairs.
 * - Languages are sorted by distance (a stable sort: ties keep the models'
 *   order) and normalised with franc's very expression.
 */

export type RankedLanguages = Array<[string, number]>;

/** franc's constants (index.js). */
const MAX_LENGTH = 2048;
const MAX_DIFFERENCE = 300;

/** A trigram of three UTF-16 code units as one exact number (48 bits). */
function trigramKey(a: number, b: number, c: number): number {
  return a * 0x100000000 + b * 0x10000 + c;
}

function slotOf(a: number, b: number, c: number, mask: number): number {
  let h = ((b << 16) | c) ^ Math.imul(a, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) & mask;
}

/**
 * The models of one script's allowed languages as an inverted index:
 * trigram → the (language, rank) pairs that contain it, in an open-addressing
 * table (keys: trigramKey, -1 = empty).
 */
interface ScriptIndex {
  /** Allowed languages, in franc's model order (the order ties keep). */
  languages: string[];
  mask: number;
  keys: Float64Array;
  /** Postings of the trigram in a slot: pairs[start[slot]] up to pairs[end[slot]] (language, rank, language, rank, ...). */
  start: Int32Array;
  end: Int32Array;
  pairs: Int32Array;
}

function buildScriptIndex(models: Record<string, string>, allowed: (language: string) => boolean): ScriptIndex {
  const languages = Object.keys(models).filter(allowed);
  // franc: trigrams[model[weight]] = weight, from the last to the first, so a repeated trigram keeps its first rank.
  const ranks = new Map<number, Array<[number, number]>>();
  languages.forEach((language, l) => {
    const model = models[language].split('|');
    const seen = new Set<string>();
    model.forEach((trigram, rank) => {
      if (trigram.length !== 3 || seen.has(trigram)) return; // a sample's trigrams are always 3 code units
      seen.add(trigram);
      const key = trigramKey(trigram.charCodeAt(0), trigram.charCodeAt(1), trigram.charCodeAt(2));
      let list = ranks.get(key);
      if (!list) ranks.set(key, (list = []));
      list.push([l, rank]);
    });
  });
  let size = 16;
  while (size < ranks.size * 2) size *= 2;
  const mask = size - 1;
  const keys = new Float64Array(size).fill(-1);
  const start = new Int32Array(size);
  const end = new Int32Array(size);
  const pairs = new Int32Array([...ranks.values()].reduce((n, list) => n + list.length * 2, 0));
  let at = 0;
  for (const [key, list] of ranks) {
    const a = Math.floor(key / 0x100000000), b = Math.floor(key / 0x10000) % 0x10000, c = key % 0x10000;
    let slot = slotOf(a, b, c, mask);
    while (keys[slot] !== -1) slot = (slot + 1) & mask;
    keys[slot] = key;
    start[slot] = at;
    for (const [l, rank] of list) { pairs[at++] = l; pairs[at++] = rank; }
    end[slot] = at;
  }
  return { languages, mask, keys, start, end, pairs };
}

/** The languages franc may answer (its `only`), with their per-script indexes, built on first use. */
export interface LanguageCandidates {
  allowed: (language: string) => boolean;
  indexes: Map<string, ScriptIndex>;
}

const CANDIDATES_CACHE_LIMIT = 32;
const candidatesCache = new Map<string, LanguageCandidates>();

/**
 * franc's `only` (ISO 639-3 codes; empty = every language) as a candidate set.
 * The same list gives the same set, so the indexes are built once per list.
 */
export function languageCandidates(only: readonly string[]): LanguageCandidates {
  const cacheKey = only.join('\n');
  let found = candidatesCache.get(cacheKey);
  if (!found) {
    const set = new Set(only);
    found = { allowed: set.size === 0 ? () => true : (language) => set.has(language), indexes: new Map() };
    if (candidatesCache.size >= CANDIDATES_CACHE_LIMIT) candidatesCache.clear(); // callers use a handful of lists
    candidatesCache.set(cacheKey, found);
  }
  return found;
}

function scriptIndex(candidates: LanguageCandidates, script: string): ScriptIndex {
  let index = candidates.indexes.get(script);
  if (!index) candidates.indexes.set(script, (index = buildScriptIndex(data[script], candidates.allowed)));
  return index;
}

/*
 * Scratch space for counting a sample's trigrams: an open-addressing table
 * (keys: trigramKey, -1 = empty) and the slots in use, emptied after each
 * call. A cleaned sample has at most 2 × 2,048 + 2 code units (lower-casing
 * can double one), so 16,384 slots keep it at most about a quarter full; a
 * longer one (never seen) gets a bigger table rather than a full one.
 */
let sampleSlots = 0;
let sampleKeys = new Float64Array(0);
let sampleCounts = new Int32Array(0);
let sampleA = new Uint16Array(0);
let sampleB = new Uint16Array(0);
let sampleC = new Uint16Array(0);
let usedSlots = new Int32Array(0);

function reserveSampleTable(trigrams: number): void {
  let size = Math.max(sampleSlots, 16_384);
  while (size < trigrams * 2) size *= 2;
  if (size === sampleSlots) return;
  sampleSlots = size;
  sampleKeys = new Float64Array(size).fill(-1);
  sampleCounts = new Int32Array(size);
  sampleA = new Uint16Array(size);
  sampleB = new Uint16Array(size);
  sampleC = new Uint16Array(size);
  usedSlots = new Int32Array(size);
}

/**
 * trigram-utils' separators: its clean turns every run of ASCII ! to @ and of
 * white space (JavaScript's \s, which is also what trim strips) into one
 * space. The same set as /[\s\u0021-\u0040]/ for every UTF-16 code unit.
 */
export function isTrigramSeparator(unit: number): boolean {
  if (unit <= 0x40) return unit >= 0x20 || (unit >= 0x09 && unit <= 0x0d);
  if (unit < 0xa0) return false;
  return unit === 0xa0 || unit === 0x1680 || (unit >= 0x2000 && unit <= 0x200a) || unit === 0x2028 || unit === 0x2029
    || unit === 0x202f || unit === 0x205f || unit === 0x3000 || unit === 0xfeff;
}

/**
 * The text whose trigrams franc counts, before separators are collapsed.
 * franc lower-cases after cleaning. Lower-casing maps no character to a
 * separator or a separator to anything else, and is per character except for
 * the capital sigma (final or not depends on its neighbours, which cleaning
 * can change): without one, lower-casing first gives the same text and lets
 * one scan do the cleaning.
 */
function lowerCased(value: string): string {
  if (value.indexOf('\u03a3') === -1) return value.toLowerCase();
  return value.replace(/[\s\u0021-\u0040]+/g, ' ').trim().toLowerCase();
}

/**
 * Counts the trigrams of ' ' + clean(value) + ' ' in the sample table and
 * returns how many distinct ones there are (their slots: usedSlots[0, n)).
 */
function countTrigrams(value: string): number {
  const text = lowerCased(value);
  reserveSampleTable(text.length + 2);
  const mask = sampleSlots - 1;
  let distinct = 0;
  // The last two code units of the padded, collapsed text so far (the leading pad first).
  let a = 0;
  let b = 0x20;
  let emitted = 1;
  let pendingSpace = false;
  for (let i = 0; i <= text.length; i++) {
    let c: number;
    if (i === text.length) c = 0x20; // the trailing pad (a pending separator run at the end is trimmed)
    else {
      c = text.charCodeAt(i);
      if (isTrigramSeparator(c)) { pendingSpace = emitted > 1; continue; } // leading separators are trimmed
      if (pendingSpace) { i--; c = 0x20; pendingSpace = false; } // emit the collapsed run, then this unit again
    }
    const first = a;
    a = b;
    b = c;
    if (++emitted < 3) continue;
    const key = trigramKey(first, a, c);
    let slot = slotOf(first, a, c, mask);
    for (;;) {
      const k = sampleKeys[slot];
      if (k === key) { sampleCounts[slot]++; break; }
      if (k === -1) {
        sampleKeys[slot] = key;
        sampleCounts[slot] = 1;
        sampleA[slot] = first; sampleB[slot] = a; sampleC[slot] = c;
        usedSlots[distinct++] = slot;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return distinct;
}

/**
 * Per allowed language: the sum over the sample's distinct trigrams of
 * |count − rank − 1|, or 300 for a trigram its model lacks. Empties the
 * sample table.
 */
function distances(value: string, index: ScriptIndex): Float64Array {
  const distinct = countTrigrams(value);
  const result = new Float64Array(index.languages.length).fill(distinct * MAX_DIFFERENCE);
  const { keys, mask, start, end, pairs } = index;
  for (let u = 0; u < distinct; u++) {
    const s = usedSlots[u];
    const key = sampleKeys[s];
    const count = sampleCounts[s];
    sampleKeys[s] = -1;
    let slot = slotOf(sampleA[s], sampleB[s], sampleC[s], mask);
    let k: number;
    while ((k = keys[slot]) !== key && k !== -1) slot = (slot + 1) & mask;
    if (k === -1) continue;
    for (let p = start[slot], stop = end[slot]; p < stop; p += 2) {
      const difference = count - pairs[p + 1] - 1;
      result[pairs[p]] -= MAX_DIFFERENCE - (difference < 0 ? -difference : difference);
    }
  }
  return result;
}

/**
 * francAll(value, { minLength: 1, only }) of franc 6, exactly, with
 * `candidates` = languageCandidates(only) (every language by default).
 */
export function rankLanguages(value: string, candidates: LanguageCandidates = languageCandidates([])): RankedLanguages {
  if (!value) return [['und', 1]];
  value = value.slice(0, MAX_LENGTH);
  const { script, matched } = topScript(value);
  if (!Object.hasOwn(data, script)) {
    // A script of one language: that language, if allowed.
    if (!matched || !candidates.allowed(script)) return [['und', 1]];
    return [[script, 1]];
  }

  const index = scriptIndex(candidates, script);
  if (index.languages.length === 0) return [['und', 1]];
  const distance = distances(value, index);
  const ranked: RankedLanguages = index.languages.map((language, l) => [language, distance[l]]);
  ranked.sort((x, y) => x[1] - y[1]); // stable: ties keep the models' order, as in franc
  const min = ranked[0][1];
  const max = value.length * MAX_DIFFERENCE - min;
  for (const entry of ranked) entry[1] = 1 - (entry[1] - min) / max || 0;
  return ranked;
}
