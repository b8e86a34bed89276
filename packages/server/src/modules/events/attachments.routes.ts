import { AttachmentUpload } from '@liandong/contracts';
import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { readMultipart } from '../../http/multipart.ts';
import { authenticate, principalOf } from '../auth/guards.ts';
import { openAttachment, storeUpload } from './attachments.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

export function registerAttachmentRoutes(app: Api, deps: AppDeps): void {
  app.post(
    '/attachments',
    {
      schema: {
        tags: ['events'],
        summary: 'Upload a file (multipart: field `file`, form field `kind`); link it to an event by its dataId',
        consumes: ['multipart/form-data'],
        response: { 201: AttachmentUpload },
      },
      preHandler: authenticate({ apiKeyScopes: ['events:write'] }),
    },
    async (req, reply) => {
      const body = await readMultipart(req);
      const file = body.files.find((f) => f.fieldname === 'file');
      if (!file) throw new AppError('VALIDATION_FAILED', 'The multipart body has no `file` field', [{ path: 'body.file', message: 'required' }]);
      const stored = await storeUpload(deps, principalOf(req), { kind: body.fields.kind, bytes: file.bytes, filename: file.filename });
      return reply.code(201).send(stored);
    },
  );

  app.get(
    '/attachments/:id',
    {
      schema: { tags: ['events'], summary: 'Download an attachment (only for callers who can see its event)', params: IdParams },
      preHandler: authenticate({ apiKeyScopes: ['events:read'] }),
    },
    async (req, reply) => {
      const content = await openAttachment(deps, principalOf(req), req.params.id);
      if (content.kind === 'redirect') return reply.redirect(content.url, 302);
      reply.header('content-type', content.mime);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'private, max-age=3600');
      if (content.size !== null) reply.header('content-length', content.size);
      return reply.send(content.stream);
    },
  );
}
