import { MAX_REFERENCES } from '../analysis/auto-answer.js';
import { normaliseMessageId } from '../analysis/threading.js';

/**
 * In-Reply-To and References of an answer: In-Reply-To is the mail answered; References is the
 * original's References, then the case's earlier Message-IDs (in and out, oldest first), then the
 * mail answered; each once, at most MAX_REFERENCES (the first, the thread root, is kept).
 */
export function answerThreadHeaders(input: { answered: string | null; answeredReferences: string[]; caseMessageIds: string[] }): { inReplyTo: string | null; references: string[] } {
  const answered = input.answered && input.answered.trim() ? normaliseMessageId(input.answered) : null;
  const all = [...input.answeredReferences, ...input.caseMessageIds].filter((s) => s && s.trim()).map(normaliseMessageId).filter((id) => id !== answered);
  let refs = [...new Set([...all, ...(answered ? [answered] : [])])];
  if (refs.length > MAX_REFERENCES) refs = [refs[0], ...refs.slice(refs.length - (MAX_REFERENCES - 1))];
  return { inReplyTo: answered, references: refs };
}
