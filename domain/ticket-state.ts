/**
 * One ticket as data: the state the ticket workflow holds, the status table
 * every change keeps to, and the view derived from the state. Deterministic (the
 * caller passes `now`) and JSON-safe (ISO strings, arrays, no Maps or Dates), so
 * the same state survives continue-as-new unchanged.
 *
 * What changes it is apart, and changes for its own reasons: the commands people
 * and integrations send (ticket-commands.ts) and the deadlines that fall due by
 * themselves (ticket-deadlines.ts), both building a change with ticket-draft.ts.
 * The workflow applies deadlines due at `now` before each command
 * (`applyDeadlines`, then `applyCommand`), and sleeps until `nextDeadlineMs`.
 * The row it saves is in ticket-record.ts, who hears of a change in
 * ticket-notifications.ts.
 */
import {
  STATUS_LABELS,
  TICKET_STATUSES,
  type Awaiting,
  type Priority,
  type Role,
  type TicketStatus,
  type TicketType,
  type Visibility,
} from './ticket.ts'
import type { SlaKind, SlaPolicy, SlaState } from './sla.ts'
import { slaDueAt, slaTargetViews, type SlaTargetView, type TicketSla } from './ticket-sla.ts'

/** Which status may follow which. Every status change, by hand or automatic, goes through this table. */
export const STATUS_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['in_progress', 'pending_family', 'pending_la', 'resolved', 'closed'],
  in_progress: ['pending_family', 'pending_la', 'resolved', 'closed'],
  pending_family: ['in_progress', 'pending_la', 'resolved', 'closed'],
  pending_la: ['in_progress', 'pending_family', 'resolved', 'closed'],
  resolved: ['in_progress', 'closed'],
  closed: [],
}

export function allowedTransitions(status: TicketStatus): readonly TicketStatus[] {
  return STATUS_TRANSITIONS[status]
}

/** Why a ticket changed status by itself (or through an integration), as the timeline and the family read it. */
export const STATUS_REASONS = {
  familyReplied: 'family replied',
  familyReopened: 'reopened by the family',
  laResponded: 'LA responded',
  caseClosed: 'case closed',
  noResponse: 'no response',
  reopenWindowEnded: 'reopen window ended',
} as const

/**
 * What kind of "no" a refusal is, for callers that act on it: the web starts a
 * follow-up ticket when a family writes on a `ticket_closed` one, and the API
 * maps codes to statuses.
 */
export const REFUSAL_CODES = ['ticket_closed', 'invalid_transition', 'not_allowed', 'invalid_input', 'no_change'] as const
export type RefusalCode = (typeof REFUSAL_CODES)[number]

export type Refusal = { reason: string; code: RefusalCode }

/** Why `from` cannot move to `to`, in words a member of staff can act on; undefined when it can. */
export function transitionRefusal(from: TicketStatus, to: TicketStatus): Refusal | undefined {
  if (!TICKET_STATUSES.includes(to)) return refusal(`Unknown status "${to}"`, 'invalid_input')
  if (from === to) return refusal(`Ticket is already ${STATUS_LABELS[to]}`, 'no_change')
  if (from === 'closed') return refusal('Ticket is closed', 'ticket_closed')
  if (!STATUS_TRANSITIONS[from].includes(to))
    return refusal(`A ticket in ${STATUS_LABELS[from]} cannot move to ${STATUS_LABELS[to]}`, 'invalid_transition')
  return undefined
}

/** What happened, in order: the ticket's timeline. `seq` is unique per ticket, so saving is idempotent. */
export type TicketEventBody =
  /** `conversation`: staff started it with a message to the family (initialConversationState). */
  | { kind: 'opened'; data: { type: TicketType; priority: Priority; conversation?: true } }
  | { kind: 'message_posted'; data: { messageId: string; authorRole: Role; visibility: Visibility } }
  | {
      kind: 'assigned'
      data: {
        assigneeId: string
        previousAssigneeId: string | null
        /** Taken by replying first on an unassigned ticket (the organisation's assignOnFirstReply). */
        onFirstReply?: true
        /** Given at once to the advocate of the family's open case (auto-assignment). */
        familysAdvocate?: true
      }
    }
  | {
      kind: 'status_changed'
      data: {
        from: TicketStatus
        to: TicketStatus
        reason: string | null
        /** Entering pending_family: when the ticket will close without a reply. */
        autoCloseAt?: string | null
        /** Entering resolved: until when the family can reopen it. */
        reopenUntil?: string | null
        /** Entering pending_la with a deadline. */
        laDeadline?: string | null
      }
    }
  | { kind: 'priority_changed'; data: { from: Priority; to: Priority } }
  | { kind: 'type_changed'; data: { from: TicketType; to: TicketType } }
  /** Moved to another department; `from` is null in runs begun before the workflow knew its department. */
  | { kind: 'department_changed'; data: { from: string | null; to: string } }
  | { kind: 'case_linked'; data: { caseRef: string | null; previousCaseRef: string | null } }
  | { kind: 'la_deadline_set'; data: { laDeadline: string } }
  | { kind: 'la_overdue'; data: { laDeadline: string } }
  | { kind: 'family_reminded'; data: { autoCloseAt: string | null } }
  | { kind: 'sla_breached'; data: { target: SlaKind; cycle: number; dueAt: string | null } }
  | { kind: 'sla_policy_applied'; data: Record<string, never> }

