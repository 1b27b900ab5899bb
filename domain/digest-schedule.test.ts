import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, test } from 'vitest'
import { digestDayLabel, nextDigestAt } from './digest-schedule.ts'
import { digestTopicsOf, kindsOfTopics, readMailChoices } from './mail-preferences.ts'

const at = (iso: string) => new Date(iso)

describe('nextDigestAt', () => {
  test.each([
    ['before eight in London (winter, GMT)', '2026-12-02T07:59:00Z', 'Europe/London', '2026-12-02T08:00:00.000Z'],
    ['at eight exactly: the next morning', '2026-12-02T08:00:00Z', 'Europe/London', '2026-12-03T08:00:00.000Z'],
    ['after eight in London (summer, BST)', '2026-07-01T09:00:00Z', 'Europe/London', '2026-07-02T07:00:00.000Z'],
    ['New York, evening before', '2026-12-02T23:30:00Z', 'America/New_York', '2026-12-03T13:00:00.000Z'],
    ['Auckland, already the next day there', '2026-12-02T20:00:00Z', 'Pacific/Auckland', '2026-12-03T19:00:00.000Z'],
    // Clocks go forward at 01:00 on 29 March 2026: that morning's eight is 07:00 UTC.
    ['London, the night the clocks go forward', '2026-03-28T23:00:00Z', 'Europe/London', '2026-03-29T07:00:00.000Z'],
    // Clocks go back at 02:00 on 25 October 2026: that morning's eight is 08:00 UTC.
    ['London, the night the clocks go back', '2026-10-24T23:00:00Z', 'Europe/London', '2026-10-25T08:00:00.000Z'],
    ['an unknown zone counts as UTC', '2026-12-02T09:00:00Z', 'Mars/Olympus', '2026-12-03T08:00:00.000Z'],
  ])('%s', (_, now, zone, expected) => {
    expect(nextDigestAt(at(now), zone).toISOString()).toBe(expected)
  })

  const zones = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC']
  test('is always after now, within a day and a DST hour, at eight local time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2000-01-01T00:00:00Z'), max: at('2060-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, zone) => {
          const next = nextDigestAt(now, zone)
          expect(next.getTime()).toBeGreaterThan(now.getTime())
          expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(25 * 3600_000)
          const local = DateTime.fromJSDate(next, { zone })
          expect([local.hour, local.minute, local.second]).toEqual([8, 0, 0])
          // Asked again a moment before it, the answer is the same moment: a timer woken early sleeps on to it.
          expect(nextDigestAt(new Date(next.getTime() - 1), zone).getTime()).toBe(next.getTime())
        },
      ),
    )
  })
})

test('digestDayLabel names the day in the zone', () => {
  expect(digestDayLabel(at('2026-12-02T23:30:00Z'), 'Pacific/Auckland')).toBe('3 December')
  expect(digestDayLabel(at('2026-12-02T23:30:00Z'), 'Europe/London')).toBe('2 December')
})

test('digest topics and the kinds they gather', () => {
  const choices = readMailChoices({ family_replies: 'daily_digest', replies: 'daily_digest', deadlines: 'nonsense' })
  expect(digestTopicsOf(choices)).toEqual(['replies', 'family_replies'])
  expect(kindsOfTopics(['family_replies'])).toEqual(['family_replied'])
  expect(digestTopicsOf(readMailChoices({}))).toEqual([])
})
