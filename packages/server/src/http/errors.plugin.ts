import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Api } from './api.ts';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorCode } from '@liandong/contracts';
import { AppError, errorCodeOfIssues } from '../errors.ts';
import type { AppDeps } from '../deps.ts';

/**
 * Maps every error to the api.md shape. Bad input is always a 4xx; only our own faults are 500,
 * and those are logged with the request id but never with the body (it may hold personal data).
 */
export function registerErrorHandling(app: Api, _deps: AppDeps, opts: { spaFallback: boolean }): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      else req.log.info({ code: err.code, status: err.status, url: req.routeOptions.url }, 'request refused');
      return reply.code(err.status).send(err.toBody());
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
        message: v.message,
      }));
      // A refinement may name its own code (params.errorCode), e.g. ATTACHMENT_URL_INVALID (422).
      const code = errorCodeOfIssues(err.validation.map((v) => ({ params: (v.params as { params?: unknown } | undefined)?.params })));
      return reply.code(ERROR_CODES[code]).send({
        error: { code, message: `Invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details },
      });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err instanceof SyntaxError && fe.statusCode === 400)) {
      return reply.code(400).send({ error: { code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' } });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.statusCode === 413) {
      return reply.code(413).send({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' } });
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) {
      return reply.code(415).send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: `Unsupported content type ${req.headers['content-type'] ?? ''}` } });
    }
    if (fe.validation) {
      return reply.code(400).send({ error: { code: 'VALIDATION_FAILED', message: fe.message } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ error: { code: fe.statusCode === 429 ? 'RATE_LIMITED' : 'VALIDATION_FAILED', message: fe.message } });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error' } });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    // Client-side routes of the web app (/plaza, /events/…) load index.html; API paths and files do not.
    if (opts.spaFallback && req.method === 'GET' && !/^\/(api|open311)\//.test(path) && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });
}

/**
 * Errors Fastify answers before routing (a path that is not valid percent-encoding, a path
 * parameter over `maxParamLength`): the api.md shape instead of Fastify's own.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.code(414).send({ error: { code: 'URI_TOO_LONG', message: 'A path segment of the request is too long' } });
    return;
  }
  if (err.code === 'FST_ERR_BAD_URL') {
    void reply.code(400).send({ error: { code: 'MALFORMED_REQUEST', message: 'The request path is not a valid URL' } });
    return;
  }
  // FST_ERR_ASYNC_CONSTRAINT: a route constraint of ours failed; we use none, so it is our fault.
  reply.log.error({ err }, 'unexpected error before routing');
  void reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error' } });
}

const CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request line and headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' },
  ERR_HTTP_HEADERS_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request headers took too long to arrive' },
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers or request line
 * over `maxHeaderSize`, malformed HTTP, timeouts): they are answered on the socket, in the api.md
 * error shape, and the connection is closed (the parser cannot go on after such an error).
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''] ?? { status: 400, code: 'MALFORMED_REQUEST' as const, message: 'The request is not valid HTTP' };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
