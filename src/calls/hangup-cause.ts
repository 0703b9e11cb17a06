/**
 * Why a call leg ended, in the terms carriers and billing use: ITU-T Q.850 cause values, mapped
 * both ways to SIP. A final response Kefu receives becomes a cause (RFC 3398 §8.2.6.1, the SIP
 * status to ISUP cause table); a cause Kefu decides becomes the status it answers with (RFC 3398
 * §7.2.4.1, ISUP cause to SIP status). BYE and CANCEL carry the cause in a Reason header
 * (RFC 3326 §2), and a peer's Reason is read back the same way.
 */

/** Q.850 cause values by the names CDRs show. */
export const hangupCauses = {
  unallocated_number: 1,
  no_route_destination: 3,
  /** A call taken down on purpose to free its parties (a supervisor's force release). */
  preemption: 8,
  normal_clearing: 16,
  user_busy: 17,
  no_user_response: 18,
  no_answer: 19,
  call_rejected: 21,
  number_changed: 22,
  destination_out_of_order: 27,
  invalid_number_format: 28,
  facility_rejected: 29,
  normal_unspecified: 31,
  normal_circuit_congestion: 34,
  network_out_of_order: 38,
  temporary_failure: 41,
  switch_congestion: 42,
  service_unavailable: 63,
  bearer_capability_not_implemented: 65,
  service_not_implemented: 79,
  incompatible_destination: 88,
  recovery_on_timer_expire: 102,
  protocol_error: 111,
  interworking: 127,
} as const;

export type HangupCause = keyof typeof hangupCauses;

/** Who ended a leg: its own party, the other side of the call, Kefu, or the network (no RTP, timers). */
export type HangupSide = 'caller' | 'callee' | 'kefu' | 'network';

/** RFC 3398 §8.2.6.1: SIP final responses as causes (487, the answer to our CANCEL, clears normally). */
const statusCauses: Record<number, HangupCause> = {
  400: 'temporary_failure',
  401: 'call_rejected',
  402: 'call_rejected',
  403: 'call_rejected',
  404: 'unallocated_number',
  405: 'service_unavailable',
  406: 'service_not_implemented',
  407: 'call_rejected',
  408: 'recovery_on_timer_expire',
  410: 'number_changed',
  415: 'service_not_implemented',
  480: 'no_user_response',
  481: 'temporary_failure',
  482: 'switch_congestion',
  483: 'switch_congestion',
  484: 'invalid_number_format',
  485: 'unallocated_number',
  486: 'user_busy',
  487: 'normal_clearing',
  488: 'incompatible_destination',
  500: 'temporary_failure',
  501: 'service_not_implemented',
  502: 'network_out_of_order',
  503: 'temporary_failure',
  504: 'recovery_on_timer_expire',
  600: 'user_busy',
  603: 'call_rejected',
  604: 'unallocated_number',
  606: 'incompatible_destination',
};

/** A SIP final response received on a leg Kefu placed, as a cause; anything unlisted is interworking. */
export function causeOfStatus(status: number): HangupCause {
  if (status >= 200 && status < 300) return 'normal_clearing';
  return statusCauses[status] ?? 'interworking';
}

/** RFC 3398 §7.2.4.1: the status Kefu answers an INVITE with when it refuses it for a cause. */
const causeStatuses: Record<HangupCause, number> = {
  unallocated_number: 404,
  no_route_destination: 404,
  preemption: 500,
  normal_clearing: 500,
  user_busy: 486,
  no_user_response: 408,
  no_answer: 480,
  call_rejected: 403,
  number_changed: 410,
  destination_out_of_order: 502,
  invalid_number_format: 484,
  facility_rejected: 501,
  normal_unspecified: 480,
  normal_circuit_congestion: 503,
  network_out_of_order: 503,
  temporary_failure: 503,
  switch_congestion: 503,
  service_unavailable: 503,
  bearer_capability_not_implemented: 488,
  service_not_implemented: 501,
  incompatible_destination: 488,
  recovery_on_timer_expire: 504,
  protocol_error: 500,
  interworking: 500,
};

export function statusOfCause(cause: HangupCause): number {
  return causeStatuses[cause];
}

/** RFC 3326 §2: `Reason: Q.850;cause=16;text="normal_clearing"`. */
export function reasonHeader(cause: HangupCause): [string, string] {
  return ['Reason', `Q.850;cause=${hangupCauses[cause]};text="${cause}"`];
}

const byValue = new Map<number, HangupCause>(Object.entries(hangupCauses).map(([name, value]) => [value, name as HangupCause]));

/**
 * The Q.850 cause of a Reason header value (RFC 3326 §2; several reasons may be listed, one per
 * protocol); undefined when there is none or its value is not one Kefu names.
 */
export function causeOfReason(value: string | undefined): HangupCause | undefined {
  if (value === undefined) return undefined;
  for (const reason of value.split(',')) {
    const match = /^\s*Q\.850\s*;(?:.*;)?\s*cause\s*=\s*(\d{1,3})\b/i.exec(reason);
    if (match !== null) return byValue.get(Number(match[1]));
  }
  return undefined;
}
