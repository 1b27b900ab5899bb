/**
 * The ticket workflow's contract: its id, task queue, input, messages and search
 * attributes. Imported by the workflow, the worker, the web and scripts, so names
 * and payloads cannot drift. Payloads carry ids, never message bodies.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common'
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow'
import type { Priority, Role, TicketStatus, TicketType, Visibility } from '../domain/ticket.ts'
import type { TicketState, TicketView } from '../domain/ticket-state.ts'

export const TICKET_TASK_QUEUE_DEFAULT = 'caseway-tickets'

export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`
}

export interface TicketWorkflowInput {
  ticketId: string
  orgId: string
  number: number
  requesterId: string
  type: TicketType
  priority: Priority
  /** ISO instant the ticket row was created. */
  createdAt: string
  /** Present after continue-as-new: the state to resume from. */
  carried?: TicketState
}

export interface PostMessageInput {
  messageId: string
  authorId: string
  authorRole: Role
  visibility: Visibility
}

export interface AssignTicketInput {
  assigneeId: string
  actorId: string
}

export interface ChangeStatusInput {
  status: TicketStatus
  actorId: string
  reason?: string
}

/** The ApplicationFailure type of an update the ticket refused; its message says why, for people. */
export const commandRefusedFailureType = 'TicketCommandRefused'

export const postMessageUpdate = defineUpdate<TicketView, [PostMessageInput]>('postMessage')
export const assignTicketUpdate = defineUpdate<TicketView, [AssignTicketInput]>('assignTicket')
export const changeStatusUpdate = defineUpdate<TicketView, [ChangeStatusInput]>('changeStatus')

/** Integrations send the same commands as signals: a fact that needs no answer. */
export const messagePostedSignal = defineSignal<[PostMessageInput]>('messagePosted')

export const ticketViewQuery = defineQuery<TicketView>('ticketView')

export const searchAttributes = {
  ticketNumber: defineSearchAttributeKey('TicketNumber', SearchAttributeType.INT),
  orgId: defineSearchAttributeKey('OrgId', SearchAttributeType.KEYWORD),
  ticketStatus: defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD),
  ticketPriority: defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD),
  ticketType: defineSearchAttributeKey('TicketType', SearchAttributeType.KEYWORD),
  slaState: defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD),
  assigneeId: defineSearchAttributeKey('AssigneeId', SearchAttributeType.KEYWORD),
  caseOpen: defineSearchAttributeKey('CaseOpen', SearchAttributeType.BOOL),
} as const
