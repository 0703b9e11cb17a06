/** One phone rung for a call, and how ringing a target ended. */
import type { LocalMedia } from '../sdp/index.js';
import type { Dialog, OutgoingInvite } from '../sip/index.js';
import type { CallLeg } from './call.js';
import type { HangupCause } from './hangup-cause.js';

/** An INVITE sent to one phone, its media session, and the leg it is in the call. */
export interface Attempt {
  invite: OutgoingInvite;
  session: string;
  local: LocalMedia;
  leg: CallLeg;
}

/** The phone that answered, with its dialog. */
export interface Answered {
  dialog: Dialog;
  attempt: Attempt;
}

/** How ringing ended without an answer: the cause of the most telling failure. */
export interface NotAnswered {
  cause: HangupCause;
}
