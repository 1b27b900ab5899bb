import { describe, expect, it } from 'vitest'
import { describeTemplateChange, parseTemplateSteps } from './templates.ts'

describe('template steps from a textarea', () => {
  it('reads one step a line, drops blank lines, and marks "staff:" lines staff only', () => {
    expect(parseTemplateSteps('Request the EHCP draft\n\n  staff: Check the LA deadline \r\nSend to family\nstaff:')).toEqual([
      { title: 'Request the EHCP draft', staffOnly: false },
      { title: 'Check the LA deadline', staffOnly: true },
      { title: 'Send to family', staffOnly: false },
    ])
  })
})

describe('template changes in words', () => {
  it.each([
    ['template.created', { name: 'EHCP request' }, 'made the template “EHCP request”'],
    ['template.default_set', { name: 'EHCP request' }, 'made the template “EHCP request” the default for its type'],
    ['template.item_moved', { name: 'EHCP request', title: 'Call', direction: 'up' }, 'moved “Call” up in the template “EHCP request”'],
    ['template.applied', { name: 'EHCP request', items: 1 }, 'applied the template “EHCP request” (1 checklist item added)'],
  ] as const)('%s', (action, data, words) => {
    expect(describeTemplateChange(action, data)).toBe(words)
  })
})
