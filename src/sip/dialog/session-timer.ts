/**
 * Session timers (RFC 4028): Session-Expires and Min-SE negotiated on INVITE, re-INVITE and
 * UPDATE; the refresher sends a refresh at half the interval (§10), and either side ends a
 * session nobody refreshed with a BYE shortly before it expires (§10: the smaller of 32 s and a
 * third of the interval). Which side refreshes is relative to the last refreshing transaction:
 * `uac` is whoever sent it.
 */
import type { SipMessage, SipRequest } from '../message/message.js';
import { TimerSet } from '../transaction/timers.js';

export interface SessionTimerSettings {
  /** The interval we ask for as a caller (seconds); 0 asks for none. RFC 4028 §4 recommends 1800. */
  expires: number;
  /** The shortest interval we accept (seconds); RFC 4028 §4: at least 90. */
  minSe: number;
}

export const defaultSessionTimerSettings: SessionTimerSettings = { expires: 1800, minSe: 90 };

export type Refresher = 'uac' | 'uas';

export interface SessionExpires {
  interval: number;
  refresher?: Refresher;
}

/** RFC 4028 §4: `Session-Expires: delta-seconds *(;refresher=uac|uas / generic-param)`, compact `x`. */
export function parseSessionExpires(message: SipMessage): SessionExpires | undefined {
  const value = message.headers.get('session-expires');
  if (value === undefined) return undefined;
  const [delta = '', ...params] = value.split(';').map((part) => part.trim());
  if (!/^\d{1,10}$/.test(delta)) return undefined;
  const refresher = params.map((p) => p.toLowerCase()).find((p) => p.startsWith('refresher='))?.slice('refresher='.length);
  return { interval: Number(delta), ...(refresher === 'uac' || refresher === 'uas' ? { refresher } : {}) };
}

export function parseMinSe(message: SipMessage): number | undefined {
  const value = message.headers.get('min-se')?.split(';')[0]?.trim();
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

const supports = (message: SipMessage, option: string): boolean =>
  [...message.headers.list('supported'), ...message.headers.list('require')].some((o) => o.toLowerCase() === option);

export type UasDecision =
  | { kind: 'none' }
  /** §8.1: the interval asked for is below our Min-SE: 422 with our Min-SE. */
  | { kind: 'too-small'; minSe: number }
  | { kind: 'run'; interval: number; refresher: Refresher; headers: [string, string][] };

/** RFC 4028 §8–9: what a UAS does with the Session-Expires of an INVITE or UPDATE it received. */
export function negotiateAsUas(request: SipRequest, settings: SessionTimerSettings): UasDecision {
  const asked = parseSessionExpires(request);
  if (asked === undefined) return { kind: 'none' };
  if (asked.interval < settings.minSe) return { kind: 'too-small', minSe: settings.minSe };
  const timer = supports(request, 'timer');
  // §9: with no refresher chosen, a UAC that supports timers refreshes, else the UAS does.
  const refresher = asked.refresher ?? (timer ? 'uac' : 'uas');
  const headers: [string, string][] = [['Session-Expires', `${asked.interval};refresher=${refresher}`]];
  // §9: Require: timer only when the UAC supports it.
  if (timer) headers.push(['Require', 'timer']);
  return { kind: 'run', interval: asked.interval, refresher, headers };
}

/** RFC 4028 §7.1: what a UAC puts in an INVITE or UPDATE that refreshes. */
export function uacHeaders(interval: number, minSe: number): [string, string][] {
  return [
    ['Session-Expires', `${interval};refresher=uac`],
    ['Min-SE', String(minSe)],
    ['Supported', 'timer'],
  ];
}

/**
 * RFC 4028 §7.2: the interval and refresher a 2xx settles; a 2xx without Session-Expires runs
 * none. An interval below our Min-SE (which a UAS must not send) is raised to it, so that a peer
 * cannot make the refresh timer spin.
 */
export function negotiatedByResponse(response: SipMessage, minSe: number): { interval: number; refresher: Refresher } | undefined {
  const settled = parseSessionExpires(response);
  if (settled === undefined) return undefined;
  return { interval: Math.max(settled.interval, minSe), refresher: settled.refresher ?? 'uac' };
}

/** One dialog's session timer on the dialog's TimerSet. */
export class SessionTimer {
  interval = 0;

  constructor(
    private readonly timers: TimerSet,
    private readonly refresh: () => void,
    private readonly expire: () => void,
  ) {}

  /** (Re)starts after a successful refresh; `weRefresh` when this side is the refresher. */
  start(interval: number, weRefresh: boolean): void {
    this.interval = interval;
    this.timers.stop('session-refresh');
    // §10: the refresher sends the refresh at half the interval.
    if (weRefresh) this.timers.start('session-refresh', (interval * 1000) / 2, this.refresh);
    // §10: without a refresh, a BYE at the smaller of 32 s and interval/3 before expiry.
    this.timers.start('session-expiry', (interval - Math.min(32, interval / 3)) * 1000, this.expire);
  }
}
