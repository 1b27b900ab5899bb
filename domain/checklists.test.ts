import { describe, expect, it } from 'vitest'
import { checklistProgress, describeChecklistChange, progressLabel, progressWords } from './checklists.ts'

describe('checklist progress', () => {
  it('counts the done items of all of them, in words', () => {
    const progress = checklistProgress([{ done: true }, { done: false }, { done: true }])
    expect(progress).toEqual({ done: 2, total: 3 })
    expect(progressWords(progress)).toBe('2 of 3 done')
    expect(progressWords(checklistProgress([]))).toBe('0 of 0 done')
    expect(progressLabel(progress)).toBe('2 of 3 checklist items done')
    expect(progressLabel({ done: 0, total: 1 })).toBe('0 of 1 checklist item done')
  })
})

describe('checklist changes in words', () => {
  it.each([
    ['checklist.item_added', { title: 'Call the LA', staffOnly: false }, 'added the checklist item “Call the LA”'],
    ['checklist.item_added', { title: 'Call the LA', staffOnly: true }, 'added the staff-only checklist item “Call the LA”'],
    [
      'checklist.item_renamed',
      { title: 'Call the council', from: 'Call the LA' },
      'renamed the checklist item “Call the LA” to “Call the council”',
    ],
    ['checklist.item_moved', { title: 'Call the LA', direction: 'down' }, 'moved “Call the LA” down the checklist'],
    ['checklist.item_staff_only_changed', { title: 'Call the LA', staffOnly: false }, 'showed “Call the LA” to the family'],
  ] as const)('%s', (action, data, words) => {
    expect(describeChecklistChange(action, data)).toBe(words)
  })
})
