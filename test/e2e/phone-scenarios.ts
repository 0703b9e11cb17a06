/**
 * SIPp scenarios for agents' phones in the end-to-end tests: run as a UAS on the port the phone
 * registered from, they receive what Kefu sends to that binding.
 */
import { sippSdp } from './sipp-sdp.js';

/** The phone's 180 to the INVITE just received (RFC 3261 §21.1.2). */
const ringing = (extension: string) => `  <send>
    <![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:${extension}@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
`;

/** Kefu's BYE, answered. */
const byeFromKefu = `  <recv request="BYE" timeout="90000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
`;

/**
 * The agent hangs up `afterMs` after the ACK: a BYE to Kefu's Contact with Kefu's tag, both kept
 * from the INVITE as `kefuContact` and `kefuTag` (RFC 3261 §12.2.1.1).
 */
const byeToKefu = (extension: string, afterMs: number) => `  <pause milliseconds="${afterMs}"/>
  <send retrans="500">
    <![CDATA[
      BYE [$kefuContact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:${extension}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To: <[$kefuContact]>;tag=[$kefuTag]
      [last_Call-ID:]
      CSeq: 1 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
`;

/**
 * An agent's phone that rings `ringMs` (a 180, when more than 0), then answers each call with its
 * audio at `rtpPort`, and talks until Kefu's BYE, or hangs up itself after `hangUpAfterMs`.
 */
export function answeringAfter(ringMs: number, hangUpAfterMs?: number): (extension: string, rtpPort: number) => string {
  const keepTag =
    '<action><ereg regexp=";tag=([^;> ]+)" search_in="hdr" header="From:" assign_to="all,kefuTag"/><ereg regexp="sip:[^>;]+" search_in="hdr" header="Contact:" assign_to="kefuContact"/></action>';
  return (extension, rtpPort) => `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} answers">
  <recv request="INVITE">${hangUpAfterMs === undefined ? '' : keepTag}</recv>
${ringMs <= 0 ? '' : `${ringing(extension)}  <pause milliseconds="${ringMs}"/>
`}  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:${extension}@[local_ip]:[local_port]>
${sippSdp({ owner: 'phone', port: rtpPort })}
    ]]>
  </send>
  <recv request="ACK"/>
${hangUpAfterMs === undefined ? byeFromKefu : `${byeToKefu(extension, hangUpAfterMs)}  <Reference variables="all"/>
`}</scenario>
`;
}

/** An agent's phone that answers each call at once. */
export const answering = answeringAfter(0);

/** An agent's phone that rings and is never picked up: Kefu must CANCEL it (RFC 3261 §9.2). */
export function ringingOnly(extension: string, _rtpPort: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} lets it ring">
  <recv request="INVITE">
    <action><ereg regexp="([0-9]+) INVITE" search_in="hdr" header="CSeq:" assign_to="all,cseq"/></action>
  </recv>
  <Reference variables="all"/>
${ringing(extension)}  <recv request="CANCEL" timeout="60000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <send>
    <![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [$cseq] INVITE
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
</scenario>
`;
}
