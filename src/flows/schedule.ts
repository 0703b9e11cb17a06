/**
 * Time-of-day and holiday routing (FEATURES B9): whether a `schedule` node finds the service open,
 * closed, or closed for a holiday at a given instant. Pure: the caller passes the instant, the
 * tenant's zone and calendar, and the night switch.
 */
import { ValidationError } from '../errors.js';
import type { CalendarDayKind, ScheduleMode } from '../store/index.js';
import type { NodeOf } from './document.js';

export type ScheduleState = 'open' | 'closed' | 'holiday';

export interface ScheduleContext {
  now: Date;
  /** IANA zone of the tenant; a node without its own zone uses it. */
  tenantTimeZone: string;
  /**
   * The tenant's calendar by local date (`2026-10-01`): a public holiday is closed even on a
   * weekday, a make-up working day (调休) open even on a weekend.
   */
  calendar: ReadonlyMap<string, CalendarDayKind>;
  /** The night switch: `day` and `night` force the schedule, `auto` (the default) follows the clock. */
  mode?: ScheduleMode;
}

/** A moment as a wall clock in some zone shows it. */
export interface LocalTime {
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM`, 00:00 to 23:59. */
  time: string;
  /** ISO 8601 weekday: 1 is Monday, 7 is Sunday. */
  weekday: number;
}

/** What the wall clock in `timeZone` shows at `now`; throws ValidationError for an unknown zone. */
export function localTime(now: Date, timeZone: string): LocalTime {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    throw new ValidationError(`"${timeZone}" is not a time zone`, [{ path: 'timeZone', message: 'an IANA time zone' }]);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of format.formatToParts(now)) part[type] = value;
  const [year, month, day] = [Number(part.year), Number(part.month), Number(part.day)];
  const sunday0 = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}`, weekday: sunday0 === 0 ? 7 : sunday0 };
}

/**
 * Where the schedule stands at `context.now`. The night switch wins: `day` is open and `night`
 * closed whatever the clock says. Otherwise, with `useHolidays`, a holiday of the calendar is
 * `holiday` all day, and a make-up working day keeps the hours of the first working weekday
 * (Monday to Friday) that has any; a weekday keeps its own hours if it has some. Then the
 * service is open when a rule lists the weekday and `from` ≤ time < `to` (a rule over midnight
 * is two rules: the document requires `from` before `to`).
 */
export function scheduleState(node: NodeOf<'schedule'>, context: ScheduleContext): ScheduleState {
  switch (context.mode ?? 'auto') {
    case 'day':
      return 'open';
    case 'night':
      return 'closed';
    case 'auto':
      break;
  }
  const local = localTime(context.now, node.timeZone ?? context.tenantTimeZone);
  const kind = node.useHolidays ? context.calendar.get(local.date) : undefined;
  if (kind === 'holiday') return 'holiday';
  const weekday = kind === 'workday' ? workingWeekday(node, local.weekday) : local.weekday;
  const open = node.open.some((rule) => rule.days.includes(weekday) && rule.from <= local.time && local.time < rule.to);
  return open ? 'open' : 'closed';
}

/** Whose hours a make-up working day keeps: its own on a weekday that has some, else the first working weekday's. */
function workingWeekday(node: NodeOf<'schedule'>, weekday: number): number {
  const hasHours = (day: number) => node.open.some((rule) => rule.days.includes(day));
  if (weekday <= 5 && hasHours(weekday)) return weekday;
  return [1, 2, 3, 4, 5].find(hasHours) ?? weekday;
}

/** The node a schedule leads to: a holiday takes the `holiday` exit when there is one, else `closed`. */
export function scheduleExit(node: NodeOf<'schedule'>, state: ScheduleState): string {
  if (state === 'holiday') return node.exits.holiday ?? node.exits.closed;
  return node.exits[state];
}
