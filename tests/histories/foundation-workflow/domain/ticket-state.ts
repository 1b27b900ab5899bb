/**
 * One ticket's lifecycle as pure functions: the state the ticket workflow holds,
 * the commands that change it, and the views and records derived from it.
 * Deterministic (the caller passes `now`) and JSON-safe (ISO strings, arrays, no
 * Maps or Dates), so the same state survives continue-as-new unchanged.
 */
import {
  isStaffRole,
  STATUS_LABELS,
  TICKET_STATUSES,
  type Awaiting,
  type Priority,
  type Role,
  type TicketStatus,
  type TicketType,
  type Visibility,
} from './ticket.ts'

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

/** Why `from` cannot move to `to`, in words a member of staff can act on; undefined when it can. */
function transitionRefusal(from: TicketStatus, to: TicketStatus): string | undefined {
  if (!TICKET_STATUSES.includes(to)) return `Unknown status "${to}"`
  if (from === to) return `Ticket is already ${STATUS_LABELS[to]}`
  if (!STATUS_TRANSITIONS[from].includes(to)) return `A ticket in ${STATUS_LABELS[from]} cannot move to ${STATUS_LABELS[to]}`
  return undefined
}

/** What happened, in order: the ticket's timeline. `seq` is unique per ticket, so saving is idempotent. */
export type TicketEventBody =
  | { kind: 'opened'; data: { type: TicketType; priority: Priority } }
  | { kind: 'message_posted'; data: { messageId: string; authorRole: Role; visibility: Visibility } }
  | { kind: 'assigned'; data: { assigneeId: string; previousAssigneeId: string | null } }
  | { kind: 'status_changed'; data: { from: TicketStatus; to: TicketStatus; reason: string | null } }

export type TicketEvent = TicketEventBody & {
  seq: number
  /** Null for changes nobody made by hand (none yet: SLA expiry will be the first). */
  actorId: string | null
  /** ISO instant. */
  at: string
}

type EventDraft = TicketEventBody & { actorId: string | null }

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
  createdAt: string
  updatedAt: string
  /** Bumped by every accepted change; the database keeps the highest version it saw. */
  version: number
  firstStaffReplyAt: string | null
  /** Seq of the last event appended. */
  eventSeq: number
  /** Every message recorded, so a retried update or a repeated signal is recorded once. */
  messageIds: string[]
  /** Events appended since the last save. */
  pendingEvents: TicketEvent[]
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
  createdAt: string
  updatedAt: string
  firstStaffReplyAt: string | null
  version: number
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
  return {
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
  }
}

export function toTicketView(state: TicketState): TicketView {
  return {
    ticketId: state.ticketId,
    number: state.number,
    type: state.type,
    priority: state.priority,
    status: state.status,
    awaiting: state.awaiting,
    assigneeId: state.assigneeId,
    caseRef: state.caseRef,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    firstStaffReplyAt: state.firstStaffReplyAt,
    version: state.version,
  }
}

export type TicketCommand =
  | { kind: 'postMessage'; messageId: string; authorId: string; authorRole: Role; visibility: Visibility }
  | { kind: 'assign'; assigneeId: string; actorId: string }
  | { kind: 'changeStatus'; status: TicketStatus; actorId: string; reason?: string }

/**
 * Accepted with no events means "already done" (a repeated message): the state is
 * returned unchanged, so callers may retry freely.
 */
export type CommandResult = { ok: true; state: TicketState; events: TicketEvent[] } | { ok: false; reason: string }

export function applyCommand(state: TicketState, command: TicketCommand, now: string): CommandResult {
  switch (command.kind) {
    case 'postMessage':
      return postMessage(state, command, now)
    case 'assign':
      return assign(state, command, now)
    case 'changeStatus':
      return changeStatus(state, command, now)
  }
}

type Command<K extends TicketCommand['kind']> = Extract<TicketCommand, { kind: K }>

function postMessage(state: TicketState, command: Command<'postMessage'>, now: string): CommandResult {
  if (state.status === 'closed') return refused('Ticket is closed')
  if (state.messageIds.includes(command.messageId)) return { ok: true, state, events: [] }
  const fromStaff = isStaffRole(command.authorRole)
  if (command.visibility === 'internal' && !fromStaff) return refused('Only staff can post internal notes')

  const posted: EventDraft = {
    kind: 'message_posted',
    actorId: command.authorId,
    data: { messageId: command.messageId, authorRole: command.authorRole, visibility: command.visibility },
  }
  const messageIds = [...state.messageIds, command.messageId]
  // Internal notes are staff talking among themselves: nobody outside is waiting on them.
  if (command.visibility === 'internal') return commit(state, now, { messageIds }, [posted])

  if (fromStaff) {
    const status = state.status === 'new' ? 'in_progress' : state.status
    return commit(
      state,
      now,
      { messageIds, status, awaiting: 'family', firstStaffReplyAt: state.firstStaffReplyAt ?? now },
      [posted, ...statusChanges(state.status, status, command.authorId, null)],
    )
  }
  // The family answered what staff were waiting for, or came back to a resolved ticket: it is live again.
  const status = state.status === 'pending_family' || state.status === 'resolved' ? 'in_progress' : state.status
  return commit(state, now, { messageIds, status, awaiting: 'staff' }, [
    posted,
    ...statusChanges(state.status, status, command.authorId, null),
  ])
}

