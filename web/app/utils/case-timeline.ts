/** A case's timeline in plain words, for the kinds its workflow writes (domain/case-state.ts CaseEventBody). */
import { CASE_STATUS_LABELS } from '../../../domain/case.ts'
import { humanise } from './format.ts'
import { labelOf } from './ticket-timeline.ts'

export interface CaseEventWords {
  /** A next action's title by its id. */
  actionTitle: (id: unknown) => string | null
  nameOf: (id: unknown) => string | null
  /** An ISO instant in the organisation's zone. */
  when: (iso: unknown) => string | null
}

function statusWords(value: unknown): string {
  return labelOf(CASE_STATUS_LABELS, value)
}

export function describeCaseEvent(kind: string, data: Record<string, unknown>, words: CaseEventWords): string {
  const action = `“${words.actionTitle(data.actionId) ?? 'a next action'}”`
  switch (kind) {
    case 'opened':
      return `Case ${String(data.caseRef)} opened`
    case 'status_changed':
      return `Status changed from ${statusWords(data.from)} to ${statusWords(data.to)}`
    case 'action_added': {
      const owner = words.nameOf(data.ownerId)
      const due = words.when(data.dueAt)
      return `Next action ${action} added${owner ? ` for ${owner}` : ''}${due ? `, due ${due}` : ''}`
    }
    case 'action_completed':
      return `Next action ${action} done`
    case 'action_reopened':
      return `Next action ${action} reopened`
    case 'action_due_changed': {
      const to = words.when(data.to)
      return `Due date of ${action} ${to ? `changed to ${to}` : 'removed'}`
    }
    case 'action_overdue':
      return `Next action ${action} became overdue (due ${words.when(data.dueAt) ?? 'earlier'})`
    case 'closed':
      return `Case closed${typeof data.reason === 'string' && data.reason ? `: ${data.reason}` : ''}`
    case 'reopened':
      return `Case reopened at ${statusWords(data.to)}`
    default:
      return humanise(kind)
  }
}