export type TicketEvent = TicketEventBody & {
  seq: number
  /** Null for changes nobody made by hand: deadlines, SLA breaches, integrations. */
  actorId: string | null
  /** ISO instant. */
  at: string
}

export interface TicketState {
  ticketId: string
  orgId: string
  number: number
  requesterId: string
  type: TicketType
  priority: Priority
  status: TicketStatus
  awaiting: Awaiting
  assigneeId: string | null
  caseRef: string | null
  /**
   * The department it belongs to, which decides who may see it. Null in runs
   * begun before the workflow was told (the row has it) until it is moved.
   */
  departmentId: string | null
  createdAt: string
  updatedAt: string
  /** Bumped by every accepted change; the database keeps the highest version it saw. */
  version: number
  firstStaffReplyAt: string | null
  /** Seq of the last event appended. */
  eventSeq: number
  /** Messages recorded (the latest few thousand), so a retried update or a repeated signal is recorded once. */
  messageIds: string[]
  /** Events appended since the last save. */
  pendingEvents: TicketEvent[]
  /** The closed ticket this one follows up, if any. */
  followUpOfId: string | null
  /** Why the status last changed (a person's reason, or one of STATUS_REASONS). */
  statusReason: string | null
  /**
   * The family pressed Reopen and nobody has written publicly since: staff are up
   * because of the reopening, not because of a message from the family.
   */
  reopenedByFamily: boolean
  /** The organisation's policy, loaded when the workflow starts; null until then (and in runs older than SLAs). */
  policy: SlaPolicy | null
  sla: TicketSla | null
  /** When the current pending_family or pending_la wait began. */
  pendingSince: string | null
  reminderAt: string | null
  remindedAt: string | null
  autoCloseAt: string | null
  laDeadline: string | null
  laOverdue: boolean
  resolvedAt: string | null
  reopenUntil: string | null
  closedAt: string | null
  /** Integrations' command ids recently applied, so a repeated signal changes nothing. */
  commandIds: string[]
  /** Staff started it (a conversation): it has no first-response target, and the family is told it began. */
  conversation: boolean
}

/** The fields added after the first version of the workflow: a state carried from it lacks them. */
type AddedFields =
  | 'followUpOfId'
  | 'statusReason'
  | 'reopenedByFamily'
  | 'policy'
  | 'sla'
  | 'pendingSince'
  | 'reminderAt'
  | 'remindedAt'
  | 'autoCloseAt'
  | 'laDeadline'
  | 'laOverdue'
  | 'resolvedAt'
  | 'reopenUntil'
  | 'closedAt'
  | 'commandIds'
  | 'departmentId'
  | 'conversation'

/** A state as any version of the workflow carried it into continue-as-new. */
export type CarriedTicketState = Omit<TicketState, AddedFields> & Partial<Pick<TicketState, AddedFields>>

/** A carried state with the fields it predates filled in; it gets its SLA policy like a new ticket. */
export function upgradeTicketState(carried: CarriedTicketState): TicketState {
  return {
    followUpOfId: null,
    statusReason: null,
    reopenedByFamily: false,
    policy: null,
    sla: null,
    pendingSince: null,
    reminderAt: null,
    remindedAt: null,
    autoCloseAt: null,
    laDeadline: null,
    laOverdue: false,
    resolvedAt: null,
    reopenUntil: null,
    closedAt: null,
    commandIds: [],
    departmentId: null,
    conversation: false,
    ...carried,
  }
}

/** What the ticket page shows; returned by every update and the ticketView query. */
export interface TicketView {
  ticketId: string
  number: number
  type: TicketType
  priority: Priority
  status: TicketStatus
  awaiting: Awaiting
  assigneeId: string | null
  caseRef: string | null
  /** A case is linked and the ticket is not resolved or closed (the "Case open" badge). */
  caseOpen: boolean
  createdAt: string
  updatedAt: string
  firstStaffReplyAt: string | null
  version: number
  /** Why the status last changed: "family replied", "case closed", "no response", or staff's own words. */
  statusReason: string | null
  /** Staff are up because the family pressed Reopen, without writing. */
  reopenedByFamily: boolean
  followUpOfId: string | null
  pendingSince: string | null
  /** Pending family: when the family is (or was) reminded, and when the ticket closes without a reply. */
  reminderAt: string | null
  remindedAt: string | null
  autoCloseAt: string | null
  laDeadline: string | null
  laOverdue: boolean
  resolvedAt: string | null
  /** Resolved: until when the family may reopen it by replying or pressing Reopen. */
  reopenUntil: string | null
  closedAt: string | null
  closeReason: string | null
  /** Null until the organisation's policy is loaded (a moment after creation). */
  sla: { state: SlaState; dueAt: string | null; targets: SlaTargetView[] } | null
  /** The instant the time-dependent numbers (remaining, paused) were computed. */
  asOf: string
}