function assign(state: TicketState, command: Command<'assign'>, now: string): CommandResult {
  if (state.status === 'closed') return refused('Ticket is closed')
  if (command.assigneeId === state.assigneeId) return refused('Ticket is already assigned to that person')
  // Someone taking a new ticket is work starting on it.
  const status = state.status === 'new' ? 'in_progress' : state.status
  return commit(state, now, { assigneeId: command.assigneeId, status }, [
    {
      kind: 'assigned',
      actorId: command.actorId,
      data: { assigneeId: command.assigneeId, previousAssigneeId: state.assigneeId },
    },
    ...statusChanges(state.status, status, command.actorId, null),
  ])
}

function changeStatus(state: TicketState, command: Command<'changeStatus'>, now: string): CommandResult {
  const refusal = transitionRefusal(state.status, command.status)
  if (refusal) return refused(refusal)
  return commit(
    state,
    now,
    { status: command.status, awaiting: awaitingAfterStatusChange(state, command.status) },
    statusChanges(state.status, command.status, command.actorId, command.reason ?? null),
  )
}

/**
 * Awaiting follows the last public message, with two exceptions: a resolved or
 * closed ticket waits on nobody, and a reopened one waits on staff.
 */
function awaitingAfterStatusChange(state: TicketState, to: TicketStatus): Awaiting {
  if (to === 'resolved' || to === 'closed') return null
  if (state.status === 'resolved') return 'staff'
  return state.awaiting
}

function statusChanges(from: TicketStatus, to: TicketStatus, actorId: string, reason: string | null): EventDraft[] {
  if (from === to) return []
  if (transitionRefusal(from, to)) throw new Error(`Bug: an automatic change broke the status table (${from} -> ${to})`)
  return [{ kind: 'status_changed', actorId, data: { from, to, reason } }]
}

function commit(
  state: TicketState,
  now: string,
  changes: Partial<Omit<TicketState, 'version' | 'eventSeq' | 'pendingEvents' | 'updatedAt'>>,
  drafts: EventDraft[],
): CommandResult {
  const events = drafts.map((draft, index) => ({ ...draft, seq: state.eventSeq + index + 1, at: now }) as TicketEvent)
  return {
    ok: true,
    events,
    state: {
      ...state,
      ...changes,
      updatedAt: now,
      version: state.version + 1,
      eventSeq: state.eventSeq + events.length,
      pendingEvents: [...state.pendingEvents, ...events],
    },
  }
}

function refused(reason: string): CommandResult {
  return { ok: false, reason }
}

/** The Ticket row's lifecycle columns and the events to append, as the save activity writes them. */
export interface TicketSnapshot {
  ticketId: string
  version: number
  status: TicketStatus
  awaiting: Awaiting
  priority: Priority
  assigneeId: string | null
  updatedAt: string
  events: TicketEvent[]
}

export function toTicketSnapshot(state: TicketState): TicketSnapshot {
  return {
    ticketId: state.ticketId,
    version: state.version,
    status: state.status,
    awaiting: state.awaiting,
    priority: state.priority,
    assigneeId: state.assigneeId,
    updatedAt: state.updatedAt,
    events: state.pendingEvents,
  }
}

/** Forgets the events a save covered; later ones (appended while it ran) stay pending. */
export function withEventsSaved(state: TicketState, throughSeq: number): TicketState {
  return { ...state, pendingEvents: state.pendingEvents.filter((event) => event.seq > throughSeq) }
}

/** One notification per effect; the dedupe key makes a repeated send a no-op. */
export interface TicketNotification {
  dedupeKey: string
  ticketId: string
  kind: 'staff_replied'
  actorId: string
  recipientIds: string[]
}

/** Who hears about these events: the family, whenever staff reply to them. */
export function notificationsFor(state: TicketState, events: readonly TicketEvent[]): TicketNotification[] {
  return events.flatMap((event) =>
    event.kind === 'message_posted' &&
    event.data.visibility === 'public' &&
    isStaffRole(event.data.authorRole) &&
    event.actorId !== null
      ? [
          {
            dedupeKey: `ticket:${state.ticketId}:event:${event.seq}`,
            ticketId: state.ticketId,
            kind: 'staff_replied' as const,
            actorId: event.actorId,
            recipientIds: [state.requesterId],
          },
        ]
      : [],
  )
}
