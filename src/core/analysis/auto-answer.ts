import type { LoopDecision } from './loop-protection.js';
import type { RateDecision } from './loop-protection.js';
import { addCaseTag, normaliseMessageId, replySubject, type CaseTagOptions } from './threading.js';

/**
 * Automatic answer of an entrance (domain §3.13): always, never, or
 * conditional on contact data ("key equals/contains value → template", plus a
 * fallback). The decision is explainable: either the rendered answer and why
 * it was chosen, or every reason it was not sent.
 */

export interface TemplateVersion {
  subject: string;
  body: string;
}

export interface AnswerTemplate {
  name: string;
  /** Language (ISO 639-1) → text. */
  versions: Record<string, TemplateVersion>;
  defaultLanguage: string;
}

export interface AutoAnswerRule {
  key: string;
  /**
   * equals: the value equals (case-insensitive, trimmed), or for a list any
   * element equals. contains: substring of the value, or of any list element.
   */
  op: 'equals' | 'contains';
  value: string;
  template: AnswerTemplate;
}

export type AutoAnswerConfig =
  | { mode: 'always'; template: AnswerTemplate }
  | { mode: 'never' }
  | { mode: 'conditional'; rules: AutoAnswerRule[]; fallback?: AnswerTemplate };

export interface Quoting {
  mode: 'none' | 'before' | 'after';
  prefix: string;
  /** Longest original text quoted (characters). Default 10,000. */
  maxChars?: number;
}

export const TEMPLATE_VARIABLES = ['caseNumber', 'customerName', 'originalSubject', 'estimatedWait', 'openingHours'] as const;

export type AnswerVars = Partial<Record<(typeof TEMPLATE_VARIABLES)[number], string | number>> & Record<string, string | number | undefined>;

export interface DecideAutoAnswerInput {
  config: AutoAnswerConfig;
  contactData: Record<string, string | string[]>;
  /** Detected language ('unknown' allowed): picks the template version. */
  language: string;
  loop: Pick<LoopDecision, 'allowed' | 'reasons'> & { details?: LoopDecision['details'] };
  rate: RateDecision;
  vars: AnswerVars;
  originalText: string;
  quoting: Quoting;
  /** Case-tag style for the answer's subject. */
  caseTag?: CaseTagOptions;
}

export interface Reason {
  code: string;
  message: string;
}

export type AutoAnswerDecision =
  | {
      send: true;
      subject: string;
      body: string;
      templateName: string;
      language: string;
      /** 'always', 'fallback', or `rule ${n}` (1-based). */
      via: string;
      explanation: string[];
      unknownVariables: string[];
      missingVariables: string[];
    }
  | { send: false; reasons: string[]; details: Reason[] };

function values(v: string | string[] | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => String(x).trim().toLowerCase());
}

export function ruleMatches(rule: Pick<AutoAnswerRule, 'key' | 'op' | 'value'>, contactData: Record<string, string | string[]>): boolean {
  const have = values(Object.prototype.hasOwnProperty.call(contactData, rule.key) ? contactData[rule.key] : undefined);
  const want = rule.value.trim().toLowerCase();
  return rule.op === 'equals' ? have.some((v) => v === want) : have.some((v) => v.includes(want));
}

/** The template version for a language: exact, primary subtag, default language. */
export function pickVersion(template: AnswerTemplate, language: string): { language: string; version: TemplateVersion } | null {
  const lang = (language ?? '').toLowerCase();
  const candidates = [lang, lang.split('-')[0], template.defaultLanguage];
  for (const c of candidates) {
    if (c && Object.prototype.hasOwnProperty.call(template.versions, c)) return { language: c, version: template.versions[c] };
  }
  return null;
}

const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/**
 * Replaces {{variables}}. Known variables without a value become '' and are
 * reported as missing; unknown variables stay as written and are reported.
 */
