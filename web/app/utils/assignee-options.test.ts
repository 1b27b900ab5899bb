import { describe, expect, it } from 'vitest'
import { assigneeOptions, needsOverride, type AssigneeLoad } from './assignee-options.ts'

const sam: AssigneeLoad = { userId: 's', name: 'Sam', load: '5 of 5 cases', atCapacity: true, specialisms: ['tribunal'] }
const priya: AssigneeLoad = { userId: 'p', name: 'Priya', load: '2 of 6 cases', atCapacity: false, specialisms: [] }

describe('assigneeOptions', () => {
  it('says "At capacity" in words, and that an override is needed, only when a new case would open', () => {
    expect(assigneeOptions([sam, priya], { type: 'ehcp', opensCase: true }, 'p')).toEqual([
      { value: 's', label: 'Sam · 5 of 5 cases · At capacity: override needed' },
      { value: 'p', label: 'Priya (you) · 2 of 6 cases' },
    ])
    expect(assigneeOptions([sam], { type: 'ehcp', opensCase: false })[0]!.label).toBe('Sam · 5 of 5 cases')
  })

  it('marks an advocate who specialises in the ticket’s type', () => {
    expect(assigneeOptions([sam], { type: 'tribunal', opensCase: false })[0]!.label).toBe('Sam · 5 of 5 cases · specialises in Tribunal')
  })

  it('offers the override box only when someone is at capacity and a case would open', () => {
    expect(needsOverride([sam, priya], { opensCase: true })).toBe(true)
    expect(needsOverride([sam, priya], { opensCase: false })).toBe(false)
    expect(needsOverride([priya], { opensCase: true })).toBe(false)
  })
})
