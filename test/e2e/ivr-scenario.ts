/**
 * SIPp scenarios for IVR calls, written from a list of steps: the call offers media at a test
 * RTP peer's port (which hears Kefu and speaks for the caller), keys go as RFC 4733 from SIPp's
 * play_dtmf (PT 96), and the call ends by Kefu's BYE or the caller's.
 */

export interface IvrStep {
  pauseMs: number;
  /** Keys pressed after the pause. */
  keys?: string;
}

export interface IvrScenario {
  caller: string;
  steps: IvrStep[];
  /** `kefu` waits (up to a minute) for Kefu to hang up; a number is when the caller hangs up. */
  end: 'kefu' | { byeAfterMs: number };
}

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
    .map((step) => `  <pause milliseconds="${step.pauseMs}"/>\n${step.keys === undefined ? '' : `  <nop><action><exec play_dtmf="${step.keys}"/></action></nop>\n`}`)
    .join('');
  const end =
    scenario.end === 'kefu'
      ? `  <recv request="BYE" timeout="60000"/>
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
  </send>`
      : `  <pause milliseconds="${scenario.end.byeAfterMs}"/>
  <send retrans="500">
    <![CDATA[${head('BYE', 2).replace('TO_TAG', '[peer_tag_param]')}
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="ivr call">
  <send retrans="500">
    <![CDATA[${head('INVITE', 1).replace('TO_TAG', '')}
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 1 1 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio [field1] RTP/AVP 0 96
      a=rtpmap:0 PCMU/8000
      a=rtpmap:96 telephone-event/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200"/>
  <send>
    <![CDATA[${head('ACK', 1).replace('TO_TAG', '[peer_tag_param]')}
      Content-Length: 0

    ]]>
  </send>
${steps}${end}
</scenario>
`;
}
