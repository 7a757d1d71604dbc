import { languageCandidates, rankLanguages, type LanguageCandidates } from './language-ranking.js';

/**
 * Language of a message. A language category (categories.ts) takes
 * precedence; otherwise franc guesses from trigrams. franc speaks ISO 639-3;
 * Switchyard speaks ISO 639-1 where one exists ("sv", "en", ...), and keeps
 * the 3-letter code for the rest.
 */

export interface LanguageResult {
  /** ISO 639-1 ('sv', 'en', ...), a 3-letter ISO 639-3 code, or 'unknown'. */
  language: string;
  source: 'franc' | 'category' | 'too-short';
  /**
   * franc: the margin between the best and the second-best candidate
   * (0 = a coin toss, 1 = only one candidate). Category: 1.
   */
  confidence?: number;
  /** The category that decided the language (source 'category'). */
  category?: string;
}

export interface DetectLanguageOptions {
  /** Shorter samples (after cleaning) are 'too-short'. Default 40. */
  minLength?: number;
  /** Language decided by a matched language category: wins over franc. */
  categoryLanguage?: { language: string; category?: string } | null;
  /**
   * Candidate languages (ISO 639-1 or 639-3). Default DEFAULT_CANDIDATES:
   * franc knows 187 languages and, unrestricted, calls short English "Scots"
   * and Spanish "Galician". 'all' lifts the restriction.
   */
  only?: string[] | 'all';
}

/** ISO 639-3 (as franc returns it) → ISO 639-1. */
export const ISO639_3_TO_1: Readonly<Record<string, string>> = {
  afr: 'af', als: 'sq', amh: 'am', arb: 'ar', azj: 'az', bel: 'be', ben: 'bn', bos: 'bs', bul: 'bg',
  cat: 'ca', ces: 'cs', cmn: 'zh', dan: 'da', deu: 'de', ekk: 'et', ell: 'el', eng: 'en', epo: 'eo',
  fin: 'fi', fra: 'fr', glg: 'gl', guj: 'gu', hat: 'ht', hau: 'ha', heb: 'he', hin: 'hi', hrv: 'hr',
  hun: 'hu', hye: 'hy', ibo: 'ig', ind: 'id', ita: 'it', jav: 'jv', jpn: 'ja', kan: 'kn', kat: 'ka',
  kaz: 'kk', khm: 'km', kin: 'rw', kir: 'ky', kor: 'ko', lao: 'lo', lit: 'lt', lvs: 'lv', mal: 'ml',
  mar: 'mr', mkd: 'mk', mya: 'my', nld: 'nl', nno: 'nn', nob: 'nb', npi: 'ne', pan: 'pa', pes: 'fa',
  pol: 'pl', por: 'pt', ron: 'ro', rus: 'ru', sin: 'si', slk: 'sk', slv: 'sl', som: 'so', spa: 'es',
  srp: 'sr', swe: 'sv', swh: 'sw', tam: 'ta', tel: 'te', tgl: 'tl', tha: 'th', tur: 'tr', uig: 'ug',
  ukr: 'uk', urd: 'ur', uzn: 'uz', vie: 'vi', xho: 'xh', yor: 'yo', zlm: 'ms', zul: 'zu', ydd: 'yi',
};

const ISO639_1_TO_3: Record<string, string> = Object.fromEntries(
  Object.entries(ISO639_3_TO_1).map(([three, one]) => [one, three]),
);
ISO639_1_TO_3.no = 'nob';

/**
 * Widely written languages franc is asked about by default (ISO 639-3).
 * Close minority neighbours that steal short samples (Scots, Galician, Low
 * German, Nynorsk, ...) are left out; pass `only` to change the set.
 */
export const DEFAULT_CANDIDATES: readonly string[] = [
  'eng', 'swe', 'deu', 'fra', 'spa', 'ita', 'nld', 'dan', 'nob', 'fin', 'por', 'pol', 'rus', 'ukr',
  'ces', 'slk', 'hun', 'ron', 'tur', 'ell', 'arb', 'cmn', 'jpn', 'kor', 'hin', 'ekk', 'lvs', 'lit',
  'hrv', 'srp', 'bos', 'slv', 'bul', 'cat', 'vie', 'ind', 'tha', 'heb', 'pes', 'urd', 'ben', 'swh',
  'tgl', 'afr', 'als', 'mkd', 'bel', 'kaz', 'som', 'amh', 'hye', 'kat', 'tam', 'tel',
];

