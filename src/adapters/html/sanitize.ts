import sanitizeHtml from 'sanitize-html';

/**
 * Email HTML is hostile. This keeps a small formatting subset and nothing that runs,
 * navigates the page, loads remote content or restyles the surrounding application:
 * no script/style/iframe/object/embed/form/meta/link/base, no on* handlers, links only
 * to http/https/mailto (opened in a new tab without referrer), inline styles only from
 * a property allowlist with values that cannot fetch, run or overlay (safeStyleValue). Remote images are blocked
 * by default (the address is kept in data-blocked-src so a reader can opt in later);
 * cid: images are rewritten to the attachment download URL of the matching part.
 */
export interface SanitizeOptions {
  /** Content-ID (with or without angle brackets, any case) → URL of that inline part. */
  cidUrls?: ReadonlyMap<string, string> | Record<string, string>;
}

export interface SanitizedHtml {
  html: string;
  /** Remote images and style declarations naming a remote address (backgrounds…) that were removed. */
  blockedRemote: number;
}

const ALLOWED_TAGS = [
  'a', 'abbr', 'address', 'b', 'bdi', 'bdo', 'big', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup',
  'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd',
  'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody',
  'td', 'tfoot', 'th', 'thead', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

const CELL = ['align', 'valign', 'width', 'height', 'colspan', 'rowspan', 'bgcolor'];
const ALLOWED_ATTRIBUTES: Record<string, string[]> = {
  '*': ['style', 'title', 'dir', 'lang', 'align'],
  a: ['href', 'target', 'rel'],
  img: ['src', 'alt', 'width', 'height', 'data-blocked-src', 'border'],
  table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'summary'],
  td: CELL, th: CELL, tr: ['align', 'valign', 'bgcolor'], col: ['span', 'width'], colgroup: ['span', 'width'],
  font: ['color', 'size', 'face'],
  ol: ['start', 'type'], ul: ['type'], li: ['value'],
  blockquote: ['cite'], q: ['cite'], del: ['cite'], ins: ['cite'],
};

/**
 * A style value is kept only when it can neither fetch nor run anything nor cover the
 * page around the message:
 * - CSS functions only from an allowlist (colours, calc, gradients): url(), image-set(),
 *   -webkit-image-set(), src(), expression(), var(), attr(), env() and every other are refused;
 * - no CSS escapes (which could spell any of those), comments, markup characters or '*';
 * - no viewport units (vw, vh, vmin, vmax and the small/large/dynamic variants) and no
 *   huge lengths (over MAX_LENGTH_PX), so no box sized to the window;
 * - margins never negative; position only static or relative; z-index never.
 */
const ALLOWED_FUNCTIONS = new Set(['rgb', 'rgba', 'hsl', 'hsla', 'calc', 'linear-gradient', 'radial-gradient', 'repeating-linear-gradient', 'repeating-radial-gradient']);
const MAX_LENGTH_PX = 3000;
const PX_PER_UNIT: Record<string, number> = { px: 1, pt: 4 / 3, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6, em: 16, rem: 16, ex: 8, ch: 8, lh: 20, rlh: 20 };
const VIEWPORT_UNIT = /\d(?:[sld]?v(?:w|h|i|b|min|max))\b/i;
const FORBIDDEN_TEXT = /[\\<>{}@;*]|\/\*|javascript|vbscript|behavior|binding/i;

