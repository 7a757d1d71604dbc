import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../../src/adapters/crypto/secrets.js';

/** AES-256-GCM secrets at rest: only the full 16-byte authentication tag is accepted. */
describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));
  const withTag = (sealed: string, tagBytes: number) => {
    const [v, iv, tag, ct] = sealed.split(':');
    return [v, iv, Buffer.from(tag, 'base64').subarray(0, tagBytes).toString('base64'), ct].join(':');
  };

  it('opens what it sealed', () => {
    expect(box.open(box.seal('mailbox password ✓'))).toBe('mailbox password ✓');
  });

  it.each([4, 8, 12, 15])('refuses a tag truncated to %i bytes (Node would otherwise check only that prefix)', (bytes) => {
    const sealed = box.seal('mailbox password');
    expect(() => box.open(withTag(sealed, bytes))).toThrow(/tag/);
  });

  it('refuses a forged tag and a wrong-length IV', () => {
    const sealed = box.seal('mailbox password');
    const [v, iv, tag, ct] = sealed.split(':');
    const forged = Buffer.from(tag, 'base64');
    forged[0] ^= 1;
    expect(() => box.open([v, iv, forged.toString('base64'), ct].join(':'))).toThrow();
    expect(() => box.open([v, Buffer.alloc(8).toString('base64'), tag, ct].join(':'))).toThrow(/IV/);
  });
});
