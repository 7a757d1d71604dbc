import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { pickVersion } from '../../core/analysis/index.js';
import { ANSWER_VARIABLES, renderAnswerTemplate } from '../../core/answer/index.js';
import { answerDefaults, loadAnswerContext, variableValues } from '../../roles/answering/context.js';
import { answerView, sendAnswer, undoAnswer } from '../../roles/answering/send.js';
import { findTemplate, listTemplates, toTemplateView } from '../../storage/repositories/analysis-config.js';
import { deleteDraft, findAnswer, getDraft, putDraft, type DraftContent, type StoredDraft } from '../../storage/repositories/answers.js';
import { getContact } from '../../storage/repositories/contacts.js';
import type { ContactRow, UserRow } from '../../storage/schema.js';
import { currentUser, isSupervisor } from '../auth.js';
import { ApiError, errorBodySchema, notFound } from '../errors.js';
import { idParams } from '../schemas.js';
import {
  answerOptionsView, answerView as answerViewSchema, draftBody, draftView, putDraftBody, renderBody, renderView, sendBody,
} from './answer-schemas.js';

/**
 * Answering a contact (issue 7): the From list and defaults, drafts kept on the server, canned
 * answers rendered from current data, sending through the outbox with an undo window.
 * Only the agent holding the contact (assigned to them) writes; supervisors and admins may read.
 */
const tags = ['answering'];
const err = { '4xx': errorBodySchema };

export async function readableContact(deps: Deps, user: UserRow, id: string): Promise<ContactRow> {
  const contact = await getContact(deps.storage.db, id);
  if (!contact) throw notFound('contact', id);
  if (!isSupervisor(user) && contact.agent_id !== user.id) throw new ApiError(403, 'contact.forbidden', 'This contact is not offered or assigned to you.');
  return contact;
}

export async function heldContact(deps: Deps, user: UserRow, id: string): Promise<ContactRow> {
  const contact = await getContact(deps.storage.db, id);
  if (!contact) throw notFound('contact', id);
  if (contact.agent_id !== user.id || contact.status !== 'assigned') {
    throw new ApiError(403, 'contact.not_held', 'Only the agent the contact is assigned to can answer it (accept the offer first).');
  }
  return contact;
}

const draftOut = (d: StoredDraft | null) => (d ? { ...d.content, version: d.version, updatedAt: new Date(d.updatedAt).toISOString() } : null);

