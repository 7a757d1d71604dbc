import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { francAll } from 'franc';
import { expressions } from 'franc/expressions.js';
import { corpusAbsentMessage, corpusEntries } from '../../support/corpus.js';
import { parseEmail } from '../../../src/adapters/mime/parse.js';
import { bodyText, str } from '../../../src/core/analysis/text.js';
import { isTrigramSeparator, languageCandidates, rankLanguages } from '../../../src/core/analysis/language-ranking.js';
import { DEFAULT_CANDIDATES, FRANC_MAX_CHARS, detectLanguage, languageSample, toIso639_1, toIso639_3, type DetectLanguageOptions, type LanguageResult } from '../../../src/core/analysis/language.js';

/**
 * The fast language ranking (language-ranking.ts, language-script.ts) and the
 * faster sample cleaning must give exactly what franc's francAll and the
 * earlier cleaning gave: same languages, scores, order (ties included), 'und'.
 */

/** The candidate lists detectLanguage hands franc: the default, every language, a custom list (with codes of one-language scripts and an unknown one). */
const CANDIDATE_LISTS: Array<[string, string[]]> = [
  ['default', DEFAULT_CANDIDATES.map(toIso639_3)],
  ['all', []],
  ['custom', ['eng', 'swe', 'sco', 'rus', 'ukr', 'arb', 'kor', 'jpn', 'hye', 'heb', 'xyz']],
];

/** francAll as detectLanguage called it (the reference). */
function viaFranc(sample: string, only: string[]): Array<[string, number]> {
  return francAll(sample, { minLength: 1, ...(only.length > 0 ? { only } : {}) });
}

function expectSameRanking(sample: string): void {
  for (const [, only] of CANDIDATE_LISTS) {
    expect(rankLanguages(sample, languageCandidates(only))).toEqual(viaFranc(sample, only));
  }
}

/** languageSample and detectLanguage as they were before (the reference for the faster cleaning). */
function referenceCleanLine(line: string): string {
  return line.replace(/\b(?:https?|ftp):\/\/\S+/gi, ' ').replace(/\bwww\.\S+/gi, ' ').replace(/(?<!\S)\S*@\S*/g, ' ')
    .replace(/[\p{N}_]+/gu, ' ').replace(/\s+/g, ' ').trim();
}
function referenceSample(text: string, maxChars = Infinity): string {
  const parts: string[] = [];
  let length = -1;
  for (const line of text.slice(0, 16_384).split(/\r\n|\r|\n/)) {
    if (line === '-- ' || line === '--') break;
    if (/^\s*>/.test(line)) continue;
    const part = referenceCleanLine(line);
    if (!part) continue;
    parts.push(part);
    length += part.length + 1;
    if (length > maxChars) break;
  }
  return parts.join(' ');
}
function referenceDetect(text: string, options: DetectLanguageOptions = {}): LanguageResult {
  const minLength = options.minLength ?? 40;
  const sample = referenceSample(text, Math.max(FRANC_MAX_CHARS, minLength));
  if (sample.length < minLength) return { language: 'unknown', source: 'too-short' };
  const only = options.only === 'all' ? undefined : (options.only ?? DEFAULT_CANDIDATES).map(toIso639_3);
  const [best, second] = francAll(sample, { minLength: 1, ...(only ? { only } : {}) });
  if (!best || best[0] === 'und') return { language: 'unknown', source: 'franc', confidence: 0 };
  return { language: toIso639_1(best[0]), source: 'franc', confidence: second ? Math.round((1 - second[1]) * 1000) / 1000 : 1 };
}

