/**
 * The media side of answering an INVITE: a session and the SDP for our 2xx or 183, and
 * announcements played as early media before a refusal.
 */
import { randomInt } from 'node:crypto';
import type { MediaEngine, MediaSessionInfo, PlayItem } from '../media/index.js';
import { answerOffer, createOffer, offersWebRtc, type LocalMedia } from '../sdp/index.js';
import type { SipRequest } from '../sip/index.js';
import { remoteOf } from './remote-endpoint.js';

export type AnsweredMedia = { session: string; local: LocalMedia; sdp: string; offeredIn2xx: boolean };

/**
 * A media session for an INVITE and the SDP for our 2xx (or 183): the answer to its offer, or,
 * RFC 3264 §5, an offer of our own when it came without one (the ACK then answers).
 * Undefined when the body is not SDP; `status` 0 means `cancelled()` turned true meanwhile
 * (the 487 is the SIP layer's).
 */
export async function answerMedia(
  engine: MediaEngine,
  mediaAddress: string,
  request: SipRequest,
  group: string,
  cancelled: () => boolean,
): Promise<AnsweredMedia | { status: number; reason: string } | undefined> {
  const hasOffer = request.body.length > 0;
  if (hasOffer && !/^application\/sdp/i.test(request.headers.get('content-type') ?? '')) return undefined;
  // A browser's offer (DTLS-SRTP) gets a WebRTC port and is answered in kind.
  const webrtc = hasOffer && offersWebRtc(request.body.toString('utf8'));
  const session = await engine.createSession({ group, webrtc });
  const local = localMedia(mediaAddress, session);
  const drop = async () => void (await engine.destroy(session.id).catch(() => null));
  if (cancelled()) {
    await drop();
    return { status: 0, reason: 'cancelled' };
  }
  if (!hasOffer) return { session: session.id, local, sdp: createOffer(local), offeredIn2xx: true };
  const answer = answerOffer(request.body.toString('utf8'), local);
  if (!answer.ok) {
    await drop();
    return { status: answer.status, reason: answer.reason };
  }
  await engine.setRemote(session.id, remoteOf(answer.audio));
  return { session: session.id, local, sdp: answer.sdp, offeredIn2xx: false };
}

/**
 * What Kefu offers or accepts from a session: G.711 (PCMU first, so that a browser that offers
 * Opus too is answered without transcoding) and telephone-events; for a WebRTC session, its ICE
 * credentials, DTLS fingerprint and SSRC as well.
 */
export function localMedia(mediaAddress: string, session: MediaSessionInfo): LocalMedia {
  return {
    address: mediaAddress,
    port: session.port,
    codecs: ['PCMU', 'PCMA'],
    telephoneEvent: true,
    sessionId: randomInt(1, 2 ** 31),
    sessionVersion: 1,
    ...(session.webrtc === undefined ? {} : { webrtc: session.webrtc }),
  };
}

/** Announcements playing as early media (RFC 3960), by call key, so that a CANCEL can stop them. */
export class EarlyAnnouncements {
  readonly #stops = new Map<string, () => void>();

  constructor(private readonly engine: MediaEngine) {}

  /** Plays `items` on `session` to the end, or until `stop(key)`; the session is destroyed after. */
  async play(key: string, session: string, items: PlayItem[]): Promise<void> {
    const played = new Promise<void>((resolve) => {
      const off = this.engine.on('played', (event) => {
        if (event.session !== session) return;
        off();
        resolve();
      });
      this.#stops.set(key, () => {
        off();
        resolve();
      });
    });
    await this.engine.play(session, items, { interruptible: false });
    await played;
    this.#stops.delete(key);
    await this.engine.destroy(session).catch(() => null);
  }

  /** Stops the announcement of `key`; false when none is playing. */
  stop(key: string): boolean {
    const stop = this.#stops.get(key);
    stop?.();
    return stop !== undefined;
  }
}
