/**
 * SIPp scenarios for agents' phones in the end-to-end tests: run as a UAS on the port the phone
 * registered from, they receive what Kefu sends to that binding.
 */
import { okToLast } from './sipp-replies.js';
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

/** The phone's 200 OK to the INVITE just received, its SDP answer with audio at `rtpPort`. */
const answer = (extension: string, rtpPort: number) => `  <send retrans="500">
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
`;

/** The phone's final response without a body to the request just received, with its To tag. */
const phoneReply = (status: string) => `  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
`;

/** Kefu's BYE, answered. */
const byeFromKefu = `  <recv request="BYE" timeout="90000"/>
${okToLast}
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
 * audio at `rtpPort`, and talks until Kefu's BYE, or hangs up itself after `hangUpAfterMs`. With
 * `fromUser`, the INVITE's From must name that user (the caller ID shown), or the call fails.
 */
export function answeringAfter(ringMs: number, hangUpAfterMs?: number, fromUser?: string): (extension: string, rtpPort: number) => string {
  const keepTag =
    '<action><ereg regexp=";tag=([^;> ]+)" search_in="hdr" header="From:" assign_to="all,kefuTag"/><ereg regexp="sip:[^>;]+" search_in="hdr" header="Contact:" assign_to="kefuContact"/></action>';
  return (extension, rtpPort) => `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} answers">
  <recv request="INVITE">${hangUpAfterMs === undefined ? '' : keepTag}${fromUser === undefined ? '' : checkFrom(fromUser)}</recv>${fromUser === undefined ? '' : '\n  <Reference variables="from"/>'}
${ringMs <= 0 ? '' : `${ringing(extension)}  <pause milliseconds="${ringMs}"/>
`}${answer(extension, rtpPort)}  <recv request="ACK"/>
${hangUpAfterMs === undefined ? byeFromKefu : `${byeToKefu(extension, hangUpAfterMs)}  <Reference variables="all"/>
`}</scenario>
`;
}

/** The INVITE's From names `user`, or the call fails. */
const checkFrom = (user: string) =>
  `<action><ereg regexp="sip:${user.replace('+', '\\+')}@" search_in="hdr" header="From:" check_it="true" assign_to="from"/></action>`;

/** An agent's phone that answers each call at once; see answeringAfter for `fromUser`. */
export const answering = (extension: string, rtpPort: number, fromUser?: string): string => answeringAfter(0, undefined, fromUser)(extension, rtpPort);

/** An agent's phone that rings and is never picked up: Kefu must CANCEL it (RFC 3261 §9.2). */
export function ringingOnly(extension: string, _rtpPort: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} lets it ring">
  <recv request="INVITE">
    <action><ereg regexp="([0-9]+) INVITE" search_in="hdr" header="CSeq:" assign_to="all,cseq"/></action>
  </recv>
  <Reference variables="all"/>
${ringing(extension)}  <recv request="CANCEL" timeout="60000"/>
${phoneReply('200 OK')}  <send>
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
 * An agent's phone dials `target` through Kefu as a desk phone does: challenged with 407, it
 * sends the INVITE again with Proxy-Authorization (-au/-ap), talks, and waits for Kefu's BYE.
 * With `dialogFile`, it writes its dialog there once the call is up, as an attended transfer's
 * Replaces names it (RFC 3891 §6.1, seen from Kefu: `to-tag` Kefu's, `from-tag` the phone's).
 */
export function calling(extension: string, target: string, rtpPort: number, dialogFile?: string): string {
  const invite = (cseq: number, auth: string) => `
      INVITE sip:${target}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:${extension}@[remote_ip]>;tag=[pid]SIPpTag[call_number]
      To: <sip:${target}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:${extension}@[local_ip]:[local_port]>${auth}
      Max-Forwards: 70
