import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import { flowNode, localTime, scheduleExit, scheduleState, type NodeOf, type ScheduleContext } from '../../src/flows/index.js';
import type { CalendarDayKind } from '../../src/store/index.js';

function schedule(fields: Record<string, unknown>): NodeOf<'schedule'> {
  const node = flowNode.parse({ type: 'schedule', exits: { open: 'greeting', closed: 'mailbox', holiday: 'festive' }, ...fields });
  assert.equal(node.type, 'schedule');
  return node as NodeOf<'schedule'>;
}

/** Office hours of a Chinese government hotline: weekdays 08:30–17:30, Saturday mornings. */
const office = schedule({
  open: [
    { days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' },
    { days: [6], from: '09:00', to: '12:00' },
  ],
});

/** The 2025 Spring Festival as the State Council set it: 8 days off, two make-up working days (调休). */
const springFestival2025 = new Map<string, CalendarDayKind>([
  ['2025-01-26', 'workday'],
  ...['28', '29', '30', '31'].map((d): [string, CalendarDayKind] => [`2025-01-${d}`, 'holiday']),
  ...['01', '02', '03', '04'].map((d): [string, CalendarDayKind] => [`2025-02-${d}`, 'holiday']),
  ['2025-02-08', 'workday'],
]);

const shanghai = (iso: string, calendar = springFestival2025): ScheduleContext => ({ now: new Date(iso), tenantTimeZone: 'Asia/Shanghai', calendar });

describe('[B9] schedules', () => {
  it('opens and closes on the minute in the tenant zone: `from` is open, `to` is closed', () => {
    // Monday 2025-01-06; Shanghai is UTC+8 all year.
    assert.equal(scheduleState(office, shanghai('2025-01-06T00:29:59Z')), 'closed', '08:29:59');
    assert.equal(scheduleState(office, shanghai('2025-01-06T00:30:00Z')), 'open', '08:30');
    assert.equal(scheduleState(office, shanghai('2025-01-06T09:29:59Z')), 'open', '17:29:59');
    assert.equal(scheduleState(office, shanghai('2025-01-06T09:30:00Z')), 'closed', '17:30');
  });

  it('takes the weekday and date of the local midnight, not of UTC', () => {
    const nightLine = schedule({ open: [{ days: [1], from: '00:00', to: '06:00' }] });
    // Sunday 16:30 UTC is Monday 00:30 in Shanghai.
    assert.deepEqual(localTime(new Date('2025-01-05T16:30:00Z'), 'Asia/Shanghai'), { date: '2025-01-06', time: '00:30', weekday: 1 });
    assert.equal(scheduleState(nightLine, shanghai('2025-01-05T16:30:00Z')), 'open');
    assert.equal(scheduleState(nightLine, shanghai('2025-01-05T15:59:00Z')), 'closed', 'Sunday 23:59 local');
    assert.equal(scheduleState(nightLine, { ...shanghai('2025-01-05T16:30:00Z'), tenantTimeZone: 'UTC' }), 'closed', 'in UTC it is still Sunday');
  });

  it('is on holiday from the local midnight a holiday begins', () => {
    const always = schedule({ open: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '23:59' }] });
    assert.equal(scheduleState(always, shanghai('2025-01-27T15:58:00Z')), 'open', 'Monday 27 January, 23:58');
    assert.equal(scheduleState(always, shanghai('2025-01-27T16:00:00Z')), 'holiday', 'Tuesday 28 January, 00:00: 除夕');
    assert.equal(scheduleState(office, shanghai('2025-01-30T02:00:00Z')), 'holiday', 'a Thursday, 10:00, closed for the festival');
    assert.equal(scheduleState(office, shanghai('2025-02-05T02:00:00Z')), 'open', 'back at work on Wednesday 5 February');
  });

  it('opens on a make-up working day (调休) with a working day’s hours, even on a weekend', () => {
    // Sunday 26 January 2025 is a working day: Monday's hours apply.
    assert.equal(scheduleState(office, shanghai('2025-01-26T02:00:00Z')), 'open', 'Sunday 10:00');
    assert.equal(scheduleState(office, shanghai('2025-01-26T09:30:00Z')), 'closed', 'Sunday 17:30');
    assert.equal(scheduleState(office, shanghai('2025-01-26T02:00:00Z', new Map())), 'closed', 'without the calendar Sunday is closed');
    // Saturday 8 February has Saturday hours (09:00–12:00) normally, a full day as a make-up day.
    assert.equal(scheduleState(office, shanghai('2025-02-08T06:00:00Z')), 'open', 'Saturday 14:00 as a working day');
    assert.equal(scheduleState(office, shanghai('2025-02-15T06:00:00Z')), 'closed', 'an ordinary Saturday at 14:00');
  });

  it('ignores the calendar when the node says so', () => {
    const plain = schedule({ open: office.open, useHolidays: false });
    assert.equal(scheduleState(plain, shanghai('2025-01-30T02:00:00Z')), 'open', 'the festival Thursday is a Thursday');
    assert.equal(scheduleState(plain, shanghai('2025-01-26T02:00:00Z')), 'closed', 'the make-up Sunday is a Sunday');
  });

  it('follows daylight saving time in America/New_York', () => {
    const ny = schedule({ timeZone: 'America/New_York', open: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] });
    const at = (iso: string) => scheduleState(ny, shanghai(iso, new Map()));
    // 13:30 UTC is 08:30 EST (UTC−5) but 09:30 EDT (UTC−4).
    assert.equal(at('2026-03-06T13:30:00Z'), 'closed', 'Friday before the change: 08:30 EST');
    assert.equal(at('2026-03-09T13:30:00Z'), 'open', 'Monday after it: 09:30 EDT');
    assert.equal(at('2026-10-30T13:30:00Z'), 'open', 'last Friday of EDT: 09:30');
    assert.equal(at('2026-11-02T13:30:00Z'), 'closed', 'first Monday of EST: 08:30');
  });

  it('reads the wall clock across the skipped and the repeated hour', () => {
    assert.equal(localTime(new Date('2026-03-08T06:59:00Z'), 'America/New_York').time, '01:59');
    assert.equal(localTime(new Date('2026-03-08T07:00:00Z'), 'America/New_York').time, '03:00', '02:00–02:59 never happens');
    const lateNight = schedule({ timeZone: 'America/New_York', open: [{ days: [7], from: '01:00', to: '02:00' }] });
    for (const iso of ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z']) {
      assert.equal(localTime(new Date(iso), 'America/New_York').time, '01:30');
      assert.equal(scheduleState(lateNight, shanghai(iso, new Map())), 'open', `${iso} is 01:30 on the night clocks go back`);
    }
  });

  it('uses its own zone before the tenant’s', () => {
    const london = schedule({ timeZone: 'Europe/London', open: [{ days: [1], from: '09:00', to: '10:00' }] });
    assert.equal(scheduleState(london, shanghai('2025-01-06T09:30:00Z', new Map())), 'open', '09:30 in London, 17:30 in Shanghai');
  });

  it('obeys the night switch whatever the clock and the calendar say', () => {
    assert.equal(scheduleState(office, { ...shanghai('2025-01-30T19:00:00Z'), mode: 'day' }), 'open', '3 a.m. on a holiday, forced day');
    assert.equal(scheduleState(office, { ...shanghai('2025-01-06T04:00:00Z'), mode: 'night' }), 'closed', 'Monday noon, forced night');
    assert.equal(scheduleState(office, { ...shanghai('2025-01-06T04:00:00Z'), mode: 'auto' }), 'open');
  });

  it('leads a holiday to the holiday exit, or to closed when the node has none', () => {
    assert.equal(scheduleExit(office, 'holiday'), 'festive');
    assert.equal(scheduleExit(office, 'open'), 'greeting');
    assert.equal(scheduleExit(office, 'closed'), 'mailbox');
    const noHoliday = schedule({ open: office.open, exits: { open: 'greeting', closed: 'mailbox' } });
    assert.equal(scheduleExit(noHoliday, 'holiday'), 'mailbox');
  });

  it('refuses an unknown zone with a ValidationError', () => {
    assert.throws(() => localTime(new Date(), 'Mars/Olympus_Mons'), ValidationError);
  });
});
