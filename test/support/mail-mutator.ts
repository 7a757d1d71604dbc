/**
 * A seeded mutator for raw email: each mutated message is a pure function of (seed, index,
 * the corpus), so one failing message can be replayed alone. Mutations: truncation, header
 * folding and line-ending damage, bad charsets and transfer encodings, broken encoded words,
 * deep MIME nesting, huge headers, NUL bytes, malformed addresses and dates, splices from
 * another message, byte flips.
 */

/** mulberry32: a small, fast, well-known 32-bit PRNG (reproducible across platforms). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng { next(): number; int(max: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean }

export function rngFor(seed: number, index: number): Rng {
  const next = prng((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
  return {
    next,
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

type Mutation = (text: string, r: Rng, donor: string) => string;

const splitHead = (text: string): [string, string] => {
  const m = /\r?\n\r?\n/.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index)] : [text, ''];
};

const BAD_CHARSETS = ['utf-7', 'x-unknown-42', 'iso-2022-jp', 'utf-16', 'ucs-4', '', '"', 'utf-8"; charset="koi8-r', 'gb18030', 'x-mac-nonsense', 'windows-999', 'utf-32le', '\u00ff\u00fe'];
const BAD_ENCODINGS = ['base64', 'quoted-printable', 'x-uuencode', '8bit', 'binary', 'bogus', 'base-64', 'BASE64 ; junk', ''];
const BAD_WORDS = ['=?utf-8?B?###?=', '=?bogus?Q?=FF=FE?=', '=?utf-8?Q?unterminated', '=?iso-8859-1?B?=?=', '=??=', '=?utf-8*en?b?w6Q=?=', '=?utf-16?B?2D3eAA==?=', '=?x?y?z?='];
const BAD_ADDRESSES = [
  '<<<>>>', '@', 'a@b@c', '"unterminated <x@y', 'group: ;', ',,,,', '=?utf-8?B?AAA?= <>', `${'x'.repeat(5000)}@example.com`, '(comment (nested (deep',
  'undisclosed-recipients:;', '<@route,@route:user@example.org>', 'user@[300.1.1.1]', '"\\"\\\\"@example.org', 'a\u0000b@example.org', 'Name <user@example.org',
  'user@@example..org', '<>', ' ', `${Array.from({ length: 2000 }, (_, i) => `u${i}@example.org`).join(', ')}`,
];
const BAD_DATES = ['Mon, 32 Foo 99999 25:61:61 +9999', '', 'yesterday', '0', '-1', 'Thu, 01 Jan 1970 00:00:00 -2400', `${'9'.repeat(400)}`, 'Sun, 31 Feb 2021 12:00:00 GMT', '2021-13-45T99:99:99Z', 'Fri, 27 Nov 2026 10:00:00 +0000 (' + '('.repeat(500)];

const headerReplace = (name: RegExp, values: readonly string[]): Mutation => (text, r) => {
  const [head, body] = splitHead(text);
  const value = r.pick(values);
  if (name.test(head)) return head.replace(new RegExp(`^(${name.source}):[^\\n]*`, 'gim'), (_m, h: string) => `${h}: ${value}`) + body;
  return `${name.source.split('|')[0].replace(/[()^$]/g, '')}: ${value}\r\n${head}${body}`;
};

const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, r) => t.slice(0, r.int(t.length + 1)),
  foldHeaders: (t, r) => {
    const [head, body] = splitHead(t);
    const folded = head.split(/\r?\n/).map((line) => {
      if (!r.chance(0.4) || line.length < 4) return line;
      const at = 1 + r.int(line.length - 1);
      return line.slice(0, at) + r.pick(['\r\n\t', '\r\n ', '\r\n \r\n ', '\n ', '\r ', '\r\n', '\r\n\t\t\t' + ' '.repeat(r.int(2000))]) + line.slice(at);
    });
    return folded.join(r.pick(['\r\n', '\n', '\r'])) + body;
  },
  badCharset: (t, r) => {
    let out = t.replace(/charset\s*=\s*("?)[^";\s]*\1/gi, () => `charset=${r.pick(BAD_CHARSETS)}`);
    if (!/charset=/i.test(out)) out = `Content-Type: text/plain; charset=${r.pick(BAD_CHARSETS)}\r\n${out}`;
    const at = r.int(out.length + 1);
    return out.slice(0, at) + r.pick(['\u00ff\u00fe', '\u00c3', '\u00e2\u0082', '\u00f0\u009f\u0098', '\u001b$B', '+ADw-script+AD4-']) + out.slice(at);
  },
  badEncoding: (t, r) => {
    let out = t.replace(/content-transfer-encoding:[^\r\n]*/gi, () => `Content-Transfer-Encoding: ${r.pick(BAD_ENCODINGS)}`);
    if (out === t) out = `Content-Transfer-Encoding: ${r.pick(BAD_ENCODINGS)}\r\n${out}`;
    const [head, body] = splitHead(out);
    const garbage = r.pick(['=ZZ', '=\r\n=', '====', '!!@@##', '=\r', 'begin 644 x\r\nM\r\nend', '=3', `${'A'.repeat(r.int(100000))}=`]);
    const at = r.int(body.length + 1);
    const words = head.replace(/^(subject|from|to):/gim, (h) => `${h} ${r.pick(BAD_WORDS)}`);
    return words + body.slice(0, at) + garbage + body.slice(at);
  },
  deepNesting: (t, r) => {
    const [head, body] = splitHead(t);
    const depth = 1 + r.int(r.chance(0.2) ? 2000 : 200);
    const closed = r.chance(0.7);
    let inner = `Content-Type: text/plain\r\n\r\n${body.slice(0, 2000)}`;
    for (let d = depth; d > 0; d--) {
      inner = `Content-Type: multipart/${r.pick(['mixed', 'alternative', 'related', 'digest', 'report'])}; boundary="b${d}"\r\n\r\n--b${d}\r\n${inner}\r\n${closed ? `--b${d}--` : ''}\r\n`;
    }
    return `${head.replace(/^content-type:[^\n]*(\n[ \t][^\n]*)*/gim, 'X-Old-Type: removed')}\r\nMIME-Version: 1.0\r\n${inner}`;
  },
  hugeHeader: (t, r) => r.chance(0.5)
    ? `X-Huge: ${'h'.repeat(16_384 + r.int(300_000))}\r\n${t}`
    : `${Array.from({ length: 500 + r.int(8000) }, (_, i) => `X-Many-${i}: ${'v'.repeat(r.int(50))}`).join('\r\n')}\r\n${t}`,
  nuls: (t, r) => {
    let out = t;
    for (let n = 1 + r.int(20); n > 0; n--) { const at = r.int(out.length + 1); out = out.slice(0, at) + '\u0000'.repeat(1 + r.int(4)) + out.slice(at); }
    return out;
  },
  badAddress: (t, r) => headerReplace(r.pick([/From/, /To/, /Cc/, /Reply-To/, /Sender/, /Return-Path/]), BAD_ADDRESSES)(t, r, ''),
  badDate: headerReplace(/Date/, BAD_DATES),
  badMessageId: headerReplace(/Message-ID|In-Reply-To|References/, ['', '<', '<<a@b>>', '<a@b> <c', `${'<x@y> '.repeat(5000)}`, 'no angle brackets at all', '\u0000']),
  splice: (t, r, donor) => {
    const from = r.int(donor.length + 1);
    const piece = donor.slice(from, from + r.int(4000));
    const at = r.int(t.length + 1);
    return t.slice(0, at) + piece + t.slice(at);
  },
  byteFlip: (t, r) => {
    const chars = t.split('');
    for (let n = 1 + r.int(32); n > 0 && chars.length; n--) chars[r.int(chars.length)] = String.fromCharCode(r.int(256));
    return chars.join('');
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

export interface Mutated { raw: Buffer; source: number; mutations: string[] }

/** Message `index` of the run with `seed`: a corpus message (by index) with one to three mutations. */
export function mutateMessage(seed: number, index: number, corpus: readonly Buffer[]): Mutated {
  const r = rngFor(seed, index);
  const source = r.int(corpus.length);
  const donor = corpus[r.int(corpus.length)].toString('latin1');
  let text = corpus[source].toString('latin1');
  const mutations: string[] = [];
  for (let n = 1 + r.int(3); n > 0; n--) {
    const name = r.pick(MUTATION_NAMES);
    mutations.push(name);
    text = MUTATIONS[name](text, r, donor);
  }
  return { raw: Buffer.from(text, 'latin1'), source, mutations };
}