function functionsAllowed(value: string): boolean {
  // A name starts only where no name character precedes it: tried at every position of a long run
  // of letters the match was quadratic (a fuzzed 49 KB style attribute took 100 s).
  for (const m of value.matchAll(/(?<![a-z0-9_-])([a-z0-9_-]*)\s*\(/gi)) {
    if (m[1] !== '' && !ALLOWED_FUNCTIONS.has(m[1].toLowerCase())) return false;
  }
  return true;
}

function lengthsModest(value: string, maxPercent: number | null): boolean {
  const withoutColours = value.replace(/#[0-9a-f]+\b/gi, ' ');
  for (const m of withoutColours.matchAll(/(?<![a-z_\d.])(-?\d*\.?\d+)(px|pt|pc|in|cm|mm|q|em|rem|ex|ch|lh|rlh|%)?(?![a-z%\d])/gi)) {
    const n = Math.abs(Number(m[1]));
    const unit = (m[2] ?? '').toLowerCase();
    if (unit === '%') { if (maxPercent !== null && n > maxPercent) return false; continue; }
    if (n * (PX_PER_UNIT[unit] ?? 1) > MAX_LENGTH_PX) return false;
  }
  return true;
}

/** No legitimate declaration is this long; a longer one is dropped before any pattern runs on it (hostile input). */
const MAX_STYLE_VALUE = 1000;

export function safeStyleValue(property: string, value: string): boolean {
  if (value.length > MAX_STYLE_VALUE) return false;
  if (FORBIDDEN_TEXT.test(value) || VIEWPORT_UNIT.test(value) || !functionsAllowed(value)) return false;
  const p = property.toLowerCase();
  if (p.startsWith('margin') && /-\s*[\d.]|calc/i.test(value)) return false;
  if (p === 'position') return /^\s*(static|relative)\s*$/i.test(value);
  const sizing = /^(?:min-|max-)?(?:width|height)$/.test(p);
  return lengthsModest(value, sizing ? 100 : null);
}

const STYLE_PROPERTIES = [
  'color', 'background-color', 'background', 'opacity',
  'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'font-variant',
  'text-align', 'text-decoration', 'text-indent', 'text-transform', 'line-height', 'letter-spacing', 'word-spacing',
  'white-space', 'word-break', 'word-wrap', 'overflow-wrap', 'vertical-align', 'direction', 'list-style-type',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left',
  'padding', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border', 'border-top', 'border-right', 'border-bottom', 'border-left', 'border-color', 'border-style', 'border-width',
  'border-collapse', 'border-spacing', 'border-radius',
  'width', 'height', 'max-width', 'min-width', 'max-height', 'min-height',
  'display', 'float', 'clear', 'table-layout', 'position', 'background-image', 'text-shadow',
];

/** sanitize-html calls .test(value) on each entry: one checker per property. */
const ALLOWED_STYLES = { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [{ test: (v: string) => safeStyleValue(p, v) } as unknown as RegExp]])) };

const NON_TEXT_TAGS = ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'xmp', 'template', 'iframe', 'object', 'embed', 'noembed', 'noframes', 'svg', 'math'];

const REMOTE_URL = /^\s*(?:https?:)?\/\//i;
/** A remote address anywhere in a declaration (url(), image-set() strings, src()). */
const CSS_REMOTE = /(?:https?:)?\/\/[^\s'"),]/i;

/** Declarations of a style attribute that name a remote address: each is blocked remote content, like an <img>. */
function remoteDeclarations(style: string): number {
  return style.split(';').filter((d) => d.includes(':') && CSS_REMOTE.test(d.slice(d.indexOf(':') + 1))).length;
}

const normaliseCid = (cid: string): string => cid.trim().replace(/^<|>$/g, '').toLowerCase();

function cidLookup(map: SanitizeOptions['cidUrls']): (cid: string) => string | undefined {
  const table = new Map<string, string>();
  if (map) {
    const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
    for (const [k, v] of entries) table.set(normaliseCid(k), v);
  }
  return (cid) => table.get(normaliseCid(cid));
}

export function sanitizeEmailHtml(html: string, opts: SanitizeOptions = {}): SanitizedHtml {
  let blockedRemote = 0;
  const cidUrl = cidLookup(opts.cidUrls);

  const out = sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: ALLOWED_STYLES,
    allowedSchemes: ['http', 'https', 'mailto'],
    // Image sources are rewritten below: only relative attachment URLs survive.
    allowedSchemesByTag: { img: [] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: NON_TEXT_TAGS,
    enforceHtmlBoundary: false,
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
      }),
      img: (tagName, attribs) => {
        const next: Record<string, string> = { ...attribs };
        const src = (attribs.src ?? '').trim();
        delete next.src;
        delete next['data-blocked-src'];
        if (/^cid:/i.test(src)) {
          const url = cidUrl(src.slice(4));
          if (url) next.src = url;
          else next.alt = attribs.alt ?? '[missing inline image]';
        } else if (REMOTE_URL.test(src)) {
          blockedRemote++;
          next['data-blocked-src'] = src;
          next.alt = '[remote image blocked]';
        } else if (src) {
          next.alt = attribs.alt ?? '[image removed]';
        }
        return { tagName, attribs: next };
      },
      '*': (tagName, attribs) => {
        if (attribs.style) blockedRemote += remoteDeclarations(attribs.style);
        // The legacy background attribute (table, td, body) loads an image too; it is never kept.
        if (attribs.background && REMOTE_URL.test(attribs.background)) blockedRemote++;
        return { tagName, attribs };
      },
    },
  });
  return { html: out, blockedRemote };
}
