/**
 * SIPp scenarios for IVR calls, written from a list of steps: the call offers media at a test
 * RTP peer's port (which hears Kefu and speaks for the caller), keys go as RFC 4733 from SIPp's
 * play_dtmf (PT 96), and the call ends by Kefu's BYE or the caller's.
 */
import { okToLast } from './sipp-replies.js';
import { sippSdp } from './sipp-sdp.js';

export interface IvrStep {
  pauseMs: number;
  /** Keys pressed after the pause. */
  keys?: string;
  /** Then waits (up to a minute) for Kefu's re-INVITE and answers it in this direction (RFC 3264 §8.4: hold, resume). */
  reinvite?: 'recvonly' | 'sendrecv';
}

export interface IvrScenario {
  caller: string;
  steps: IvrStep[];
  /** `kefu` waits (up to a minute, or `kefuByeWithinMs`) for Kefu to hang up; a number is when the caller hangs up. */
  end: 'kefu' | { byeAfterMs: number };
  /** How long `end: 'kefu'` waits for Kefu's BYE after the last step (a long conversation). */
  kefuByeWithinMs?: number;
  /** RFC 3264 §5: the INVITE carries no offer; the caller answers Kefu's 200 in its ACK. */
  lateOffer?: boolean;
  /** A Reason header value (RFC 3326) for the caller's BYE. */
  byeReason?: string;
  /** A pattern Kefu's BYE must carry in its Reason header (the call fails otherwise). */
  expectByeReason?: string;
}

/** The caller's audio: PCMU and telephone-event at the test RTP peer's port (field1). */
const callerSdp = sippSdp({ owner: 'caller', port: '[field1]', telephoneEvent: 96 });

const headers = (method: string, cseq: number, branch = '[branch]') => `
      ${method} sip:[field0]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch};rport
      From: <sip:CALLER@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[field0]@[remote_ip]:[remote_port]>TO_TAG
      Call-ID: [call_id]
      CSeq: ${cseq} ${method}
      Contact: <sip:CALLER@[local_ip]:[local_port]>
      Max-Forwards: 70`;

/** The scenario; its injection file gives `number;rtpPort` (field0, field1). */
export function ivrScenario(scenario: IvrScenario): string {
  const head = (method: string, cseq: number) => headers(method, cseq).replaceAll('CALLER', scenario.caller);
  const steps = scenario.steps
    .map(
      (step) =>
        `  <pause milliseconds="${step.pauseMs}"/>\n${step.keys === undefined ? '' : `  <nop><action><exec play_dtmf="${step.keys}"/></action></nop>\n`}` +
        (step.reinvite === undefined ? '' : reinviteAnswer(step.reinvite)),
    )
    .join('');
  const reasonCheck =
    scenario.expectByeReason === undefined
      ? ''
      : `<action><ereg regexp="${scenario.expectByeReason}" search_in="hdr" header="Reason:" check_it="true" assign_to="reason"/></action>`;
  const end =
    scenario.end === 'kefu'
      ? `  <recv request="BYE" timeout="${scenario.kefuByeWithinMs ?? 60_000}">${reasonCheck}</recv>
${okToLast}`
      : `  <pause milliseconds="${scenario.end.byeAfterMs}"/>
  <send retrans="500">
    <![CDATA[${head('BYE', 2).replace('TO_TAG', '[peer_tag_param]')}${scenario.byeReason === undefined ? '' : `\n      Reason: ${scenario.byeReason}`}
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="ivr call">
  <send retrans="500">
    <![CDATA[${head('INVITE', 1).replace('TO_TAG', '')}
${scenario.lateOffer === true ? '      Content-Length: 0\n' : callerSdp}
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200">${scenario.lateOffer === true ? '<action><ereg regexp="m=audio [0-9]+ RTP/AVP" search_in="body" check_it="true" assign_to="offer"/></action>' : ''}</recv>
  <send>
    <![CDATA[${head('ACK', 1).replace('TO_TAG', '[peer_tag_param]')}
${scenario.lateOffer === true ? callerSdp : '      Content-Length: 0\n'}
    ]]>
  </send>
${steps}${end}
${references(scenario)}</scenario>
`;
}

/** Kefu's re-INVITE answered with the caller's audio in `direction`, then its ACK. */
function reinviteAnswer(direction: 'recvonly' | 'sendrecv'): string {
  return `  <recv request="INVITE" timeout="60000"/>
  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:caller@[local_ip]:[local_port]>
      ${callerSdp.trimEnd()}
      a=${direction}

    ]]>
  </send>
  <recv request="ACK"/>
`;
}

/** SIPp refuses a scenario that assigns a variable nothing reads: the checks' variables are referenced here. */
function references(scenario: IvrScenario): string {
  const names = [...(scenario.lateOffer === true ? ['offer'] : []), ...(scenario.expectByeReason === undefined ? [] : ['reason'])];
  return names.length === 0 ? '' : `  <Reference variables="${names.join(',')}"/>\n`;
}
