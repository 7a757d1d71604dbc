/**
 * The document shown in the message frame (iframe srcdoc). The HTML is already sanitized by
 * the server; this adds a second fence: a meta CSP that allows no scripts, no fetches, no
 * fonts and, until the agent chooses "show images", no remote images. Remote images the
 * server blocked keep their address in data-blocked-src and are restored only on request.
 */
export interface FrameOptions {
  allowRemoteImages: boolean;
}

const REMOTE = /^https?:\/\//i;

export function frameCsp({ allowRemoteImages }: FrameOptions): string {
  const img = allowRemoteImages ? "'self' data: https: http:" : "'self' data:";
  return `default-src 'none'; img-src ${img}; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'`;
}

/** Restores blocked remote images (inert parsing: DOMParser runs nothing). */
export function withRemoteImages(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  for (const img of doc.querySelectorAll<HTMLImageElement>('img[data-blocked-src]')) {
    const src = img.getAttribute('data-blocked-src') ?? '';
    if (REMOTE.test(src)) img.setAttribute('src', src);
  }
  return doc.body.innerHTML;
}

export function frameDocument(html: string, opts: FrameOptions): string {
  const body = opts.allowRemoteImages ? withRemoteImages(html) : html;
  return `<!doctype html><html><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="${frameCsp(opts)}">`
    + '<meta name="referrer" content="no-referrer">'
    + '<style>html{color-scheme:light}body{margin:12px;font:14px/1.5 system-ui,sans-serif;color:#1d1d1f;background:#fff;overflow-wrap:anywhere}'
    + 'img{max-width:100%;height:auto}pre{white-space:pre-wrap}blockquote{margin:0 0 0 .8em;padding-left:.8em;border-left:3px solid #ccc}</style>'
    + `</head><body>${body}</body></html>`;
}
