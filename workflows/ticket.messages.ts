/**
 * The ticket workflow's contract: its id, task queue, input, messages and search
 * attributes. Imported by the workflow, the worker, the web and scripts, so names
 * and payloads cannot drift. Payloads carry ids, never message bodies.
 *
 * Commands come two ways. People act through the web, which sends updates: they
 * are validated before they reach history and answer with the ticket afterwards
 * (TicketView) or a refusal. Integrations report facts as signals: the same
 * commands, applied when valid and otherwise logged and ignored, and made safe to
 * repeat by `commandId` (messages by their message id).
 */
import { ApplicationFailure, defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common'
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow'
import type { Priority, Role, TicketStatus, TicketType, Visibility } from '../domain/ticket.ts'
import type { ChecklistChangedInput } from '../domain/ticket-notifications.ts'
import type { TicketRecord } from '../domain/ticket-record.ts'
import type { CarriedTicketState, ConversationOpening, RefusalCode, TicketView } from '../domain/ticket-state.ts'

export const TICKET_TASK_QUEUE_DEFAULT = 'caseway-tickets'

export function ticketWorkflowId(ticketId: string): string {
  return `ticket-${ticketId}`
}

/** The id of a ticket's openTicket update: a creator's retry, or the sweeper's, is the same update. */
export function openTicketUpdateId(ticketId: string): string {
  return `open-${ticketId}`
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
  /** The closed ticket this one follows up (a family wrote on it after it closed). */
  followUpOfId?: string | null
  /** The department it belongs to; absent in runs begun before the workflow was told. */
  departmentId?: string
  /** Staff started it with a message to the family (a conversation): who wrote, and whether a file is awaited. */
  conversation?: ConversationOpening
  /** Present after continue-as-new: the state to resume from. */
  carried?: CarriedTicketState
  /** Present after continue-as-new: the due times (epoch ms, by task id) of the tasks it still waits for. */
  carriedTaskDeadlines?: Record<string, number>
}

export interface OpenTicketInput {
  /** A case to link from the start: it is in the ticket's first save. */
  caseRef?: string | null
}

/** Every command may carry an id of the caller's choosing; a repeat of an applied id changes nothing. */
interface CommandIdentity {
  commandId?: string
}

export interface PostMessageInput extends CommandIdentity {
  messageId: string
  authorId: string
  authorRole: Role
  visibility: Visibility
  /**
   * The organisation's setting (Organisation.assignOnFirstReply), sent with staff
   * replies: the first public staff reply on an unassigned ticket assigns it to
   * its author. Absent means no.
   */
  assignOnFirstReply?: boolean
}

export interface AssignTicketInput extends CommandIdentity {
  assigneeId: string
  actorId: string
  /** Auto-assignment to the advocate of the family's open case: the timeline says so. */
  familysAdvocate?: true
}

export interface ChangeStatusInput extends CommandIdentity {
  status: TicketStatus
  actorId: string
  reason?: string
  /**
   * With `pending_la` only: when the local authority must answer by (ISO instant).
   * Sent while already Pending LA, it records or corrects the deadline.
   */
  laDeadline?: string | null
}

export interface ChangePriorityInput extends CommandIdentity {
  priority: Priority
  actorId: string
}

export interface ChangeTypeInput extends CommandIdentity {
  type: TicketType
  actorId: string
}

export interface ChangeDepartmentInput extends CommandIdentity {
  /** One of the organisation's active departments (checked by the service). */
  departmentId: string
  actorId: string
}

export interface LinkCaseInput extends CommandIdentity {
  /** The case's reference; null unlinks. */
  caseRef: string | null
  /** Null when an integration links it. */
  actorId: string | null
}

export interface ReopenTicketInput extends CommandIdentity {
  actorId: string
  /** A family may reopen only within the reopen window; staff may reopen any resolved ticket. */
  actorRole: Role
}

export interface RecordLaResponseInput extends CommandIdentity {
  /** Null when an integration reports it. */
  actorId: string | null
}

export interface ApplySlaPolicyInput extends CommandIdentity {
  actorId: string | null
}

export interface CaseClosedInput extends CommandIdentity {
  /** The closed case; when given it must be the ticket's case (and links it if the ticket has none yet). */
  caseRef?: string | null
}

/** The ApplicationFailure type of an update the ticket refused; its message says why, for people. */
export const commandRefusedFailureType = 'TicketCommandRefused'

/** The first detail of a refusal: what kind of "no" it is, and which ticket said it. */
export interface CommandRefusalDetails {
  code: RefusalCode
  ticketId: string
  number: number
}

/**
 * The refusal's code, if `failure` is a ticket's refusal. `ticket_closed` on a
 * family's postMessage means: start a follow-up ticket instead.
 */
export function refusalDetailsOf(failure: unknown): CommandRefusalDetails | undefined {
  if (!(failure instanceof ApplicationFailure) || failure.type !== commandRefusedFailureType) return undefined
  const [details] = failure.details ?? []
  return details && typeof details === 'object' && 'code' in details ? (details as CommandRefusalDetails) : undefined
}

export interface TaskDeadlineInput {
  taskId: string
  /** ISO instant it is due. */
  dueAt: string
}

// Updates: the web, for people who need the result or the reason at once.
/**
 * Sent with the start (update-with-start) by whoever creates the ticket: answers
 * with the ticket as its first save left it, so the creator shows what the
 * workflow computed (status, SLA targets) and reads its own write.
 */
export const openTicketUpdate = defineUpdate<TicketView, [OpenTicketInput]>('openTicket')
export const postMessageUpdate = defineUpdate<TicketView, [PostMessageInput]>('postMessage')
export const assignTicketUpdate = defineUpdate<TicketView, [AssignTicketInput]>('assignTicket')
export const changeStatusUpdate = defineUpdate<TicketView, [ChangeStatusInput]>('changeStatus')
export const changePriorityUpdate = defineUpdate<TicketView, [ChangePriorityInput]>('changePriority')
export const changeTypeUpdate = defineUpdate<TicketView, [ChangeTypeInput]>('changeType')
export const changeDepartmentUpdate = defineUpdate<TicketView, [ChangeDepartmentInput]>('changeDepartment')
export const linkCaseUpdate = defineUpdate<TicketView, [LinkCaseInput]>('linkCase')
export const reopenTicketUpdate = defineUpdate<TicketView, [ReopenTicketInput]>('reopenTicket')
export const recordLaResponseUpdate = defineUpdate<TicketView, [RecordLaResponseInput]>('recordLaResponse')
/** Reloads the organisation's current SLA policy into this ticket (admins opt running tickets in). */
export const applySlaPolicyUpdate = defineUpdate<TicketView, [ApplySlaPolicyInput]>('applySlaPolicy')

// Signals: integrations, reporting facts that need no answer.
export const messagePostedSignal = defineSignal<[PostMessageInput]>('messagePosted')
export const ticketAssignedSignal = defineSignal<[AssignTicketInput]>('ticketAssigned')
export const statusChangedSignal = defineSignal<[ChangeStatusInput]>('statusChanged')
export const priorityChangedSignal = defineSignal<[ChangePriorityInput]>('priorityChanged')
export const typeChangedSignal = defineSignal<[ChangeTypeInput]>('typeChanged')
export const caseLinkedSignal = defineSignal<[LinkCaseInput]>('caseLinked')
export const ticketReopenedSignal = defineSignal<[ReopenTicketInput]>('ticketReopened')
/** The local authority answered: a Pending LA ticket goes back to In progress. */
export const laRespondedSignal = defineSignal<[RecordLaResponseInput]>('laResponded')
export const slaPolicyChangedSignal = defineSignal<[ApplySlaPolicyInput]>('slaPolicyChanged')
/** The case system closed the ticket's case: the ticket is resolved ("case closed") and the family told. */
export const caseClosedSignal = defineSignal<[CaseClosedInput]>('caseClosed')
/** A task of the ticket has (or moved to) this due time: the workflow flags it overdue then, unless done or moved again. */
export const taskDeadlineSignal = defineSignal<[TaskDeadlineInput]>('taskDeadline')
/** An advocate added or ticked a checklist item the family sees and asked that they be told. */
export const checklistChangedSignal = defineSignal<[ChecklistChangedInput]>('checklistChanged')

/** Everything the ticket page shows, live. */
export const ticketViewQuery = defineQuery<TicketView>('ticketView')
/** The lifecycle columns the workflow keeps in the Ticket row: `npm run reconcile` compares them. */
export const ticketRecordQuery = defineQuery<TicketRecord>('ticketRecord')

export const searchAttributes = {
  ticketNumber: defineSearchAttributeKey('TicketNumber', SearchAttributeType.INT),
  orgId: defineSearchAttributeKey('OrgId', SearchAttributeType.KEYWORD),
  ticketStatus: defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD),
  ticketPriority: defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD),
  ticketType: defineSearchAttributeKey('TicketType', SearchAttributeType.KEYWORD),
  slaState: defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD),
  assigneeId: defineSearchAttributeKey('AssigneeId', SearchAttributeType.KEYWORD),
  /** Who the ticket waits on: "staff" (the family wrote last) or "family"; absent when resolved or closed. */
  awaiting: defineSearchAttributeKey('Awaiting', SearchAttributeType.KEYWORD),
  caseOpen: defineSearchAttributeKey('CaseOpen', SearchAttributeType.BOOL),
} as const
