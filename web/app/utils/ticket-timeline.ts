/** A ticket's timeline in plain words, for the kinds its workflow writes; the helpers are shared with the case's words. */
import { PRIORITY_LABELS, STATUS_LABELS, TYPE_LABELS } from '../../../domain/ticket.ts'
import { humanise } from './format.ts'
import { SLA_KIND_LABELS } from './sla-chips.ts'

/** An event's JSON data as a record (anything else reads as empty). */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function statusWords(value: unknown): string {
  return labelOf(STATUS_LABELS, value)
}

/** The label of a known value, or the value itself. */
export function labelOf(labels: Record<string, string>, value: unknown): string {
  return typeof value === 'string' && value in labels ? labels[value]! : String(value)
}

/** One timeline line, for the kinds the workflow writes (domain/ticket-state.ts TicketEventBody). */
export function describeEvent(
  kind: string,
  data: Record<string, unknown>,
  nameOf: (id: unknown) => string | null,
  when: (iso: string) => string | null,
  departmentOf: (id: unknown) => string | null = () => null,
): string {
  const at = (value: unknown) => (typeof value === 'string' ? when(value) : null)
  switch (kind) {
    case 'opened':
      return 'Request received'
    case 'message_posted':
      if (data.visibility === 'internal') return 'Internal note added'
      return data.authorRole === 'family' ? 'Family sent a message' : 'Reply sent to the family'
    case 'assigned':
      return `Assigned to ${nameOf(data.assigneeId) ?? 'someone'}${data.onFirstReply === true ? ' by their first reply' : ''}${
        data.familysAdvocate === true ? ' (the family’s advocate)' : ''
      }`
    case 'status_changed': {
      let line = `Status changed from ${statusWords(data.from)} to ${statusWords(data.to)}`
      if (typeof data.reason === 'string' && data.reason) line += `: ${data.reason}`
      if (at(data.laDeadline)) line += ` (LA deadline ${at(data.laDeadline)})`
      if (data.to === 'pending_family' && at(data.autoCloseAt)) line += ` (closes without a reply ${at(data.autoCloseAt)})`
      if (data.to === 'resolved' && at(data.reopenUntil)) line += ` (the family can reopen until ${at(data.reopenUntil)})`
      return line
    }
    case 'priority_changed':
      return `Priority changed from ${labelOf(PRIORITY_LABELS, data.from)} to ${labelOf(PRIORITY_LABELS, data.to)}`
    case 'type_changed':
      return `Type changed from ${labelOf(TYPE_LABELS, data.from)} to ${labelOf(TYPE_LABELS, data.to)}`
    case 'department_changed':
      return data.from
        ? `Moved from ${departmentOf(data.from) ?? 'another department'} to ${departmentOf(data.to) ?? 'another department'}`
        : `Moved to ${departmentOf(data.to) ?? 'another department'}`
    case 'case_linked':
      return data.caseRef ? `Linked to case ${String(data.caseRef)}` : `Unlinked from case ${String(data.previousCaseRef ?? '')}`.trim()
    case 'la_deadline_set':
      return `LA deadline set to ${at(data.laDeadline) ?? 'a new date'}`
    case 'la_overdue':
      return `The local authority missed its deadline (${at(data.laDeadline) ?? 'unknown'})`
    case 'family_reminded':
      return 'Family reminded to reply'
    case 'sla_breached':
      return `SLA breached: ${labelOf(SLA_KIND_LABELS, data.target).toLowerCase()} was due ${at(data.dueAt) ?? 'earlier'}`
    case 'sla_policy_applied':
      return 'SLA policy updated'
    default:
      return humanise(kind)
  }
}
