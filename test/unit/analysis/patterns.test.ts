import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compilePattern, extractPatterns, sequenceRegexSource, validatePatternSpec,
  type PatternSpec, type SequenceSpec, type SubSpec,
} from '../../../src/core/analysis/patterns.js';

const part = (kind: SubSpec['kind'], min: number, max: number, save = true, literal?: string): SubSpec =>
  ({ kind, min, max, save, ...(literal !== undefined ? { literal } : {}) });

const ssn: SequenceSpec = {
  name: 'Swedish personal number',
  key: 'ssn',
  parts: [part('digit', 6, 8), part('literal', 0, 1, false, '-'), part('digit', 4, 4)],
};

describe('sequence specifications', () => {
  it.each<[string, string, string[]]>([
    ['with separator', 'SSN: 771122-4499', ['7711224499']],
    ['without separator', 'SSN: 7711224499', ['7711224499']],
    ['8-digit year', 'Personnummer 19771122-4499.', ['197711224499']],
    ['start and end of text', '771122-4499', ['7711224499']],
    ['several values', '771122-4499 and 850101-1234', ['7711224499', '8501011234']],
    ['longer digit run does not partially match', 'Order 123456789012345 shipped', []],
    ['digits glued to letters do not match', 'ref AB771122-4499', []],
    ['too few digits', 'SSN: 77112-4499', []],
    ['across a line break', 'SSN:\n771122-4499\n', ['7711224499']],
  ])('%s', (_l, text, expected) => {
    expect(extractPatterns([ssn], text).values.ssn ?? []).toEqual(expected);
  });

  it('reports where each value was found', () => {
    const r = extractPatterns([ssn], 'SSN: 771122-4499');
    expect(r.found).toEqual([{ spec: 'Swedish personal number', key: 'ssn', value: '7711224499', at: 5 }]);
  });

  it('duplicates are listed once in values but every hit is in found', () => {
    const r = extractPatterns([ssn], '771122-4499 / 7711224499');
    expect(r.values.ssn).toEqual(['7711224499']);
    expect(r.found).toHaveLength(2);
  });

  it.each<[string, SequenceSpec, string, string[]]>([
    ['capitals then digits', { name: 'order', key: 'order', parts: [part('capital', 2, 2), part('digit', 5, 5)] }, 'Your order AB12345 and ab12345', ['AB12345']],
    ['literal label not saved', { name: 'cust', key: 'customerId', parts: [part('literal', 1, 1, false, 'Kundnr:'), part('any', 0, 1, false), part('digit', 4, 8)] }, 'Kundnr: 123456\nKundnr:99', ['123456']],
    ['ignoreCase literal', { name: 'cust', key: 'c', ignoreCase: true, parts: [part('literal', 1, 1, false, 'ref#'), part('digit', 3, 3)] }, 'REF#123 Ref#456', ['123', '456']],
    ['letters are Unicode', { name: 'w', key: 'w', parts: [part('letter', 3, 10)] }, 'åäö', ['åäö']],
    ['literal with regex metacharacters', { name: 'm', key: 'm', parts: [part('literal', 1, 1, false, '(a.b)*'), part('digit', 1, 2)] }, 'x (a.b)*12 (aXb)*34', ['12']],
  ])('%s', (_l, spec, text, expected) => {
    expect(extractPatterns([spec], text).values[spec.key] ?? []).toEqual(expected);
  });

  it('compiles to a bounded RE2 expression', () => {
    expect(sequenceRegexSource(ssn)).toContain('[0-9]{6,8}');
  });
});

