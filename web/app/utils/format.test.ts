import { describe, expect, it } from 'vitest'
import { answered, familyMarker, familyStatusLabel, formatDateTime, humanise, ordinal } from './format.ts'

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
    expect(familyMarker('in_progress', 'staff', false)).toBe('Family replied')
    expect(familyMarker('new', 'staff', false)).toBeNull()
    expect(familyMarker('in_progress', 'family', false)).toBeNull()
    expect(familyMarker('resolved', 'staff', false)).toBeNull()
  })
  it('says "Family reopened" when the family pressed Reopen without writing', () => {
    expect(familyMarker('in_progress', 'staff', true)).toBe('Family reopened')
    expect(familyMarker('resolved', null, true)).toBeNull()
  })
  it('marks "Answered" on open tickets past New whose last word was the team’s public reply', () => {
    expect(answered('in_progress', 'family')).toBe(true)
    expect(answered('pending_family', 'family')).toBe(true)
    expect(answered('in_progress', 'staff')).toBe(false)
    expect(answered('new', 'family')).toBe(false)
    expect(answered('resolved', 'family')).toBe(false)
    expect(answered('in_progress', null)).toBe(false)
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

describe('ordinal', () => {
  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [102, '102nd'],
  ])('%i is %s', (n, text) => {
    expect(ordinal(n)).toBe(text)
  })
})
