/** Kefu's own new offer to a caller inside their dialog: hold and resume (RFC 3264 §8). */
import type { MediaEngine } from '../media/index.js';
import { createOffer, readAnswer, type LocalMedia } from '../sdp/index.js';
import type { Dialog } from '../sip/index.js';
import type { CallLeg } from './call.js';
import { remoteOf } from './remote-endpoint.js';

/** The caller's media as the call service keeps it; `local` is replaced by the new offer. */
export interface OfferedMedia {
  local: LocalMedia;
  session: string;
  callLeg: CallLeg;
}

/**
 * A re-INVITE offering our audio `sendonly` (hold, §8.4) or `sendrecv` (resume); the answer's
 * address takes effect at once. A refused offer leaves the session as it was (RFC 3261 §14.1),
 * the version spent; resolves whether it was accepted.
 */
export async function reoffer(engine: MediaEngine, media: OfferedMedia, dialog: Dialog, direction: 'sendonly' | 'sendrecv'): Promise<boolean> {
  const before = media.local.direction ?? 'sendrecv';
  media.local = { ...media.local, direction, sessionVersion: media.local.sessionVersion + 1 };
  const response = await dialog.reinvite({ headers: [['Content-Type', 'application/sdp']], body: Buffer.from(createOffer(media.local)) }).catch(() => undefined);
  const answer = response !== undefined && response.status < 300 ? readAnswer(response.body.toString('utf8'), media.local) : undefined;
  if (answer === undefined || !answer.ok) {
    media.local = { ...media.local, direction: before };
    return false;
  }
  media.callLeg.state.tryTo(direction === 'sendonly' ? 'held' : 'up');
  await engine.setRemote(media.session, remoteOf(answer.audio));
  return true;
}