export interface TicketOpening {
  ticketId: string
  orgId: string
  number: number
  requesterId: string
  type: TicketType
  priority: Priority
  /** ISO instant the ticket row was created. */
  createdAt: string
  followUpOfId?: string | null
  /** Absent in runs begun before tickets had a department in their workflow. */
  departmentId?: string | null
}

/** A family has just asked for help: the request itself is the first message, so staff are up. */
export function initialTicketState(opening: TicketOpening): TicketState {
  const opened: TicketEvent = {
    seq: 1,
    kind: 'opened',
    actorId: opening.requesterId,
    data: { type: opening.type, priority: opening.priority },
    at: opening.createdAt,
  }
  return upgradeTicketState({
    ticketId: opening.ticketId,
    orgId: opening.orgId,
    number: opening.number,
    requesterId: opening.requesterId,
    type: opening.type,
    priority: opening.priority,
    status: 'new',
    awaiting: 'staff',
    assigneeId: null,
    caseRef: null,
    createdAt: opening.createdAt,
    updatedAt: opening.createdAt,
    version: 1,
    firstStaffReplyAt: null,
    eventSeq: 1,
    messageIds: [],
    pendingEvents: [opened],
    followUpOfId: opening.followUpOfId ?? null,
    departmentId: opening.departmentId ?? null,
  })
}

/** How a conversation staff started begins: with its author's message to the family. */
export interface ConversationOpening {
  authorId: string
  /** A document request: the conversation waits on the family's file (Pending family). */
  awaitingFile: boolean
}

/**
 * Staff wrote first: the ticket is theirs and waits on the family, In progress,
 * or Pending family while a requested document is awaited. The opening message
 * is the first staff reply, so no first response is owed.
 */
export function initialConversationState(opening: TicketOpening, conversation: ConversationOpening): TicketState {
  const state = initialTicketState(opening)
  const [opened] = state.pendingEvents as [Extract<TicketEvent, { kind: 'opened' }>]
  return {
    ...state,
    conversation: true,
    status: conversation.awaitingFile ? 'pending_family' : 'in_progress',
    awaiting: 'family',
    assigneeId: conversation.authorId,
    firstStaffReplyAt: opening.createdAt,
    pendingSince: conversation.awaitingFile ? opening.createdAt : null,
    pendingEvents: [{ ...opened, actorId: conversation.authorId, data: { ...opened.data, conversation: true } }],
  }
}

export function caseOpen(state: Pick<TicketState, 'caseRef' | 'status'>): boolean {
  return state.caseRef !== null && state.status !== 'resolved' && state.status !== 'closed'
}

export function toTicketView(state: TicketState, now: string): TicketView {
  const nowMs = Date.parse(now)
  return {
    ticketId: state.ticketId,
    number: state.number,
    type: state.type,
    priority: state.priority,
    status: state.status,
    awaiting: state.awaiting,
    assigneeId: state.assigneeId,
    caseRef: state.caseRef,
    caseOpen: caseOpen(state),
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    firstStaffReplyAt: state.firstStaffReplyAt,
    version: state.version,
    statusReason: state.statusReason,
    reopenedByFamily: state.reopenedByFamily,
    followUpOfId: state.followUpOfId,
    pendingSince: state.pendingSince,
    reminderAt: state.reminderAt,
    remindedAt: state.remindedAt,
    autoCloseAt: state.autoCloseAt,
    laDeadline: state.laDeadline,
    laOverdue: state.laOverdue,
    resolvedAt: state.resolvedAt,
    reopenUntil: state.reopenUntil,
    closedAt: state.closedAt,
    closeReason: closeReason(state),
    sla:
      state.sla && state.policy
        ? { state: state.sla.state, dueAt: slaDueAt(state.sla), targets: slaTargetViews(state.sla, state.policy, nowMs) }
        : null,
    asOf: now,
  }
}

/** Why a closed ticket closed; null while it is open. */
export function closeReason(state: TicketState): string | null {
  return state.status === 'closed' ? state.statusReason : null
}

function refusal(reason: string, code: RefusalCode): Refusal {
  return { reason, code }
}

/** An ISO instant (date and time), as commands and records carry them. */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && Number.isFinite(Date.parse(value))
}