export function renderTemplate(text: string, vars: AnswerVars, options: { singleLine?: boolean } = {}): { text: string; unknown: string[]; missing: string[] } {
  const unknown: string[] = [];
  const missing: string[] = [];
  const out = text.replace(VARIABLE, (whole, name: string) => {
    const v = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
    if (v === undefined || v === null) {
      if ((TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
        if (!missing.includes(name)) missing.push(name);
        return '';
      }
      if (!unknown.includes(name)) unknown.push(name);
      return whole;
    }
    let s = String(v).slice(0, 1000);
    if (options.singleLine) s = s.replace(/[\r\n\t]+/g, ' ');
    return s;
  });
  return { text: out, unknown, missing };
}

/** The original text with every line prefixed ("> "), cut at maxChars. */
export function quoteText(original: string, prefix: string, maxChars = 10_000): string {
  const cut = original.length > maxChars ? `${original.slice(0, maxChars)}\n[…]` : original;
  return cut.replace(/\r\n|\r/g, '\n').replace(/\s+$/, '').split('\n').map((l) => `${prefix}${l}`).join('\n');
}

function chooseTemplate(config: AutoAnswerConfig, contactData: Record<string, string | string[]>): { template: AnswerTemplate; via: string; why: string } | Reason {
  switch (config.mode) {
    case 'never':
      return { code: 'config.never', message: 'the entrance never answers automatically' };
    case 'always':
      return { template: config.template, via: 'always', why: 'the entrance always answers' };
    case 'conditional': {
      for (let i = 0; i < config.rules.length; i++) {
        const r = config.rules[i];
        if (ruleMatches(r, contactData)) return { template: r.template, via: `rule ${i + 1}`, why: `rule ${i + 1}: ${r.key} ${r.op} "${r.value}"` };
      }
      if (config.fallback) return { template: config.fallback, via: 'fallback', why: 'no rule matched; fallback text used' };
      return { code: 'config.no-rule-matched', message: `none of the ${config.rules.length} rule(s) matched and there is no fallback` };
    }
    default:
      return { code: 'config.invalid', message: 'unknown auto-answer mode' };
  }
}

export function decideAutoAnswer(input: DecideAutoAnswerInput): AutoAnswerDecision {
  const details: Reason[] = [];
  if (!input.loop.allowed) {
    if (input.loop.details && input.loop.details.length > 0) details.push(...input.loop.details);
    else details.push(...input.loop.reasons.map((code) => ({ code, message: code })));
    if (details.length === 0) details.push({ code: 'loop.refused', message: 'loop protection refused the answer' });
  }
  if (!input.rate.allowed) details.push({ code: input.rate.reason, message: input.rate.message });

  const chosen = chooseTemplate(input.config, input.contactData);
  let picked: { language: string; version: TemplateVersion } | null = null;
  if ('code' in chosen) details.push(chosen);
  else {
    picked = pickVersion(chosen.template, input.language);
    if (!picked) details.push({ code: 'template.no-version', message: `template "${chosen.template.name}" has no text for "${input.language}" nor for its default language "${chosen.template.defaultLanguage}"` });
    else if (picked.version.body.trim() === '' && picked.version.subject.trim() === '') details.push({ code: 'template.empty', message: `template "${chosen.template.name}" (${picked.language}) is empty` });
  }
  if (details.length > 0 || 'code' in chosen || !picked) return { send: false, reasons: details.map((d) => d.code), details };

  const vars = input.vars;
  const subj = renderTemplate(picked.version.subject, vars, { singleLine: true });
  const body = renderTemplate(picked.version.body, vars);
  let subject = subj.text.trim() || String(vars.originalSubject ?? '').replace(/[\r\n]+/g, ' ').trim();
  subject = replySubject(subject);
  const caseNo = Number(vars.caseNumber);
  if (vars.caseNumber !== undefined && Number.isSafeInteger(caseNo) && caseNo >= 0) subject = addCaseTag(subject, caseNo, input.caseTag);

  let text = body.text;
  const q = input.quoting;
  if (q.mode !== 'none' && input.originalText.trim() !== '') {
    const quoted = quoteText(input.originalText, q.prefix, q.maxChars);
    text = q.mode === 'before' ? `${quoted}\n\n${text}` : `${text.replace(/\s+$/, '')}\n\n${quoted}`;
  }
  const unknownVariables = [...new Set([...subj.unknown, ...body.unknown])];
  const missingVariables = [...new Set([...subj.missing, ...body.missing])];
  const explanation = [
    chosen.why,
    `template "${chosen.template.name}", language ${picked.language}${picked.language !== input.language ? ` (detected ${input.language})` : ''}`,
    ...(unknownVariables.length ? [`unknown variables left as written: ${unknownVariables.join(', ')}`] : []),
    ...(missingVariables.length ? [`variables without a value: ${missingVariables.join(', ')}`] : []),
    ...(q.mode !== 'none' ? [`original quoted ${q.mode} the answer`] : []),
  ];
  return { send: true, subject, body: text, templateName: chosen.template.name, language: picked.language, via: chosen.via, explanation, unknownVariables, missingVariables };
}

export interface AnswerHeaderInput {
  /** Message-ID of the mail being answered. */
  inReplyTo: string | null;
  /** References of the mail being answered. */
  references: string[];
  /** Our loop-marker header name, e.g. "X-Switchyard-Loop". */
  loopMarker: string;
  /** Message-ID of the answer (see ourMessageId). */
  ourMessageId?: string;
  /** Value of the loop marker. Default "auto-answer". */
  loopMarkerValue?: string;
  /** Add "Precedence: bulk" for legacy vacation programs. Default true. */
  precedence?: boolean;
}

/** Most References kept: the first (thread root) plus the newest. */
export const MAX_REFERENCES = 20;

/**
 * Headers of an automatic answer. RFC 3834 says an automatic response carries
 * `Auto-Submitted: auto-replied`; that is the standard signal. We also add
 * `Precedence: bulk` (non-standard, but old vacation programs only honour
 * that), `X-Auto-Response-Suppress: All` (Exchange/Outlook) and our own loop
 * marker (RT style), so no responder answers back and our own mail is
 * recognised if it ever returns.
 */
export function answerHeaders(input: AnswerHeaderInput): Array<{ name: string; value: string }> {
  const headers: Array<{ name: string; value: string }> = [];
  if (input.ourMessageId) headers.push({ name: 'Message-ID', value: normaliseMessageId(input.ourMessageId) });
  const original = input.inReplyTo ? normaliseMessageId(input.inReplyTo) : null;
  if (original) headers.push({ name: 'In-Reply-To', value: original });
  let refs = [...new Set([...input.references.map(normaliseMessageId), ...(original ? [original] : [])])];
  if (refs.length > MAX_REFERENCES) refs = [refs[0], ...refs.slice(refs.length - (MAX_REFERENCES - 1))];
  if (refs.length > 0) headers.push({ name: 'References', value: refs.join(' ') });
  headers.push({ name: 'Auto-Submitted', value: 'auto-replied' });
  headers.push({ name: 'X-Auto-Response-Suppress', value: 'All' });
  if (input.precedence ?? true) headers.push({ name: 'Precedence', value: 'bulk' });
  const marker = input.loopMarker.trim();
  if (marker) headers.push({ name: marker, value: input.loopMarkerValue ?? 'auto-answer' });
  return headers;
}
