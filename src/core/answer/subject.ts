import { addCaseTag, replySubject, type CaseTagOptions } from '../analysis/threading.js';
import type { AnswerMode } from './addresses.js';

/** Forward prefixes in common languages (Fwd, Fw, WG, VB, TR, RV, ...). */
const FORWARD_PREFIX = /^\s*(fwd?|wg|vb|vs|tr|rv|enc|i|fs)\s*[:：]/i;

/** "Fwd: " + subject, unless it already starts with a forward prefix. */
export function forwardSubject(subject: string): string {
  const s = subject.trim();
  return FORWARD_PREFIX.test(s) ? s : `Fwd: ${s}`.trim();
}

/** The default subject of an answer: Re:/Fwd: and the case tag in the same form the threading recognises. */
export function defaultAnswerSubject(mode: AnswerMode, original: string, caseNumber: number | null, tag: CaseTagOptions = {}): string {
  const base = (mode === 'forward' ? forwardSubject : replySubject)(original.replace(/[\r\n]+/g, ' '));
  return caseNumber === null ? base : addCaseTag(base, caseNumber, tag);
}

/** The subject as sent: the agent's text on one line, the case tag added when missing (idempotent). */
export function finalAnswerSubject(subject: string, caseNumber: number | null, tag: CaseTagOptions = {}): string {
  const s = subject.replace(/[\r\n\t]+/g, ' ').trim();
  return caseNumber === null ? s : addCaseTag(s, caseNumber, tag);
}
