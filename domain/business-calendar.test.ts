import fc from 'fast-check'
import { DateTime, IANAZone } from 'luxon'
import { describe, expect, test } from 'vitest'
import {
  addBusinessMinutes,
  addBusinessMs,
  addWorkingDays,
  businessMinutesBetween,
  businessMsBetween,
  isWithinBusinessHours,
  nextBusinessOpening,
  workingDayMs,
  type BusinessCalendar,
  type BusinessHoursCalendar,
} from './business-calendar.ts'
import { BusinessHoursCalendarSchema } from './sla-schemas.ts'

const LONDON = 'Europe/London'
const MINUTE = 60_000

// England and Wales bank holidays, 2026.
const BANK_HOLIDAYS_2026 = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']

const office: BusinessHoursCalendar = {
  timezone: LONDON,
  days: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '17:00',
  holidays: BANK_HOLIDAYS_2026,
}
const everyDay: BusinessHoursCalendar = { ...office, days: [1, 2, 3, 4, 5, 6, 7], holidays: [] }

/** A London wall-clock time, e.g. '2026-03-06T16:30'. */
function at(local: string, zone = LONDON): number {
  const time = DateTime.fromISO(local, { zone })
  if (!time.isValid) throw new Error(`bad test time ${local}`)
  return time.toMillis()
}

/** London wall-clock time with its offset, so DST shows: '2026-03-30T10:00+01:00'. */
function london(ms: number): string {
  return DateTime.fromMillis(ms, { zone: LONDON }).toISO({ suppressSeconds: true, suppressMilliseconds: true })!
}

