/**
 * Variables in agents' answers (canned answers, signatures, the agent's own text): {{customer.name}},
 * {{case.number}}, ... filled on the server from current data, never from the browser's copy.
 * The older automatic-answer names ({{customerName}}, {{caseNumber}}, {{originalSubject}}) are
 * accepted as aliases.
 */
export const ANSWER_VARIABLES = [
  'customer.name', 'customer.email', 'case.number', 'agent.name', 'agent.email', 'contact.subject', 'entrance.name',
] as const;

export type AnswerVariable = (typeof ANSWER_VARIABLES)[number];

const ALIASES: Record<string, AnswerVariable> = {
  customerName: 'customer.name', caseNumber: 'case.number', originalSubject: 'contact.subject',
};

/** Values known now; null or '' = no value. */
export type AnswerVariableValues = Partial<Record<AnswerVariable, string | number | null>>;

const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)\s*\}\}/g;

export const canonicalVariable = (name: string): AnswerVariable | null =>
  (ANSWER_VARIABLES as readonly string[]).includes(name) ? (name as AnswerVariable) : ALIASES[name] ?? null;

/** The variable names written in a text (as written), in order, each once. */
export function variablesIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

export interface RenderedText {
  text: string;
  /** Variables without a value now, or unknown names (as written). Their tokens are kept as written unless dropMissing. */
  missing: string[];
}

/**
 * Fills the variables. escape is applied to each value (HTML bodies pass an HTML escaper).
 * A variable without a value keeps its {{token}} (so the agent sees it) and is listed in missing;
 * with dropMissing it becomes ''.
 */
export function fillVariables(text: string, values: AnswerVariableValues, opts: { escape?: (s: string) => string; singleLine?: boolean; dropMissing?: boolean } = {}): RenderedText {
  const missing: string[] = [];
  const out = text.replace(TOKEN, (whole, name: string) => {
    const key = canonicalVariable(name);
    const raw = key ? values[key] : undefined;
    if (raw === undefined || raw === null || String(raw).trim() === '') {
      if (!missing.includes(name)) missing.push(name);
      return opts.dropMissing ? '' : whole;
    }
    let s = String(raw).slice(0, 1000);
    if (opts.singleLine) s = s.replace(/[\r\n\t]+/g, ' ');
    return opts.escape ? opts.escape(s) : s;
  });
  return { text: out, missing };
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Plain text (a template body, a signature) as HTML paragraphs: escaped, blank lines split paragraphs, line breaks kept. */
export function textToHtml(text: string): string {
  const paras = text.replace(/\r\n?/g, '\n').split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
  return paras.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('\n');
}

/** Unknown variable names in a template text (for validating templates when they are saved). */
export const unknownVariables = (text: string): string[] => variablesIn(text).filter((n) => canonicalVariable(n) === null);

export interface RenderedTemplate { subject: string; html: string; text: string; missing: string[] }

/**
 * A canned answer rendered for an agent: the subject one line, the body (plain text in the
 * template store) as HTML and as text. Unfilled variables stay as {{tokens}} and are listed.
 */
export function renderAnswerTemplate(version: { subject: string; body: string }, values: AnswerVariableValues): RenderedTemplate {
  const subject = fillVariables(version.subject, values, { singleLine: true });
  const text = fillVariables(version.body, values);
  // HTML: escape the template text first, then fill with escaped values (tokens survive escaping unchanged).
  const html = fillVariables(textToHtml(version.body), values, { escape: escapeHtml });
  return { subject: subject.text.replace(/[\r\n\t]+/g, ' ').trim(), html: html.text, text: text.text, missing: [...new Set([...subject.missing, ...text.missing])] };
}
