import { z } from 'zod';

/** Request and response shapes of the answering routes (issue 7). */
const address = z.string().trim().max(320);
const modeSchema = z.enum(['reply', 'reply-all', 'forward']);
export const answerStateSchema = z.enum(['scheduled', 'queued', 'sent', 'retrying', 'failed', 'cancelled'])
  .describe('scheduled: inside the undo window; queued: waiting for SMTP; sent: accepted by the SMTP server; retrying: a temporary failure (see reason); failed: given up (see reason); cancelled: taken back (undo)');

const draftFields = {
  mode: modeSchema,
  from: address.describe('One of answer-options fromAddresses'),
  to: z.array(address).max(100).default([]),
  cc: z.array(address).max(100).default([]),
  bcc: z.array(address).max(100).default([]),
  subject: z.string().max(1000).default(''),
  html: z.string().max(2_000_000).default('').describe('The agent\'s text as HTML. {{variables}} left in it are filled on the server when sending'),
  quote: z.enum(['thread', 'none']).default('thread').describe('Replies: quote the case\'s earlier mails (thread) or not. A forward always carries the forwarded message'),
  attachmentIds: z.array(z.string().min(1).max(200)).max(50).default([]).describe('Uploads of this contact (POST /contacts/{id}/uploads)'),
  templateId: z.string().max(200).nullable().optional().describe('The canned answer used, if any (informational)'),
};

export const draftBody = z.object(draftFields).strict();
export const putDraftBody = z.object({ ...draftFields, baseVersion: z.number().int().min(0).optional().describe('Save only over this version (else 409 draft.conflict)') }).strict();

export const sendBody = z.object({
  ...Object.fromEntries(Object.entries(draftFields).map(([k, v]) => [k, (v as z.ZodTypeAny).optional()])) as { [K in keyof typeof draftFields]: z.ZodOptional<(typeof draftFields)[K]> },
  allowMissingVariables: z.boolean().optional().describe('Send even though some {{variables}} have no value (they become empty)'),
}).strict();

export const draftView = z.object({
  mode: modeSchema, from: z.string(), to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()), subject: z.string(), html: z.string(),
  quote: z.enum(['thread', 'none']), attachmentIds: z.array(z.string()), templateId: z.string().nullable().optional(),
  version: z.number().describe('Counts up on every save'), updatedAt: z.string(),
}).describe('AnswerDraft');

const recipientsAndSubject = z.object({ to: z.array(z.string()), cc: z.array(z.string()), subject: z.string() });

export const answerOptionsView = z.object({
  fromAddresses: z.array(z.string()).describe("The account's return address; the address the customer wrote to when it belongs to an entrance of the agent's area; the account's alternative addresses alphabetically"),
  from: z.array(z.object({ address: z.string(), entranceId: z.string().nullable(), why: z.enum(['return-address', 'written-to', 'alternative']) })),
  defaults: z.object({ reply: recipientsAndSubject, 'reply-all': recipientsAndSubject, forward: recipientsAndSubject }),
  templates: z.array(z.object({ id: z.string(), name: z.string(), languages: z.array(z.string()), defaultLanguage: z.string() })),
  variables: z.array(z.string()).describe('Variables filled on the server, e.g. customer.name'),
  undoSeconds: z.number().describe('How long a sent answer can be taken back (0 = no undo)'),
  maxUploadBytes: z.number(),
}).describe('AnswerOptions');

export const renderBody = z.object({ templateId: z.string().min(1).max(200), language: z.string().max(20).optional() }).strict();
export const renderView = z.object({
  subject: z.string(), html: z.string(), text: z.string(), language: z.string(),
  missing: z.array(z.string()).describe('Variables without a value now; their {{tokens}} are kept in the text so the agent can fill or remove them'),
}).describe('RenderedTemplate');

export const answerView = z.object({
  id: z.string(), contactId: z.string(), caseId: z.string().nullable(), agentId: z.string(), entranceId: z.string().nullable(), mode: modeSchema,
  state: answerStateSchema, reason: z.string().optional(), undoUntil: z.string(), messageId: z.string(),
  from: z.string(), to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()), subject: z.string(), createdAt: z.string(), sentAt: z.string().nullable(),
}).describe('Answer');

export const uploadView = z.object({ id: z.string(), contactId: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), createdAt: z.string() }).describe('Upload');

const attachmentRef = z.object({ filename: z.string(), contentType: z.string(), size: z.number(), contentId: z.string().nullable(), url: z.string().nullable() });

export const conversationView = z.object({
  caseId: z.string().nullable(), caseNumber: z.number().nullable(),
  messages: z.array(z.object({
    direction: z.enum(['in', 'out']), kind: z.enum(['mail', 'answer', 'automatic-answer']).describe("mail: the customer's; answer: an agent's; automatic-answer: sent by Switchyard"), contactId: z.string(), answerId: z.string().nullable(), messageId: z.string().nullable(),
    from: z.string().nullable(), fromName: z.string().nullable(), to: z.array(z.string()), cc: z.array(z.string()), date: z.string().nullable(), subject: z.string(),
    html: z.string().nullable().describe('Sanitized on the server'), text: z.string(), attachments: z.array(attachmentRef),
    entranceId: z.string().nullable(), agentId: z.string().nullable(),
    state: answerStateSchema.nullable().describe('Outgoing mail: its delivery state'), reason: z.string().nullable(),
  })),
}).describe('Conversation');
