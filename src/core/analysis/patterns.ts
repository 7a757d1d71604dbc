import { RE2JS } from 're2js';
import type { Problem } from './problem.js';

export type { Problem } from './problem.js';

/**
 * Patterns (domain §3.8): pull values such as a personal number out of
 * machine-made mail. A specification is a sequence of sub-specifications
 * (digits, letters, capitals, any character, literal text), each repeated
 * min..max times and optionally saved; the saved parts, concatenated, become
 * the value of a contact-data key. Advanced users may give an RE2 regex
 * instead. Everything runs on re2js: linear time, no catastrophic
 * backtracking, whatever the input.
 */

export type PartKind = 'digit' | 'letter' | 'capital' | 'any' | 'literal';

export interface SubSpec {
  /**
   * digit: 0-9; letter: any Unicode letter; capital: an upper-case letter;
   * any: any character except a line break; literal: the `literal` text.
   */
  kind: PartKind;
  literal?: string;
  min: number;
  max: number;
  save: boolean;
}

export interface SequenceSpec {
  kind?: 'sequence';
  name: string;
  /** Contact-data key the value is saved into. */
  key: string;
  parts: SubSpec[];
  /** Literal parts compared case-insensitively (capital stays upper-case only). Default false. */
  ignoreCase?: boolean;
}

export interface RegexSpec {
  kind: 'regex';
  name: string;
  key: string;
  /** RE2 syntax. Saved: the named groups (concatenated), else group 1, else the whole match. */
  regex: string;
  ignoreCase?: boolean;
}

export type PatternSpec = SequenceSpec | RegexSpec;

export const MAX_REPEAT = 100;
export const MAX_PARTS = 50;
export const MAX_REGEX_LENGTH = 2000;

const KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Every problem with a specification (empty array = valid). */
export function validatePatternSpec(spec: PatternSpec): Problem[] {
  const problems: Problem[] = [];
  if (!spec.name || spec.name.trim() === '') problems.push({ code: 'pattern.name-empty', message: 'pattern name is empty' });
  if (!KEY.test(spec.key ?? '')) {
    problems.push({ code: 'pattern.key-invalid', message: `contact-data key "${spec.key}" must start with a letter and hold only letters, digits, "_", "." or "-" (max 64)` });
  }
  if (spec.kind === 'regex') {
    if (!spec.regex) problems.push({ code: 'pattern.regex-empty', message: 'regex is empty' });
    else if (spec.regex.length > MAX_REGEX_LENGTH) problems.push({ code: 'pattern.regex-too-long', message: `regex is longer than ${MAX_REGEX_LENGTH} characters` });
    else {
      const c = compileRegex(spec.regex, spec.ignoreCase ?? false);
      if (!c.ok) problems.push({ code: 'pattern.invalid', message: c.message });
      else if (c.re.matches('')) problems.push({ code: 'pattern.matches-empty', message: 'regex matches the empty string' });
    }
    return problems;
  }
  const parts = spec.parts ?? [];
  if (parts.length === 0) problems.push({ code: 'pattern.no-parts', message: 'specification has no sub-specifications' });
  if (parts.length > MAX_PARTS) problems.push({ code: 'pattern.too-many-parts', message: `more than ${MAX_PARTS} sub-specifications` });
  parts.forEach((p, i) => {
    const at = `sub-specification ${i + 1}`;
    if (!['digit', 'letter', 'capital', 'any', 'literal'].includes(p.kind)) problems.push({ code: 'pattern.part-kind', message: `${at}: unknown kind "${String(p.kind)}"` });
    if (!Number.isInteger(p.min) || p.min < 0) problems.push({ code: 'pattern.min-invalid', message: `${at}: min must be a whole number ≥ 0` });
    if (!Number.isInteger(p.max) || p.max < 1) problems.push({ code: 'pattern.max-invalid', message: `${at}: max must be a whole number ≥ 1` });
    if (Number.isInteger(p.max) && p.max > MAX_REPEAT) problems.push({ code: 'pattern.max-too-large', message: `${at}: max must be at most ${MAX_REPEAT}` });
    if (p.min > p.max) problems.push({ code: 'pattern.min-above-max', message: `${at}: min (${p.min}) is larger than max (${p.max})` });
    if (p.kind === 'literal' && (!p.literal || p.literal.length === 0)) problems.push({ code: 'pattern.literal-empty', message: `${at}: literal text is empty` });
    if (p.kind === 'literal' && p.literal && p.literal.length > 200) problems.push({ code: 'pattern.literal-too-long', message: `${at}: literal text is longer than 200 characters` });
    if (p.kind !== 'literal' && p.literal !== undefined && p.literal !== '') problems.push({ code: 'pattern.literal-unexpected', message: `${at}: only literal parts take a literal text` });
  });
  if (parts.length > 0 && parts.every((p) => p.min === 0)) problems.push({ code: 'pattern.matches-empty', message: 'every sub-specification is optional, so the pattern matches nothing' });
  if (parts.length > 0 && !parts.some((p) => p.save)) problems.push({ code: 'pattern.nothing-saved', message: 'no sub-specification is saved' });
  return problems;
}

