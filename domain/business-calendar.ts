/**
 * Business calendars: when an organisation's staff work, and how much working time
 * lies between two instants. SLA due times are counted on them (domain/sla.ts).
 *
 * Pure and deterministic, so the ticket workflow can call it: instants are epoch
 * milliseconds passed in, never read from a clock. Luxon only turns local wall-clock
 * times into instants; it uses Intl, which the workflow sandbox allows.
 *
 * Arithmetic is in whole milliseconds so that adding and measuring are exact
 * inverses; the minute helpers are for callers that think in policy minutes.
 */
import { DateTime, IANAZone } from 'luxon'

export const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

export const DEFAULT_TIMEZONE = 'Europe/London'

/**
 * A working week in one time zone: ISO weekdays (1 = Monday … 7 = Sunday), the same
 * opening and closing wall-clock times every working day, and holidays as local dates.
 * Hours that cross midnight are not supported: the schema requires start < end.
 */
export type BusinessHoursCalendar = {
  timezone: string
  days: number[]
  start: string
  end: string
  holidays: string[]
}

/** Either working hours, or the clock that never stops (real elapsed time, no holidays). */
export type BusinessCalendar = BusinessHoursCalendar | '24x7'

// ---------------------------------------------------------------------------
// Queries

/** Whether `atMs` falls in working hours. Hours are half-open: open at 09:00, closed at 17:00. */
export function isWithinBusinessHours(calendar: BusinessCalendar, atMs: number): boolean {
  if (calendar === '24x7') return true
  const week = compile(calendar)
  const hours = workingHoursOn(week, localDay(week, atMs))
  return hours !== null && hours.open <= atMs && atMs < hours.close
}

/** `atMs` itself when inside working hours, otherwise the instant working hours next begin. */
export function nextBusinessOpening(calendar: BusinessCalendar, atMs: number): number {
  if (calendar === '24x7') return atMs
  const week = compile(calendar)
  for (let day = localDay(week, atMs); ; day++) {
    const hours = workingHoursOn(week, day)
    if (hours !== null && atMs < hours.close) return Math.max(atMs, hours.open)
  }
}

/**
 * The instant at which `durationMs` of business time has elapsed after `fromMs`.
 * Counting starts at the next opening when `fromMs` is outside hours; a zero duration
 * returns `fromMs` unchanged. The result is the earliest such instant, so a duration
 * that ends exactly at closing time returns the closing time, not the next opening.
 */
export function addBusinessMs(calendar: BusinessCalendar, fromMs: number, durationMs: number): number {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`Business time to add must be a finite, non-negative duration, got ${durationMs}`)
  }
  if (durationMs === 0 || calendar === '24x7') return fromMs + durationMs

  const week = compile(calendar)
  let remaining = durationMs
  // Day by day, not minute by minute: closed days cost a lookup, open days two conversions.
  for (let day = localDay(week, fromMs); ; day++) {
    const hours = workingHoursOn(week, day)
    if (hours === null) continue
    const start = Math.max(fromMs, hours.open)
    if (start >= hours.close) continue
    const available = hours.close - start
    if (remaining <= available) return start + remaining
    remaining -= available
  }
}

/**
 * Business time from `fromMs` to `toMs`, in milliseconds. Negative when `toMs` is
 * earlier, so an overdue clock can say by how much.
 */
export function businessMsBetween(calendar: BusinessCalendar, fromMs: number, toMs: number): number {
  if (toMs < fromMs) return -businessMsBetween(calendar, toMs, fromMs)
  if (calendar === '24x7') return toMs - fromMs

  const week = compile(calendar)
  let total = 0
  for (let day = localDay(week, fromMs), last = localDay(week, toMs); day <= last; day++) {
    const hours = workingHoursOn(week, day)
    if (hours === null) continue
    total += Math.max(0, Math.min(toMs, hours.close) - Math.max(fromMs, hours.open))
  }
  return total
}

export function addBusinessMinutes(calendar: BusinessCalendar, fromMs: number, minutes: number): number {
  return addBusinessMs(calendar, fromMs, minutes * MINUTE_MS)
}

