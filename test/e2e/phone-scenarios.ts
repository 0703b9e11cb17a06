/**
 * SIPp scenarios for agents' phones in the end-to-end tests: run as a UAS on the port the phone
 * registered from, they receive what Kefu sends to that binding.
 */

/**
 * An agent's phone that answers each call with its audio at `rtpPort`, until Kefu's BYE; with
 * `fromUser`, the INVITE's From must name that user (the caller ID shown), or the call fails.
 */
export function answering(extension: string, rtpPort: number, fromUser?: string): string {
  const check =
    fromUser === undefined
      ? '<recv request="INVITE"/>'
      : `<recv request="INVITE"><action><ereg regexp="sip:${fromUser.replace('+', '\\+')}@" search_in="hdr" header="From:" check_it="true" assign_to="from"/></action></recv>
  <Reference variables="from"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} answers">
  ${check}
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
  <recv request="BYE" timeout="90000"/>
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
</scenario>
`;
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
