import { describe, expect, it } from 'vitest'
import { formatMinutes, MAX_ENTRY_MINUTES, parseDuration } from './durations.ts'

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90m', 90],
    ['45 mins', 45],
    ['1h 30m', 90],
    ['1H30', 90],
    ['1 hour 5 minutes', 65],
    ['2h', 120],
    ['1.5h', 90],
    ['0.25 hours', 15],
    ['1:30', 90],
    ['  3h  ', 180],
    ['24h', MAX_ENTRY_MINUTES],
  ])('reads %j as %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes)
  })

  it.each(['', '0', '0m', 'abc', '1h 60m', '1:75', '25h', '1441', '-5', '1.33h', '1h30x', '1.5'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeNull()
  })
})

describe('formatMinutes', () => {
  it.each([
    [45, '45m'],
    [60, '1h'],
    [90, '1h 30m'],
    [605, '10h 5m'],
  ])('writes %i as %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text)
  })
})
