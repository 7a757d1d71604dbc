import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../src/adapters/mime/parse.js';

/** Found by the mail fuzzer (seed 20261130, message 21853): mailparser never settled on this input. */
describe('MIME parsing always settles', () => {
  it('a truncated top-level message/rfc822 becomes an unparseable result (a quarantine reason), not a hang', async () => {
    const raw = Buffer.from('Content-Disposition: inline\r\nContent-Transfer-Encoding: binary\r\nContent-Type: message/rfc822\r\nMIM', 'latin1');
    const result = await parseEmail(raw, { deadlineMs: 1000 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/did not finish/);
  });
});
