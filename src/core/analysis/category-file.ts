import { validateCategories, type Category, type Problem } from './categories.js';

/**
 * Text import/export of categories (domain §3.7: "lists import/export as text
 * files"). Format:
 *
 *     # comment (only at the start of a line)
 *     [billing]
 *     @language en        (optional: the category decides the language)
 *     @active false       (optional: default true)
 *     invoice
 *     +payment
 *     -newsletter
 *
 * One keyword per line; blank lines and `#` lines are ignored; `[name]`
 * starts a category (the name is everything between the first `[` and the
 * last `]`). A file with one bare keyword list (no section) is read with
 * parseKeywordList.
 */

export type CategoryFileResult =
  | { ok: true; categories: Category[] }
  | { ok: false; code: 'category-file.invalid'; problems: Array<Problem & { line: number }> };

function isSkippable(line: string): boolean {
  const t = line.trim();
  return t === '' || t.startsWith('#');
}

/** One keyword per line; blank lines and `#` comments ignored. */
export function parseKeywordList(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => !isSkippable(l)).map((l) => l.trim());
}

export function formatKeywordList(keywords: string[]): string {
  return keywords.map((k) => k.trim()).join('\n') + (keywords.length > 0 ? '\n' : '');
}

export function parseCategoryFile(text: string): CategoryFileResult {
  const categories: Category[] = [];
  const problems: Array<Problem & { line: number }> = [];
  const lineOf = new Map<Category, number>();
  let current: Category | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((rawLine, i) => {
    const line = i + 1;
    if (isSkippable(rawLine)) return;
    const t = rawLine.trim();
    if (t.startsWith('[')) {
      const end = t.lastIndexOf(']');
      if (end < 1) { problems.push({ line, code: 'category-file.bad-header', message: `line ${line}: section header "${t}" has no closing "]"` }); current = null; return; }
      if (end !== t.length - 1) { problems.push({ line, code: 'category-file.bad-header', message: `line ${line}: text after "]" in "${t}"` }); }
      current = { name: t.slice(1, end).trim(), keywords: [], active: true };
      categories.push(current);
      lineOf.set(current, line);
      return;
    }
    if (!current) { problems.push({ line, code: 'category-file.outside-section', message: `line ${line}: "${t}" comes before any [category] header` }); return; }
    if (t.startsWith('@')) {
      const m = /^@([a-z]+)\s*[=:]?\s*(.*)$/i.exec(t);
      const key = m?.[1].toLowerCase();
      const value = (m?.[2] ?? '').trim();
      if (key === 'language') {
        if (value === '') delete current.language; else current.language = value;
      } else if (key === 'active') {
        if (/^(true|yes|1)$/i.test(value)) current.active = true;
        else if (/^(false|no|0)$/i.test(value)) current.active = false;
        else problems.push({ line, code: 'category-file.bad-directive', message: `line ${line}: @active must be true or false, got "${value}"` });
      } else {
        problems.push({ line, code: 'category-file.bad-directive', message: `line ${line}: unknown directive "${t}" (known: @language, @active)` });
      }
      return;
    }
    current.keywords.push(t);
  });
  for (const c of categories) {
    for (const p of validateCategories([c])) problems.push({ ...p, line: lineOf.get(c) ?? 0 });
  }
  const names = new Set<string>();
  for (const c of categories) {
    if (names.has(c.name)) problems.push({ line: lineOf.get(c) ?? 0, code: 'category.name-duplicate', message: `category "${c.name}" is defined twice` });
    names.add(c.name);
  }
  if (problems.length > 0) return { ok: false, code: 'category-file.invalid', problems };
  return { ok: true, categories };
}

/** Writes categories in the format parseCategoryFile reads (round-trips). */
export function formatCategoryFile(categories: Category[]): string {
  const blocks = categories.map((c) => {
    const lines = [`[${c.name}]`];
    if (c.language !== undefined) lines.push(`@language ${c.language}`);
    if (!c.active) lines.push('@active false');
    for (const k of c.keywords) lines.push(k.trim());
    return lines.join('\n');
  });
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : '';
}