export function answerRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const db = deps.storage.db;

    app.get('/api/v1/contacts/:id/answer-options', {
      schema: { summary: 'From addresses, default recipients and subjects, templates and the undo window for answering a contact', tags, params: idParams, response: { 200: answerOptionsView, ...err } },
    }, async (request) => {
      const user = currentUser(request);
      const ctx = await loadAnswerContext(db, await readableContact(deps, user, request.params.id), user);
      const templates = (await listTemplates(db)).map(toTemplateView);
      return {
        fromAddresses: ctx.choices.map((c) => c.address), from: ctx.choices.map((c) => ({ address: c.address, entranceId: c.entranceId, why: c.why })),
        defaults: answerDefaults(ctx), templates: templates.map((t) => ({ id: t.id, name: t.name, languages: Object.keys(t.versions).sort(), defaultLanguage: t.defaultLanguage })),
        variables: [...ANSWER_VARIABLES], undoSeconds: deps.config.answers.undoSendSeconds, maxUploadBytes: deps.config.answers.maxUploadBytes,
      };
    });

    app.get('/api/v1/contacts/:id/draft', {
      schema: {
        summary: 'Your saved draft answer for a contact (null when none)', tags, params: idParams, response: { 200: z.object({ draft: draftView.nullable() }), ...err },
        description: "Supervisors and admins read the draft of the agent holding the contact.",
      },
    }, async (request) => {
      const user = currentUser(request);
      const contact = await readableContact(deps, user, request.params.id);
      const owner = isSupervisor(user) && contact.agent_id ? contact.agent_id : user.id;
      return { draft: draftOut(await getDraft(db, request.params.id, owner)) };
    });

    app.put('/api/v1/contacts/:id/draft', {
      schema: {
        summary: 'Save your draft answer for a contact', tags, params: idParams, body: putDraftBody, response: { 200: z.object({ draft: draftView }), ...err },
        description: 'Kept on the server per contact and agent: survives a reload, a crash and another device. With baseVersion, saved only over that version (409 draft.conflict with the current draft otherwise).',
      },
    }, async (request) => {
      const user = currentUser(request);
      await heldContact(deps, user, request.params.id);
      const { baseVersion, ...content } = request.body;
      const r = await putDraft(db, request.params.id, user.id, content as DraftContent, deps.clock(), baseVersion);
      if (!r.ok) throw new ApiError(409, 'draft.conflict', `the draft was saved elsewhere meanwhile (version ${r.current.version}); load it and merge`);
      return { draft: draftOut(r.draft)! };
    });

    app.delete('/api/v1/contacts/:id/draft', {
      schema: { summary: 'Discard your draft answer for a contact', tags, params: idParams, response: { 204: z.null().describe('Deleted (or there was none)'), ...err } },
    }, async (request, reply) => {
      const user = currentUser(request);
      await heldContact(deps, user, request.params.id);
      await deleteDraft(db, request.params.id, user.id);
      return reply.code(204).send(null);
    });

    app.post('/api/v1/contacts/:id/render-template', {
      schema: {
        summary: 'Render a canned answer for a contact from current data', tags, params: idParams, body: renderBody, response: { 200: renderView, ...err },
        description: 'language: the template version (default: the contact\'s detected language, else the template\'s default). Variables without a value are listed in missing and kept as {{tokens}}; sending refuses them unless filled, removed or allowMissingVariables is set.',
      },
    }, async (request) => {
      const user = currentUser(request);
      const contact = await readableContact(deps, user, request.params.id);
      const t = await findTemplate(db, request.body.templateId);
      if (!t) throw notFound('template', request.body.templateId);
      const view = toTemplateView(t);
      const detected = (() => { try { return (JSON.parse(contact.analysis ?? '{}') as { language?: { language?: string } }).language?.language ?? ''; } catch { return ''; } })();
      const picked = pickVersion({ name: view.name, versions: view.versions, defaultLanguage: view.defaultLanguage }, request.body.language ?? detected);
      if (!picked) throw new ApiError(422, 'template.no_version', `template "${view.name}" has no version for "${request.body.language ?? detected}" nor its default language`);
      const ctx = await loadAnswerContext(db, contact, user);
      return { ...renderAnswerTemplate(picked.version, variableValues(ctx)), language: picked.language };
    });

    app.post('/api/v1/contacts/:id/answers', {
      // No body at all means "send my saved draft".
      preValidation: async (request) => { if (request.body === undefined || request.body === null) request.body = {}; },
      schema: {
        summary: 'Send an answer (reply, reply-all or forward)', tags, params: idParams, body: sendBody, response: { 201: z.object({ answer: answerViewSchema }), ...err },
        description: 'Without mode in the body, your saved draft is sent (allowMissingVariables may still be given). Recipients are checked (422 answer.recipients_empty / answer.recipient_invalid), '
          + 'From must be one of answer-options fromAddresses (422 answer.from_not_allowed), {{variables}} are filled from current data (422 answer.missing_variables with the list unless allowMissingVariables). '
          + 'The answer goes through the outbox after the undo window (POST /answers/{id}/undo); its state is pushed as answer.state events.',
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const contact = await heldContact(deps, user, request.params.id);
      const body = request.body;
      let content: DraftContent;
      if (body.mode === undefined) {
        const stored = await getDraft(db, contact.id, user.id);
        if (!stored) throw new ApiError(422, 'answer.no_draft', 'There is no saved draft to send; send the answer in the body or save a draft first.');
        content = stored.content;
      } else {
        const { allowMissingVariables: _ignored, ...rest } = body;
        const parsed = draftBody.safeParse(rest);
        if (!parsed.success) throw new ApiError(400, 'request.invalid', `The request is not valid: ${parsed.error.issues.map((i) => `body.${i.path.join('.')}: ${i.message}`).join('; ')}`);
        content = parsed.data;
      }
      const ctx = await loadAnswerContext(db, contact, user);
      const row = await sendAnswer(deps, ctx, user, { ...content, allowMissingVariables: body.allowMissingVariables });
      return reply.code(201).send({ answer: answerView(row, deps.clock()) });
    });

    app.get('/api/v1/answers/:id', {
      schema: { summary: 'One answer and its delivery state', tags, params: idParams, response: { 200: z.object({ answer: answerViewSchema }), ...err } },
    }, async (request) => {
      const user = currentUser(request);
      const a = await findAnswer(db, request.params.id);
      if (!a) throw notFound('answer', request.params.id);
      if (!isSupervisor(user) && a.agent_id !== user.id) throw new ApiError(403, 'answer.forbidden', 'This answer was sent by another agent.');
      return { answer: answerView(a, deps.clock()) };
    });

    app.post('/api/v1/answers/:id/undo', {
      schema: {
        summary: 'Take a sent answer back before it leaves', tags, params: idParams, response: { 200: z.object({ answer: answerViewSchema, draft: draftView }), ...err },
        description: 'Cancels the outbox row while it is still waiting (the undo window, or a retry) and restores the draft. 409 answer.already_sent once it has left or is being sent.',
      },
    }, async (request) => {
      const user = currentUser(request);
      const out = await undoAnswer(deps, user, request.params.id);
      return { answer: answerView(out.answer, deps.clock()), draft: draftOut(out.draft)! };
    });
  };
}
