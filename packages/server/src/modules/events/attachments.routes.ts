import { AttachmentUpload } from '@liandong/contracts';
import { z } from 'zod';
import type { Api } from '../../http/api.ts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
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
      if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
      let kind: string | undefined;
      let file: { bytes: Buffer; filename?: string } | undefined;
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          // toBuffer() enforces the upload limit (413) while reading.
          const bytes = await part.toBuffer();
          if (part.fieldname === 'file' && !file) file = { bytes, filename: part.filename };
        } else if (part.fieldname === 'kind') {
          kind = String(part.value);
        }
      }
      if (!file) throw new AppError('VALIDATION_FAILED', 'The multipart body has no `file` field', [{ path: 'body.file', message: 'required' }]);
      const stored = await storeUpload(deps, principalOf(req), { kind, ...file });
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
