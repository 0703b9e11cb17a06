/**
 * REFER (RFC 3515) pieces: the Refer-To target with an embedded Replaces (RFC 3891 §6, attended
 * transfer), and the message/sipfrag bodies of the NOTIFYs that report the referred call.
 */
import { escape, unescape } from '../chars.js';
import { Fault } from '../fault.js';
import { parseNameAddr, type NameAddr } from '../message/name-addr.js';
import { reasonPhrase } from '../message/response-builder.js';
import { isSipUri } from '../uri.js';

/** RFC 3891 §6.1: the dialog to replace: `callid;to-tag=…;from-tag=…[;early-only]`. */
export interface Replaces {
  callId: string;
  toTag: string;
  fromTag: string;
  earlyOnly?: boolean;
}

export interface ReferTo {
  target: NameAddr;
  replaces?: Replaces;
}

/** RFC 3515 §2.1: Refer-To is a name-addr; a Replaces header inside its URI names the dialog. */
export function parseReferTo(value: string): ReferTo | Fault {
  const target = parseNameAddr(value);
  if (target instanceof Fault) return target;
  if (!isSipUri(target.uri)) return { target };
  const header = target.uri.headers.find((h) => h.name.toLowerCase() === 'replaces');
  if (header?.value === undefined) return { target };
  const replaces = parseReplaces(unescape(header.value));
  return replaces instanceof Fault ? replaces : { target, replaces };
}

/** RFC 3891 §6.1: `Replaces: callid *(SEMI (to-tag / from-tag / early-flag / generic-param))`. */
export function parseReplaces(value: string): Replaces | Fault {
  const [callId, ...params] = value.split(';').map((part) => part.trim());
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const param of params) {
    const [name = '', tag] = param.split('=', 2);
    if (name.toLowerCase() === 'to-tag') toTag = tag;
    else if (name.toLowerCase() === 'from-tag') fromTag = tag;
    else if (name.toLowerCase() === 'early-only') earlyOnly = true;
  }
  if (!callId || toTag === undefined || fromTag === undefined) return new Fault(0, 'Replaces needs a Call-ID, to-tag and from-tag');
  return { callId, toTag, fromTag, ...(earlyOnly ? { earlyOnly } : {}) };
}

/** A Refer-To value for `target` (a SIP URI), with the Replaces of an attended transfer. */
export function referToValue(target: string, replaces?: Replaces): string {
  if (replaces === undefined) return `<${target}>`;
  const value = `${replaces.callId};to-tag=${replaces.toTag};from-tag=${replaces.fromTag}${replaces.earlyOnly ? ';early-only' : ''}`;
  return `<${target}${target.includes('?') ? '&' : '?'}Replaces=${escape(value, 'header')}>`;
}

/** RFC 3515 §2.4.5: the NOTIFY body, a status line of the referred request's progress. */
export function sipfrag(status: number): Buffer {
  return Buffer.from(`SIP/2.0 ${status} ${reasonPhrase(status)}\r\n`);
}

/** The status of a message/sipfrag body's status line; undefined when it has none. */
export function sipfragStatus(body: Buffer): number | undefined {
  const match = /^SIP\/2\.0 (\d{3})\b/.exec(body.toString('utf8', 0, Math.min(body.length, 64)));
  return match === null ? undefined : Number(match[1]);
}
