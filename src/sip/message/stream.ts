/**
 * Message boundaries in a byte stream (TCP, TLS): RFC 3261 §18.3 frames each message by its
 * Content-Length, which is mandatory there. `frameMessage` says how many bytes the first message
 * of a buffer takes; `StreamFramer` keeps the bytes of one connection between reads.
 */
import { readInteger } from './scalars.js';
import { resolveLimits, type ParseLimits } from './limits.js';

export type Frame =
  /** The first `length` bytes hold one whole message (leading CRLFs included). */
  | { kind: 'message'; length: number }
  /** The first `length` bytes are CRLFs: a keep-alive (RFC 5626 §4.4.1), to skip. */
  | { kind: 'keepalive'; length: number }
  /** More bytes are needed. */
  | { kind: 'incomplete' }
  /** The stream cannot be framed any more: close the connection (RFC 4475 §3.1.2.3). */
  | { kind: 'error'; offset: number; reason: string };

const HEADER_END = Buffer.from('\r\n\r\n');

export function frameMessage(buffer: Buffer, limits?: Partial<ParseLimits>): Frame {
  const { maxMessageBytes } = resolveLimits(limits);
  let start = 0;
  while (start < buffer.length && (buffer[start] === 13 || buffer[start] === 10)) start++;
  if (start > 0) return { kind: 'keepalive', length: start };
  if (buffer.length === 0) return { kind: 'incomplete' };
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) {
    return buffer.length > maxMessageBytes ? { kind: 'error', offset: maxMessageBytes, reason: 'headers exceed the message size limit' } : { kind: 'incomplete' };
  }
  const length = contentLength(buffer.subarray(0, headerEnd).toString('latin1'));
  if (typeof length === 'string') return { kind: 'error', offset: 0, reason: length };
  const total = headerEnd + 4 + length;
  if (total > maxMessageBytes) return { kind: 'error', offset: headerEnd + 4, reason: 'message exceeds the size limit' };
  return buffer.length < total ? { kind: 'incomplete' } : { kind: 'message', length: total };
}

/** The Content-Length of a header block, or why there is no usable one. */
function contentLength(head: string): number | string {
  let value: string | undefined;
  let current: string | undefined;
  const lines = head.split('\r\n');
  const finish = (): string | undefined => {
    if (current === undefined) return undefined;
    const trimmed = current.trim();
    current = undefined;
    // RFC 4475 §3.3.9: conflicting values cannot be framed.
    if (value !== undefined && value !== trimmed) return 'conflicting Content-Length headers';
    value = trimmed;
    return undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current !== undefined) current += ` ${line}`;
      continue;
    }
    const problem = finish();
    if (problem) return problem;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length' || name === 'l') current = line.slice(colon + 1);
  }
  const problem = finish();
  if (problem) return problem;
  if (value === undefined) return 'Content-Length is mandatory on a stream transport (RFC 3261 §18.3)';
  const length = readInteger(value, Number.MAX_SAFE_INTEGER, 'Content-Length');
  return typeof length === 'number' ? length : length.reason;
}

export type StreamEvent =
  | { kind: 'message'; bytes: Buffer }
  | { kind: 'keepalive'; bytes: number }
  | { kind: 'error'; offset: number; reason: string };

/** The framing state of one connection: feed it what arrives, get whole messages back. */
export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private failed = false;

  constructor(private readonly limits?: Partial<ParseLimits>) {}

  /** True after a framing error: nothing more can be read from this connection. */
  get broken(): boolean {
    return this.failed;
  }

  /** Bytes received and not yet part of a message. */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): StreamEvent[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const events: StreamEvent[] = [];
    for (;;) {
      const frame = frameMessage(this.buffer, this.limits);
      if (frame.kind === 'incomplete') return events;
      if (frame.kind === 'error') {
        this.failed = true;
        events.push({ kind: 'error', offset: this.consumed + frame.offset, reason: frame.reason });
        return events;
      }
      if (frame.kind === 'keepalive') events.push({ kind: 'keepalive', bytes: frame.length });
      else events.push({ kind: 'message', bytes: Buffer.from(this.buffer.subarray(0, frame.length)) });
      this.buffer = this.buffer.subarray(frame.length);
      this.consumed += frame.length;
    }
  }
}