describe('addBusinessMinutes', () => {
  test.each([
    ['Friday 16:30 + 60 carries over the weekend', '2026-03-06T16:30', 60, '2026-03-09T09:30+00:00'],
    ['ending exactly at closing time stays on that day', '2026-03-06T16:00', 60, '2026-03-06T17:00+00:00'],
    ['before opening counts from 09:00', '2026-03-03T07:15', 30, '2026-03-03T09:30+00:00'],
    ['after closing counts from the next morning', '2026-03-02T18:00', 1, '2026-03-03T09:01+00:00'],
    ['a weekend start counts from Monday 09:00', '2026-03-07T11:00', 480, '2026-03-09T17:00+00:00'],
    ['Christmas Day and the substitute Boxing Day are skipped', '2026-12-24T16:30', 60, '2026-12-29T09:30+00:00'],
    ['Good Friday and Easter Monday are skipped', '2026-04-02T16:00', 120, '2026-04-07T10:00+01:00'],
    ['a weekday span of two weeks', '2026-03-02T09:00', 10 * 480, '2026-03-13T17:00+00:00'],
    ['zero minutes inside hours is the same instant', '2026-03-04T11:00', 0, '2026-03-04T11:00+00:00'],
    ['zero minutes outside hours is the same instant', '2026-03-07T11:00', 0, '2026-03-07T11:00+00:00'],
  ])('%s', (_, from, minutes, due) => {
    expect(london(addBusinessMinutes(office, at(from), minutes))).toBe(due)
  })

  test('spring forward (Sunday 29 March 2026): a 09:00–17:00 day is still 8 hours', () => {
    expect(london(addBusinessMinutes(office, at('2026-03-27T16:00'), 120))).toBe('2026-03-30T10:00+01:00')
    expect(london(addBusinessMinutes(everyDay, at('2026-03-28T16:00'), 120))).toBe('2026-03-29T10:00+01:00')
    expect(businessMinutesBetween(everyDay, at('2026-03-29T00:00'), at('2026-03-30T00:00'))).toBe(480)
    expect(london(addBusinessMinutes(everyDay, at('2026-03-29T09:00'), 480))).toBe('2026-03-29T17:00+01:00')
  })

  test('fall back (Sunday 25 October 2026): a 09:00–17:00 day is still 8 hours', () => {
    expect(london(addBusinessMinutes(everyDay, at('2026-10-24T16:00'), 120))).toBe('2026-10-25T10:00+00:00')
    expect(businessMinutesBetween(everyDay, at('2026-10-25T00:00'), at('2026-10-26T00:00'))).toBe(480)
  })

  test('hours that contain the change are as long as the clocks say: 00:30–03:00 is 1.5h, then 3.5h', () => {
    const night: BusinessHoursCalendar = { ...everyDay, start: '00:30', end: '03:00' }
    expect(businessMinutesBetween(night, at('2026-03-29T00:00'), at('2026-03-30T00:00'))).toBe(90)
    expect(businessMinutesBetween(night, at('2026-10-25T00:00'), at('2026-10-26T00:00'))).toBe(210)
    // 00:30 GMT + 30 minutes reaches 01:00 GMT, which is 02:00 BST; 30 more is 02:30 BST.
    expect(london(addBusinessMinutes(night, at('2026-03-29T00:30'), 60))).toBe('2026-03-29T02:30+01:00')
  })

  test('24x7 counts real time: the local days of the DST changes are 23 and 25 hours', () => {
    expect(businessMinutesBetween('24x7', at('2026-03-29T00:00'), at('2026-03-30T00:00'))).toBe(23 * 60)
    expect(businessMinutesBetween('24x7', at('2026-10-25T00:00'), at('2026-10-26T00:00'))).toBe(25 * 60)
    expect(london(addBusinessMinutes('24x7', at('2026-03-29T00:00'), 24 * 60))).toBe('2026-03-30T01:00+01:00')
    expect(london(addBusinessMinutes('24x7', at('2026-03-07T22:00'), 60))).toBe('2026-03-07T23:00+00:00')
  })

  test('other zones keep their own wall clock: New York springs forward on 8 March 2026', () => {
    const newYork: BusinessHoursCalendar = { ...office, timezone: 'America/New_York', holidays: [] }
    const due = addBusinessMinutes(newYork, at('2026-03-06T16:30', 'America/New_York'), 60)
    expect(
      DateTime.fromMillis(due, { zone: 'America/New_York' }).toISO({
        suppressSeconds: true,
        suppressMilliseconds: true,
      }),
    ).toBe('2026-03-09T09:30-04:00')
  })

  test('refuses negative or non-finite durations', () => {
    expect(() => addBusinessMs(office, at('2026-03-04T11:00'), -1)).toThrow(RangeError)
    expect(() => addBusinessMs(office, at('2026-03-04T11:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError)
  })

  test('refuses a calendar that would never open, rather than looping forever', () => {
    expect(() => addBusinessMinutes({ ...office, start: '17:00', end: '09:00' }, 0, 1)).toThrow(RangeError)
    expect(() => addBusinessMinutes({ ...office, days: [] }, 0, 1)).toThrow(RangeError)
    expect(() => addBusinessMinutes({ ...office, timezone: 'Mars/Olympus_Mons' }, 0, 1)).toThrow(RangeError)
  })

  test('skips whole days: 20 working days across a year that is almost all holidays', () => {
    // Every date of 2026 is a holiday except the 15th of each month; eight of those are weekdays.
    const holidays: string[] = []
    for (let day = DateTime.fromISO('2026-01-01'); day.year === 2026; day = day.plus({ days: 1 })) {
      if (day.day !== 15) holidays.push(day.toISODate()!)
    }
    const sparse = { ...office, holidays }
    const due = addBusinessMinutes(sparse, at('2026-01-01T00:00'), 20 * 480)
    // Eight working days in 2026, then twelve from Friday 1 January 2027.
    expect(london(due)).toBe('2027-01-18T17:00+00:00')
    expect(businessMinutesBetween(sparse, at('2026-01-01T00:00'), due)).toBe(20 * 480)
  })
})

describe('businessMinutesBetween', () => {
  test('a working week is five working days', () => {
    expect(businessMinutesBetween(office, at('2026-03-02T09:00'), at('2026-03-09T09:00'))).toBe(5 * 480)
  })

  test('a year is its weekdays less its weekday bank holidays: (261 - 8) × 8 hours', () => {
    expect(businessMinutesBetween(office, at('2026-01-01T00:00'), at('2027-01-01T00:00'))).toBe(253 * 480)
  })

  test('is fractional below a minute and negative backwards', () => {
    expect(businessMinutesBetween(office, at('2026-03-04T09:00'), at('2026-03-04T09:00') + 30_000)).toBe(0.5)
    expect(businessMinutesBetween(office, at('2026-03-06T16:30'), at('2026-03-09T09:30'))).toBe(60)
    expect(businessMinutesBetween(office, at('2026-03-09T09:30'), at('2026-03-06T16:30'))).toBe(-60)
  })

  test('is zero across a weekend or a holiday', () => {
    expect(businessMinutesBetween(office, at('2026-03-06T17:00'), at('2026-03-09T09:00'))).toBe(0)
    expect(businessMinutesBetween(office, at('2026-12-25T00:00'), at('2026-12-26T00:00'))).toBe(0)
  })
})

describe('isWithinBusinessHours and nextBusinessOpening', () => {
  test.each([
    ['2026-03-04T09:00', true],
    ['2026-03-04T16:59:59.999', true],
    ['2026-03-04T17:00', false],
    ['2026-03-04T08:59:59.999', false],
    ['2026-03-07T12:00', false],
    ['2026-12-25T12:00', false],
  ])('%s is within hours: %s', (time, expected) => {
    expect(isWithinBusinessHours(office, at(time))).toBe(expected)
  })

  test.each([
    ['inside hours is now', '2026-03-04T11:00', '2026-03-04T11:00+00:00'],
    ['Friday evening is Monday morning', '2026-03-06T17:30', '2026-03-09T09:00+00:00'],
    ['Christmas Eve evening is after Boxing Day', '2026-12-24T17:00', '2026-12-29T09:00+00:00'],
    ['early morning is 09:00', '2026-03-04T06:00', '2026-03-04T09:00+00:00'],
  ])('%s', (_, from, opening) => {
    expect(london(nextBusinessOpening(office, at(from)))).toBe(opening)
  })

  test('24x7 is always open', () => {
    expect(isWithinBusinessHours('24x7', at('2026-12-25T03:00'))).toBe(true)
    expect(nextBusinessOpening('24x7', at('2026-12-25T03:00'))).toBe(at('2026-12-25T03:00'))
  })
})

describe('working days', () => {
  test('Tuesday 14:00 plus three working days is Friday 14:00', () => {
    expect(london(addWorkingDays(office, at('2026-03-03T14:00'), 3))).toBe('2026-03-06T14:00+00:00')
  })

  test('a working day is the length of the opening hours', () => {
    expect(workingDayMs(office)).toBe(8 * 60 * MINUTE)
    expect(workingDayMs('24x7')).toBe(24 * 60 * MINUTE)
  })
})

describe('BusinessHoursCalendarSchema', () => {
  test('fills in the London zone and no holidays', () => {
    expect(BusinessHoursCalendarSchema.parse({ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' })).toEqual({
      timezone: LONDON,
      days: [1, 2, 3, 4, 5],
      start: '09:00',
      end: '17:00',
      holidays: [],
    })
  })

  test.each([
    ['no working days', { days: [] }],
    ['a repeated day', { days: [1, 1, 2] }],
    ['day 0', { days: [0, 1] }],
    ['day 8', { days: [8] }],
    ['a fractional day', { days: [1.5] }],
    ['a time without a leading zero', { start: '9:00' }],
    ['24:00', { end: '24:00' }],
    ['closing before opening', { start: '17:00', end: '09:00' }],
    ['closing at opening', { start: '09:00', end: '09:00' }],
    ['an unknown zone', { timezone: 'Europe/Atlantis' }],
    ['a date that does not exist', { holidays: ['2026-02-30'] }],
    ['a date in another format', { holidays: ['25/12/2026'] }],
    ['an unknown key', { overnight: true }],
  ])('refuses %s', (_, change) => {
    const valid = { timezone: LONDON, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: ['2026-12-25'] }
    expect(BusinessHoursCalendarSchema.safeParse(valid).success).toBe(true)
    expect(BusinessHoursCalendarSchema.safeParse({ ...valid, ...change }).success).toBe(false)
  })
})

// ---------------------------------------------------------------------------
// Properties, over random calendars in zones with and without DST

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC', 'America/Santiago', 'Pacific/Chatham']
const FROM = at('2026-01-01T00:00')
const TO = at('2028-01-01T00:00')

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`

function hoursCalendar(zones: string[], earliestStart = 0): fc.Arbitrary<BusinessHoursCalendar> {
  return fc
    .record({
      timezone: fc.constantFrom(...zones),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      bounds: fc.uniqueArray(fc.integer({ min: earliestStart, max: 24 * 60 - 1 }), { minLength: 2, maxLength: 2 }),
      holidays: fc.array(fc.integer({ min: 0, max: 2 * 365 }), { maxLength: 40 }),
    })
    .map(({ timezone, days, bounds, holidays }) => {
      const [start, end] = [...bounds].sort((a, b) => a - b) as [number, number]
      return {
        timezone,
        days,
        start: hhmm(start),
        end: hhmm(end),
        holidays: holidays.map((offset) => DateTime.fromISO('2026-01-01').plus({ days: offset }).toISODate()!),
      }
    })
}

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('24x7' as const) },
  { weight: 5, arbitrary: hoursCalendar(ZONES) },
)
const instantArb = fc.integer({ min: FROM, max: TO })
/** Up to 30 working days of the calendar, in whole milliseconds, so every case stays short to walk. */
const durationArb = (calendar: BusinessCalendar) => fc.integer({ min: 0, max: 30 * workingDayMs(calendar) })

describe('properties', () => {
  test('measuring what was added gives it back exactly', () => {
    fc.assert(
      fc.property(
        calendarArb.chain((calendar) => fc.tuple(fc.constant(calendar), instantArb, durationArb(calendar))),
        ([calendar, from, duration]) => {
          expect(businessMsBetween(calendar, from, addBusinessMs(calendar, from, duration))).toBe(duration)
        },
      ),
    )
  })

  test('adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(
        calendarArb.chain((calendar) => fc.tuple(fc.constant(calendar), instantArb, durationArb(calendar), durationArb(calendar))),
        ([calendar, from, a, b]) => {
          expect(addBusinessMs(calendar, addBusinessMs(calendar, from, a), b)).toBe(addBusinessMs(calendar, from, a + b))
        },
      ),
    )
  })

  test('is monotonic in the start and in the duration', () => {
    fc.assert(
      fc.property(
        calendarArb.chain((calendar) =>
          fc.tuple(fc.constant(calendar), instantArb, instantArb, durationArb(calendar), durationArb(calendar)),
        ),
        ([calendar, from1, from2, n1, n2]) => {
          const [early, late] = from1 <= from2 ? [from1, from2] : [from2, from1]
          const [short, long] = n1 <= n2 ? [n1, n2] : [n2, n1]
          expect(addBusinessMs(calendar, early, short)).toBeLessThanOrEqual(addBusinessMs(calendar, late, short))
          expect(addBusinessMs(calendar, early, short)).toBeLessThanOrEqual(addBusinessMs(calendar, early, long))
        },
      ),
    )
  })

  test('a deadline is the earliest instant: the millisecond before it is working time', () => {
    fc.assert(
      fc.property(
        calendarArb.chain((calendar) => fc.tuple(fc.constant(calendar), instantArb, durationArb(calendar))),
        ([calendar, from, duration]) => {
          const due = addBusinessMs(calendar, from, duration)
          if (duration === 0) {
            expect(due).toBe(from)
          } else {
            expect(isWithinBusinessHours(calendar, due - 1)).toBe(true)
            expect(businessMsBetween(calendar, from, due - 1)).toBe(duration - 1)
          }
        },
      ),
    )
  })

  test('business time splits at any point and never exceeds real time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (calendar, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number]
        const whole = businessMsBetween(calendar, a, c)
        expect(businessMsBetween(calendar, a, b) + businessMsBetween(calendar, b, c)).toBe(whole)
        expect(whole).toBeGreaterThanOrEqual(0)
        expect(whole).toBeLessThanOrEqual(c - a)
        expect(businessMsBetween(calendar, c, a)).toBe(-whole)
      }),
      { numRuns: 50 },
    )
    // 200 walks over random calendars: well under a second alone, many on a loaded machine.
  }, 60_000)

  test('the next opening is open, not in the past, and no working time is skipped to reach it', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, (calendar, from) => {
        const opening = nextBusinessOpening(calendar, from)
        expect(opening).toBeGreaterThanOrEqual(from)
        expect(isWithinBusinessHours(calendar, opening)).toBe(true)
        expect(businessMsBetween(calendar, from, opening)).toBe(0)
        if (isWithinBusinessHours(calendar, from)) expect(opening).toBe(from)
      }),
    )
  })

  test('agrees with counting minute by minute on the wall clock', () => {
    // Opening and closing after 04:00 never fall in an hour that a DST change skips or
    // repeats in these zones, where "the wall clock reads 09:00" is a single instant.
    const oracleZones = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC']
    fc.assert(
      fc.property(
        hoursCalendar(oracleZones, 4 * 60),
        fc.integer({ min: FROM / MINUTE, max: TO / MINUTE }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        (calendar, fromMinute, spanMinutes) => {
          const from = fromMinute * MINUTE
          const to = from + spanMinutes * MINUTE
          expect(businessMinutesBetween(calendar, from, to)).toBe(countWorkingMinutes(calendar, from, to))
        },
      ),
      { numRuns: 40 },
    )
  })
})

/** The slow, obvious definition: each minute whose wall-clock time is inside working hours. */
function countWorkingMinutes(calendar: BusinessHoursCalendar, from: number, to: number): number {
  const zone = IANAZone.create(calendar.timezone)
  const [startH, startM] = calendar.start.split(':').map(Number) as [number, number]
  const [endH, endM] = calendar.end.split(':').map(Number) as [number, number]
  let count = 0
  for (let t = from; t < to; t += MINUTE) {
    const wall = new Date(t + zone.offset(t) * MINUTE)
    const weekday = wall.getUTCDay() === 0 ? 7 : wall.getUTCDay()
    const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes()
    if (
      calendar.days.includes(weekday) &&
      !calendar.holidays.includes(wall.toISOString().slice(0, 10)) &&
      minute >= startH * 60 + startM &&
      minute < endH * 60 + endM
    ) {
      count++
    }
  }
  return count
}