/** franc's ISO 639-3 code → the code Switchyard uses. */
export function toIso639_1(code: string): string {
  return ISO639_3_TO_1[code] ?? code;
}

/** ISO 639-1 or 639-3 → the ISO 639-3 code franc understands. */
export function toIso639_3(code: string): string {
  const c = code.toLowerCase();
  return c.length === 2 ? (ISO639_1_TO_3[c] ?? c) : c;
}

/** franc looks at the first 2,048 characters; the sample is cut from at most this much text. */
const SAMPLE_SOURCE_CHARS = 16_384;
/** franc's own cut (it reads no further than this many characters of a sample). */
export const FRANC_MAX_CHARS = 2048;

/**
 * One line's contribution to the sample: URLs, addresses and numbers removed, white space collapsed.
 * A replacement is skipped where it cannot match (no "://", no "@"; a lone space between words
 * is already collapsed): the result is the same, and most lines need none of them.
 */
function cleanLine(line: string): string {
  if (line.includes('://')) line = line.replace(/\b(?:https?|ftp):\/\/\S+/gi, ' ');
  line = line.replace(/\bwww\.\S+/gi, ' ');
  // Matches start only at the beginning of a word: \S+@ tried at every position of a long
  // run without '@' was quadratic (a fuzzed 124 KB line took 50 s).
  if (line.includes('@')) line = line.replace(/(?<!\S)\S*@\S*/g, ' ');
  return line
    .replace(/[\p{N}_]+/gu, ' ')
    // Every white space run becomes one space: a run that is one space already is left alone.
    .replace(/[^\S ]\s*| \s+/g, ' ')
    .trim();
}

/**
 * Text that says something about the writer's language: quoted lines
 * ("> ..."), the signature, URLs, addresses and numbers removed, white space
 * collapsed. With `maxChars` the cleaning stops once the sample is longer:
 * the result is then a prefix of the whole sample at least that long (every
 * step is line by line, so its first `maxChars` characters are the same).
 */
export function languageSample(text: string, maxChars = Infinity): string {
  const source = text.length > SAMPLE_SOURCE_CHARS ? text.slice(0, SAMPLE_SOURCE_CHARS) : text;
  const parts: string[] = [];
  let length = -1;
  // Lines as split(/\r\n|\r|\n/) gives them, found one at a time: the cut usually comes long before the end.
  let lf = source.indexOf('\n');
  let cr = source.indexOf('\r');
  for (let from = 0; from <= source.length;) {
    if (lf !== -1 && lf < from) lf = source.indexOf('\n', from);
    if (cr !== -1 && cr < from) cr = source.indexOf('\r', from);
    const to = Math.min(lf === -1 ? source.length : lf, cr === -1 ? source.length : cr);
    const line = source.slice(from, to);
    from = to + (to === cr && lf === to + 1 ? 2 : 1);
    if (line === '-- ' || line === '--') break; // signature separator
    if (/^\s*>/.test(line)) continue;
    const part = cleanLine(line);
    if (!part) continue;
    parts.push(part);
    length += part.length + 1;
    if (length > maxChars) break;
  }
  return parts.join(' ');
}

/** The candidate set of an `only` option (languageCandidates keeps one per list). */
const candidatesOf = (only: readonly string[] | 'all'): LanguageCandidates => languageCandidates(only === 'all' ? [] : only.map(toIso639_3));

export function detectLanguage(text: string, options: DetectLanguageOptions = {}): LanguageResult {
  const override = options.categoryLanguage;
  if (override && override.language) {
    return { language: override.language.toLowerCase(), source: 'category', confidence: 1, ...(override.category ? { category: override.category } : {}) };
  }
  const minLength = options.minLength ?? 40;
  // franc reads only the first FRANC_MAX_CHARS characters of the sample: clean no more text than that needs.
  const sample = languageSample(text, Math.max(FRANC_MAX_CHARS, minLength));
  if (sample.length < minLength) return { language: 'unknown', source: 'too-short' };
  const ranked = rankLanguages(sample, candidatesOf(options.only ?? DEFAULT_CANDIDATES));
  const [best, second] = ranked;
  if (!best || best[0] === 'und') return { language: 'unknown', source: 'franc', confidence: 0 };
  const confidence = second ? Math.round((1 - second[1]) * 1000) / 1000 : 1;
  return { language: toIso639_1(best[0]), source: 'franc', confidence };
}
