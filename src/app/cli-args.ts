import { parseArgs } from 'node:util';
import type { z } from 'zod';

/**
 * The CLI's own words: options parsed strictly, a misspelt option or subcommand answered with the
 * closest known one, and validation problems said per option ("--port must be a number, got 'abc'")
 * rather than in a schema library's terms.
 */
export class UsageError extends Error {}

/** Levenshtein distance (small strings only). */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The known word closest to `word`, when it is close enough to be a typo. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) { best = k; bestD = d; }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

export const didYouMean = (word: string, known: readonly string[]): string => {
  const c = closest(word, known);
  return c ? ` (did you mean ${c}?)` : '';
};

/** Parses --options strictly; an unknown option names the closest known one. */
export function parseOptions(args: string[], strings: readonly string[], booleans: readonly string[] = []): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const f of strings) options[f] = { type: 'string' };
  for (const f of booleans) options[f] = { type: 'boolean' };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    const e = err as { code?: string; message: string };
    const known = [...strings, ...booleans].map((f) => `--${f}`);
    const unknown = /Unknown option '([^']+)'/.exec(e.message)?.[1];
    if (unknown) throw new UsageError(`unknown option ${unknown}${didYouMean(unknown.split('=')[0], known)}; options: ${known.join(', ') || 'none'}`);
    const needsValue = /Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(e.message)?.[1];
    if (needsValue) throw new UsageError(`${needsValue} needs a value, e.g. ${needsValue} VALUE`);
    const positional = /Unexpected argument '([^']+)'/.exec(e.message)?.[1];
    if (positional) throw new UsageError(`unexpected argument '${positional}' (options are written --name value)`);
    throw new UsageError(e.message);
  }
}

interface Issue { code: string; format?: string; path: PropertyKey[]; message: string; expected?: string; values?: unknown[]; minimum?: number | bigint; maximum?: number | bigint; origin?: string }

/** One validation problem in the CLI's words, naming the option as typed. */
export function describeIssue(issue: Issue, values: Record<string, unknown>): string {
  const key = String(issue.path[0] ?? '');
  const option = key ? `--${key}` : 'the arguments';
  const given = key ? values[key] : undefined;
  if (given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return `${option} is required`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return `${option} must be a number, got '${String(given)}'`;
  if (issue.code === 'invalid_value' && issue.values) return `${option} must be one of ${issue.values.join(', ')}, got '${String(given)}'`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `${option} must be at least ${String(issue.minimum)}, got ${String(given)}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `${option} must be at most ${String(issue.maximum)}, got ${String(given)}`;
  if (issue.code === 'too_small' && issue.origin === 'string') return `${option} must be at least ${String(issue.minimum)} characters`;
  if (issue.code === 'invalid_format' && issue.format === 'regex') return `${option}: use ${issue.message} (got '${String(given)}')`;
  if (issue.code === 'invalid_format') return `${option}: '${String(given)}' is not a valid ${issue.format ?? 'value'}${issue.format === 'email' ? ' address' : ''}`;
  return key ? `${option}: ${issue.message}` : issue.message;
}

/** Validates parsed options; throws a UsageError listing every problem in the CLI's words. */
export function validate<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(values);
  if (r.success) return r.data;
  throw new UsageError(r.error.issues.map((i) => describeIssue(i as unknown as Issue, values)).join('\n'));
}
