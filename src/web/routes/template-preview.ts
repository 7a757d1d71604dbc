import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { pickVersion, TEMPLATE_VARIABLES } from '../../core/analysis/index.js';
import { ANSWER_VARIABLES, renderAnswerTemplate, variablesIn, canonicalVariable, type AnswerVariableValues } from '../../core/answer/index.js';
import { loadAnswerContext, variableValues } from '../../roles/answering/context.js';
import { findTemplate, toTemplateView } from '../../storage/repositories/analysis-config.js';
import { getContact } from '../../storage/repositories/contacts.js';
import { currentUser, requireRole } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams } from '../schemas.js';

/**
 * The admin console's preview of an answer template: rendered by the server exactly as for an
 * agent's answer, with sample data or a chosen contact's data, outside any agent's contact.
 * The variables it cannot fill are listed (missing) and so are names it does not know (unknown).
 */
const previewBody = z.object({
  language: z.string().max(20).optional().describe("The language version (default: the chosen contact's detected language, else the template's default)"),
  contactId: z.string().min(1).max(200).optional().describe("Fill the variables from this contact's data (any contact); without it, sample data"),
  version: z.object({ subject: z.string().max(1000), body: z.string().max(100_000) }).strict().optional()
    .describe('Preview this text instead of the saved version (the form as typed, before saving)'),
}).strict();

const previewView = z.object({
  subject: z.string(), html: z.string(), text: z.string(), language: z.string(),
  source: z.enum(['sample', 'contact']).describe('Where the values came from'),
  values: z.record(z.string(), z.string().nullable()).describe('The value of each variable used for this preview (null: no value)'),
  missing: z.array(z.string()).describe("Variables without a value here (also the automatic answer's own estimatedWait, openingHours); their {{tokens}} stay in the text"),
  unknown: z.array(z.string()).describe('Names in the text that are no variable at all'),
}).describe('TemplatePreview');

/** Sample values: what an agent's answer would show, for a made-up customer and case. */
function sampleValues(user: { display_name: string | null; email: string | null; username: string }, entranceName: string | null): AnswerVariableValues {
  return {
    'customer.name': 'Kim Sample', 'customer.email': 'kim.sample@example.com', 'case.number': 12345,
    'agent.name': user.display_name || user.username, 'agent.email': user.email, 'contact.subject': 'Where is my order?',
    'entrance.name': entranceName ?? 'Support',
  };
}

export function templatePreviewRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;
    app.post('/api/v1/answer-templates/:id/preview', {
      preHandler: requireRole('admin', 'supervisor'),
      schema: {
        summary: 'Preview an answer template rendered by the server', tags: ['automatic answers'], params: idParams, body: previewBody,
        description: "Rendered as in an agent's answer, with sample data or (contactId) a contact's current data. Variables without a value are listed in missing, "
          + 'names that are no variable in unknown. Nothing is stored or sent.',
        response: { 200: previewView, '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = currentUser(request);
      const row = await findTemplate(db, request.params.id);
      if (!row) throw notFound('template', request.params.id);
      const b = request.body;
      const contact = b.contactId ? await getContact(db, b.contactId) : undefined;
      if (b.contactId && !contact) throw new ApiError(404, 'contact.not_found', `no contact with id '${b.contactId}'`, [{ path: 'body.contactId', message: 'no such contact' }]);
      const t = toTemplateView(row);
      const detected = (() => { try { return (JSON.parse(contact?.analysis ?? '{}') as { language?: { language?: string } }).language?.language ?? ''; } catch { return ''; } })();
      const picked = pickVersion({ name: t.name, versions: t.versions, defaultLanguage: t.defaultLanguage }, b.language ?? detected);
      if (!picked) throw new ApiError(422, 'template.no_version', `template "${t.name}" has no version for "${b.language ?? detected}" nor its default language`, [{ path: 'body.language', message: 'no such version' }]);
      const version = b.version ?? picked.version;
      let values: AnswerVariableValues;
      if (contact) {
        values = variableValues(await loadAnswerContext(db, contact, user));
      } else {
        const entrance = await db.selectFrom('entrances').select('name').orderBy('name').executeTakeFirst();
        values = sampleValues(user, entrance?.name ?? null);
      }
      const rendered = renderAnswerTemplate(version, values);
      const unknown = [...new Set([...variablesIn(version.subject), ...variablesIn(version.body)])].filter((n) => canonicalVariable(n) === null && !(TEMPLATE_VARIABLES as readonly string[]).includes(n));
      return {
        ...rendered, missing: rendered.missing.filter((m) => !unknown.includes(m)), unknown, language: picked.language, source: contact ? 'contact' as const : 'sample' as const,
        values: Object.fromEntries(ANSWER_VARIABLES.map((k) => [k, values[k] == null || String(values[k]).trim() === '' ? null : String(values[k])])),
      };
    });
  };
}
