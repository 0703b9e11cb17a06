/** How a dialog of a call ended, and the key a call is known by before its dialog is. */
import type { DialogEndReason, SipRequest } from '../sip/index.js';
import { causeOfReason, type HangupCause, type HangupSide } from './hangup-cause.js';

/** Why a dialog ended, as a cause and the side that ended it. */
export function endOf(reason: DialogEndReason, bye: SipRequest | undefined): { cause: HangupCause; by: HangupSide } {
  switch (reason) {
    case 'bye':
      return { cause: causeOfReason(bye?.headers.get('reason')) ?? 'normal_clearing', by: 'caller' };
    case 'local-bye':
      return { cause: 'normal_clearing', by: 'kefu' };
    case 'no-ack':
    case 'session-expired':
      return { cause: 'recovery_on_timer_expire', by: 'network' };
    case 'gone':
      return { cause: 'temporary_failure', by: 'network' };
  }
}

export function callKey(callId: string | undefined, remoteTag: string | undefined): string {
  return `${callId ?? ''}\n${remoteTag ?? ''}`;
}
