import { describe, expect, it } from 'vitest'
import { zoneOfOldestMembership } from './person-zone.ts'

const member = (joined: string, timezone: string) => ({ createdAt: new Date(joined), org: { timezone } })

describe('zoneOfOldestMembership', () => {
  it('takes the zone of the organisation joined first, whatever the order it is read in', () => {
    const joined = [member('2026-03-01T09:00:00Z', 'America/New_York'), member('2025-01-10T09:00:00Z', 'Europe/Dublin')]
    expect(zoneOfOldestMembership(joined)).toBe('Europe/Dublin')
    expect(zoneOfOldestMembership([...joined].reverse())).toBe('Europe/Dublin')
  })

  it('falls back to Europe/London for someone in no organisation', () => {
    expect(zoneOfOldestMembership([])).toBe('Europe/London')
  })
})
