/**
 * SIP requests and responses (RFC 3261 §7): a start line, a HeaderList and a body kept as bytes.
 * Parsed views of the headers every layer needs (Via, From, To, Call-ID, CSeq, Max-Forwards,
 * Contact) are computed on demand and cached until the headers change. `parseMessage` is the
 * other half of `serialize()`.
 */
import { Fault } from '../fault.js';
import { serializeUri, type Uri } from '../uri.js';
import { paramValue } from './cursor.js';
import { HeaderList } from './header-list.js';
import { parseNameAddr, parseNameAddrList, type NameAddr } from './name-addr.js';
import { checkCallId, parseCSeq, parseMaxForwards, type CSeq } from './scalars.js';
import { parseViaList, type Via } from './via.js';

/** How header text was decoded: UTF-8 when valid (RFC 3261 §7.3.1 TEXT-UTF8), else octet for octet. */
export type HeaderEncoding = 'utf8' | 'latin1';

export const SIP_VERSION = 'SIP/2.0';

interface Views {
  version: number;
  via?: Via[];
  from?: NameAddr | undefined;
  to?: NameAddr | undefined;
  contacts?: NameAddr[] | '*' | undefined;
}

export abstract class SipMessage {
  private views: Views = { version: -1 };

  constructor(
    readonly headers: HeaderList,
    public body: Buffer,
    public headerEncoding: HeaderEncoding = 'utf8',
  ) {}

  abstract startLine(): string;

  private cache(): Views {
    if (this.views.version !== this.headers.version) this.views = { version: this.headers.version };
    return this.views;
  }

  /** Every Via value, topmost first (RFC 3261 §20.42); [] when absent or malformed. */
  get via(): Via[] {
    const views = this.cache();
    if (views.via === undefined) {
      views.via = this.headers.getAll('via').flatMap((value) => {
        const list = parseViaList(value);
        return list instanceof Fault ? [] : list;
      });
    }
    return views.via;
  }

  get from(): NameAddr | undefined {
    const views = this.cache();
    if (!('from' in views)) views.from = single(this.headers, 'from');
    return views.from;
  }

  get to(): NameAddr | undefined {
    const views = this.cache();
    if (!('to' in views)) views.to = single(this.headers, 'to');
    return views.to;
  }

  /** Contact addresses in order, `'*'` for the REGISTER wildcard (RFC 3261 §10.2.2). */
  get contacts(): NameAddr[] | '*' | undefined {
    const views = this.cache();
    if (!('contacts' in views)) {
      const values = this.headers.getAll('contact');
      if (values.length === 1 && values[0] === '*') views.contacts = '*';
      else if (values.length === 0) views.contacts = undefined;
      else {
        const lists = values.map((value) => parseNameAddrList(value));
        views.contacts = lists.some((list) => list instanceof Fault) ? undefined : (lists as NameAddr[][]).flat();
      }
    }
    return views.contacts;
  }

  get callId(): string | undefined {
    const value = this.headers.get('call-id');
    return value === undefined || checkCallId(value) instanceof Fault ? undefined : value;
  }

  get cseq(): CSeq | undefined {
    const value = this.headers.get('cseq');
    if (value === undefined) return undefined;
    const cseq = parseCSeq(value);
    return cseq instanceof Fault ? undefined : cseq;
  }

  get maxForwards(): number | undefined {
    const value = this.headers.get('max-forwards');
    if (value === undefined) return undefined;
    const hops = parseMaxForwards(value);
    return hops instanceof Fault ? undefined : hops;
  }

  get fromTag(): string | undefined {
    return this.from === undefined ? undefined : paramValue(this.from.params, 'tag');
  }

  get toTag(): string | undefined {
    return this.to === undefined ? undefined : paramValue(this.to.params, 'tag');
  }

  /**
   * The message as bytes. Content-Length always states the body's real length: an existing
   * header is rewritten, a missing one added (RFC 3261 §18.3: mandatory on streams).
   */
  serialize(): Buffer {
    let head = `${this.startLine()}\r\n`;
    let wroteLength = false;
    for (const field of this.headers.fields) {
      if (field.key === 'content-length') {
        if (wroteLength) continue;
        wroteLength = true;
        head += `${field.name}: ${this.body.length}\r\n`;
      } else head += `${field.name}: ${field.value}\r\n`;
    }
    if (!wroteLength) head += `Content-Length: ${this.body.length}\r\n`;
    head += '\r\n';
    const headBytes = Buffer.from(head, this.headerEncoding);
    return this.body.length === 0 ? headBytes : Buffer.concat([headBytes, this.body]);
  }
}

function single(headers: HeaderList, name: string): NameAddr | undefined {
  const value = headers.get(name);
  if (value === undefined) return undefined;
  const nameAddr = parseNameAddr(value);
  return nameAddr instanceof Fault ? undefined : nameAddr;
}

export class SipRequest extends SipMessage {
  readonly kind = 'request';

  constructor(
    public method: string,
    public uri: Uri,
    headers: HeaderList = new HeaderList(),
    body: Buffer = Buffer.alloc(0),
    headerEncoding: HeaderEncoding = 'utf8',
  ) {
    super(headers, body, headerEncoding);
  }

  startLine(): string {
    return `${this.method} ${serializeUri(this.uri)} ${SIP_VERSION}`;
  }
}

export class SipResponse extends SipMessage {
  readonly kind = 'response';

  constructor(
    public status: number,
    public reason: string,
    headers: HeaderList = new HeaderList(),
    body: Buffer = Buffer.alloc(0),
    headerEncoding: HeaderEncoding = 'utf8',
  ) {
    super(headers, body, headerEncoding);
  }

  startLine(): string {
    return `${SIP_VERSION} ${this.status} ${this.reason}`;
  }
}

/** Either kind of message, told apart by `kind`. */
export type Message = SipRequest | SipResponse;
