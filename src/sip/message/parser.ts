/**
 * Bytes to SipRequest/SipResponse (RFC 3261 §7). Never throws on what the network sends: a
 * failure is `{ ok: false, error }` with a byte offset into the input, a reason, the status a
 * server should answer (undefined: drop it, as for a broken response) and, when the start line
 * named a method and the headers could be split, a partial request to build that answer from
 * (for a request over the limits, from the fields within them).
 */
import { isUtf8 } from 'node:buffer';
import { isToken, isWhitespace } from '../chars.js';
import { Fault } from '../fault.js';
import { answerablePart } from './answerable.js';
import { readUri, isSipUri, type Uri } from '../uri.js';
import { headerKey, HeaderList, type HeaderField } from './header-list.js';
import { resolveLimits, type ParseLimits } from './limits.js';
import { SipRequest, SipResponse, type HeaderEncoding, type Message } from './message.js';
import { parseNameAddr, parseNameAddrList } from './name-addr.js';
import { checkCallId, parseContentLength, parseCSeq, parseMaxForwards } from './scalars.js';
import { parseViaList } from './via.js';

export type Transport = 'datagram' | 'stream';

export interface ParseOptions {
  limits?: Partial<ParseLimits>;
  /** RFC 3261 §18.3: on a stream Content-Length is mandatory; in a datagram it may be missing. */
  transport?: Transport;
}

/** What is known of a request that failed to parse: enough to answer it when From…Via are there. */
export interface PartialRequest {
  method: string | undefined;
  headers: HeaderList;
}

export interface MessageParseError {
  offset: number;
  reason: string;
  kind: 'request' | 'response' | 'unknown';
  /** The status to answer with (400, 505, 513); undefined when nothing may be answered. */
  status: number | undefined;
  /** The bytes end before the message does (headers unterminated, body shorter than Content-Length). */
  incomplete: boolean;
  partial: PartialRequest | undefined;
}

export type MessageParseResult =
  | { ok: true; message: Message; /** bytes the message took, leading CRLFs included */ length: number }
  | { ok: false; error: MessageParseError };

const HEADER_END = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const SINGLE = ['from', 'to', 'call-id', 'cseq', 'max-forwards'] as const;

/** The header block split: start line, fields, and where each value starts in the text. */
interface Block {
  startLine: string;
  /** The first malformed line; the lines after it were still split, for a partial request. */
  broken: Fault | undefined;
  fields: HeaderField[];
  valueAt: number[];
}

function failure(offset: number, reason: string, extra: Partial<MessageParseError> = {}): MessageParseResult {
  return { ok: false, error: { offset, reason, kind: 'unknown', status: undefined, incomplete: false, partial: undefined, ...extra } };
}

/** What the parser knows once the header block is decoded, to turn character offsets into bytes. */
class Decoded {
  constructor(
    readonly start: number,
    readonly slice: Buffer,
    readonly text: string,
    readonly encoding: HeaderEncoding,
  ) {}

  byteAt(charOffset: number): number {
    const ascii = this.encoding === 'latin1' || this.slice.length === this.text.length;
    return this.start + (ascii ? charOffset : Buffer.byteLength(this.text.slice(0, charOffset)));
  }

  requestFailure(fault: Fault, method: string | undefined, headers: HeaderList, status = 400): MessageParseResult {
    return failure(this.byteAt(fault.offset), fault.reason, { kind: 'request', status, partial: { method, headers } });
  }

  messageFailure(fault: Fault, message: Message): MessageParseResult {
    if (message.kind === 'request') return this.requestFailure(fault, message.method, message.headers);
    return failure(this.byteAt(fault.offset), fault.reason, { kind: 'response' });
  }
}

