import type { FastifyReply } from 'fastify';

/**
 * Sends bytes from a hostile message as a download, never as a page: attachment
 * disposition, nosniff, and a sandboxing CSP in case a browser renders it anyway.
 */
export const SAFE_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

/** RFC 5987 / 8187 ext-value: UTF-8, percent-encoded. */
const extValue = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(filename: string): string {
  const clean = filename.replace(/[\r\n"\\/]/g, '_').slice(0, 200) || 'download';
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${extValue(clean)}`;
}

export function sendDownload(reply: FastifyReply, content: Buffer, contentType: string, filename: string): FastifyReply {
  const type = SAFE_TYPE.test(contentType) ? contentType.toLowerCase() : 'application/octet-stream';
  return reply
    .header('Content-Type', type)
    .header('Content-Disposition', contentDisposition(filename))
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'private, no-store')
    .send(content);
}
