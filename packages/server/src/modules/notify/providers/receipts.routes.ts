import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.ts';
import { AppError } from '../../../errors.ts';
import type { Api } from '../../../http/api.ts';
import { applyReceipt } from '../dispatcher.ts';
import type { DeliveryReceipt } from '../notify.types.ts';
import { verifySignature } from './http-gateway.provider.ts';

/**
 * The HTTP gateway's delivery receipts:
 *
 *   POST /api/v1/sms/receipts/http
 *   X-Liandong-Timestamp: <unix seconds>
 *   X-Liandong-Signature: sha256=<hex HMAC-SHA256(LIANDONG_SMS_SECRET, timestamp + "." + raw body)>
 *   {"messageId":"…","status":"delivered"|"failed","at"?:"<ISO time>","error"?:"…"}
 *
 * 200 {"result":"applied"|"late"}; 404 when no SMS has that messageId (yet: the gateway should
 * retry, the receipt may have overtaken our record of the send); 401 for a missing, wrong or
 * stale (±5 min) signature, or when no secret is configured.
 */
export const HttpReceiptBody = z.object({
  messageId: z.string().min(1).max(128),
  status: z.enum(['delivered', 'failed']),
  at: z.iso.datetime({ offset: true }).optional(),
  error: z.string().max(500).optional(),
});

const HttpReceiptResult = z.object({ result: z.enum(['applied', 'late']) });

export type ReceiptSink = (providerName: string, receipt: DeliveryReceipt) => Promise<'applied' | 'late' | 'unknown'>;

export function registerSmsReceiptRoutes(api: Api, deps: AppDeps, sink: ReceiptSink = (name, r) => applyReceipt(deps, name, r)): void {
  // The signature covers the exact bytes received, so this scope keeps the raw body.
  const rawBodies = new WeakMap<FastifyRequest, string>();
  void api.register(async (instance) => {
    const scope = instance as unknown as Api;
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      rawBodies.set(req, body as string);
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new AppError('MALFORMED_JSON', 'The request body is not valid JSON'), undefined);
      }
    });

    scope.post(
      '/sms/receipts/http',
      {
        schema: {
          tags: ['sms'],
          summary: 'Delivery receipt from the HTTP SMS gateway (HMAC-signed webhook)',
          body: HttpReceiptBody,
          response: { 200: HttpReceiptResult },
        },
        // Authenticity before validation: an unsigned caller learns nothing about the body schema.
        preValidation: async (req) => {
          const secret = deps.config.sms.secret;
          if (!secret) throw new AppError('UNAUTHENTICATED', 'Receipt webhook disabled: no SMS gateway secret is configured', { reason: 'not-configured' });
          const header = (name: string) => {
            const v = req.headers[name];
            return Array.isArray(v) ? v[0] : v;
          };
          const check = verifySignature({
            secret,
            timestamp: header('x-liandong-timestamp'),
            signature: header('x-liandong-signature'),
            body: rawBodies.get(req) ?? '',
            now: deps.clock.now(),
          });
          if (check === 'missing')
            throw new AppError('UNAUTHENTICATED', 'Sign with X-Liandong-Timestamp and X-Liandong-Signature', { reason: 'missing-signature' });
          if (check === 'bad-signature') throw new AppError('UNAUTHENTICATED', 'Signature does not match', { reason: 'bad-signature' });
          if (check === 'stale') throw new AppError('UNAUTHENTICATED', 'Timestamp more than 5 minutes from the server time', { reason: 'stale-timestamp' });
        },
      },
      async (req) => {
        const b = req.body;
        const receipt: DeliveryReceipt = {
          providerMessageId: b.messageId,
          status: b.status,
          at: b.at ? new Date(b.at).toISOString() : deps.clock.now().toISOString(),
          ...(b.error ? { error: b.error } : {}),
        };
        const result = await sink('http', receipt);
        if (result === 'unknown') throw new AppError('NOT_FOUND', 'No SMS with this messageId (yet); retry later');
        return { result };
      },
    );
  });
}
