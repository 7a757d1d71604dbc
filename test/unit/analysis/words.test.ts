import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { words } from '../../../src/core/analysis/text.js';
import { CORPUS_DIR, corpusEntries } from '../../support/corpus.js';

/** The definition words() keeps: NFC, then each Unicode word (letters, marks, digits) lower-cased on its own. */
const wordByWord = (text: string): string[] => [...text.normalize('NFC').matchAll(/[\p{L}\p{M}\p{N}]+/gu)].map((m) => m[0].toLowerCase());

describe('words: lower-casing the whole text at once gives the words of lower-casing each word', () => {
  it.each([
    ['Latin with diacritics', 'Hej! Jag har INTE fått min FAKTURA, ÅÄÖ ß É.'],
    ['a final capital sigma inside a text (its lower case depends on what is beside it)', 'ΟΔΟΣ.ΑΘΗΝΑ ΟΔΟΣ ΣΑΣ Σ ΑΣ:Β'],
    ['dotted capital I (one letter, two lower-case code points)', 'İSTANBUL İi'],
    ['decomposed letters (NFC first)', 'Cafe\u0301 A\u030A'],
    ['digits, marks and symbols', 'ORD-123456 #50001 Ⓐ Ⅻ x²'],
    ['empty', ''],
  ])('%s', (_name, text) => {
    expect(words(text)).toEqual(wordByWord(text));
  });

  it('random strings over Greek, Latin, Turkish, combining marks and punctuation', () => {
    const alphabet = [...'ΣσςΑαΒβİIıiÅåA\u030A\u0301Éé.:\'’- \n1²Ⅻß'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((a) => a.join('')), (text) => {
      expect(words(text)).toEqual(wordByWord(text));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      expect(words(text)).toEqual(wordByWord(text));
    }), { numRuns: 3000 });
  });

  const entries = corpusEntries();
  it.skipIf(entries === null)(entries === null ? `corpus absent at ${CORPUS_DIR}: sweep skipped` : `every message of the corpus (${entries.length} files)`, () => {
    for (const e of entries!) {
      const raw = readFileSync(e.file);
      for (const text of [raw.toString('utf8'), raw.toString('latin1')]) expect(words(text)).toEqual(wordByWord(text));
    }
  });
});
