/**
 * Threading (domain §7.4): which case does an incoming mail continue?
 * Headers first (In-Reply-To, References against stored Message-IDs, then
 * our own Message-ID format), then a case tag such as "[#1234]" in the
 * subject, counted only when that case exists. Subject text alone never
 * threads: two different customers writing "Help" stay two cases.
 */

export interface CaseTagOptions {
  /** Tag prefix: "ACME" gives "[ACME #1234]". Default none: "[#1234]". */
  prefix?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function normalisePrefix(prefix: string | undefined): string {
  return (prefix ?? '').replace(/[[\]#\r\n]/g, '').replace(/\s+/g, ' ').trim();
}

export function formatCaseTag(caseNo: number | string, options: CaseTagOptions = {}): string {
  const prefix = normalisePrefix(options.prefix);
  return prefix ? `[${prefix} #${caseNo}]` : `[#${caseNo}]`;
}

function tagRegex(options: CaseTagOptions): RegExp {
  const prefix = normalisePrefix(options.prefix);
  const p = prefix ? `${prefix.split(' ').map(escapeRegex).join('\\s+')}\\s*` : '';
  return new RegExp(`\\[${p}#(\\d{1,15})\\]`, 'gi');
}

/** Case numbers tagged in a subject, in order of appearance, without duplicates. */
export function findCaseTags(subject: string, options: CaseTagOptions = {}): number[] {
  const out: number[] = [];
  for (const m of subject.matchAll(tagRegex(options))) {
    const n = Number(m[1]);
    if (Number.isSafeInteger(n) && !out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * Appends the case tag unless the subject already carries it (idempotent;
 * "Re:" and other prefixes are kept as they are).
 */
export function addCaseTag(subject: string, caseNo: number, options: CaseTagOptions = {}): string {
  if (findCaseTags(subject, options).includes(caseNo)) return subject;
  const base = subject.replace(/\s+$/, '');
  const tag = formatCaseTag(caseNo, options);
  return base ? `${base} ${tag}` : tag;
}

/** Reply prefixes in common languages (Re, Sv, AW, Antw, VS, R, RIF, ...). */
const REPLY_PREFIX = /^\s*(re|sv|aw|antw|antwort|vs|vast|r|rif|res|ref|odp|atb|ynt|回复|答复)\s*(\[\d+\])?\s*[:：]/i;

/** "Re: " + subject, unless the subject already starts with a reply prefix. */
export function replySubject(subject: string): string {
  const s = subject.trim();
  return REPLY_PREFIX.test(s) ? s : `Re: ${s}`.trim();
}

const ID_SAFE = /[^A-Za-z0-9_-]/g;

function encodeIdPart(s: string): string {
  return s.replace(ID_SAFE, (ch) => [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

function decodeIdPart(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * A Message-ID Switchyard generates for mail about a case:
 * `<sy.{caseId}.{random}@{domain}>`. Characters outside [A-Za-z0-9_-] in the
 * case id or random part are %-encoded, so the id stays a valid dot-atom and
 * parses back.
 */
export function ourMessageId(contactOrCaseId: string, domain: string, random: string): string {
  return `<sy.${encodeIdPart(contactOrCaseId)}.${encodeIdPart(random)}@${domain.trim().toLowerCase()}>`;
}

/** The parts of one of our Message-IDs, or null for anybody else's. */
export function parseOurMessageIdParts(id: string): { caseId: string; random: string; domain: string } | null {
  const m = /^\s*<?sy\.([A-Za-z0-9_%-]+)\.([A-Za-z0-9_%-]*)@([^<>\s@]+)>?\s*$/.exec(id);
  if (!m) return null;
  const caseId = decodeIdPart(m[1]);
  const random = decodeIdPart(m[2]);
  if (!caseId || random === null) return null;
  return { caseId, random, domain: m[3].toLowerCase() };
}

export function parseOurMessageId(id: string): string | null {
  return parseOurMessageIdParts(id)?.caseId ?? null;
}

/**
 * The form Message-IDs are stored and compared in: trimmed, one pair of
 * angle brackets, otherwise exactly as written (RFC 5322 ids are opaque).
 */
export function normaliseMessageId(id: string): string {
  return `<${id.trim().replace(/^<+/, '').replace(/>+$/, '').trim()}>`;
}

export interface ThreadInput {
  inReplyTo: string | null;
  references: string[];
  subject: string;
}

export interface KnownCase {
  caseId: string;
  lastAgentId: string | null;
}

export interface ThreadKnowledge {
  /** Stored Message-IDs (normalised with angle brackets) → their case. */
  messageIds: Record<string, KnownCase>;
  /** Existing cases keyed by case number (as a decimal string). */
  cases: Record<string, KnownCase>;
  /** Existing cases keyed by case id (for ids parsed from our Message-IDs). */
  caseIds?: Record<string, KnownCase>;
}

export type ThreadVia = 'in-reply-to' | 'references' | 'our-message-id' | 'case-tag';

export interface ThreadMatch {
  caseId: string;
  via: ThreadVia;
  lastAgentId: string | null;
  /** The Message-ID or case number that decided. */
  evidence: string;
}

/** What a caller must look up before resolveThread: only these rows are needed. */
export function threadLookupKeys(email: ThreadInput, options: CaseTagOptions = {}): { messageIds: string[]; caseNumbers: string[]; caseIds: string[] } {
  const ids = [...(email.inReplyTo ? [email.inReplyTo] : []), ...email.references].map(normaliseMessageId);
  const messageIds = [...new Set(ids)];
  const caseIds = [...new Set(messageIds.map(parseOurMessageId).filter((x): x is string => x !== null))];
  const caseNumbers = findCaseTags(email.subject, options).map(String);
  return { messageIds, caseNumbers, caseIds };
}

function lookup(map: Record<string, KnownCase> | undefined, key: string): KnownCase | null {
  return map && Object.prototype.hasOwnProperty.call(map, key) ? map[key] : null;
}

/**
 * The case this mail continues, or null for a new case. Order: In-Reply-To,
 * References (newest first), our own Message-ID format (case must exist),
 * case tag in the subject (case must exist).
 */
export function resolveThread(email: ThreadInput, known: ThreadKnowledge, options: CaseTagOptions = {}): ThreadMatch | null {
  const hit = (k: KnownCase, via: ThreadVia, evidence: string): ThreadMatch => ({ caseId: k.caseId, via, lastAgentId: k.lastAgentId, evidence });
  if (email.inReplyTo) {
    const id = normaliseMessageId(email.inReplyTo);
    const k = lookup(known.messageIds, id);
    if (k) return hit(k, 'in-reply-to', id);
  }
  const refs = [...email.references].reverse().map(normaliseMessageId);
  for (const id of refs) {
    const k = lookup(known.messageIds, id);
    if (k) return hit(k, 'references', id);
  }
  for (const id of [...(email.inReplyTo ? [normaliseMessageId(email.inReplyTo)] : []), ...refs]) {
    const caseId = parseOurMessageId(id);
    const k = caseId !== null ? lookup(known.caseIds, caseId) : null;
    if (k) return hit(k, 'our-message-id', id);
  }
  for (const n of findCaseTags(email.subject, options)) {
    const k = lookup(known.cases, String(n));
    if (k) return hit(k, 'case-tag', String(n));
  }
  return null;
}