describe('regex specifications', () => {
  it('saves group 1', () => {
    const spec: PatternSpec = { kind: 'regex', name: 'ticket', key: 'ticket', regex: 'Ticket[ :]+(\\d+)' };
    expect(extractPatterns([spec], 'Ticket: 42, Ticket 7').values.ticket).toEqual(['42', '7']);
  });
  it('saves named groups, concatenated', () => {
    const spec: PatternSpec = { kind: 'regex', name: 'p', key: 'phone', regex: '\\+46 (?P<a>\\d{2})-(?<b>\\d{3})' };
    expect(extractPatterns([spec], 'ring +46 70-123').values.phone).toEqual(['70123']);
  });
  it('saves the whole match without groups, case-insensitively when asked', () => {
    const spec: PatternSpec = { kind: 'regex', name: 'p', key: 'code', regex: 'abc\\d', ignoreCase: true };
    expect(extractPatterns([spec], 'ABC1 abc2').values.code).toEqual(['ABC1', 'abc2']);
  });
  it.each(['(a', 'a{1001}', '(?=x)', '\\1', '[z-a]'])('invalid regex %j is an error result, not a throw', (regex) => {
    const c = compilePattern({ kind: 'regex', name: 'bad', key: 'k', regex });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.code).toBe('pattern.invalid');
    const r = extractPatterns([{ kind: 'regex', name: 'bad', key: 'k', regex }, ssn], 'SSN 771122-4499');
    expect(r.errors).toEqual([expect.objectContaining({ spec: 'bad', code: 'pattern.invalid' })]);
    expect(r.values.ssn).toEqual(['7711224499']);
  });
  it('catastrophic-backtracking regexes run in linear time', () => {
    const spec: PatternSpec = { kind: 'regex', name: 'evil', key: 'e', regex: '(a+)+$' };
    const text = `${'a'.repeat(50_000)}!`;
    const t = performance.now();
    extractPatterns([spec], text);
    expect(performance.now() - t).toBeLessThan(5000);
  });
});

describe('validation', () => {
  const ok = (parts: SubSpec[]): SequenceSpec => ({ name: 'n', key: 'k', parts });
  it.each<[string, PatternSpec, string]>([
    ['min above max', ok([part('digit', 5, 3)]), 'pattern.min-above-max'],
    ['max above 100', ok([part('digit', 1, 101)]), 'pattern.max-too-large'],
    ['max zero', ok([part('digit', 0, 0)]), 'pattern.max-invalid'],
    ['negative min', ok([part('digit', -1, 3)]), 'pattern.min-invalid'],
    ['fractional min', ok([part('digit', 1.5, 3)]), 'pattern.min-invalid'],
    ['empty literal', ok([part('literal', 1, 1, true, '')]), 'pattern.literal-empty'],
    ['literal on a digit part', ok([part('digit', 1, 1, true, 'x')]), 'pattern.literal-unexpected'],
    ['no parts', ok([]), 'pattern.no-parts'],
    ['all optional', ok([part('digit', 0, 3)]), 'pattern.matches-empty'],
    ['nothing saved', ok([part('digit', 1, 3, false)]), 'pattern.nothing-saved'],
    ['bad key', { ...ok([part('digit', 1, 3)]), key: '1 bad key' }, 'pattern.key-invalid'],
    ['empty name', { ...ok([part('digit', 1, 3)]), name: ' ' }, 'pattern.name-empty'],
    ['unknown kind', ok([{ kind: 'emoji' as SubSpec['kind'], min: 1, max: 1, save: true }]), 'pattern.part-kind'],
    ['invalid regex', { kind: 'regex', name: 'r', key: 'k', regex: '(' }, 'pattern.invalid'],
    ['empty regex', { kind: 'regex', name: 'r', key: 'k', regex: '' }, 'pattern.regex-empty'],
    ['regex matching empty', { kind: 'regex', name: 'r', key: 'k', regex: 'a*' }, 'pattern.matches-empty'],
  ])('%s', (_l, spec, code) => {
    expect(validatePatternSpec(spec).map((p) => p.code)).toContain(code);
    expect(compilePattern(spec).ok).toBe(false);
  });
  it('returns every problem at once', () => {
    const spec = ok([part('digit', 5, 3), part('literal', 1, 200, true, '')]);
    expect(validatePatternSpec(spec).map((p) => p.code)).toEqual(expect.arrayContaining(['pattern.min-above-max', 'pattern.literal-empty', 'pattern.max-too-large']));
  });
  it('the Swedish personal number spec is valid', () => {
    expect(validatePatternSpec(ssn)).toEqual([]);
  });
});

