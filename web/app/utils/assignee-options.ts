/**
 * The assignee picker's choices (triage and the ticket page): each advocate with
 * their cases against capacity, "At capacity" in words when an assignment would
 * open a new case they have no room for, and whether they specialise in the
 * ticket's type. Choosing one at capacity needs the "Override capacity" box.
 */
import { TYPE_LABELS, type TicketType } from '../../../domain/ticket.ts'

export interface AssigneeLoad {
  userId: string
  name: string
  /** "3 of 5 cases" (services/capacity.server.ts describeLoad). */
  load: string
  atCapacity: boolean
  specialisms: readonly TicketType[]
}

export const AT_CAPACITY = 'At capacity'

export function assigneeOptions(
  team: readonly AssigneeLoad[],
  ticket: { type: TicketType; opensCase: boolean },
  meId?: string,
): { value: string; label: string }[] {
  return team.map((m) => {
    const parts = [m.userId === meId ? `${m.name} (you)` : m.name, m.load]
    if (m.atCapacity && ticket.opensCase) parts.push(`${AT_CAPACITY}: override needed`)
    if (m.specialisms.includes(ticket.type)) parts.push(`specialises in ${TYPE_LABELS[ticket.type]}`)
    return { value: m.userId, label: parts.join(' · ') }
  })
}

/** Whether any choice needs the override, so the box is offered. */
export function needsOverride(team: readonly AssigneeLoad[], ticket: { opensCase: boolean }): boolean {
  return ticket.opensCase && team.some((m) => m.atCapacity)
}