export function parseMessage(bytes: Buffer, options: ParseOptions = {}): MessageParseResult {
  const limits = resolveLimits(options.limits);
  const stream = options.transport === 'stream';
  // RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives on streams).
  let start = 0;
  while (start < bytes.length && (bytes[start] === 13 || bytes[start] === 10)) start++;
  if (start === bytes.length) return failure(start, 'no message, only line breaks', { incomplete: true });
  const headerEnd = bytes.indexOf(HEADER_END, start);
  if (headerEnd < 0 || headerEnd + 4 - start > limits.maxMessageBytes) {
    const tooLarge = (headerEnd < 0 ? bytes.length : headerEnd + 4) - start > limits.maxMessageBytes;
    const kind = looksLikeResponse(bytes, start) ? 'response' : 'request';
    if (tooLarge) {
      if (kind === 'response') return failure(start + limits.maxMessageBytes, 'headers exceed the message size limit', { kind });
      // RFC 3261 §21.5.14: 513, answered from the lines that fit within the limit.
      const within = bytes.subarray(start, start + limits.maxMessageBytes);
      const cut = within.subarray(0, Math.max(0, within.lastIndexOf('\r\n')));
      const partial = answerablePart(cut.toString(isUtf8(cut) ? 'utf8' : 'latin1'), limits);
      return failure(start + limits.maxMessageBytes, 'headers exceed the message size limit', { kind, status: 513, partial });
    }
    return failure(bytes.length, 'headers are not ended by an empty line', { kind, status: kind === 'request' ? 400 : undefined, incomplete: true });
  }
  const slice = bytes.subarray(start, headerEnd);
  const encoding: HeaderEncoding = isUtf8(slice) ? 'utf8' : 'latin1';
  const decoded = new Decoded(start, slice, slice.toString(encoding), encoding);

  const block = splitHeaders(decoded.text, limits);
  const isResponse = looksLikeResponse(bytes, start);
  if (block instanceof Fault) {
    // Too many fields or too long a line: a request is still answered, from the fields within the limits.
    if (isResponse) return failure(decoded.byteAt(block.offset), block.reason, { kind: 'response' });
    return failure(decoded.byteAt(block.offset), block.reason, { kind: 'request', status: 400, partial: answerablePart(decoded.text, limits) });
  }
  const headers = new HeaderList(block.fields);

  let message: Message;
  if (isResponse) {
    const line = parseStatusLine(block.startLine);
    if (line instanceof Fault) return failure(decoded.byteAt(line.offset), line.reason, { kind: 'response' });
    if (block.broken) return failure(decoded.byteAt(block.broken.offset), block.broken.reason, { kind: 'response' });
    message = new SipResponse(line.status, line.reason, headers, EMPTY, encoding);
  } else {
    const line = parseRequestLine(block.startLine);
    if (line instanceof Fault) {
      const method = block.startLine.slice(0, block.startLine.indexOf(' '));
      return decoded.requestFailure(line, isToken(method) ? method : undefined, headers, line.reason.startsWith('SIP version') ? 505 : 400);
    }
    if (block.broken) return decoded.requestFailure(block.broken, line.method, headers);
    message = new SipRequest(line.method, line.uri, headers, EMPTY, encoding);
  }

  const checked = checkCoreHeaders(block);
  if (checked instanceof Fault) return decoded.messageFailure(checked, message);

  // RFC 3261 §18.3: the body is Content-Length bytes after the empty line; without it, a datagram's
  // body is the rest of the datagram, and on a stream the message cannot be framed.
  const bodyStart = headerEnd + 4;
  let bodyEnd: number;
  if (checked === undefined) {
    if (stream) return decoded.messageFailure(new Fault(0, 'Content-Length is mandatory on a stream transport (RFC 3261 §18.3)'), message);
    bodyEnd = bytes.length;
  } else {
    bodyEnd = bodyStart + checked;
    if (bodyEnd - start > limits.maxMessageBytes) {
      return bodyFailure(message, bodyStart, 'Content-Length exceeds the message size limit', 513, false);
    }
    if (bodyEnd > bytes.length) {
      return bodyFailure(message, bytes.length, `body has ${bytes.length - bodyStart} bytes, Content-Length says ${checked}`, 400, true);
    }
  }
  if (bodyEnd - start > limits.maxMessageBytes) return decoded.messageFailure(new Fault(limits.maxMessageBytes, 'message exceeds the size limit'), message);
  // RFC 3261 §18.3: bytes after Content-Length in a datagram are discarded (RFC 4475 §3.1.1.8).
  if (bodyEnd > bodyStart) message.body = Buffer.from(bytes.subarray(bodyStart, bodyEnd));
  return { ok: true, message, length: bodyEnd };
}