describe('robustness (properties)', () => {
  const partArb: fc.Arbitrary<SubSpec> = fc.record({
    kind: fc.constantFrom<SubSpec['kind']>('digit', 'letter', 'capital', 'any', 'literal'),
    literal: fc.string({ minLength: 1, maxLength: 4 }),
    min: fc.integer({ min: 0, max: 5 }),
    span: fc.integer({ min: 0, max: 5 }),
    save: fc.boolean(),
  }).map((p) => ({ kind: p.kind, min: p.min, max: Math.max(1, p.min + p.span), save: p.save, ...(p.kind === 'literal' ? { literal: p.literal } : {}) }));

  it('the matcher never throws on arbitrary strings and specs', () => {
    fc.assert(fc.property(fc.array(partArb, { minLength: 1, maxLength: 5 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (parts, text) => {
      const r = extractPatterns([{ name: 'p', key: 'k', parts }, ssn], text);
      for (const f of r.found) expect(f.value.length).toBeGreaterThan(0);
    }));
  });
  it('arbitrary regex sources never throw', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 100 }), (regex, text) => {
      const r = extractPatterns([{ kind: 'regex', name: 'r', key: 'k', regex }], text);
      expect(r.errors.length + r.found.length).toBeGreaterThanOrEqual(0);
    }));
  });
  it('found offsets point at the value in the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 100000, max: 99999999 }), fc.integer({ min: 1000, max: 9999 }), (prefix, a, b) => {
      const text = `${prefix} ${a}-${b} `;
      const r = extractPatterns([ssn], text);
      for (const f of r.found) expect(text.slice(f.at).replace('-', '').startsWith(f.value)).toBe(true);
    }));
  });
  it('handles a 1 MB input quickly', () => {
    const text = 'x 771122-4499 '.repeat(70_000);
    const t = performance.now();
    const r = extractPatterns([ssn], text);
    expect(r.values.ssn).toEqual(['7711224499']);
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});

describe('line-by-line search (only lines that can hold a match)', () => {
  const specs: PatternSpec[] = [
    ssn,
    { name: 'order', key: 'order', kind: 'regex', regex: '\\bORD-(\\d{6})\\b', ignoreCase: true },
    { name: 'customer', key: 'customer', kind: 'regex', regex: 'CU(\\d{3})' },
    { name: 'ticket', key: 'ticket', kind: 'regex', regex: '#(\\d{2,5})\\b' },
    { name: 'ref', key: 'ref', kind: 'regex', regex: 'refs?(\\d+)' },
    { name: 'code', key: 'code', parts: [part('literal', 1, 1, false, 'ks'), part('digit', 1, 3), part('capital', 0, 2)], ignoreCase: true },
    { name: 'spans lines', key: 'span', kind: 'regex', regex: 'ab\\s+(\\d+)' },
  ];
  // Texts built from the characters that matter: digits, the literals' letters in both cases, Kelvin and long s, line breaks, boundaries.
  const alphabet = fc.constantFrom(...'0123456789ORDordCUcu#-KkSsſ\u212Aefab \n\r\t.é_'.split(''));
  const text = fc.array(alphabet, { maxLength: 300 }).map((cs) => cs.join(''));

  it('finds exactly what the whole-text search finds', () => {
    const plain = specs.map((s) => compilePattern(s, { lineFilter: false }));
    const fast = specs.map((s) => compilePattern(s));
    fc.assert(fc.property(text, (t) => {
      specs.forEach((_s, i) => {
        const a = plain[i];
        const b = fast[i];
        if (!a.ok || !b.ok) throw new Error('invalid spec');
        expect(b.pattern.findAll(t)).toEqual(a.pattern.findAll(t));
      });
    }), { numRuns: 500 });
  });

  it('a case-insensitive literal is found across Unicode case folding (Kelvin sign and long s beside ASCII)', () => {
    // Found by the property above (seed -818192123): "\u212Aſ0" is "ks0" to RE2 but neither "KS0" upper-cased nor "ks0" lower-cased.
    for (const t of ['\u212A\u017F0', 'K\u017F0', '\u212As0', 'x\n\u212A\u017F12AB', 'ord-123456', 'ORD-123456']) {
      specs.forEach((spec) => {
        const a = compilePattern(spec, { lineFilter: false });
        const b = compilePattern(spec);
        if (!a.ok || !b.ok) throw new Error('invalid spec');
        expect(b.pattern.findAll(t), `${spec.name} in ${JSON.stringify(t)}`).toEqual(a.pattern.findAll(t));
      });
    }
    const code = compilePattern(specs[5]);
    if (!code.ok) throw new Error('invalid spec');
    expect(code.pattern.findAll('\u212A\u017F0')).toEqual([{ value: '0', at: 0, match: '\u212A\u017F0' }]);
  });
});
