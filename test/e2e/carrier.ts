/**
 * SIPp as a carrier behind a trunk: it checks the INVITE's Request-URI, From and
 * P-Asserted-Identity, and challenges it: with 401 (RFC 3261 §22.2), when it checks the
 * credentials of the INVITE that comes again with SIPp's own `verifyauth` (which reads only
 * Authorization) and then answers with media at a test RTP peer's port and waits for Kefu's BYE;
 * or with 407 (§22.3), when it checks that Proxy-Authorization names the account and challenges
 * again, as a carrier answers a wrong password.
 */
import { sippSdp } from './sipp-sdp.js';

export interface CarrierOptions {
  /** Patterns the INVITE's Request-URI, From and P-Asserted-Identity must match. */
  uri: string;
  from: string;
  pai: string;
  username: string;
  /** The password SIPp checks the answer to its 401 with. */
  password: string;
  /** True: a 401, right credentials expected, the call answered; false: 407, and the second INVITE gets 407 too. */
  accepts: boolean;
  /** Where the carrier's audio is (a test RTP peer). */
  rtpPort: number;
}

const response = (status: string, extra = '', toTag = ';tag=[pid]carrier[call_number]') => `
  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:]${toTag}
      [last_Call-ID:]
      [last_CSeq:]${extra}
      Content-Length: 0

    ]]>
  </send>`;

const digest = 'Digest realm="carrier.test", nonce="[pid]n[call_number]", algorithm=MD5, qop="auth"';
const unauthorized = response('401 Unauthorized', `\n      WWW-Authenticate: ${digest}`);
const proxyChallenge = response('407 Proxy Authentication Required', `\n      Proxy-Authenticate: ${digest}`);

/** The 200 OK to the INVITE, with the audio `sdp` describes; resent until the ACK (RFC 3261 §13.3.1.4). */
function answer(contact: string, sdp: Parameters<typeof sippSdp>[0]): string {
  return `  <send retrans="500">
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]carrier[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:${contact}@[local_ip]:[local_port]>
${sippSdp(sdp)}
    ]]>
  </send>
`;
}

export function carrierScenario(options: CarrierOptions): string {
  const check = (name: string, header: string, pattern: string) =>
    `<ereg regexp="${pattern}" search_in="hdr" header="${header}:" check_it="true" assign_to="${name}"/>`;
  // Right credentials go to label 1 (answer); wrong ones fail the call.
  const branch = options.accepts
    ? `  <nop hide="true" test="authok" next="1"/>
${response('403 Forbidden')}
  <recv request="ACK"/>
  <recv request="NEVER" timeout="500"/>
  <label id="1"/>
${answer('carrier', { owner: 'carrier', port: options.rtpPort })}  <recv request="ACK"/>
  <recv request="BYE" timeout="60000"/>
${response('200 OK', '', '')}`
    : `${proxyChallenge}
  <recv request="ACK"/>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="a carrier that authenticates Kefu">
  <recv request="INVITE">
    <action>
      <ereg regexp="${options.uri}" search_in="msg" check_it="true" assign_to="ruri"/>
      ${check('from', 'From', options.from)}
      ${check('pai', 'P-Asserted-Identity', options.pai)}
    </action>
  </recv>
${options.accepts ? unauthorized : proxyChallenge}
  <recv request="ACK"/>
  <recv request="INVITE">
    <action>
      ${check('answered', options.accepts ? 'Authorization' : 'Proxy-Authorization', `Digest .*username=\\"${options.username}\\"`)}
      ${options.accepts ? `<verifyauth assign_to="authok" username="${options.username}" password="${options.password}"/>` : ''}
    </action>
  </recv>
${branch}
  <Reference variables="ruri,from,pai,answered"/>
</scenario>
`;
}

/** A carrier whose subscriber is busy: the INVITE gets 486 Busy Here (RFC 3261 §21.4.24); run it with `-m` calls. */
export function busyCarrierScenario(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="a busy subscriber behind the carrier">
  <recv request="INVITE"/>
${response('486 Busy Here')}
  <recv request="ACK"/>
</scenario>
`;
}

export interface MobileOptions {
  /** A pattern the INVITE's From must match: the caller ID the agent's mobile shows. */
  from: string;
  /** Keys the agent presses (RFC 4733 from SIPp's play_dtmf, PT 96) `afterMs` after answering; none: silence, as a voicemail. */
  press?: { afterMs: number; keys: string };
  /** Where the mobile's audio is (a test RTP peer); SIPp's own media port when left out. */
  rtpPort?: number;
}

/**
 * A remote agent's mobile behind the carrier: the INVITE (no challenge) rings, is answered with
 * audio at `rtpPort` (play_dtmf sends from SIPp's media port all the same), maybe presses keys, and waits for
 * Kefu's BYE, whoever else hangs up first.
 */
export function mobileScenario(options: MobileOptions): string {
  const press = options.press === undefined ? '' : `  <pause milliseconds="${options.press.afterMs}"/>\n  <nop><action><exec play_dtmf="${options.press.keys}"/></action></nop>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<scenario name="a remote agent's mobile">
  <recv request="INVITE">
    <action>${`<ereg regexp="${options.from}" search_in="hdr" header="From:" check_it="true" assign_to="from"/>`}</action>
  </recv>
${response('180 Ringing')}
${answer('mobile', { owner: 'mobile', port: options.rtpPort ?? '[media_port]', telephoneEvent: 96 })}  <recv request="ACK"/>
${press}  <recv request="BYE" timeout="60000"/>
${response('200 OK', '', '')}
  <Reference variables="from"/>
</scenario>
`;
}
