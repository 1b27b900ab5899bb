/**
 * Cover on a case: a second advocate while its advocate is away. Whether a
 * cover is active is worked out from the organisation's calendar date each time
 * it is read, so no job has to expire it.
 */
import { DateTime } from 'luxon'
import { formatCalendarDate } from './statutory-words.ts'

export interface CoverDates {
  /** "YYYY-MM-DD", in the organisation's calendar. */
  startsOn: string
  /** The last day of cover; null: until it is ended by hand. */
  endsOn: string | null
  ended: boolean
}

/** Today in the organisation's time zone, "YYYY-MM-DD". */
export function calendarToday(timezone: string, nowMs: number): string {
  return DateTime.fromMillis(nowMs, { zone: timezone }).toISODate()!
}

/** Active from its first day through its last, unless ended by hand. */
export function isCoverActive(cover: CoverDates, today: string): boolean {
  return !cover.ended && cover.startsOn <= today && (cover.endsOn === null || today <= cover.endsOn)
}

/** A database DATE (midnight UTC) as "YYYY-MM-DD". */
export function isoDateOf(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** "until 14 December 2026", or "until further notice" for open-ended cover. */
export function coverUntilWords(endsOn: string | null): string {
  return endsOn ? `until ${formatCalendarDate(endsOn)}` : 'until further notice'
}

/** What the family reads on their ticket: "Sam is covering for Alex until 14 December 2026." */
export function coverNotice(cover: { covering: string; advocate: string | null; endsOn: string | null }): string {
  const forWhom = cover.advocate ? ` for ${cover.advocate}` : ''
  return `${cover.covering} is covering${forWhom} ${coverUntilWords(cover.endsOn)}.`
}
