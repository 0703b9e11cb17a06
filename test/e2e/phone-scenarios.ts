/**
 * SIPp scenarios for agents' phones in the end-to-end tests: run as a UAS on the port the phone
 * registered from, they receive what Kefu sends to that binding.
 */

/**
 * An agent's phone that answers each call with its audio at `rtpPort`, until Kefu's BYE — or,
 * with `byeAfterMs`, hangs up itself that long after the answer.
 */
export function answering(extension: string, rtpPort: number, byeAfterMs?: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} answers">
${byeAfterMs === undefined ? '  <recv request="INVITE"/>' : rememberCaller}
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:${extension}@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=phone 1 1 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio ${rtpPort} RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv request="ACK"/>
${byeAfterMs === undefined ? awaitBye : hangUp(extension, byeAfterMs)}
</scenario>
`;
}

/** The INVITE's Contact (for the BYE's Request-URI) and From (its To). */
const rememberCaller = `  <recv request="INVITE" rrs="true">
    <action><ereg regexp=".*" search_in="hdr" header="From:" assign_to="peer_to"/></action>
  </recv>
  <Reference variables="peer_to"/>`;

const awaitBye = `  <recv request="BYE" timeout="90000"/>
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
  </send>`;

/** The callee's BYE (RFC 3261 §15.1.1): From and To swapped, its own CSeq, to the caller's Contact. */
function hangUp(extension: string, afterMs: number): string {
  return `  <pause milliseconds="${afterMs}"/>
  <send retrans="500">
    <![CDATA[
      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${extension}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To: [$peer_to]
      [last_Call-ID:]
      CSeq: 1 BYE
      Contact: <sip:${extension}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`;
}

/** An agent's phone that rings and is never picked up: Kefu must CANCEL it (RFC 3261 §9.2). */
export function ringingOnly(extension: string, _rtpPort: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} lets it ring">
  <recv request="INVITE">
    <action><ereg regexp="([0-9]+) INVITE" search_in="hdr" header="CSeq:" assign_to="all,cseq"/></action>
  </recv>
  <Reference variables="all"/>
  <send>
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
  <recv request="CANCEL" timeout="60000"/>
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
