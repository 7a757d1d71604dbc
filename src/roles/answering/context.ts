import type { Kysely } from 'kysely';
import {
  accountOwnAddresses, defaultAnswerSubject, defaultRecipients, fromChoices, type AccountAddresses, type AnswerMode, type AnswerVariableValues, type FromChoice,
} from '../../core/answer/index.js';
import type { CaseTagOptions } from '../../core/analysis/index.js';
import type { EmailAddress } from '../../core/email/types.js';
import { getAnalysisSettings } from '../../storage/repositories/analysis-config.js';
import type { ContactRow, Database, UserRow } from '../../storage/schema.js';

/**
 * Everything an answer to one contact depends on, read from the database now: the From list,
 * our own addresses, default recipients and subjects, the case tag style and variable values.
 */
export interface EntranceInfo { id: string; name: string; areaId: string; signature: string | null; accountId: string | null }

export interface AnswerContext {
  contact: ContactRow;
  caseNumber: number | null;
  entrance: EntranceInfo;
  entrances: Map<string, EntranceInfo>;
  choices: FromChoice[];
  ownAddresses: string[];
  tag: CaseTagOptions;
  /** The agent the answer is written as (the holder; else the reader). */
  agent: Pick<UserRow, 'id' | 'display_name' | 'email'>;
}

const addressesOf = (json: string): string[] => (JSON.parse(json) as EmailAddress[]).map((a) => a.address);

export async function loadAnswerContext(db: Kysely<Database>, contact: ContactRow, reader: UserRow): Promise<AnswerContext> {
  const [accountRows, entranceRows, settings] = await Promise.all([
    db.selectFrom('accounts').select(['id', 'address', 'return_address', 'alternative_addresses']).execute(),
    db.selectFrom('entrances').select(['id', 'name', 'area_id', 'signature', 'account_id']).execute(),
    getAnalysisSettings(db),
  ]);
  const entrances = new Map(entranceRows.map((e) => [e.id, { id: e.id, name: e.name, areaId: e.area_id, signature: e.signature ?? null, accountId: e.account_id }]));
  const entranceOfAccount = new Map(entranceRows.filter((e) => e.account_id).map((e) => [e.account_id as string, e.id]));
  const accounts: AccountAddresses[] = accountRows.map((a) => ({
    accountId: a.id, address: a.address, returnAddress: a.return_address, alternativeAddresses: JSON.parse(a.alternative_addresses) as string[],
    entranceId: entranceOfAccount.get(a.id) ?? null,
  }));
  const entrance = entrances.get(contact.entrance_id) ?? { id: contact.entrance_id, name: '', areaId: 'default', signature: null, accountId: null };
  const holderId = contact.agent_id ?? reader.id;
  const agent = holderId === reader.id ? reader : (await db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', '=', holderId).executeTakeFirst()) ?? reader;
  const area = (await db.selectFrom('agent_settings').select('area_id').where('user_id', '=', agent.id).executeTakeFirst())?.area_id ?? 'default';
  const usable = new Set(entranceRows.filter((e) => e.area_id === area).map((e) => e.id));
  const account = accounts.find((a) => a.accountId === entrance.accountId);
  const choices = account ? fromChoices({ account, accounts, writtenTo: [...addressesOf(contact.to_addresses), ...addressesOf(contact.cc_addresses)], usableEntranceIds: usable }) : [];
  return {
    contact, caseNumber: contact.case_number == null ? null : Number(contact.case_number), entrance, entrances, choices,
    ownAddresses: [...new Set(accounts.flatMap(accountOwnAddresses))], tag: { prefix: settings.caseTagPrefix }, agent,
  };
}

export function answerDefaults(ctx: AnswerContext): Record<AnswerMode, { to: string[]; cc: string[]; subject: string }> {
  const c = ctx.contact;
  const original = { from: c.from_address, replyTo: addressesOf(c.reply_to), to: addressesOf(c.to_addresses), cc: addressesOf(c.cc_addresses) };
  const one = (mode: AnswerMode) => ({ ...defaultRecipients(mode, original, ctx.ownAddresses), subject: defaultAnswerSubject(mode, c.subject, ctx.caseNumber, ctx.tag) });
  return { reply: one('reply'), 'reply-all': one('reply-all'), forward: one('forward') };
}

/** Variable values from current data; entranceId is the entrance of the From chosen (default: the contact's). */
export function variableValues(ctx: AnswerContext, entranceId?: string | null): AnswerVariableValues {
  const c = ctx.contact;
  return {
    'customer.name': c.from_name?.trim() || null, 'customer.email': c.from_address, 'case.number': ctx.caseNumber,
    'agent.name': ctx.agent.display_name, 'agent.email': ctx.agent.email, 'contact.subject': c.subject,
    'entrance.name': (entranceId ? ctx.entrances.get(entranceId)?.name : null) ?? ctx.entrance.name,
  };
}
