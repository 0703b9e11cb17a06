/**
 * The agent's softphone in the page: JsSIP registers the agent's extension over SIP on WebSocket
 * (RFC 7118) to Kefu on the page's own origin. The login cookie on the WebSocket upgrade stands
 * for the extension, so the page holds no SIP password. Calls ring here (and on any desk phone of
 * the extension); media is WebRTC, terminated by Kefu's media workers.
 *
 * A reload mid-call keeps the call: Kefu holds the caller when this page's WebSocket goes away
 * and calls the page back once it registers again, asking it to answer by itself (RFC 5373
 * `Answer-Mode: Auto`). The page honours that only when it had a call in progress before the
 * reload (remembered in sessionStorage), so no other call is ever answered unasked. Until the call
 * comes back the page says it is waiting for it, and after Kefu's time for that, that it did not.
 */
import * as JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent } from 'jssip/lib/UA';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api.js';

export type Registration = 'connecting' | 'registered' | 'failed';
export type CallState = 'idle' | 'ringing' | 'calling' | 'talking';
/** A page reloaded mid-call: `waiting` to be called back, `failed` when no call came back in time. */
export type Recall = 'none' | 'waiting' | 'failed';

export interface PhoneAccount {
  extension: string;
  domain: string;
  webSocketPath: string;
}

export interface Softphone {
  account: PhoneAccount | undefined;
  registration: Registration;
  call: CallState;
  /** Who is calling or called: the caller's display name or number. */
  peer: string | undefined;
  /** The number (the SIP URI's user part) calling or called. */
  peerNumber: string | undefined;
  muted: boolean;
  recall: Recall;
  answer(): void;
  hangup(): void;
  dial(number: string): void;
  sendDigit(digit: string): void;
  setMuted(muted: boolean): void;
}

/**
 * An agent's headset: echo cancellation on; the browser's noise suppression and automatic gain
 * off, as they wear down steady sounds (a tone, hold music played back by the agent) and pump
 * the level the caller hears.
 */
const media = { mediaConstraints: { audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false }, video: false }, pcConfig: { iceServers: [] } };
/** Set while this tab has a call: a call back after a reload is answered only then. */
const inCallKey = 'kefu.softphone.inCall';
/** How long a page reloaded mid-call waits to be called back: Kefu tries for 30 s (REATTACH_MS, src/calls/call-service.ts). */
const RECALL_WAIT_MS = 35_000;

/** The page's softphone; `enabled` false (a user with no extension of their own) leaves it unregistered and asks nothing. */
export function useSoftphone(enabled = true): Softphone {
  const [account, setAccount] = useState<PhoneAccount>();
  const [registration, setRegistration] = useState<Registration>('connecting');
  const [call, setCall] = useState<CallState>('idle');
  const [peer, setPeer] = useState<string>();
  const [peerNumber, setPeerNumber] = useState<string>();
  const [muted, setMutedState] = useState(false);
  const [recall, setRecall] = useState<Recall>(() => (sessionStorage.getItem(inCallKey) === null ? 'none' : 'waiting'));
  const ua = useRef<JsSIP.UA>(undefined);
  const session = useRef<RTCSession>(undefined);
  // Not in the page's markup: a call called back after a reload may be answered before the desk has drawn.
  const sink = useRef<HTMLAudioElement>(undefined);

  useEffect(() => {
    if (enabled) api<PhoneAccount>('GET', '/agents/me/phone').then(setAccount, () => setRegistration('failed'));
  }, [enabled]);

  useEffect(() => {
    if (recall !== 'waiting') return;
    const timer = setTimeout(() => {
      sessionStorage.removeItem(inCallKey);
      setRecall('failed');
    }, RECALL_WAIT_MS);
    return () => clearTimeout(timer);
  }, [recall]);

  const follow = useCallback((started: RTCSession) => {
    session.current = started;
    setMutedState(false);
    const play = (connection: RTCPeerConnection) => {
      const attach = (track: MediaStreamTrack) => {
        sink.current ??= new Audio();
        sink.current.srcObject = new MediaStream([track]);
        void sink.current.play().catch(() => undefined);
      };
      const existing = connection.getReceivers().find((receiver) => receiver.track.kind === 'audio');
      if (existing !== undefined) attach(existing.track);
      connection.addEventListener('track', (event) => attach(event.track));
    };
    started.on('peerconnection', (event) => play(event.peerconnection as unknown as RTCPeerConnection));
    started.on('confirmed', () => {
      sessionStorage.setItem(inCallKey, '1');
      setCall('talking');
    });
    const ended = () => {
      if (session.current !== started) return;
      session.current = undefined;
      sessionStorage.removeItem(inCallKey);
      if (sink.current !== undefined) sink.current.srcObject = null;
      setCall('idle');
      setPeer(undefined);
      setPeerNumber(undefined);
    };
    started.on('ended', ended);
    started.on('failed', ended);
  }, []);

  useEffect(() => {
    if (account === undefined) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const agent = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(`${scheme}://${location.host}${account.webSocketPath}`)],
      uri: `sip:${account.extension}@${account.domain}`,
      register: true,
      register_expires: 300,
      session_timers: false,
      user_agent: 'Kefu desktop',
    });
    agent.on('registered', () => setRegistration('registered'));
    agent.on('unregistered', () => setRegistration('connecting'));
    agent.on('registrationFailed', () => setRegistration('failed'));
    agent.on('newRTCSession', ({ session: started, originator, request }: RTCSessionEvent) => {
      if (originator === 'local') {
        setRecall('none');
        follow(started);
        setCall('calling');
        return;
      }
      // One call at a time: another caller hears busy (RFC 3261 §21.4.7).
      if (session.current !== undefined) {
        started.terminate({ status_code: 486 });
        return;
      }
      follow(started);
      setPeer(started.remote_identity.display_name || started.remote_identity.uri.user);
      setPeerNumber(started.remote_identity.uri.user);
      const recalled = request.getHeader('Answer-Mode')?.toLowerCase() === 'auto' && sessionStorage.getItem(inCallKey) !== null;
      setRecall('none');
      if (recalled) started.answer(media);
      else setCall('ringing');
    });
    agent.start();
    ua.current = agent;
    return () => {
      ua.current = undefined;
      agent.stop();
    };
  }, [account, follow]);

  return {
    account,
    registration,
    call,
    peer,
    peerNumber,
    muted,
    recall,
    answer: () => {
      if (call === 'ringing') session.current?.answer(media);
    },
    hangup: () => session.current?.terminate(),
    dial: (number) => {
      if (ua.current === undefined || account === undefined || session.current !== undefined || number === '') return;
      setPeer(number);
      setPeerNumber(number);
      ua.current.call(`sip:${number}@${account.domain}`, media);
    },
    // RFC 4733 telephone-events in the media, as Kefu's IVRs take them.
    sendDigit: (digit) => session.current?.sendDTMF(digit, { transportType: JsSIP.C.DTMF_TRANSPORT.RFC2833, duration: 160, interToneGap: 120 }),
    setMuted: (next) => {
      if (session.current === undefined) return;
      if (next) session.current.mute({ audio: true });
      else session.current.unmute({ audio: true });
      setMutedState(next);
    },
  };
}