function bodyFailure(message: Message, offset: number, reason: string, status: number, incomplete: boolean): MessageParseResult {
  if (message.kind === 'response') return failure(offset, reason, { kind: 'response', incomplete });
  return failure(offset, reason, { kind: 'request', status, incomplete, partial: { method: message.method, headers: message.headers } });
}

function looksLikeResponse(bytes: Buffer, start: number): boolean {
  return bytes.subarray(start, start + 4).toString('latin1').toUpperCase() === 'SIP/';
}

/** Lines to fields, folding undone (RFC 3261 §7.3.1), limits checked. Offsets are into `text`. */
function splitHeaders(text: string, limits: ParseLimits): Block | Fault {
  const fields: HeaderField[] = [];
  const valueAt: number[] = [];
  let lineStart = 0;
  let startLine = '';
  let broken: Fault | undefined;
  // After a malformed line its continuation lines are skipped too.
  let skipping = false;
  const bad = (fault: Fault): void => {
    broken ??= fault;
    skipping = true;
  };
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\r\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    if (line.length > limits.maxLineLength) return new Fault(lineStart + limits.maxLineLength, 'line exceeds the length limit');
    if (line.includes('\r') || line.includes('\n')) bad(new Fault(lineStart + line.search(/[\r\n]/), 'bare CR or LF inside a header line'));
    else if (lineStart === 0) startLine = line;
    else if (isWhitespace(line.charCodeAt(0))) {
      if (skipping) {
        lineStart = lineEnd + 2;
        continue;
      }
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous header; the CRLF
      // and the whitespace around it count as one SP.
      const last = fields[fields.length - 1];
      if (last === undefined) {
        bad(new Fault(lineStart, 'continuation line before any header'));
        lineStart = lineEnd + 2;
        continue;
      }
      const more = line.trim();
      if (more.length > 0) last.value = last.value.length === 0 ? more : `${last.value} ${more}`;
      if (last.value.length > limits.maxLineLength) return new Fault(lineStart, 'folded header exceeds the length limit');
    } else {
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon).trimEnd();
      // RFC 3261 §7.3.1: header-name is a token; whitespace may precede the colon.
      if (colon < 0 || !isToken(name)) {
        bad(new Fault(lineStart, colon < 0 ? 'header line without ":"' : 'header name is not a token'));
        lineStart = lineEnd + 2;
        continue;
      }
      skipping = false;
      if (fields.length >= limits.maxHeaderCount) return new Fault(lineStart, 'too many header fields');
      let valueStart = colon + 1;
      while (valueStart < line.length && isWhitespace(line.charCodeAt(valueStart))) valueStart++;
      fields.push({ name, key: headerKey(name), value: line.slice(valueStart).trimEnd() });
      valueAt.push(lineStart + valueStart);
    }
    lineStart = lineEnd + 2;
  }
  return { startLine, broken, fields, valueAt };
}

const VERSION = /^SIP\/([0-9]+)\.([0-9]+)$/i;