${sippSdp({ owner: 'phone', port: rtpPort })}`;
  // §17.1.1.3: the ACK of the 407 is part of its INVITE's transaction (same branch); §13.2.2.4: the 2xx's is not.
  const ack = (uri: string, branch: string, cseq: number) => `  <send>
    <![CDATA[
      ACK ${uri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch};rport
      From: <sip:${extension}@[remote_ip]>;tag=[pid]SIPpTag[call_number]
      To: <sip:${target}@[remote_ip]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq} ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="phone ${extension} calls ${target}">
  <send retrans="500"><![CDATA[${invite(1, '')}]]></send>
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
${ack(`sip:${target}@[remote_ip]:[remote_port]`, '[branch-3]', 1)}
  <send retrans="500"><![CDATA[${invite(2, '\n      [authentication]')}]]></send>
  <recv response="100" optional="true"/>
  <recv response="200" rrs="true">
    <action><ereg regexp=";tag=([^;]+)" search_in="hdr" header="To:" assign_to="to,kefuTag"/></action>
  </recv>
  <Reference variables="to,kefuTag"/>
${ack('[next_url]', '[branch]', 2)}${dialogFile === undefined ? '' : `
  <nop><action><exec command="printf '%s' '[call_id];to-tag=[$kefuTag];from-tag=[pid]SIPpTag[call_number]' > ${dialogFile}"/></action></nop>`}
  <recv request="BYE" timeout="90000"/>
${okToLast}
</scenario>
`;
}

/**
 * An agent's phone that answers a call and writes its Call-ID to `callFile`; when told in an INFO
 * (header `X-Replaces`: the consult call's dialog, escaped for a URI) it transfers its caller to
 * whom it consulted there (REFER with Replaces, RFC 3891, RFC 5589 §7): 202, the NOTIFYs saying
 * 100 and then 200 (RFC 3515 §2.4.4), then Kefu's BYE. A real phone knows its consult call
 * itself; this one is told, as SIPp runs each call in a process of its own. Its messages go to
 * `kefu` (host:port) whoever sent the INFO.
 */
export function transferringAttended(extension: string, rtpPort: number, target: string, callFile: string, kefu: { host: string; port: number }): string {
  const told = `  <nop><action><exec command="printf '%s' '[call_id]' > ${callFile}"/></action></nop>
  <recv request="INFO" timeout="60000">
    <action>
      <ereg regexp="[^[:space:]]+" search_in="hdr" header="X-Replaces:" check_it="true" assign_to="replaces"/>
      <setdest host="${kefu.host}" port="${kefu.port}" protocol="udp"/>
    </action>
  </recv>
${okToLast}`;
  return transferring(extension, rtpPort, told, `sip:${target}@[local_ip]?Replaces=[$replaces]`);
}

/** An agent's phone that answers a call and after `afterMs` transfers its caller blind to `target` (REFER, RFC 3515 §2.4.2). */
export function transferringBlind(target: string, afterMs: number): (extension: string, rtpPort: number) => string {
  return (extension, rtpPort) => transferring(extension, rtpPort, `  <pause milliseconds="${afterMs}"/>`, `sip:${target}@[local_ip]`);
}

/** A phone that answers, takes the steps `until` after the ACK, then REFERs its caller to `referTo`. */
function transferring(extension: string, rtpPort: number, until: string, referTo: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="agent ${extension} transfers">
  <recv request="INVITE">
    <action>
      <ereg regexp="&lt;(sip:[^&gt;]*)&gt;" search_in="hdr" header="Contact:" assign_to="contact,kefu"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="kefuSide"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="phoneSide"/>
    </action>
  </recv>
  <Reference variables="contact"/>
${answer(extension, rtpPort)}  <recv request="ACK"/>
${until}
  <send retrans="500">
    <![CDATA[
      REFER [$kefu] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: [$phoneSide];tag=[pid]SIPpTag01[call_number]
      To: [$kefuSide]
      Call-ID: [call_id]
      CSeq: 1 REFER
      Contact: <sip:${extension}@[local_ip]:[local_port]>
      Refer-To: <${referTo}>
      Referred-By: <sip:${extension}@[local_ip]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="202"/>
  <recv request="NOTIFY"/>
${okToLast}
  <recv request="NOTIFY">
    <action><ereg regexp="SIP/2.0 200" search_in="body" check_it="true" assign_to="done"/></action>
  </recv>
  <Reference variables="done"/>
${okToLast}
  <recv request="BYE" timeout="30000"/>
${okToLast}
</scenario>
`;
}

/** A phone that refuses the call it gets with `status` (486 Busy Here by default), as a busy line does. */
export function refusing(extension: string, status = 486, reason = 'Busy Here'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="phone ${extension} refuses with ${status}">
  <recv request="INVITE"/>
${phoneReply(`${status} ${reason}`)}  <recv request="ACK"/>
</scenario>
`;
}
