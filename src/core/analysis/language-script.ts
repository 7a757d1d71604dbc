import { expressions } from 'franc/expressions.js';

/**
 * The writing system franc reads a text in (franc 6's getTopScript): the
 * expression, in `expressions` order, with the most matches; the first wins a
 * tie, and the first of all when nothing matches.
 *
 * Every expression is a set of code points (BMP characters outside the
 * surrogate range, or surrogate pairs), so its global match count is the
 * number of the text's code points it matches. Each code point is classified
 * once, lazily, with franc's own expressions, then looked up.
 */

export interface TopScript {
  /** An `expressions` key: a script name with several languages ('Latin') or a language ('kor'). */
  script: string;
  /** Whether it matched anything (franc's occurrence ratio is not 0). */
  matched: boolean;
}

const SCRIPTS: readonly string[] = Object.keys(expressions);
/** Single-code-point matchers: franc's expressions without `g`, anchored. */
const MATCHERS: readonly RegExp[] = SCRIPTS.map((s) => new RegExp(`^(?:${expressions[s].source})$`, expressions[s].flags.replace('g', '')));

/*
 * Script of each code point: 0 none, k + 1 script k, MULTI several (listed in
 * `multiScripts`), UNSEEN not classified yet. BMP code units in a typed array,
 * astral code points in a map.
 */
const UNSEEN = -1;
const MULTI = -2;
const bmpScript = new Int16Array(0x10000).fill(UNSEEN);
const astralScript = new Map<number, number>();
const multiScripts = new Map<number, number[]>();
const totals = new Int32Array(SCRIPTS.length);

function classify(codePoint: number): number {
  const ch = String.fromCodePoint(codePoint);
  const hits: number[] = [];
  for (let s = 0; s < MATCHERS.length; s++) if (MATCHERS[s].test(ch)) hits.push(s);
  if (hits.length <= 1) return hits.length === 0 ? 0 : hits[0] + 1;
  multiScripts.set(codePoint, hits);
  return MULTI;
}

function bmp(unit: number): number {
  const known = bmpScript[unit];
  return known === UNSEEN ? (bmpScript[unit] = classify(unit)) : known;
}

/** Matches per script (franc's getOccurrence numerators), into `totals`. */
function countScripts(value: string): void {
  totals.fill(0);
  const length = value.length;
  for (let i = 0; i < length; i++) {
    let cp = value.charCodeAt(i);
    let script: number;
    const low = (cp & 0xfc00) === 0xd800 && i + 1 < length ? value.charCodeAt(i + 1) : 0;
    if ((low & 0xfc00) === 0xdc00) {
      cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      i++;
      let known = astralScript.get(cp);
      if (known === undefined) astralScript.set(cp, (known = classify(cp)));
      script = known;
    } else {
      script = bmp(cp);
    }
    if (script > 0) totals[script - 1]++;
    else if (script === MULTI) for (const s of multiScripts.get(cp)!) totals[s]++;
  }
}

/**
 * Most texts (English, and the Latin alphabets of Europe) have no code unit
 * above U+024F, where only the Latin expression matches anything: their
 * script is Latin when it matches at all. Found from the expressions on first
 * use (`below` is where the first code unit matched by another one is).
 */
interface LatinShortcut { onlyLow: RegExp; latin: RegExp }
let latinShortcut: LatinShortcut | null | undefined;

function shortcut(): LatinShortcut | null {
  if (latinShortcut !== undefined) return latinShortcut;
  const latin = SCRIPTS.indexOf('Latin');
  let below = 0;
  while (latin !== -1 && below < 0x250 && (bmp(below) === 0 || bmp(below) === latin + 1)) below++;
  latinShortcut = below === 0 ? null : {
    onlyLow: new RegExp(`^[\\u0000-\\u${(below - 1).toString(16).padStart(4, '0')}]*$`),
    latin: new RegExp(expressions.Latin.source, expressions.Latin.flags.replace('g', '')),
  };
  return latinShortcut;
}

export function topScript(value: string): TopScript {
  const latin = shortcut();
  if (latin && latin.onlyLow.test(value)) {
    return latin.latin.test(value) ? { script: 'Latin', matched: true } : { script: SCRIPTS[0], matched: false };
  }
  countScripts(value);
  let top = 0;
  for (let s = 1; s < SCRIPTS.length; s++) if (totals[s] > totals[top]) top = s;
  return { script: SCRIPTS[top], matched: totals[top] > 0 };
}
