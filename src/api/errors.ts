/**
 * One place that turns every failure into the API's error shape,
 * `{ error: { code, message, details: [{ path, message }] } }`, with the right status.
 * A stack never leaves the server; unexpected errors are logged and answered 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { KefuError, RateLimitedError, type ErrorDetail } from '../errors.js';

const statusByCode: Record<string, number> = {
  ERR_VALIDATION: 400,
  ERR_SIP_PARSE: 400,
  ERR_AUDIO_FILE: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_DUPLICATE: 409,
  ERR_STALE_VERSION: 409,
  ERR_IN_USE: 409,
  ERR_TRANSFER_STATE: 409,
  ERR_CALL_STATE: 409,
  ERR_INTERACTION_STATE: 409,
  ERR_CASE_STATUS: 409,
  ERR_AGENT_STATE: 409,
  ERR_RATE_LIMITED: 429,
};

/** The HTTP status of an error code (500 for a code the API does not know). */
export function statusOf(code: string): number {
  return statusByCode[code] ?? 500;
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const details = error.validation.map((issue) => ({
        path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || where,
        message: issue.message ?? 'is not valid',
      }));
      const fields = [...new Set(details.map((d) => d.path))].join(', ');
      return reply.code(400).send(errorBody('ERR_VALIDATION', `invalid ${where}: ${fields}`, details));
    }
    if (error instanceof KefuError) {
      if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(statusOf(error.code)).send(errorBody(error.code, error.message, error.details));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(error.code ?? 'ERR_BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('ERR_INTERNAL', 'internal error; the request id in the log tells what happened'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('ERR_ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
