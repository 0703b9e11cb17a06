/**
 * The ICE-lite side of ICE (RFC 8445 §2.5): Kefu gathers one host candidate, sends no checks of
 * its own and answers the full agent's STUN Binding requests (RFC 5389) on the media port. A
 * request counts only when its USERNAME is `ourUfrag:theirUfrag` and its MESSAGE-INTEGRITY is
 * keyed with our password (RFC 8445 §7.3, short-term credentials, RFC 5389 §10.1); the answer
 * carries the address the request came from, so the full agent learns that the pair works.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** RFC 5389 §6: the magic cookie in every STUN header. */
const MAGIC_COOKIE = 0x2112a442;
const HEADER_LENGTH = 20;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
/** RFC 5389 §18.2 and RFC 8445 §16.1: the attributes read or written here. */
const USERNAME = 0x0006;
const MESSAGE_INTEGRITY = 0x0008;
const XOR_MAPPED_ADDRESS = 0x0020;
const USE_CANDIDATE = 0x0025;
const FINGERPRINT = 0x8028;
/** RFC 5389 §15.5: the CRC-32 of the message is XOR'ed with this. */
const FINGERPRINT_XOR = 0x5354554e;
const INTEGRITY_LENGTH = 20;

export interface IceCredentials {
  ufrag: string;
  pwd: string;
}

export interface BindingAnswer {
  response: Buffer;
  /** RFC 8445 §7.3.1.5: the controlling agent nominates this pair. */
  nominated: boolean;
}

/**
 * RFC 8445 §5.3: ufrag of at least 4 and password of at least 22 ice-chars; random, so that
 * nobody who has not seen the SDP can pass a check.
 */
export function newIceCredentials(): IceCredentials {
  const ice = (bytes: number) => randomBytes(bytes).toString('base64').replace(/[^A-Za-z0-9+/]/g, '');
  return { ufrag: ice(6), pwd: ice(18) };
}

/** RFC 7983 §7: the first byte of a STUN message is 0–3. */
export function isStun(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_LENGTH && (bytes[0] as number) <= 3 && readUint32(bytes, 4) === MAGIC_COOKIE;
}

/**
 * The success response to a valid Binding request from `from`, or undefined for anything else
 * (not a request, unknown username, bad integrity): RFC 8445 §7.3 lets a lite agent drop those.
 */
export function answerBinding(bytes: Buffer, from: { address: string; port: number }, local: IceCredentials): BindingAnswer | undefined {
  if (!isStun(bytes) || bytes.readUInt16BE(0) !== BINDING_REQUEST) return undefined;
  const length = bytes.readUInt16BE(2);
  if (HEADER_LENGTH + length !== bytes.length || length % 4 !== 0) return undefined;
  let username: string | undefined;
  let integrityAt: number | undefined;
  let nominated = false;
  for (let at = HEADER_LENGTH; at + 4 <= bytes.length; ) {
    const type = bytes.readUInt16BE(at);
    const size = bytes.readUInt16BE(at + 2);
    if (at + 4 + size > bytes.length) return undefined;
    // RFC 5389 §15.4: attributes after MESSAGE-INTEGRITY (but FINGERPRINT) are ignored.
    if (integrityAt === undefined) {
      if (type === USERNAME) username = bytes.toString('utf8', at + 4, at + 4 + size);
      else if (type === USE_CANDIDATE) nominated = true;
      else if (type === MESSAGE_INTEGRITY && size === INTEGRITY_LENGTH) integrityAt = at;
    }
    at += 4 + size + ((4 - (size % 4)) % 4);
  }
  // RFC 8445 §7.3: USERNAME is "our ufrag:their ufrag".
  if (username === undefined || integrityAt === undefined || username.split(':')[0] !== local.ufrag) return undefined;
  if (!integrityHolds(bytes, integrityAt, local.pwd)) return undefined;
  const transaction = bytes.subarray(8, HEADER_LENGTH);
  return { response: bindingSuccess(transaction, from, local.pwd), nominated };
}

/**
 * RFC 5389 §15.4: the HMAC-SHA1 covers the message up to the attribute, with the header's
 * length counting up to the end of MESSAGE-INTEGRITY.
 */
function integrityHolds(bytes: Buffer, at: number, pwd: string): boolean {
  const covered = Buffer.from(bytes.subarray(0, at));
  covered.writeUInt16BE(at + 4 + INTEGRITY_LENGTH - HEADER_LENGTH, 2);
  const expected = createHmac('sha1', pwd).update(covered).digest();
  return timingSafeEqual(expected, bytes.subarray(at + 4, at + 4 + INTEGRITY_LENGTH));
}

function bindingSuccess(transaction: Uint8Array, from: { address: string; port: number }, pwd: string): Buffer {
  const mapped = xorMappedAddress(transaction, from);
  const message = Buffer.alloc(HEADER_LENGTH + mapped.length + 4 + INTEGRITY_LENGTH + 8);
  message.writeUInt16BE(BINDING_SUCCESS, 0);
  message.writeUInt32BE(MAGIC_COOKIE, 4);
  message.set(transaction, 8);
  mapped.copy(message, HEADER_LENGTH);
  const integrityAt = HEADER_LENGTH + mapped.length;
  message.writeUInt16BE(integrityAt + 4 + INTEGRITY_LENGTH - HEADER_LENGTH, 2);
  message.writeUInt16BE(MESSAGE_INTEGRITY, integrityAt);
  message.writeUInt16BE(INTEGRITY_LENGTH, integrityAt + 2);
  createHmac('sha1', pwd).update(message.subarray(0, integrityAt)).digest().copy(message, integrityAt + 4);
  // RFC 5389 §15.5: FINGERPRINT last, its CRC over everything before it, length counting it.
  const fingerprintAt = integrityAt + 4 + INTEGRITY_LENGTH;
  message.writeUInt16BE(message.length - HEADER_LENGTH, 2);
  message.writeUInt16BE(FINGERPRINT, fingerprintAt);
  message.writeUInt16BE(4, fingerprintAt + 2);
  message.writeUInt32BE((crc32(message.subarray(0, fingerprintAt)) ^ FINGERPRINT_XOR) >>> 0, fingerprintAt + 4);
  return message;
}

/** RFC 5389 §15.2: the port XOR'ed with the cookie's top half, the address with the cookie (and, for IPv6, the transaction). */
function xorMappedAddress(transaction: Uint8Array, from: { address: string; port: number }): Buffer {
  const v6 = from.address.includes(':');
  const attribute = Buffer.alloc(4 + (v6 ? 20 : 8));
  attribute.writeUInt16BE(XOR_MAPPED_ADDRESS, 0);
  attribute.writeUInt16BE(attribute.length - 4, 2);
  attribute.writeUInt8(v6 ? 0x02 : 0x01, 5);
  attribute.writeUInt16BE((from.port ^ (MAGIC_COOKIE >>> 16)) & 0xffff, 6);
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  key.set(transaction, 4);
  const address = v6 ? ipv6Bytes(from.address) : Buffer.from(from.address.split('.').map(Number));
  for (let i = 0; i < address.length; i++) attribute[8 + i] = (address[i] as number) ^ (key[i] as number);
  return attribute;
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const all = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0;
}
