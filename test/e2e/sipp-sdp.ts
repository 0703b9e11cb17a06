/**
 * The SDP of the SIPp scenarios written in TypeScript, from one place: an audio offer or answer
 * (RFC 4566) at SIPp's own address, G.711 µ-law and optionally RFC 4733 telephone-events, with
 * the headers that announce it. SIPp reads the far end's media only from a body announced with
 * `Content-Type: application/sdp` and a full `Content-Length:` (PEERS.md). Lines are indented
 * as inside a scenario's CDATA; `[len]` is SIPp's keyword for the body's length.
 */
export interface SippSdp {
  /** The o= line's user name: who speaks (caller, phone, carrier). */
  owner: string;
  /** The RTP port: a number, or a SIPp keyword such as `[field1]`. */
  port: number | string;
  /** The payload type of telephone-event, when keys are sent as RFC 4733 events. */
  telephoneEvent?: number;
}

const indent = (lines: string[]) => lines.map((line) => `      ${line}\n`).join('');

/** `Content-Type`, `Content-Length`, the blank line and the SDP, ending with a newline. */
export function sippSdp({ owner, port, telephoneEvent }: SippSdp): string {
  const events = telephoneEvent === undefined ? [] : [`a=rtpmap:${telephoneEvent} telephone-event/8000`];
  return `${indent(['Content-Type: application/sdp', 'Content-Length: [len]'])}\n${indent([
    'v=0',
    `o=${owner} 1 1 IN IP4 [local_ip]`,
    's=-',
    'c=IN IP4 [local_ip]',
    't=0 0',
    `m=audio ${port} RTP/AVP 0${telephoneEvent === undefined ? '' : ` ${telephoneEvent}`}`,
    'a=rtpmap:0 PCMU/8000',
    ...events,
  ])}`;
}
