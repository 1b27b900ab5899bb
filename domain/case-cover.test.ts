import { describe, expect, it } from 'vitest'
import { calendarToday, coverNotice, isCoverActive } from './case-cover.ts'

describe('cover on a case', () => {
  const cover = { startsOn: '2026-12-01', endsOn: '2026-12-14', ended: false }

  it.each([
    ['2026-11-30', false],
    ['2026-12-01', true],
    ['2026-12-14', true],
    ['2026-12-15', false],
  ])('on %s is active: %s', (today, active) => {
    expect(isCoverActive(cover, today)).toBe(active)
  })

  it('ends by hand, and runs on without an end date until then', () => {
    expect(isCoverActive({ ...cover, ended: true }, '2026-12-05')).toBe(false)
    expect(isCoverActive({ ...cover, endsOn: null }, '2030-01-01')).toBe(true)
  })

  it('counts days in the organisation’s time zone', () => {
    // 23:30 UTC on 14 December is already the 15th in Auckland.
    const late = Date.parse('2026-12-14T23:30:00Z')
    expect(calendarToday('Europe/London', late)).toBe('2026-12-14')
    expect(calendarToday('Pacific/Auckland', late)).toBe('2026-12-15')
  })

  it('tells the family in words', () => {
    expect(coverNotice({ covering: 'Sam', advocate: 'Alex', endsOn: '2026-12-14' })).toBe(
      'Sam is covering for Alex until 14 December 2026.',
    )
    expect(coverNotice({ covering: 'Sam', advocate: null, endsOn: null })).toBe('Sam is covering until further notice.')
  })
})