function compileRegex(source: string, ignoreCase: boolean): { ok: true; re: RE2JS } | { ok: false; message: string } {
  try {
    return { ok: true, re: RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

const WORD_CLASS = '\\pL\\pN_';

function partClass(p: SubSpec, ignoreCase: boolean): string {
  switch (p.kind) {
    case 'digit': return '[0-9]';
    case 'letter': return '\\pL';
    case 'capital': return '\\p{Lu}';
    case 'any': return '[^\\r\\n]';
    case 'literal': return `(?${ignoreCase ? 'i' : ''}:${RE2JS.quote(p.literal ?? '')})`;
  }
}

/** Whether a part begins/ends with a word character (so needs a word boundary). */
function wordy(p: SubSpec | undefined, edge: 'start' | 'end'): boolean {
  if (!p) return false;
  if (p.kind === 'digit' || p.kind === 'letter' || p.kind === 'capital') return true;
  if (p.kind === 'literal' && p.literal) {
    const ch = edge === 'start' ? p.literal[0] : p.literal[p.literal.length - 1];
    return /[\p{L}\p{N}_]/u.test(ch);
  }
  return false;
}

export interface CompiledPattern {
  spec: PatternSpec;
  /** Finds every match in text; never throws. */
  findAll(text: string): Array<{ value: string; at: number; match: string }>;
}

export type CompileResult = { ok: true; pattern: CompiledPattern } | { ok: false; code: 'pattern.invalid'; message: string; problems: Problem[] };

/** The RE2 source a sequence spec compiles to (group 1 = the whole match, part i = group i + 2). */
export function sequenceRegexSource(spec: SequenceSpec): string {
  const body = spec.parts.map((p) => `(${partClass(p, spec.ignoreCase ?? false)}{${p.min},${p.max}})`).join('');
  const before = wordy(spec.parts[0], 'start') ? `(?:^|[^${WORD_CLASS}])` : '';
  const after = wordy(spec.parts[spec.parts.length - 1], 'end') ? `(?:$|[^${WORD_CLASS}])` : '';
  return `${before}(${body})${after}`;
}

/** Largest text searched; longer text is cut (machine-made key/value mail is short). */
export const MAX_PATTERN_INPUT = 1_000_000;

/** `lineFilter: false` searches the whole text always (tests compare both ways). */
export function compilePattern(spec: PatternSpec, opts: { lineFilter?: boolean } = {}): CompileResult {
  const useFilter = opts.lineFilter ?? true;
  const problems = validatePatternSpec(spec);
  if (problems.length > 0) return { ok: false, code: 'pattern.invalid', message: problems.map((p) => p.message).join('; '), problems };
  if (spec.kind === 'regex') {
    const c = compileRegex(spec.regex, spec.ignoreCase ?? false);
    if (!c.ok) return { ok: false, code: 'pattern.invalid', message: c.message, problems: [{ code: 'pattern.invalid', message: c.message }] };
    const filter = useFilter ? regexLineFilter(spec.regex, spec.ignoreCase ?? false) : null;
    return { ok: true, pattern: { spec, findAll: scanner(c.re, (m) => {
      // Named groups are saved; else group 1; else the whole match.
      const named = Object.values(m.getNamedGroups());
      const value = named.length > 0
        ? named.filter((v): v is string => v !== null).join('')
        : m.groupCount() >= 1 ? (m.group(1) ?? '') : (m.group() ?? '');
      return { value, start: m.start(), end: m.end(), match: m.group() ?? '' };
    }, filter) } };
  }
  const seq = spec as SequenceSpec;
  const source = sequenceRegexSource(seq);
  const c = compileRegex(source, false);
  if (!c.ok) return { ok: false, code: 'pattern.invalid', message: c.message, problems: [{ code: 'pattern.invalid', message: c.message }] };
  // Group 1 is the match body (between the boundaries); part i is group i + 2.
  return { ok: true, pattern: { spec, findAll: scanner(c.re, (m) => {
    let value = '';
    seq.parts.forEach((p, i) => { if (p.save) value += m.group(i + 2) ?? ''; });
    return { value, start: m.start(1), end: m.end(1), match: m.group(1) ?? '' };
  }, useFilter ? sequenceLineFilter(seq) : null) } };
}

type Re2Matcher = ReturnType<RE2JS['matcher']>;

/**
 * A line filter: true when a line may hold a match. Given only for specifications whose matches
 * cannot contain a line feed; then the text is searched line by line (split at "\n") and only the
 * lines the filter passes. That finds the same matches: the "\n" around a line is a non-word
 * character, so `\b` and the sequence boundaries behave at a line's ends as beside the "\n".
 * re2js steps its automaton over every character it is given, so skipping lines that lack a
 * character every match needs (a digit, a literal) is most of the cost of a 10 KB mail.
 */
type LineFilter = (line: string) => boolean;

/**
 * Every non-overlapping match in the text (cut at MAX_PATTERN_INPUT), with the value to save.
 * The next search resumes at the end of the match body, so a boundary character after one
 * match may serve as the boundary before the next; an empty match moves on by one.
 */
function scanner(re: RE2JS, read: (m: Re2Matcher) => { value: string; start: number; end: number; match: string }, lineFilter: LineFilter | null = null) {
  const scan = (text: string, offset: number, out: Array<{ value: string; at: number; match: string }>) => {
    const m = re.matcher(text);
    let pos = 0;
    while (pos <= m.inputLength() && m.find(pos)) {
      const { value, start, end, match } = read(m);
      if (value !== '') out.push({ value, at: start + offset, match });
      pos = end > start ? end : end + 1;
    }
  };
  return (full: string): Array<{ value: string; at: number; match: string }> => {
    const out: Array<{ value: string; at: number; match: string }> = [];
    const text = full.slice(0, MAX_PATTERN_INPUT);
    if (!lineFilter) { scan(text, 0, out); return out; }
    for (let from = 0; from <= text.length;) {
      const nl = text.indexOf('\n', from);
      const to = nl === -1 ? text.length : nl;
      const line = text.slice(from, to);
      if (lineFilter(line)) scan(line, from, out);
      from = to + 1;
    }
    return out;
  };
}

/**
 * The lines a case-insensitive literal can match in. RE2 folds case by Unicode's simple case
 * folding, whose orbits JavaScript's upper and lower case do not follow (the Kelvin sign K and
 * the long s ſ fold to k and s, so "\u212Aſ" matches "ks", yet it is neither "KS" upper-cased nor
 * "ks" lower-cased). Exact for ASCII: a line with anything else is searched as it is, and a
 * literal with anything else does not filter.
 */
const NON_ASCII = /[^\x00-\x7f]/;
const foldedIncludes = (needle: string): LineFilter => {
  if (NON_ASCII.test(needle)) return () => true;
  const low = needle.toLowerCase();
  return (line: string) => NON_ASCII.test(line) || line.toLowerCase().includes(low);
};

/** Lines a sequence's match needs: one with a character of each required part (min ≥ 1); null when a literal may hold a line feed. */
export function sequenceLineFilter(spec: SequenceSpec): LineFilter | null {
  if (spec.parts.some((p) => p.kind === 'literal' && /[\r\n]/.test(p.literal ?? ''))) return null;
  const tests: LineFilter[] = [];
  for (const p of spec.parts) {
    if (p.min < 1) continue;
    if (p.kind === 'digit') tests.push((l) => /[0-9]/.test(l));
    else if (p.kind === 'literal' && p.literal) tests.push(spec.ignoreCase ? foldedIncludes(p.literal) : (l) => l.includes(p.literal!));
  }
  return (line) => tests.every((t) => t(line));
}

/**
 * For an RE2 regex written as plain text: when its source provably cannot match a line feed
 * (no \s, negated class, dot, anchor, escape of a control character, flag group, alternation)
 * and begins with a literal of two or more characters (after an optional \b), the lines that
 * contain that literal; otherwise null (the whole text is searched).
 */
export function regexLineFilter(source: string, ignoreCase: boolean): LineFilter | null {
  if (/[\x00-\x1f|.^$]|\\[sSWDPpnrvftxuC0-9aAzQE]|\[\^|\[:|\(\?[a-zA-Z]/.test(source)) return null;
  const m = /^(?:\\b)?((?:[A-Za-z0-9#@_ :\/-]|\\[-#@_:\/])+)/.exec(source);
  if (!m) return null;
  let literal = m[1].replace(/\\(.)/g, '$1');
  // A quantifier after the run applies to its last character only.
  if (/^[?*+{]/.test(source.slice(m[0].length))) literal = literal.slice(0, -1);
  if (literal.length < 2) return null;
  return ignoreCase ? foldedIncludes(literal) : (l) => l.includes(literal);
}

export interface PatternFound {
  spec: string;
  key: string;
  value: string;
  /** UTF-16 offset of the match in the searched text. */
  at: number;
}

export interface PatternExtraction {
  /** Distinct values per contact-data key, in order of appearance. */
  values: Record<string, string[]>;
  found: PatternFound[];
  /** Specifications that were skipped because they are invalid. */
  errors: Array<{ spec: string; code: 'pattern.invalid'; message: string }>;
}

const cache = new WeakMap<PatternSpec, CompileResult>();

function compiledFor(spec: PatternSpec): CompileResult {
  let c = cache.get(spec);
  if (!c) { c = compilePattern(spec); cache.set(spec, c); }
  return c;
}

/** Runs every specification over the text. Invalid specs are reported, not thrown. */
export function extractPatterns(specs: PatternSpec[], text: string): PatternExtraction {
  const values: Record<string, string[]> = {};
  const found: PatternFound[] = [];
  const errors: PatternExtraction['errors'] = [];
  for (const spec of specs) {
    const c = compiledFor(spec);
    if (!c.ok) { errors.push({ spec: spec.name, code: c.code, message: c.message }); continue; }
    for (const hit of c.pattern.findAll(text)) {
      found.push({ spec: spec.name, key: spec.key, value: hit.value, at: hit.at });
      const list = (values[spec.key] ??= []);
      if (!list.includes(hit.value)) list.push(hit.value);
    }
  }
  return { values, found, errors };
}
