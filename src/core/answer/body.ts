import { compile } from 'html-to-text';
import { quoteText } from '../analysis/auto-answer.js';
import { escapeHtml, textToHtml } from './template.js';
import type { AnswerMode } from './addresses.js';

/**
 * The HTML body of an answer: the agent's text, the entrance's signature, then the quoted
 * thread (replies, when chosen) or the forwarded message (forwards, always). Quoted incoming
 * mail is quoted as its text, escaped; a forwarded message keeps its HTML, which the caller
 * has sanitized (cid: references kept so its inline images travel with it).
 */
export interface QuotedMessage {
  from: string;
  to: string[];
  date: number | null;
  subject: string;
  text: string;
  /** Already sanitized HTML; used only for the forwarded message. */
  html: string | null;
}

const when = (ms: number | null) => (ms === null ? 'an unknown date' : new Date(ms).toUTCString());

export function signatureHtml(signature: string | null): string {
  const s = (signature ?? '').trim();
  return s ? `<div class="signature">-- <br>\n${textToHtml(s)}</div>` : '';
}

export function quoteHtml(thread: QuotedMessage[]): string {
  return thread.map((m) => `<p>On ${escapeHtml(when(m.date))}, ${escapeHtml(m.from)} wrote:</p>\n<blockquote type="cite">\n${textToHtml(m.text) || '<p></p>'}\n</blockquote>`).join('\n');
}

export function forwardedHtml(m: QuotedMessage): string {
  const head = [
    '<p>---------- Forwarded message ----------<br>',
    `From: ${escapeHtml(m.from)}<br>`, `Date: ${escapeHtml(when(m.date))}<br>`, `Subject: ${escapeHtml(m.subject)}<br>`,
    ...(m.to.length ? [`To: ${escapeHtml(m.to.join(', '))}<br>`] : []), '</p>',
  ].join('\n');
  return `${head}\n${m.html ?? textToHtml(m.text)}`;
}

export function answerHtml(input: { mode: AnswerMode; agentHtml: string; signature: string | null; quote: 'thread' | 'none'; thread: QuotedMessage[]; forwarded: QuotedMessage | null }): string {
  const parts = [input.agentHtml.trim(), signatureHtml(input.signature)];
  if (input.mode === 'forward' && input.forwarded) parts.push(forwardedHtml(input.forwarded));
  else if (input.mode !== 'forward' && input.quote === 'thread' && input.thread.length > 0) parts.push(quoteHtml(input.thread));
  return parts.filter(Boolean).join('\n');
}

/** The text alternative, built like the HTML: the agent's text, "-- " and the signature, then the quote or the forwarded message. */
export function answerText(input: { mode: AnswerMode; agentText: string; signature: string | null; quote: 'thread' | 'none'; thread: QuotedMessage[]; forwarded: QuotedMessage | null }): string {
  const parts = [input.agentText.trim()];
  const sig = (input.signature ?? '').trim();
  if (sig) parts.push(`-- \n${sig.replace(/\r\n?/g, '\n')}`);
  if (input.mode === 'forward' && input.forwarded) {
    const m = input.forwarded;
    parts.push(['---------- Forwarded message ----------', `From: ${m.from}`, `Date: ${when(m.date)}`, `Subject: ${m.subject}`, ...(m.to.length ? [`To: ${m.to.join(', ')}`] : []), '', m.text.trim()].join('\n'));
  } else if (input.mode !== 'forward' && input.quote === 'thread') {
    for (const m of input.thread) parts.push(`On ${when(m.date)}, ${m.from} wrote:\n${quoteText(m.text, '> ')}`);
  }
  return `${parts.filter(Boolean).join('\n\n')}\n`;
}

const agentTextConverter = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
  ],
});

/** The agent's HTML as text for the text alternative: links keep their address ("text [url]"). */
export function agentHtmlToText(html: string): string {
  try { return agentTextConverter(html); } catch { return html.replace(/<[^>]*>/g, ' '); }
}
