import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../src/adapters/mime/parse.js';

/**
 * Found by the mail fuzzer (seed 20261130, messages 21853 and 96405): mailparser never settles on
 * an inline message/rfc822 part without content. Such a parse leaves the thread idle and is given
 * up after one stall window; a parse that keeps working is never cut short by that check.
 */
describe('MIME parsing always settles', () => {
  const inline = 'Content-Disposition: inline\r\n';
  const stuckInputs = {
    'a truncated top-level message/rfc822': `${inline}Content-Transfer-Encoding: binary\r\nContent-Type: message/rfc822\r\nMIM`,
    'a top-level inline message/rfc822 without a body': `${inline}Content-Type: message/rfc822\r\n`,
    'an empty inline message/rfc822 inside multipart/mixed': `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n${inline}Content-Type: message/rfc822\r\n\r\n--b--\r\n`,
  };

  it.each(Object.entries(stuckInputs))('%s becomes an unparseable result (a quarantine reason), not a hang', async (_name, text) => {
    const result = await parseEmail(Buffer.from(text, 'latin1'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/stopped making progress/);
  });

  it('a large message that keeps the parser busy is parsed, even with very short stall windows', async () => {
    const html = `<html><body>${'<p>Lorem <b>ipsum</b> dolor sit amet, <a href="https://example.com/x">link</a></p>\n'.repeat(40_000)}</body></html>`;
    const raw = Buffer.from([
      'From: a@example.com', 'To: b@example.com', 'Subject: big', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary=b', '',
      '--b', 'Content-Type: text/html; charset=utf-8', '', html,
      '--b', 'Content-Type: application/octet-stream; name=x.bin', 'Content-Transfer-Encoding: base64', '',
      Buffer.alloc(3 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b--', '',
    ].join('\r\n'));
    const result = await parseEmail(raw, { stallWindowMs: 20 });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.email.attachments[0]?.size).toBe(3 * 1024 * 1024);
      expect(result.email.html?.length).toBeGreaterThan(3_000_000);
    }
  });

  it('the hard deadline still ends a parse that is busy for too long', async () => {
    const raw = Buffer.from(`Subject: x\r\nContent-Type: text/html\r\n\r\n${'<p>word</p>'.repeat(200_000)}`);
    const result = await parseEmail(raw, { deadlineMs: 1, stallWindowMs: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/did not finish within|stopped making progress/);
  });
});