/** RFC 3261 §7.1: Request-Line = Method SP Request-URI SP SIP-Version CRLF, single spaces. */
function parseRequestLine(line: string): { method: string; uri: Uri } | Fault {
  const first = line.indexOf(' ');
  const second = first < 0 ? -1 : line.indexOf(' ', first + 1);
  if (first < 0 || second < 0) return new Fault(line.length, 'request line needs a method, a URI and a SIP version');
  const method = line.slice(0, first);
  if (!isToken(method)) return new Fault(0, 'method is not a token');
  const uriText = line.slice(first + 1, second);
  const version = line.slice(second + 1);
  if (uriText.length === 0) return new Fault(first + 1, 'more than one SP between method and URI (RFC 4475 §3.1.2.9)');
  if (version.includes(' ')) return new Fault(second + 1, 'whitespace inside the Request-URI or after the SIP version (RFC 4475 §3.1.2.8, §3.1.2.10)');
  if (uriText.startsWith('<')) return new Fault(first + 1, 'Request-URI must not be enclosed in "<>" (RFC 4475 §3.1.2.7)');
  const match = VERSION.exec(version);
  if (!match) return new Fault(second + 1, 'request line does not end in a SIP version');
  // RFC 3261 §21.5.7: 505 Version Not Supported; only SIP/2.0 is spoken here.
  if (Number(match[1]) !== 2 || Number(match[2]) !== 0) return new Fault(second + 1, `SIP version ${version} is not supported`);
  const uri = readUri(uriText);
  if (uri instanceof Fault) return uri.shift(first + 1);
  // RFC 3261 §19.1.1 table: the headers component is not allowed in a Request-URI.
  if (isSipUri(uri) && uri.headers.length > 0) return new Fault(first + 1 + uriText.indexOf('?'), 'Request-URI must not carry headers (RFC 3261 §19.1.1)');
  return { method, uri };
}

/** RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF. */
function parseStatusLine(line: string): { status: number; reason: string } | Fault {
  const first = line.indexOf(' ');
  if (first < 0) return new Fault(line.length, 'status line has no status code');
  const match = VERSION.exec(line.slice(0, first));
  if (!match || Number(match[1]) !== 2 || Number(match[2]) !== 0) return new Fault(0, 'not SIP/2.0');
  const rest = line.slice(first + 1);
  const space = rest.indexOf(' ');
  const code = space < 0 ? rest : rest.slice(0, space);
  // RFC 3261 §7.2, §21: Status-Code = 3DIGIT, classes 1xx to 6xx (RFC 4475 §3.1.2.19).
  if (!/^[1-6][0-9][0-9]$/.test(code)) return new Fault(first + 1, 'status code is not 100-699');
  return { status: Number(code), reason: space < 0 ? '' : rest.slice(space + 1) };
}

/**
 * Checks the headers that transactions and dialogs rely on, so that a message that parses can be
 * used without second-guessing. Returns the Content-Length, or undefined when there is none.
 */
function checkCoreHeaders(block: Block): number | undefined | Fault {
  const seen = new Set<string>();
  let contentLength: string | undefined;
  let contentLengthAt = 0;
  for (let i = 0; i < block.fields.length; i++) {
    const field = block.fields[i] as HeaderField;
    const at = block.valueAt[i] as number;
    const key = field.key;
    let fault: Fault | undefined;
    switch (key) {
      case 'from':
      case 'to':
      case 'call-id':
      case 'cseq':
      case 'max-forwards':
        // RFC 3261 §7.3.1: these headers appear once; RFC 4475 §3.3.8 expects 400 for repeats.
        if (seen.has(key)) return new Fault(at, `${field.name} appears more than once`);
        seen.add(key);
        fault = checkSingle(key, field.value, at);
        break;
      case 'content-length':
        // RFC 4475 §3.3.9: two Content-Length values make the message impossible to frame.
        if (contentLength !== undefined && contentLength !== field.value) return new Fault(at, 'conflicting Content-Length headers');
        contentLength = field.value;
        contentLengthAt = at;
        break;
      case 'via':
        fault = asFault(parseViaList(field.value, at));
        break;
      case 'contact':
        if (field.value !== '*') fault = asFault(parseNameAddrList(field.value, at));
        break;
      case 'route':
      case 'record-route':
        fault = asFault(parseNameAddrList(field.value, at));
        break;
    }
    if (fault) return fault;
  }
  if (contentLength === undefined) return undefined;
  return parseContentLength(contentLength, contentLengthAt);
}

function checkSingle(key: (typeof SINGLE)[number], value: string, at: number): Fault | undefined {
  switch (key) {
    case 'from':
    case 'to':
      return asFault(parseNameAddr(value, at));
    case 'call-id':
      return asFault(checkCallId(value, at));
    case 'cseq':
      return asFault(parseCSeq(value, at));
    case 'max-forwards':
      return asFault(parseMaxForwards(value, at));
  }
}

function asFault(value: unknown): Fault | undefined {
  return value instanceof Fault ? value : undefined;
}
