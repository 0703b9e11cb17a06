/**
 * SIPp scenarios for agents' phones in the end-to-end tests: run as a UAS on the port the phone
 * registered from, they receive what Kefu sends to that binding.
 */

/** An agent's phone that answers each call with its audio at `rtpPort`, until Kefu's BYE. */
export function answering(extension: string, rtpPort: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} answers">
  <recv request="INVITE"/>
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

/**
 * An agent's phone that answers, talks for `talkMs` and hangs up itself: a UAS sends its BYE to
 * the Contact of the INVITE (RFC 3261 §12.1.1), From its own To and To the caller's From (RFC 3261 §12.2.1.1).
 */
export function answeringThenBye(talkMs: number): (extension: string, rtpPort: number) => string {
  return (extension, rtpPort) =>
    answering(extension, rtpPort)
      .replace(
        '<recv request="INVITE"/>',
        `<recv request="INVITE">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="remote_from"/>
      <ereg regexp="sip:[^>;]*" search_in="hdr" header="Contact:" assign_to="remote_contact"/>
    </action>
  </recv>`,
      )
      .replace(
        /  <recv request="BYE" timeout="90000"\/>[\s\S]*<\/scenario>/,
        `  <pause milliseconds="${talkMs}"/>
  <send retrans="500">
    <![CDATA[
      BYE [$remote_contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${extension}@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
      To:[$remote_from]
      [last_Call-ID:]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`,
      );
}
