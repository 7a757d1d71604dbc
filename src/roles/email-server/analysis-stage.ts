import type { Transaction } from 'kysely';
import type { Deps } from '../../app/deps.js';
import type { ParsedEmail } from '../../core/email/types.js';
import type { Database } from '../../storage/schema.js';

/**
 * The email server's analysis stage: what the email is about and who it belongs to.
 * Its result becomes the contact's contact data (routing and task-type rules read it).
 */
export interface EntranceRef { id: string; name: string; queue_id: string; account_id: string }

export interface AnalysisOutcome {
  contactData: Record<string, unknown>;
}

export async function analyseForContact(_deps: Deps, email: ParsedEmail, entrance: EntranceRef, _now: number): Promise<AnalysisOutcome> {
  return {
    contactData: {
      entrance: entrance.name,
      emailHdrFrom: email.from?.address ?? null,
      emailHdrTo: email.to.map((a) => a.address),
      emailHdrSubject: email.subject,
      emailReplyTo: email.replyTo.map((a) => a.address),
    },
  };
}

/** Side effects decided with the contact, in its transaction (automatic answers go to the outbox here). */
export async function afterContactCreated(_deps: Deps, _trx: Transaction<Database>, _input: { contactId: string; email: ParsedEmail; entrance: EntranceRef; analysis: AnalysisOutcome; now: number }): Promise<{ outbox: boolean }> {
  return { outbox: false };
}
