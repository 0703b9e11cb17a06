import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerOptions } from 'pino';

/** pino options shared by the HTTP server and the rest of the node: JSON lines on stdout. */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'kefu' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
  };
}

const acceptedRequestId = /^[\w.:-]{1,100}$/;

/** Request ids: the caller's `x-request-id` when it is sane (so ids follow a request across systems), else a new one. */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && acceptedRequestId.test(given) ? given : randomUUID();
}