const SAMPLES: string[] = [
  'Hello, I ordered a new phone two weeks ago and it has still not arrived. Could you please check what happened?',
  'Hej! Jag beställde en ny telefon för två veckor sedan och den har fortfarande inte kommit.',
  'Guten Tag, ich habe vor zwei Wochen ein neues Telefon bestellt und es ist immer noch nicht angekommen.',
  "Bonjour, j'ai commandé un nouveau téléphone il y a deux semaines et il n'est toujours pas arrivé.",
  'Dzień dobry, zamówiłem nowy telefon dwa tygodnie temu i nadal nie dotarł. Czy mogą Państwo sprawdzić?',
  'Dobrý den, před dvěma týdny jsem si objednal nový telefon a stále nedorazil.',
  'İSTANBUL ŞUBESİ: Merhaba, iki hafta önce yeni bir telefon sipariş ettim ve hâlâ gelmedi.',
  'Xin chào, tôi đã đặt một chiếc điện thoại mới cách đây hai tuần và nó vẫn chưa đến.',
  'Здравствуйте! Я хотел бы узнать, когда будет доставлен мой заказ. Спасибо за помощь.',
  'Добрий день! Я замовив новий телефон два тижні тому, і він досі не прийшов.',
  'Здравейте, поръчах нов телефон преди две седмици и все още не е пристигнал.',
  'Γεια σας, παρήγγειλα ένα νέο τηλέφωνο πριν από δύο εβδομάδες. ΟΔΟΣ ΑΘΗΝΑΣ, ΣΟΦΙΑΣ.',
  'مرحبا، طلبت هاتفا جديدا قبل أسبوعين ولم يصل بعد. هل يمكنكم التحقق من طلبي؟',
  'سلام، دو هفته پیش یک گوشی جدید سفارش دادم و هنوز نرسیده است.',
  'ہیلو، میں نے دو ہفتے پہلے ایک نیا فون آرڈر کیا تھا اور یہ ابھی تک نہیں پہنچا۔',
  'שלום, הזמנתי טלפון חדש לפני שבועיים והוא עדיין לא הגיע.',
  '你好，我两周前订购了一部新手机，但至今仍未收到。请帮我查一下订单。',
  'こんにちは。二週間前に新しい電話を注文しましたが、まだ届いていません。確認していただけますか？',
  'ひらがなとカタカナだけのぶんしょうです。テスト、テスト。',
  '안녕하세요, 2주 전에 새 전화기를 주문했는데 아직 도착하지 않았습니다.',
  'नमस्ते, मैंने दो सप्ताह पहले एक नया फ़ोन ऑर्डर किया था और वह अभी तक नहीं आया है।',
  'নমস্কার, আমি দুই সপ্তাহ আগে একটি নতুন ফোন অর্ডার করেছিলাম।',
  'வணக்கம், இரண்டு வாரங்களுக்கு முன்பு புதிய தொலைபேசியை ஆர்டர் செய்தேன்.',
  'నమస్కారం, నేను రెండు వారాల క్రితం కొత్త ఫోన్ ఆర్డర్ చేశాను.',
  'สวัสดีครับ ผมสั่งโทรศัพท์ใหม่เมื่อสองสัปดาห์ก่อนและยังไม่ได้รับ',
  'Բարև ձեզ, երկու շաբաթ առաջ պատվիրել եմ նոր հեռախոս։',
  'გამარჯობა, ორი კვირის წინ შევუკვეთე ახალი ტელეფონი.',
  'ሰላም፣ ከሁለት ሳምንት በፊት አዲስ ስልክ አዝዣለሁ።',
  'မင်္ဂလာပါ၊ ကျွန်တော် ဖုန်းအသစ်တစ်လုံး မှာထားပါတယ်။',
  'Hello Здравствуйте 你好 مرحبا नमस्ते Γεια ΣΑΣ.ΑΣ ΑΣ hello world, mixed scripts in one line.',
  'Order ORD-123456 — Заказ №123 — 注文 123 — see 𝐀𝐁𝐂 𝑥𝑦𝑧 😀😀 and 𠀀𠀁 (CJK extension B).',
  'Hello ΣΑΣ.ΑΣ world ΑΣ ΣΣ Σ. and İİ KELVİN K Å', // capital sigma and lower-casing that grows
  'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG ' + 'ab '.repeat(40),
  'x', 'q', 'xq', 'ab', 'ok', 'the', 'hello', 'Σ', '𝐀', '\ud800', '\udc00x', 'a\ud800', '😀',
  '12345 67890', '!!! ??? ... ---', '@@@ ### $$$', ' \t\n\u00a0\u3000 ', '\ufeff\u2028\u2029', '_-_-_', '', '   ',
  'déjà vu naïve café résumé', 'ÅÄÖ åäö', 'ñ', 'ß ẞ', 'Ǆ ǅ ǆ', 'ﬁ ﬂ', // Latin beyond ASCII
  'abc'.repeat(700), 'Lorem ipsum dolor sit amet, '.repeat(100), 'я'.repeat(3000), '😀'.repeat(1500),
  'a'.repeat(2047) + '😀', 'Σ'.repeat(2049), 'İ'.repeat(2100),
];

