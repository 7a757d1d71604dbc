import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  analyseCategories, languageFromCategories, matchCategories, parseKeyword, validateCategories, validateCategory,
  type Category,
} from '../../../src/core/analysis/categories.js';
import { formatCategoryFile, formatKeywordList, parseCategoryFile, parseKeywordList } from '../../../src/core/analysis/category-file.js';
import { bodyText, searchText, words } from '../../../src/core/analysis/text.js';

const cat = (name: string, keywords: string[], extra: Partial<Category> = {}): Category => ({ name, keywords, active: true, ...extra });

describe('keyword parsing', () => {
  it.each([
    ['computer', 'optional', ['computer']],
    ['+invoice', 'required', ['invoice']],
    ['-newsletter', 'prohibited', ['newsletter']],
    ['  +Faktura  ', 'required', ['faktura']],
    ['reset password', 'optional', ['reset', 'password']],
    ['e-mail', 'optional', ['e', 'mail']],
    ['Glömt lösenord', 'optional', ['glömt', 'lösenord']],
  ])('%s → %s %j', (raw, kind, w) => {
    const r = parseKeyword(raw);
    expect(r.ok).toBe(true);
    if (r.ok) { expect(r.keyword.kind).toBe(kind); expect(r.keyword.words).toEqual(w); }
  });

  it.each([['', 'keyword.empty'], ['+', 'keyword.empty'], ['- ', 'keyword.empty'], ['+!!!', 'keyword.no-words']])('rejects %j with %s', (raw, code) => {
    const r = parseKeyword(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });
});

describe('word splitting', () => {
  it('is Unicode-aware and case-insensitive', () => {
    expect(words('Hej! Jag har GLÖMT mitt lösenord, årsavgiften är 200 kr.')).toEqual(
      ['hej', 'jag', 'har', 'glömt', 'mitt', 'lösenord', 'årsavgiften', 'är', '200', 'kr'],
    );
    expect(words('Straße über Ærø')).toEqual(['straße', 'über', 'ærø']);
  });
  it('normalises decomposed characters (NFD → NFC)', () => {
    expect(words('lo\u0308senord')).toEqual(['lösenord']);
  });
});

describe('category matching rules', () => {
  const text = 'Hello, my computers crashed and I need the invoice for the repair.';
  it.each<[string, string[], boolean]>([
    ['prefix: "computer" hits "computers"', ['computer'], true],
    ['case-insensitive', ['COMPUTER'], true],
    ['keyword must begin the word ("puter" does not hit "computers")', ['puter'], false],
    ['any one optional suffices', ['printer', 'invoice'], true],
    ['no optional present → no match', ['printer', 'scanner'], false],
    ['all required must be present', ['+invoice', '+repair'], true],
    ['a missing required fails', ['+invoice', '+refund'], false],
    ['required + optional: optional must also hit', ['+invoice', 'printer'], false],
    ['required + optional both hit', ['+invoice', 'computer'], true],
    ['prohibited present → no match', ['invoice', '-crash'], false],
    ['prohibited absent → match', ['invoice', '-newsletter'], true],
    ['only prohibited keywords never match', ['-newsletter'], false],
    ['required only (no optional) matches', ['+repair'], true],
    ['phrase matches consecutive words, last by prefix', ['need the inv'], true],
    ['phrase words must be adjacent', ['need invoice'], false],
    ['phrase earlier words are whole words', ['nee the invoice'], false],
    ['empty keyword list never matches', [], false],
  ])('%s', (_label, keywords, expected) => {
    const r = matchCategories([cat('c', keywords)], text);
    expect(r.categories.length > 0).toBe(expected);
  });

  it('inactive categories never match', () => {
    expect(matchCategories([cat('c', ['computer'], { active: false })], text).categories).toEqual([]);
  });

  it('Swedish words with å, ä, ö match by prefix', () => {
    const r = matchCategories([cat('lösen', ['lösenord', '+glömt'])], 'Hej, jag har GLÖMT mitt Lösenordet till kontot');
    expect(r.matches).toEqual([{ category: 'lösen', keywords: [{ keyword: 'lösenord', word: 'lösenordet' }, { keyword: '+glömt', word: 'glömt' }] }]);
  });

  it('explains every matched keyword with the word that matched (first occurrence)', () => {
    const r = matchCategories([cat('billing', ['+invoice', 'pay', 'refund'])], 'Invoices: please pay. I paid the invoice.');
    expect(r.matches[0].keywords).toEqual([{ keyword: '+invoice', word: 'invoices' }, { keyword: 'pay', word: 'pay' }]);
  });

  it('returns every matching category in configuration order', () => {
    const r = matchCategories([cat('a', ['alpha']), cat('b', ['beta']), cat('c', ['gamma'])], 'gamma alpha');
    expect(r.categories).toEqual(['a', 'c']);
  });
});

describe('search text', () => {
  it('searches the subject', () => {
    expect(analyseCategories([cat('pw', ['password'])], { subject: 'Password reset', text: 'hi', html: null }).categories).toEqual(['pw']);
  });
  it('searches the text part and ignores the HTML alternative when there is text', () => {
    const r = analyseCategories([cat('h', ['htmlonly'])], { subject: '', text: 'plain words', html: '<p>htmlonly</p>' });
    expect(r.categories).toEqual([]);
    expect(bodyText({ text: 'plain words', html: '<p>htmlonly</p>' }).source).toBe('text');
  });
  it('converts HTML to text when there is no text part', () => {
    const email = { subject: '', text: '', html: '<html><head><style>.invoice{}</style></head><body><p>My <b>invoice</b> is wrong</p><img alt="refund"></body></html>' };
    expect(analyseCategories([cat('b', ['invoice'])], email).categories).toEqual(['b']);
    expect(searchText(email)).not.toContain('<b>');
    expect(analyseCategories([cat('style', ['refund'])], email).categories).toEqual([]);
  });
  it('a keyword present in both alternatives is counted once', () => {
    const r = analyseCategories([cat('b', ['invoice'])], { subject: '', text: 'invoice', html: '<p>invoice</p>' });
    expect(r.matches[0].keywords).toHaveLength(1);
  });
});

describe('validation', () => {
  it.each<[string, Category, string]>([
    ['empty name', cat('', ['a']), 'category.name-empty'],
    ['name with ;', cat('a;b', ['a']), 'category.name-invalid'],
    ['name with spaces around', cat(' a ', ['a']), 'category.name-whitespace'],
    ['bad language', cat('a', ['a'], { language: 'swedish!' }), 'category.language-invalid'],
    ['empty keyword', cat('a', ['+']), 'keyword.empty'],
    ['keyword without letters', cat('a', ['!!']), 'keyword.no-words'],
    ['keyword starting with #', cat('a', ['#tag']), 'keyword.reserved-start'],
    ['keyword with line break', cat('a', ['a\nb']), 'keyword.line-break'],
    ['duplicate keyword', cat('a', ['Invoice', 'invoice']), 'keyword.duplicate'],
    ['only prohibited', cat('a', ['-spam']), 'category.never-matches'],
  ])('%s', (_l, c, code) => {
    expect(validateCategory(c).map((p) => p.code)).toContain(code);
  });
  it('accepts a good category and reports duplicate names', () => {
    expect(validateCategory(cat('billing', ['+invoice', 'pay'], { language: 'sv' }))).toEqual([]);
    expect(validateCategories([cat('a', ['x']), cat('a', ['y'])]).map((p) => p.code)).toContain('category.name-duplicate');
  });
});

describe('language from categories', () => {
  const cats = [cat('german', ['der', 'das', 'golfplatz'], { language: 'de' }), cat('swedish', ['och', 'jag', 'det'], { language: 'sv' }), cat('billing', ['invoice'])];
  it('picks the language category with the most hits', () => {
    const a = matchCategories(cats, 'Jag och du, det är das');
    expect(languageFromCategories(cats, a)).toEqual({ language: 'sv', category: 'swedish', hits: 3 });
  });
  it('ties go to the first in configuration order', () => {
    const a = matchCategories(cats, 'das och');
    expect(languageFromCategories(cats, a)?.category).toBe('german');
  });
  it('null when no language category matched', () => {
    expect(languageFromCategories(cats, matchCategories(cats, 'invoice please'))).toBeNull();
  });
});

describe('category files', () => {
  it('parses sections, directives, comments and blank lines', () => {
    const text = '# exported\n\n[billing]\n@language en\ninvoice\n+pay\n\n# comment\n-newsletter\n[old]\n@active false\nfoo\n';
    const r = parseCategoryFile(text);
    expect(r).toEqual({
      ok: true,
      categories: [
        { name: 'billing', keywords: ['invoice', '+pay', '-newsletter'], active: true, language: 'en' },
        { name: 'old', keywords: ['foo'], active: false },
      ],
    });
  });
  it('accepts CRLF and a BOM', () => {
    const r = parseCategoryFile('\uFEFF[a]\r\nx\r\n');
    expect(r.ok && r.categories).toEqual([{ name: 'a', keywords: ['x'], active: true }]);
  });
  it.each([
    ['keyword before a header', 'invoice\n[a]\nx', 'category-file.outside-section'],
    ['unclosed header', '[a\nx', 'category-file.bad-header'],
    ['unknown directive', '[a]\n@colour red\nx', 'category-file.bad-directive'],
    ['bad @active', '[a]\n@active maybe\nx', 'category-file.bad-directive'],
    ['duplicate category', '[a]\nx\n[a]\ny', 'category.name-duplicate'],
    ['invalid keyword', '[a]\n+\n', 'keyword.empty'],
  ])('reports %s with a line number', (_l, text, code) => {
    const r = parseCategoryFile(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('category-file.invalid');
      expect(r.problems.map((p) => p.code)).toContain(code);
      expect(r.problems.every((p) => p.line >= 1)).toBe(true);
    }
  });
  it('keyword lists: one per line, comments and blanks ignored', () => {
    expect(parseKeywordList('# c\ninvoice\n\n +pay \n-spam\n')).toEqual(['invoice', '+pay', '-spam']);
    expect(parseKeywordList(formatKeywordList(['a', '+b', '-c d']))).toEqual(['a', '+b', '-c d']);
  });

  const wordArb = fc.stringMatching(/^[a-zåäöéß0-9]{1,8}$/);
  const keywordArb = fc.tuple(fc.constantFrom('', '+', '-'), fc.array(wordArb, { minLength: 1, maxLength: 3 }))
    .map(([p, ws]) => p + ws.join(' '));
  const categoryArb = fc.record({
    name: fc.stringMatching(/^[A-Za-zÅÄÖåäö0-9][A-Za-zÅÄÖåäö0-9 _\-[\]]{0,15}$/).map((s) => s.trim()).filter((s) => s.length > 0),
    keywords: fc.uniqueArray(keywordArb, { maxLength: 6, selector: (k) => k.toLowerCase() }),
    active: fc.boolean(),
    language: fc.option(fc.constantFrom('sv', 'en', 'de', 'nb'), { nil: undefined }),
  }).map((c) => {
    const out: Category = { name: c.name, keywords: c.keywords, active: c.active };
    if (c.language !== undefined) out.language = c.language;
    if (!c.keywords.some((k) => !k.startsWith('-'))) out.keywords = [...c.keywords, 'word'];
    return out;
  });

  it('format → parse round-trips (property)', () => {
    fc.assert(fc.property(fc.uniqueArray(categoryArb, { maxLength: 5, selector: (c) => c.name }), (cats) => {
      const parsed = parseCategoryFile(formatCategoryFile(cats));
      expect(parsed).toEqual({ ok: true, categories: cats });
    }));
  });
  it('parse → format → parse is stable (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const first = parseCategoryFile(text);
      if (!first.ok) return;
      expect(parseCategoryFile(formatCategoryFile(first.categories))).toEqual(first);
    }));
  });
  it('matching never throws on arbitrary text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), (text, kws) => {
      const r = matchCategories([cat('x', kws)], text);
      expect(Array.isArray(r.categories)).toBe(true);
    }));
  });
});
