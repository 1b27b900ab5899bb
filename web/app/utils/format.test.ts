import { describe, expect, it } from 'vitest'
import { familyReplied, familyStatusLabel, formatDateTime, humanise } from './format.ts'

describe('what a family reads', () => {
  it.each([
    ['new', 'staff', 'Received'],
    ['in_progress', 'family', 'Waiting for you'],
    ['in_progress', 'staff', 'With your advocate'],
    ['pending_family', 'staff', 'Waiting for you'],
    ['pending_la', 'staff', 'Waiting on the local authority'],
    ['pending_la', 'family', 'Waiting on the local authority'],
    ['resolved', null, 'Resolved'],
    ['closed', null, 'Closed'],
  ] as const)('%s awaiting %s: %s', (status, awaiting, label) => {
    expect(familyStatusLabel(status, awaiting)).toBe(label)
  })
})

describe('the queue', () => {
  it('marks "Family replied" only on open tickets past New that wait on staff', () => {
    expect(familyReplied('in_progress', 'staff')).toBe(true)
    expect(familyReplied('new', 'staff')).toBe(false)
    expect(familyReplied('in_progress', 'family')).toBe(false)
    expect(familyReplied('resolved', 'staff')).toBe(false)
  })
})

describe('formatting', () => {
  it('formats in the organisation time zone', () => {
    expect(formatDateTime('2026-07-01T12:00:00Z', 'Europe/London').text).toBe('1 Jul 2026, 13:00')
  })
  it('humanises unknown timeline kinds', () => {
    expect(humanise('sla_breached')).toBe('Sla breached')
  })
})