/** Possibly fractional when the instants are not whole minutes apart in business time. */
export function businessMinutesBetween(calendar: BusinessCalendar, fromMs: number, toMs: number): number {
  return businessMsBetween(calendar, fromMs, toMs) / MINUTE_MS
}

/** The length of one ordinary working day: 8 hours for 09:00–17:00, 24 hours for 24x7. */
export function workingDayMs(calendar: BusinessCalendar): number {
  if (calendar === '24x7') return DAY_MS
  const week = compile(calendar)
  return (week.closesAt - week.opensAt) * MINUTE_MS
}

/**
 * `days` working days of business time after `fromMs`: from Tuesday 14:00 three
 * working days is Friday 14:00; from outside hours it counts from the next opening.
 */
export function addWorkingDays(calendar: BusinessCalendar, fromMs: number, days: number): number {
  return addBusinessMs(calendar, fromMs, days * workingDayMs(calendar))
}

// ---------------------------------------------------------------------------
// Internals. Local dates are day numbers: whole days since 1970-01-01 on the
// calendar's wall clock, so stepping a day is `day + 1` whatever DST does.

type CompiledCalendar = {
  zone: IANAZone
  days: ReadonlySet<number>
  holidays: ReadonlySet<string>
  /** Minutes after local midnight. */
  opensAt: number
  closesAt: number
}

function compile(calendar: BusinessHoursCalendar): CompiledCalendar {
  const zone = IANAZone.create(calendar.timezone)
  const opensAt = minuteOfDay(calendar.start)
  const closesAt = minuteOfDay(calendar.end)
  const days = new Set(calendar.days.filter((day) => Number.isInteger(day) && day >= 1 && day <= 7))
  // Calendars come through BusinessHoursCalendarSchema; these checks keep a calendar
  // that bypassed it from making the day loops above run forever.
  if (!zone.isValid) throw new RangeError(`Unknown time zone ${calendar.timezone}`)
  if (!(opensAt < closesAt)) {
    throw new RangeError(`Opening time ${calendar.start} must be before closing time ${calendar.end}`)
  }
  if (days.size === 0) throw new RangeError('A business calendar needs at least one working day (ISO weekday 1–7)')
  return { zone, days, holidays: new Set(calendar.holidays), opensAt, closesAt }
}

function minuteOfDay(time: string): number {
  const match = /^(\d\d):(\d\d)$/.exec(time)
  if (!match) throw new RangeError(`Expected HH:mm, got ${time}`)
  return Number(match[1]) * 60 + Number(match[2])
}

function localDay(week: CompiledCalendar, atMs: number): number {
  return Math.floor((atMs + week.zone.offset(atMs) * MINUTE_MS) / DAY_MS)
}

/** Opening and closing instants of a local day, or null when it is not worked. */
function workingHoursOn(week: CompiledCalendar, day: number): { open: number; close: number } | null {
  const date = new Date(day * DAY_MS) // midnight UTC of that date: only its calendar fields are read
  const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay()
  if (!week.days.has(isoWeekday) || week.holidays.has(date.toISOString().slice(0, 10))) return null

  const open = wallClockInstant(week, date, week.opensAt)
  const close = wallClockInstant(week, date, week.closesAt)
  // Hours wholly inside a spring-forward gap (e.g. 01:00–02:00 in London) do not happen that day.
  return open < close ? { open, close } : null
}

/**
 * The instant a wall-clock time occurs on a date. Because hours are wall-clock times,
 * 09:00–17:00 stays 8 hours on DST change days. Luxon moves a time inside a
 * spring-forward gap forward by the gap, as clocks do, and picks one of the two
 * instants of a time repeated at fall-back.
 */
function wallClockInstant(week: CompiledCalendar, date: Date, minute: number): number {
  return DateTime.fromObject(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: Math.floor(minute / 60),
      minute: minute % 60,
    },
    { zone: week.zone },
  ).toMillis()
}
