import type { ParsedEmail } from '../email/types.js';
import { headerValues } from './text.js';

/**
 * Upstream spam verdicts (SpamAssassin, Amavis, Rspamd headers). Only headers
 * a filter in front of the mailbox wrote are meaningful; a sender can forge
 * them, but a forged "yes" only costs the sender the automatic answer.
 */
export interface SpamVerdict {
  flagged: boolean;
  score?: number;
  /** The header that decided, lower-case (e.g. "x-spam-flag"). */
  header: string;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number.parseFloat(s);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads one header; null when it says nothing usable. */
function readHeader(name: string, value: string): { flagged: boolean | null; score?: number } | null {
  const v = value.trim();
  switch (name) {
    case 'x-spam-flag':
      if (/^yes\b/i.test(v)) return { flagged: true };
      if (/^no\b/i.test(v)) return { flagged: false };
      return null;
    case 'x-spam-status': {
      // "Yes, score=7.1 required=5.0 tests=..." / "No, hits=-1.9 required=5.0"
      const flag = /^(yes|no)\b/i.exec(v);
      const score = num(/\b(?:score|hits)\s*=\s*(-?\d+(?:\.\d+)?)/i.exec(v)?.[1]);
      if (!flag && score === undefined) return null;
      return { flagged: flag ? flag[1].toLowerCase() === 'yes' : null, ...(score !== undefined ? { score } : {}) };
    }
    case 'x-spam': // rspamd: "Yes"
      if (/^yes\b/i.test(v)) return { flagged: true };
      if (/^no\b/i.test(v)) return { flagged: false };
      return null;
    case 'x-spamd-result': {
      // rspamd: "default: True [15.00 / 15.00]; ..."
      const m = /^\s*default\s*:\s*(true|false)\s*\[\s*(-?\d+(?:\.\d+)?)/i.exec(v);
      if (!m) return null;
      const score = num(m[2]);
      return { flagged: m[1].toLowerCase() === 'true', ...(score !== undefined ? { score } : {}) };
    }
    case 'x-spam-score': {
      // "5.2", or "spam, score=5.01" / "ham, score=3.30"
      const kind = /^(spam|ham)\b/i.exec(v);
      const score = num(/(-?\d+(?:\.\d+)?)/.exec(kind ? v.slice(kind[0].length) : v)?.[1]);
      if (!kind && score === undefined) return null;
      return { flagged: kind ? kind[1].toLowerCase() === 'spam' : null, ...(score !== undefined ? { score } : {}) };
    }
    default:
      return null;
  }
}

const HEADERS = ['x-spam-flag', 'x-spam-status', 'x-spam', 'x-spamd-result', 'x-spam-score'];

/**
 * The upstream verdict, or null when no spam filter left one. Any header
 * saying "spam" flags the message; the score is taken from the first header
 * that carries one.
 */
export function spamVerdict(email: Pick<ParsedEmail, 'headers'>): SpamVerdict | null {
  let decided: { header: string; flagged: boolean } | null = null;
  let firstOpinion: { header: string; flagged: boolean } | null = null;
  let score: number | undefined;
  let scoreHeader: string | null = null;
  for (const name of HEADERS) {
    for (const value of headerValues(email.headers, name)) {
      const r = readHeader(name, value);
      if (!r) continue;
      if (r.score !== undefined && score === undefined) { score = r.score; scoreHeader = name; }
      if (r.flagged === true && !decided) decided = { header: name, flagged: true };
      if (r.flagged !== null && !firstOpinion) firstOpinion = { header: name, flagged: r.flagged };
    }
  }
  const verdict = decided ?? firstOpinion;
  if (!verdict && score === undefined) return null;
  return {
    flagged: verdict?.flagged ?? false,
    ...(score !== undefined ? { score } : {}),
    header: verdict?.header ?? scoreHeader ?? 'x-spam-score',
  };
}
