import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../app/deps.js';
import { deleteUpload, findUpload, storeUpload, uploadsOfContact, uploadsWithContent } from '../../storage/repositories/answers.js';
import { currentUser, isSupervisor } from '../auth.js';
import { ApiError, errorBodySchema, notFound, send } from '../errors.js';
import { idParams } from '../schemas.js';
import { uploadView } from './answer-schemas.js';
import { heldContact } from './answers.js';
import { SAFE_TYPE, sendDownload } from './download.js';

/**
 * Attachments for answers, uploaded as the raw request body (any content type; the file name and
 * type in the query or in X-Filename / Content-Type). Its own plugin: the raw body parser and
 * the upload size limit (SWITCHYARD_MAX_UPLOAD_BYTES, 413 upload.too_large) apply here only.
 * Uploads are stored in the database with the contact's case.
 */
const uploadQuery = z.object({
  filename: z.string().min(1).max(255).optional().describe('Else the X-Filename header (URL-encoded); else "attachment"'),
  contentType: z.string().max(200).optional().describe('Else the Content-Type header, unless that is application/octet-stream'),
}).strict();

const cleanName = (s: string) => s.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().slice(0, 200) || 'attachment';

export function answerUploadRoutes(deps: Deps): FastifyPluginAsyncZod {
  const limit = deps.config.answers.maxUploadBytes;
  return async (app) => {
    const db = deps.storage.db;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => done(null, body));
    app.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return send(reply, new ApiError(413, 'upload.too_large', `The file is larger than the upload limit of ${limit} bytes (SWITCHYARD_MAX_UPLOAD_BYTES).`));
      }
      throw error;
    });

    app.post('/api/v1/contacts/:id/uploads', {
      bodyLimit: limit,
      schema: {
        summary: 'Upload an attachment for an answer', tags: ['answering'], params: idParams, querystring: uploadQuery, consumes: ['application/octet-stream', '*/*'],
        description: `The request body is the file itself (e.g. Content-Type: application/octet-stream). Limit: SWITCHYARD_MAX_UPLOAD_BYTES (413 upload.too_large). Reference the returned id in the answer's attachmentIds.`,
        response: { 201: uploadView, ...{ '4xx': errorBodySchema } },
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const contact = await heldContact(deps, user, request.params.id);
      const body = request.body as unknown;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new ApiError(400, 'upload.empty', 'The request body is empty: send the file as the body.');
      if (body.length > limit) throw new ApiError(413, 'upload.too_large', `The file is larger than the upload limit of ${limit} bytes (SWITCHYARD_MAX_UPLOAD_BYTES).`);
      const header = request.headers['x-filename'];
      let filename = request.query.filename ?? (typeof header === 'string' ? header : undefined) ?? 'attachment';
      try { filename = request.query.filename ? filename : decodeURIComponent(filename); } catch { /* keep as sent */ }
      const headerType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const wanted = request.query.contentType ?? (headerType && headerType !== 'application/octet-stream' ? headerType : 'application/octet-stream');
      const contentType = SAFE_TYPE.test(wanted) ? wanted.toLowerCase() : 'application/octet-stream';
      const u = await storeUpload(db, { contactId: contact.id, caseId: contact.case_id ?? null, agentId: user.id, filename: cleanName(filename), contentType, content: body }, deps.clock());
      return reply.code(201).send({ id: u.id, contactId: u.contactId, filename: u.filename, contentType: u.contentType, size: u.size, createdAt: new Date(u.createdAt).toISOString() });
    });

    app.get('/api/v1/contacts/:id/uploads', {
      schema: {
        summary: 'Your uploads for a contact', tags: ['answering'], params: idParams,
        description: 'answerId is null while the file is not part of a sent answer (a draft may reference it).',
        response: { 200: z.object({ uploads: z.array(uploadView.extend({ answerId: z.string().nullable() })) }), '4xx': errorBodySchema },
      },
    }, async (request) => {
      const user = currentUser(request);
      await heldContact(deps, user, request.params.id);
      const rows = await uploadsOfContact(db, request.params.id, user.id);
      return { uploads: rows.map((u) => ({ id: u.id, contactId: u.contact_id, filename: u.filename, contentType: u.content_type, size: Number(u.size), createdAt: new Date(Number(u.created_at)).toISOString(), answerId: u.answer_id })) };
    });

    app.get('/api/v1/uploads/:id', {
      schema: { summary: 'Download an uploaded attachment', tags: ['answering'], params: idParams, description: 'Served as a download (Content-Disposition: attachment, nosniff, sandboxed).' },
    }, async (request, reply) => {
      const user = currentUser(request);
      const [u] = await uploadsWithContent(db, [request.params.id]);
      if (!u || (!isSupervisor(user) && u.agent_id !== user.id)) throw notFound('upload', request.params.id);
      return sendDownload(reply, Buffer.from(u.content), u.content_type, u.filename);
    });

    app.delete('/api/v1/uploads/:id', {
      schema: { summary: 'Remove an upload not yet sent', tags: ['answering'], params: idParams, response: { 204: z.null().describe('Deleted'), '4xx': errorBodySchema } },
    }, async (request, reply) => {
      const user = currentUser(request);
      const u = await findUpload(db, request.params.id);
      if (!u || u.agent_id !== user.id) throw notFound('upload', request.params.id);
      if (u.answer_id) throw new ApiError(409, 'upload.sent', 'This file belongs to an answer that was sent; it stays with the case.');
      await deleteUpload(db, u.id);
      return reply.code(204).send(null);
    });
  };
}