describe('rankLanguages equals francAll', () => {
  it.each(SAMPLES.map((s) => [s.length > 40 ? `${s.slice(0, 40)}…` : s, s]))('%j', (_, sample) => expectSameRanking(sample));

  it('covers franc\'s degenerate cases: ties in model order, all-zero scores, one-language scripts, und', () => {
    // Each is asserted against francAll above; here, that the samples really reach those paths.
    const ties = viaFranc('ok', CANDIDATE_LISTS[0][1]);
    expect(ties.filter((e, i) => i > 0 && e[1] === ties[i - 1][1]).length).toBeGreaterThan(10);
    expect(viaFranc('xq', CANDIDATE_LISTS[0][1]).every((e) => e[1] === 0)).toBe(true);
    expect(viaFranc('안녕하세요, 2주 전에', [])).toEqual([['kor', 1]]);
    expect(viaFranc('안녕하세요, 2주 전에', ['eng'])).toEqual([['und', 1]]);
    expect(viaFranc('12345 !!!', [])).toEqual([['und', 1]]);
    expect(viaFranc('Hello there, how are you?', ['rus'])).toEqual([['und', 1]]);
    expect(rankLanguages('안녕하세요, 2주 전에', languageCandidates(['eng']))).toEqual([['und', 1]]);
  });

  it('random strings of letters from many scripts, separators, digits, surrogates (property)', () => {
    const units = [
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', ...'åäöéèüßñçøłśžİıΣσςΑΒΓ', ...'абвгдежзийклмнопрстуфхцчшщыэюяЖЯ',
      ...'的一是不了人我在有他这中大来上个', ...'あいうえおかきくけこアイウエオ', ...'한국어텍스트', ...'ابتثجحخدذرزسشصضطظعغفقكلمنهوي', ...'אבגדהוזחטיכלמנסעפצקרשת',
      ...'नमस्तेदुनिया', ...'สวัสดี', ' ', ' ', ' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2028', '\ufeff', ...'!?.,;:-_@#0123456789/', '😀', '𝐀', '\ud800', '\udc00',
    ];
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...units), maxLength: 300 }), (s) => expectSameRanking(s)), { numRuns: 400 });
  });

  it('random Unicode strings, short and long (property)', () => {
    const unit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u)), fc.constantFrom(' ', 'e', 't', 'Σ'));
    fc.assert(fc.property(fc.string({ unit, maxLength: 60 }), (s) => expectSameRanking(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 1500, maxLength: 2500 }), (s) => expectSameRanking(s)), { numRuns: 20 });
  });

  it('trigram separators are exactly trigram-utils\' /[\\s\\u0021-\\u0040]/, for every UTF-16 code unit', () => {
    const separator = /[\s\u0021-\u0040]/;
    const wrong: number[] = [];
    for (let u = 0; u < 0x10000; u++) if (isTrigramSeparator(u) !== separator.test(String.fromCharCode(u))) wrong.push(u);
    expect(wrong).toEqual([]);
  });

  it('lower-casing before cleaning is safe: no code point but the capital sigma lower-cases to or from a separator', () => {
    const separator = /[\s\u0021-\u0040]/;
    const wrong: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp === 0x03a3) continue;
      const ch = String.fromCodePoint(cp);
      const lower = ch.toLowerCase();
      if (separator.test(ch) ? lower !== ch : separator.test(lower)) wrong.push(cp);
    }
    expect(wrong).toEqual([]);
  });

  it('no franc script expression matches a lone surrogate (the script count works per code point)', () => {
    for (const re of Object.values(expressions)) {
      const one = new RegExp(re.source, re.flags.replace('g', '') + 'y');
      for (let u = 0xd800; u <= 0xdfff; u++) expect(one.test(String.fromCharCode(u))).toBe(false);
    }
  });
});

