import sanitizeHtml from 'sanitize-html';

/**
 * Email HTML is hostile. This keeps a small formatting subset and nothing that runs,
 * navigates the page, loads remote content or restyles the surrounding application:
 * no script/style/iframe/object/embed/form/meta/link/base, no on* handlers, links only
 * to http/https/mailto (opened in a new tab without referrer), inline styles only from
 * a property allowlist and never with url()/expression(). Remote images are blocked
 * by default (the address is kept in data-blocked-src so a reader can opt in later);
 * cid: images are rewritten to the attachment download URL of the matching part.
 */
export interface SanitizeOptions {
  /** Content-ID (with or without angle brackets, any case) → URL of that inline part. */
  cidUrls?: ReadonlyMap<string, string> | Record<string, string>;
}

export interface SanitizedHtml {
  html: string;
  /** Remote images and CSS url() references that were removed. */
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
 * A style value is kept only when it cannot fetch or execute anything: no url(),
 * image-set(), expression(), behaviours or bindings, no CSS escapes (which could
 * spell any of those), no comments, no markup characters.
 */
const SAFE_STYLE_VALUE = /^(?![\s\S]*(?:url|image|expression|element|binding|behavior|javascript|vbscript|import|paint|cross-fade)\s*\()(?![\s\S]*(?:javascript|vbscript|@import|behavior|binding))(?![\s\S]*\/\*)[^\\<>{}@;]*$/i;

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
  'display', 'float', 'clear', 'table-layout',
];

const ALLOWED_STYLES = { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [SAFE_STYLE_VALUE]])) };

const NON_TEXT_TAGS = ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'xmp', 'template', 'iframe', 'object', 'embed', 'noembed', 'noframes', 'svg', 'math'];

const REMOTE_URL = /^\s*(?:https?:)?\/\//i;
const CSS_REMOTE_URL = /url\s*\(\s*['"]?\s*(?:https?:)?\/\//gi;

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
        if (attribs.style) {
          const remote = attribs.style.match(CSS_REMOTE_URL);
          if (remote) blockedRemote += remote.length;
        }
        return { tagName, attribs };
      },
    },
  });
  return { html: out, blockedRemote };
}
