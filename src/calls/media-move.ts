/**
 * Moving an answered party's media to the worker of another session, so that the two can be
 * bridged (a phone's attended transfer joins calls that began on different workers): a new
 * session there, offered to the party in a re-INVITE — a new port in a new offer of the same SDP
 * session, its version one higher (RFC 3264 §8) — and the old session closed once it answered.
 */
import { KefuError } from '../errors.js';
import type { MediaEngine } from '../media/index.js';
import { createOffer, readAnswer, type LocalMedia } from '../sdp/index.js';
import type { Answered } from './attempt.js';
import { remoteOf } from './remote-endpoint.js';

/** The party did not take the new offer: its media stays where it was. */
export class MediaMoveError extends KefuError {
  readonly code = 'ERR_MEDIA_MOVE';
}

export async function moveNear(engine: MediaEngine, party: Answered, near: string): Promise<void> {
  if (engine.together(party.attempt.session, near)) return;
  const created = await engine.createSession({ near });
  const local: LocalMedia = { ...party.attempt.local, port: created.port, sessionVersion: party.attempt.local.sessionVersion + 1 };
  try {
    const response = await party.dialog.reinvite({ headers: [['Content-Type', 'application/sdp']], body: Buffer.from(createOffer(local)) });
    if (response.status >= 300) throw new MediaMoveError(`the party refused the moved media with ${response.status}`);
    const answer = readAnswer(response.body.toString('utf8'), local);
    if (!answer.ok) throw new MediaMoveError(`the party's answer to the moved media is unusable: ${answer.reason}`);
    await engine.setRemote(created.id, remoteOf(answer.audio));
  } catch (error) {
    await engine.destroy(created.id).catch(() => null);
    throw error;
  }
  const old = party.attempt.session;
  party.attempt.session = created.id;
  party.attempt.local = local;
  await engine.destroy(old).catch(() => null);
}
