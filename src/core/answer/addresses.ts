/**
 * From addresses and recipients of an agent's answer (domain §5 "Replying"). Pure: the
 * caller gathers the accounts, entrances and the original mail.
 */
export interface AccountAddresses {
  accountId: string;
  address: string;
  returnAddress: string | null;
  alternativeAddresses: string[];
  /** The entrance of this account (null when it has none). */
  entranceId: string | null;
}

const lower = (s: string) => s.trim().toLowerCase();

/** The addresses an account sends and receives as: its address, return address and alternatives. */
export const accountOwnAddresses = (a: AccountAddresses): string[] =>
  [...new Set([a.address, ...(a.returnAddress ? [a.returnAddress] : []), ...a.alternativeAddresses].map(lower).filter(Boolean))];

export interface FromChoice {
  address: string;
  /** The entrance an answer from this address counts for. */
  entranceId: string | null;
  accountId: string;
  why: 'return-address' | 'written-to' | 'alternative';
}

/**
 * The From list: the account's return address (else its address) first; then the address the
 * customer wrote to (To, then Cc, in order), when it belongs to an entrance the agent may use;
 * then the account's alternative addresses in alphabetical order. No duplicates; nothing else.
 */
export function fromChoices(input: {
  account: AccountAddresses;
  /** Every account, to find which one the customer wrote to. */
  accounts: AccountAddresses[];
  /** To and Cc of the original, in order. */
  writtenTo: string[];
  /** Entrances the agent may use (the agent's area). */
  usableEntranceIds: ReadonlySet<string>;
}): FromChoice[] {
  const out: FromChoice[] = [];
  const seen = new Set<string>();
  const add = (address: string, accountId: string, entranceId: string | null, why: FromChoice['why']) => {
    const a = lower(address);
    if (!a || seen.has(a)) return;
    seen.add(a);
    out.push({ address: a, accountId, entranceId, why });
  };
  const acct = input.account;
  add(acct.returnAddress ?? acct.address, acct.accountId, acct.entranceId, 'return-address');
  for (const written of input.writtenTo.map(lower)) {
    const owner = input.accounts.find((a) => accountOwnAddresses(a).includes(written));
    if (owner?.entranceId && input.usableEntranceIds.has(owner.entranceId)) {
      add(written, owner.accountId, owner.entranceId, 'written-to');
      break;
    }
  }
  for (const alt of [...acct.alternativeAddresses].map(lower).sort()) add(alt, acct.accountId, acct.entranceId, 'alternative');
  return out;
}

export type AnswerMode = 'reply' | 'reply-all' | 'forward';

export interface OriginalAddresses {
  from: string | null;
  replyTo: string[];
  to: string[];
  cc: string[];
}

/**
 * Default recipients. reply: Reply-To, else From. reply-all: that, plus the original To, in To,
 * and the original Cc in Cc, minus our own addresses (every account's) and without duplicates.
 * forward: nobody (the agent types the address).
 */
export function defaultRecipients(mode: AnswerMode, original: OriginalAddresses, ownAddresses: Iterable<string>): { to: string[]; cc: string[] } {
  if (mode === 'forward') return { to: [], cc: [] };
  const own = new Set([...ownAddresses].map(lower));
  const seen = new Set<string>();
  const keep = (list: string[]) => list.map(lower).filter((a) => a && !own.has(a) && !seen.has(a) && (seen.add(a), true));
  const sender = original.replyTo.length > 0 ? original.replyTo : original.from ? [original.from] : [];
  if (mode === 'reply') return { to: keep(sender), cc: [] };
  const to = keep([...sender, ...original.to]);
  return { to, cc: keep(original.cc) };
}

/** A bare address: local@domain, no spaces, brackets or commas (display names are not accepted). */
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export const isValidAddress = (s: string): boolean => s.length <= 254 && ADDRESS.test(s.trim()) && !s.trim().startsWith('.') && !s.includes('..');

export type RecipientProblem =
  | { code: 'answer.recipients_empty'; message: string }
  | { code: 'answer.recipient_invalid'; message: string; invalid: Array<{ field: 'to' | 'cc' | 'bcc'; index: number; value: string }> };

/** Checks the recipients of an answer: at least one, every one a valid address. Returns null when fine. */
export function checkRecipients(r: { to: string[]; cc: string[]; bcc: string[] }): RecipientProblem | null {
  const invalid: Array<{ field: 'to' | 'cc' | 'bcc'; index: number; value: string }> = [];
  for (const field of ['to', 'cc', 'bcc'] as const) r[field].forEach((value, index) => { if (!isValidAddress(value)) invalid.push({ field, index, value }); });
  if (invalid.length > 0) return { code: 'answer.recipient_invalid', message: `not a valid email address: ${invalid.map((i) => `${i.field}[${i.index}] "${i.value}"`).join(', ')}`, invalid };
  if (r.to.length + r.cc.length + r.bcc.length === 0) return { code: 'answer.recipients_empty', message: 'the answer has no recipient: add at least one To, Cc or Bcc address' };
  return null;
}

/** Recipients as stored: trimmed, lower-cased, each address once across To, Cc and Bcc (first field wins). */
export function normaliseRecipients(r: { to: string[]; cc: string[]; bcc: string[] }): { to: string[]; cc: string[]; bcc: string[] } {
  const seen = new Set<string>();
  const keep = (list: string[]) => list.map(lower).filter((a) => a && !seen.has(a) && (seen.add(a), true));
  const to = keep(r.to);
  const cc = keep(r.cc);
  return { to, cc, bcc: keep(r.bcc) };
}
