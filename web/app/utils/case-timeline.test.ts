import { describe, expect, it } from 'vitest'
import { describeCaseEvent, type CaseEventWords } from './case-timeline.ts'

const words: CaseEventWords = {
  actionTitle: (id) => (id === 'a1' ? 'Send the request letter' : null),
  nameOf: (id) => (id === 'u1' ? 'Priya Advocate' : null),
  when: (iso) => (typeof iso === 'string' ? `at ${iso}` : null),
}

describe('a case timeline in plain words', () => {
  it.each([
    ['opened', { caseRef: 'CASE-3' }, 'Case CASE-3 opened'],
    ['status_changed', { from: 'intake', to: 'assessment_requested' }, 'Status changed from Intake to Needs assessment requested'],
    [
      'action_added',
      { actionId: 'a1', ownerId: 'u1', dueAt: 'X' },
      'Next action “Send the request letter” added for Priya Advocate, due at X',
    ],
    ['action_added', { actionId: 'gone', ownerId: null, dueAt: null }, 'Next action “a next action” added'],
    ['action_completed', { actionId: 'a1' }, 'Next action “Send the request letter” done'],
    ['action_reopened', { actionId: 'a1' }, 'Next action “Send the request letter” reopened'],
    ['action_due_changed', { actionId: 'a1', from: null, to: 'Y' }, 'Due date of “Send the request letter” changed to at Y'],
    ['action_due_changed', { actionId: 'a1', from: 'Y', to: null }, 'Due date of “Send the request letter” removed'],
    ['action_overdue', { actionId: 'a1', dueAt: 'Z' }, 'Next action “Send the request letter” became overdue (due at Z)'],
    ['closed', { reason: 'Plan agreed', from: 'final_plan' }, 'Case closed: Plan agreed'],
    ['reopened', { to: 'draft_plan' }, 'Case reopened at Draft plan'],
  ])('%s', (kind, data, text) => {
    expect(describeCaseEvent(kind, data, words)).toBe(text)
  })
})
