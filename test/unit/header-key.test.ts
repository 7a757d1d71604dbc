import { describe, expect, it } from 'vitest';
import { headerKey } from '../../src/roles/email-server/header-key.js';

const mail = (head: string) => Buffer.from(`${head}\r\nSubject: x\r\n\r\nbody\r\n`, 'latin1');

describe('headerKey: the de-duplication key from the raw header block, before parsing', () => {
  it.each([
    { name: 'a plain Message-ID', head: 'Message-ID: <Abc.1@Example.org>', key: 'mid:abc.1@example.org' },
    { name: 'a folded Message-ID', head: 'Message-ID:\r\n <abc.2@example.org>', key: 'mid:abc.2@example.org' },
    { name: 'two Message-ID lines', head: 'Message-ID: <a@x>\r\nMessage-ID: <b@x>', key: null },
    { name: 'no Message-ID', head: 'From: a@example.org', key: null },
    { name: 'an encoded word', head: 'Message-ID: =?utf-8?q?x?=', key: null },
    // Found by the mail fuzzer: a NUL in the key made PostgreSQL refuse the batch's lookup.
    { name: 'a NUL inside', head: 'Message-ID: <ab\u0000c@example.org>', key: null },
    { name: '8-bit bytes (left to the parser, which decodes them)', head: 'Message-ID: <\u00e5\u00e4@example.org>', key: null },
  ])('$name', ({ head, key }) => {
    expect(headerKey(mail(head))).toBe(key);
  });
});