describe('languageSample and detectLanguage equal the earlier implementation', () => {
  const lines = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'ab cdé\t\u00a0\u3000_1٣@:/.w>-'), maxLength: 40 }),
    fc.constantFrom('-- ', '--', '> quoted', '  > quoted', 'see https://x.example/a?b=1 now', 'mail anna@x.example or WWW.Example.com', 'ftp://h/x', 'a  b\t\tc', ''),
  );
  const texts = fc.tuple(fc.array(lines, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\r', '\n\r')).map(([ls, eol]) => ls.join(eol));

  it('languageSample (property)', () => {
    fc.assert(fc.property(texts, fc.constantFrom(Infinity, 0, 10, 2048), (text, max) => {
      expect(languageSample(text, max)).toBe(referenceSample(text, max));
    }), { numRuns: 2000 });
  });

  it('detectLanguage with each option (property)', () => {
    const options: DetectLanguageOptions[] = [{}, { only: 'all' }, { only: [] }, { only: ['sv', 'nob', 'en'] }, { minLength: 1 }, { minLength: 0, only: ['ru'] }];
    fc.assert(fc.property(fc.oneof(texts, fc.constantFrom(...SAMPLES)), fc.constantFrom(...options), (text, o) => {
      expect(detectLanguage(text, o)).toEqual(referenceDetect(text, o));
    }), { numRuns: 1000 });
  });

  it('a candidate list changed in place is read again', () => {
    const only = ['en', 'sv'];
    const text = 'Здравствуйте! Я хотел бы узнать, когда будет доставлен мой заказ.';
    expect(detectLanguage(text, { only }).language).toBe('unknown');
    only.push('ru');
    expect(detectLanguage(text, { only }).language).toBe('ru');
  });
});

const corpus = corpusEntries();
if (!corpus) console.warn(corpusAbsentMessage());

describe.skipIf(!corpus)('every corpus message', () => {
  it('ranks like francAll; samples and detection equal the earlier implementation', async () => {
    let checked = 0;
    for (const entry of corpus!) {
      const raw = readFileSync(entry.file);
      // The raw message read both ways (the same text when it is ASCII), and the body analyseEmail gives detectLanguage.
      const texts = new Set([raw.toString('utf8'), raw.toString('latin1')]);
      const parsed = await parseEmail(raw);
      if (parsed.ok) {
        const { body } = bodyText({ text: str(parsed.email.text), html: typeof parsed.email.html === 'string' ? parsed.email.html : null });
        texts.add(body.trim() ? body : str(parsed.email.subject));
      }
      for (const text of texts) {
        const sample = languageSample(text, FRANC_MAX_CHARS);
        expect(sample).toBe(referenceSample(text, FRANC_MAX_CHARS));
        expect(languageSample(text)).toBe(referenceSample(text));
        expectSameRanking(sample);
        expect(detectLanguage(text)).toEqual(referenceDetect(text));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(2 * corpus!.length);
  }, 300_000);
});
