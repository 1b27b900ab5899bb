/**
 * The ticket and commands the domain's tests build on: one opening, one
 * clock, the same people. Only tests import this.
 */
import type { TicketStatus } from './ticket.ts'
import type { TicketCommand } from './ticket-commands.ts'
import { initialTicketState, type TicketOpening, type TicketState } from './ticket-state.ts'

export const OPENED_AT = '2026-11-23T09:00:00.000Z'
export const NOW = '2026-11-23T10:00:00.000Z'
export const REQUESTER = 'family-1'
export const STAFF = 'staff-1'
export const OTHER_STAFF = 'staff-2'

export const opening: TicketOpening = {
  ticketId: 'ticket-1',
  orgId: 'org-1',
  number: 42,
  requesterId: REQUESTER,
  type: 'ehcp',
  priority: 'normal',
  createdAt: OPENED_AT,
  departmentId: 'department-1',
}

/** A saved ticket (nothing pending) with the given lifecycle fields. */
export function ticket(fields: Partial<TicketState> = {}): TicketState {
  return { ...initialTicketState(opening), pendingEvents: [], ...fields }
}

export type PostMessage = Extract<TicketCommand, { kind: 'postMessage' }>

export const familyMessage = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
export const staffReply = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: STAFF,
  authorRole: 'staff',
  visibility: 'public',
})
export const internalNote = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: STAFF,
  authorRole: 'staff',
  visibility: 'internal',
})
export const assignTo = (assigneeId: string): TicketCommand => ({ kind: 'assign', assigneeId, actorId: STAFF })
export const moveTo = (status: TicketStatus, reason?: string): TicketCommand => ({
  kind: 'changeStatus',
  status,
  actorId: STAFF,
  reason,
})
