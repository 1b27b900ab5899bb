/**
 * When a person's daily digest goes: at a fixed local hour in their zone
 * (docs/decisions/013-daily-digest.md). Pure, so the digest workflow computes
 * its timer from it and the account page says the same time.
 */
import { DateTime } from 'luxon'

/** The local hour every digest is sent at. */
export const DIGEST_HOUR = 8

/**
 * The first moment strictly after `now` at DIGEST_HOUR:00 in `zone`. On a day
 * the clocks skip that hour, luxon moves it forward by the gap (still that
 * morning); an unknown zone counts as UTC rather than never sending.
 */
export function nextDigestAt(now: Date, zone: string, hour: number = DIGEST_HOUR): Date {
  const local = DateTime.fromJSDate(now, { zone })
  const here = local.isValid ? local : DateTime.fromJSDate(now, { zone: 'utc' })
  const today = here.set({ hour, minute: 0, second: 0, millisecond: 0 })
  const next = today.toMillis() > now.getTime() ? today : here.plus({ days: 1 }).set({ hour, minute: 0, second: 0, millisecond: 0 })
  return next.toJSDate()
}

/** "3 December", the day of that moment in the zone. */
export function digestDayLabel(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone })
  return (local.isValid ? local : DateTime.fromJSDate(at, { zone: 'utc' })).setLocale('en-GB').toFormat('d MMMM')
}
