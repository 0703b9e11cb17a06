/**
 * The business gateway (FEATURES B3, I2): what an `http` node does. It asks a business system over
 * HTTP (GET or POST, templated URL, headers and body), reads a JSON or XML answer, and picks the
 * values the node names into variables. Everything that can go wrong — an unreachable or slow
 * system, an error status, an answer too large or not JSON/XML — comes back as a failure with a
 * reason, for the node's `fail` exit: a business system's trouble never ends a call.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { NodeOf } from './document.js';
import { readAnswer } from './answer-path.js';
import { renderTemplate, type Escape, type Variables } from './template.js';

export type GatewayFailure =
  /** The URL or a header is not valid once filled in. */
  | 'invalid-request'
  /** Nothing listens there (connection refused). */
  | 'refused'
  /** Any other network failure: name not found, connection reset, TLS. */
  | 'network'
  /** No whole answer within the node's timeout. */
  | 'timeout'
  /** The call was cancelled by its owner (the caller hung up). */
  | 'cancelled'
  /** An answer of status 400 or more. */
  | 'status'
  | 'too-large'
  | 'unparsable';

export type GatewayResult =
  | { ok: true; status: number; values: Record<string, string> }
  | { ok: false; reason: GatewayFailure; status?: number; message: string };

export interface GatewayOptions {
  /** The largest answer read, in bytes; default 1 MiB. */
  maxBytes?: number;
  /** Aborts the request, e.g. when the caller hangs up. */
  signal?: AbortSignal;
}

export const defaultMaxAnswerBytes = 1024 * 1024;

const xmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A value written inside a JSON string, or as XML text: the value cannot break out of it. */
const bodyEscapes: Record<'json' | 'xml', Escape> = {
  json: (value) => JSON.stringify(value).slice(1, -1),
  xml: (value) => value.replace(/[&<>"']/g, (c) => xmlEntities[c]!),
};
const contentTypes = { json: 'application/json; charset=utf-8', xml: 'application/xml; charset=utf-8' };
const accepts = { json: 'application/json', xml: 'application/xml, text/xml' };

/** A header value cannot carry a line break (RFC 9110 §5.5): one in a value ends as a space. */
const headerEscape: Escape = (value) => value.replace(/[\r\n\0]+/g, ' ');

class GatewayError extends Error {
  constructor(
    readonly reason: GatewayFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Runs an `http` node's request with the call's variables. Values are escaped for where they
 * land: URL-encoded in the URL (so a value is one path segment or query value), as string
 * content in a JSON body, as text in an XML body; the body is sent only with POST. Never throws.
 */
export async function callGateway(node: NodeOf<'http'>, variables: Variables, options: GatewayOptions = {}): Promise<GatewayResult> {
  try {
    const request = buildRequest(node, variables);
    const timeout = AbortSignal.timeout(node.timeout * 1000);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    const response = await send(request, signal);
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new GatewayError('status', `the business system answered ${response.status}`, response.status);
    }
    const bytes = await readBody(response, options.maxBytes ?? defaultMaxAnswerBytes, signal);
    const values: Record<string, string> = {};
    const entries = Object.entries(node.results);
    // An answer is parsed only when the node reads from it: a notification answered "OK" succeeds.
    if (entries.length > 0) {
      const answer = parse(node.format, decode(bytes, response.headers.get('content-type'), node.format), response.status);
      for (const [name, path] of entries) {
        const value = readAnswer(answer, path, node.format === 'xml');
        if (value !== undefined) values[name] = value;
      }
    }
    return { ok: true, status: response.status, values };
  } catch (error) {
    return failure(error, options.signal);
  }
}

function buildRequest(node: NodeOf<'http'>, variables: Variables): Request {
  const url = renderTemplate(node.url, variables, encodeURIComponent);
  if (!URL.canParse(url)) throw new GatewayError('invalid-request', `not a URL: ${url}`);
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new GatewayError('invalid-request', `not an http or https URL: ${url}`);
  let headers: Headers;
  try {
    headers = new Headers(Object.entries(node.headers).map(([name, value]) => [name, renderTemplate(value, variables, headerEscape)]));
  } catch (error) {
    throw new GatewayError('invalid-request', `a header is not valid: ${(error as Error).message}`);
  }
  if (!headers.has('accept')) headers.set('accept', accepts[node.format]);
  const post = node.method === 'POST';
  if (post && !headers.has('content-type')) headers.set('content-type', contentTypes[node.format]);
  const body = post ? renderTemplate(node.body ?? '', variables, bodyEscapes[node.format]) : undefined;
  return new Request(target, { method: node.method, headers, ...(body === undefined ? {} : { body }) });
}

async function send(request: Request, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(request, { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause?.code === 'ECONNREFUSED') throw new GatewayError('refused', `nothing answers at ${request.url}`);
    throw new GatewayError('network', `cannot reach ${request.url}: ${String(cause?.message ?? (error as Error).message)}`);
  }
}

/** The answer's bytes, refusing more than `max`, whether or not the server said its length. */
async function readBody(response: Response, max: number, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () => new GatewayError('too-large', `the answer is over ${max} bytes`, response.status);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > max) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    signal.throwIfAborted();
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}

/**
 * The answer as text: in the charset of its Content-Type, else (XML) of its declaration, else
 * UTF-8. Chinese business systems still answer in GBK or GB18030; TextDecoder knows them.
 */
function decode(bytes: Uint8Array, contentType: string | null, format: 'json' | 'xml'): string {
  let charset = /;\s*charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (charset === undefined && format === 'xml') {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
    charset = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w-]+)["']/.exec(head)?.[1];
  }
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    throw new GatewayError('unparsable', `unknown charset ${charset}`);
  }
}

function parse(format: 'json' | 'xml', text: string, status: number): unknown {
  if (text.trim() === '') throw new GatewayError('unparsable', 'the answer is empty', status);
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new GatewayError('unparsable', `the answer is not JSON: ${(error as Error).message}`, status);
    }
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new GatewayError('unparsable', `the answer is not XML: ${valid.err.msg} (line ${valid.err.line})`, status);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Values stay text: a case number 007 must not become 7.
    parseTagValue: false,
    parseAttributeValue: false,
    removeNSPrefix: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  try {
    return parser.parse(text) as unknown;
  } catch (error) {
    // The parser also refuses what passes validation but breaks its limits (entity expansion, depth).
    throw new GatewayError('unparsable', `the answer is not usable XML: ${(error as Error).message}`, status);
  }
}

function failure(error: unknown, cancel: AbortSignal | undefined): GatewayResult {
  if (error instanceof GatewayError) {
    return { ok: false, reason: error.reason, message: error.message, ...(error.status === undefined ? {} : { status: error.status }) };
  }
  if (cancel?.aborted === true) return { ok: false, reason: 'cancelled', message: 'the request was cancelled' };
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, reason: 'timeout', message: 'no whole answer within the timeout' };
  return { ok: false, reason: 'network', message: error instanceof Error ? error.message : String(error) };
}
