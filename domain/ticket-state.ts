/**
 * One ticket's lifecycle as pure functions: the state the ticket workflow holds,
 * the commands that change it, the deadlines that change it by themselves, and
 * the views, records and notifications derived from it. Deterministic (the
 * caller passes `now`) and JSON-safe (ISO strings, arrays, no Maps or Dates), so
 * the same state survives continue-as-new unchanged.
 *
 * The workflow applies deadlines due at `now` before each command
 * (`applyDeadlines`, then `applyCommand`), and sleeps until `nextDeadlineMs`.
 */
import { CASE_REF_MAX } from './limits.ts'
import {
  isStaffRole,
  PRIORITIES,
  PRIORITY_LABELS,
  STATUS_LABELS,
  TICKET_STATUSES,
  TICKET_TYPES,
  TYPE_LABELS,
  type Awaiting,
  type Priority,
  type Role,
  type TicketStatus,
  type TicketType,
  type Visibility,
} from './ticket.ts'
import {
  pendingFamilyAutoCloseAt,
  pendingFamilyReminderAt,
  reopenWindowEndsAt,
  resolveTargets,
  type SlaKind,
  type SlaPolicy,
  type SlaState,
  type SlaTarget,
} from './sla.ts'
import {
  adoptTicketSla,
  evaluateSla,
  familyWrote,
  retargeted,
  slaChips,
  slaDueAt,
  slaNextChangeAt,
  slaTargetViews,
  staffReplied,
  statusChanged,
  type SlaChip,
  type SlaTargetRecord,
  type SlaTargetView,
  type TicketSla,
} from './ticket-sla.ts'

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

/** Ids remembered to make repeats harmless; older ones are forgotten so a ticket's state stays small for years. */
const MESSAGE_IDS_KEPT = 2000
const COMMAND_IDS_KEPT = 200

/** Why `from` cannot move to `to`, in words a member of staff can act on; undefined when it can. */
function transitionRefusal(from: TicketStatus, to: TicketStatus): Refusal | undefined {
  if (!TICKET_STATUSES.includes(to)) return refusal(`Unknown status "${to}"`, 'invalid_input')
  if (from === to) return refusal(`Ticket is already ${STATUS_LABELS[to]}`, 'no_change')
  if (from === 'closed') return refusal('Ticket is closed', 'ticket_closed')
  if (!STATUS_TRANSITIONS[from].includes(to))
    return refusal(`A ticket in ${STATUS_LABELS[from]} cannot move to ${STATUS_LABELS[to]}`, 'invalid_transition')
  return undefined
}

/** What happened, in order: the ticket's timeline. `seq` is unique per ticket, so saving is idempotent. */
export type TicketEventBody =
  | { kind: 'opened'; data: { type: TicketType; priority: Priority } }
  | { kind: 'message_posted'; data: { messageId: string; authorRole: Role; visibility: Visibility } }
  | { kind: 'assigned'; data: { assigneeId: string; previousAssigneeId: string | null } }
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
  /** Messages recorded (the latest few thousand), so a retried update or a repeated signal is recorded once. */
  messageIds: string[]
  /** Events appended since the last save. */
  pendingEvents: TicketEvent[]
  /** The closed ticket this one follows up, if any. */
  followUpOfId: string | null
  /** Why the status last changed (a person's reason, or one of STATUS_REASONS). */
  statusReason: string | null
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
}

/** The fields added after the first version of the workflow: a state carried from it lacks them. */
type AddedFields =
  | 'followUpOfId'
  | 'statusReason'
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

/** A state as any version of the workflow carried it into continue-as-new. */
export type CarriedTicketState = Omit<TicketState, AddedFields> & Partial<Pick<TicketState, AddedFields>>

/** A carried state with the fields it predates filled in; it gets its SLA policy like a new ticket. */
export function upgradeTicketState(carried: CarriedTicketState): TicketState {
  return {
    followUpOfId: null,
    statusReason: null,
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
  })
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

function closeReason(state: TicketState): string | null {
  return state.status === 'closed' ? state.statusReason : null
}

// ---------------------------------------------------------------------------
// Commands

/** An integration may send a command more than once; the same `commandId` is applied once. */
type Deduplicated = { commandId?: string }

export type TicketCommand = Deduplicated &
  (
    | { kind: 'postMessage'; messageId: string; authorId: string; authorRole: Role; visibility: Visibility }
    | { kind: 'assign'; assigneeId: string; actorId: string }
    | { kind: 'changeStatus'; status: TicketStatus; actorId: string; reason?: string; laDeadline?: string | null }
    | { kind: 'changePriority'; priority: Priority; actorId: string }
    | { kind: 'changeType'; type: TicketType; actorId: string }
    | { kind: 'linkCase'; caseRef: string | null; actorId: string | null }
    | { kind: 'reopen'; actorId: string; actorRole: Role }
    | { kind: 'recordLaResponse'; actorId: string | null }
    /** The case system closed the case: resolve the ticket. */
    | { kind: 'closeCase'; caseRef?: string | null }
    | { kind: 'applySlaPolicy'; policy: SlaPolicy; actorId: string | null }
  )

export type Refusal = { reason: string; code: RefusalCode }

/**
 * Accepted with no events means "already done" (a repeated message or command):
 * the state is returned unchanged, so callers may retry freely.
 */
export type CommandResult = { ok: true; state: TicketState; events: TicketEvent[] } | ({ ok: false } & Refusal)

export function applyCommand(state: TicketState, command: TicketCommand, now: string): CommandResult {
  if (command.commandId !== undefined && state.commandIds.includes(command.commandId)) return unchanged(state)
  const result = dispatch(state, command, now)
  if (!result.ok || result.events.length === 0 || command.commandId === undefined) return result
  return {
    ...result,
    state: { ...result.state, commandIds: keepLast([...state.commandIds, command.commandId], COMMAND_IDS_KEPT) },
  }
}

function dispatch(state: TicketState, command: TicketCommand, now: string): CommandResult {
  switch (command.kind) {
    case 'postMessage':
      return postMessage(state, command, now)
    case 'assign':
      return assign(state, command, now)
    case 'changeStatus':
      return changeStatus(state, command, now)
    case 'changePriority':
      return changePriority(state, command, now)
    case 'changeType':
      return changeType(state, command, now)
    case 'linkCase':
      return linkCase(state, command, now)
    case 'reopen':
      return reopen(state, command, now)
    case 'recordLaResponse':
      return recordLaResponse(state, command, now)
    case 'closeCase':
      return closeCase(state, command, now)
    case 'applySlaPolicy':
      return applySlaPolicy(state, command, now)
  }
}

type Command<K extends TicketCommand['kind']> = Extract<TicketCommand, { kind: K }>

function postMessage(state: TicketState, command: Command<'postMessage'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (state.messageIds.includes(command.messageId)) return unchanged(state)
  const fromStaff = isStaffRole(command.authorRole)
  if (command.visibility === 'internal' && !fromStaff) return refused('Only staff can post internal notes', 'not_allowed')

  const draft = draftOf(state)
  const next = draft.state
  const nowMs = Date.parse(now)
  draft.events.push({
    kind: 'message_posted',
    actorId: command.authorId,
    data: { messageId: command.messageId, authorRole: command.authorRole, visibility: command.visibility },
  })
  next.messageIds = keepLast([...state.messageIds, command.messageId], MESSAGE_IDS_KEPT)
  // Internal notes are staff talking among themselves: nobody outside is waiting on them.
  if (command.visibility === 'internal') return commit(state, draft, now)

  if (fromStaff) {
    if (next.status === 'new') moveTo(draft, 'in_progress', command.authorId, null, nowMs)
    next.awaiting = 'family'
    next.firstStaffReplyAt ??= now
    if (next.sla && next.policy) next.sla = staffReplied(next.sla, next.policy, nowMs)
    return commit(state, draft, now)
  }
  // The family answered what staff were waiting for, or came back to a resolved ticket: it is live again.
  if (next.status === 'pending_family' || next.status === 'resolved')
    moveTo(draft, 'in_progress', command.authorId, STATUS_REASONS.familyReplied, nowMs)
  next.awaiting = 'staff'
  if (next.sla && next.policy) next.sla = familyWrote(next.sla, next.policy, targetOf(next), nowMs)
  return commit(state, draft, now)
}

function assign(state: TicketState, command: Command<'assign'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (command.assigneeId === state.assigneeId) return refused('Ticket is already assigned to that person', 'no_change')
  const draft = draftOf(state)
  draft.state.assigneeId = command.assigneeId
  draft.events.push({
    kind: 'assigned',
    actorId: command.actorId,
    data: { assigneeId: command.assigneeId, previousAssigneeId: state.assigneeId },
  })
  // Someone taking a new ticket is work starting on it.
  if (state.status === 'new') moveTo(draft, 'in_progress', command.actorId, null, Date.parse(now))
  return commit(state, draft, now)
}

function changeStatus(state: TicketState, command: Command<'changeStatus'>, now: string): CommandResult {
  const laDeadline = command.laDeadline ?? null
  if (laDeadline !== null) {
    if (command.status !== 'pending_la') return refused('An LA deadline can only be set with Pending LA', 'invalid_input')
    if (!isInstant(laDeadline)) return refused('The LA deadline must be a date and time', 'invalid_input')
  }
  const deadline = laDeadline === null ? null : new Date(laDeadline).toISOString()
  // Recording (or correcting) the deadline of a wait already under way.
  if (state.status === 'pending_la' && command.status === 'pending_la' && deadline !== null) {
    if (deadline === state.laDeadline) return unchanged(state)
    const draft = draftOf(state)
    Object.assign(draft.state, { laDeadline: deadline, laOverdue: false })
    draft.events.push({ kind: 'la_deadline_set', actorId: command.actorId, data: { laDeadline: deadline } })
    return commit(state, draft, now)
  }
  const problem = transitionRefusal(state.status, command.status)
  if (problem) return { ok: false, ...problem }
  const draft = draftOf(state)
  moveTo(draft, command.status, command.actorId, command.reason ?? null, Date.parse(now), deadline)
  return commit(state, draft, now)
}

function changePriority(state: TicketState, command: Command<'changePriority'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (!PRIORITIES.includes(command.priority)) return refused(`Unknown priority "${command.priority}"`, 'invalid_input')
  if (command.priority === state.priority)
    return refused(`Priority is already ${PRIORITY_LABELS[command.priority]}`, 'no_change')
  const draft = draftOf(state)
  draft.state.priority = command.priority
  draft.events.push({ kind: 'priority_changed', actorId: command.actorId, data: { from: state.priority, to: command.priority } })
  retarget(draft, Date.parse(now))
  return commit(state, draft, now)
}

function changeType(state: TicketState, command: Command<'changeType'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (!TICKET_TYPES.includes(command.type)) return refused(`Unknown ticket type "${command.type}"`, 'invalid_input')
  if (command.type === state.type) return refused(`Type is already ${TYPE_LABELS[command.type]}`, 'no_change')
  const draft = draftOf(state)
  draft.state.type = command.type
  draft.events.push({ kind: 'type_changed', actorId: command.actorId, data: { from: state.type, to: command.type } })
  retarget(draft, Date.parse(now))
  return commit(state, draft, now)
}

function linkCase(state: TicketState, command: Command<'linkCase'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  const caseRef = normaliseCaseRef(command.caseRef)
  if (caseRef === undefined)
    return refused(`A case reference is 1 to ${CASE_REF_MAX} characters`, 'invalid_input')
  if (caseRef === state.caseRef) return unchanged(state)
  const draft = draftOf(state)
  link(draft, caseRef, command.actorId)
  return commit(state, draft, now)
}

function reopen(state: TicketState, command: Command<'reopen'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (state.status !== 'resolved') return refused('Only a resolved ticket can be reopened', 'invalid_transition')
  const byFamily = !isStaffRole(command.actorRole)
  const nowMs = Date.parse(now)
  if (byFamily && state.reopenUntil !== null && nowMs >= Date.parse(state.reopenUntil))
    return refused('The time to reopen this request has passed', 'ticket_closed')
  const draft = draftOf(state)
  moveTo(draft, 'in_progress', command.actorId, byFamily ? STATUS_REASONS.familyReopened : null, nowMs)
  // A family pressing Reopen is asking for an answer, as a message would.
  if (byFamily && draft.state.sla && draft.state.policy)
    draft.state.sla = familyWrote(draft.state.sla, draft.state.policy, targetOf(draft.state), nowMs)
  return commit(state, draft, now)
}

function recordLaResponse(state: TicketState, command: Command<'recordLaResponse'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (state.status !== 'pending_la') return refused('The ticket is not waiting on the local authority', 'invalid_transition')
  const draft = draftOf(state)
  moveTo(draft, 'in_progress', command.actorId, STATUS_REASONS.laResponded, Date.parse(now))
  // Staff have the LA's answer to act on.
  draft.state.awaiting = 'staff'
  return commit(state, draft, now)
}

/**
 * The case system closed the ticket's case: the ticket is resolved, whatever it
 * was doing. A closure that names a case links it when the ticket had none (the
 * link may arrive after the closure); one naming a different case is refused.
 */
function closeCase(state: TicketState, command: Command<'closeCase'>, now: string): CommandResult {
  if (state.status === 'closed') return unchanged(state)
  const caseRef = command.caseRef === undefined || command.caseRef === null ? null : normaliseCaseRef(command.caseRef)
  if (caseRef === undefined) return refused(`A case reference is 1 to ${CASE_REF_MAX} characters`, 'invalid_input')
  if (caseRef !== null && state.caseRef !== null && caseRef !== state.caseRef)
    return refused(`This ticket is linked to case ${state.caseRef}, not ${caseRef}`, 'invalid_input')
  const draft = draftOf(state)
  if (caseRef !== null && state.caseRef === null) link(draft, caseRef, null)
  if (state.status !== 'resolved') moveTo(draft, 'resolved', null, STATUS_REASONS.caseClosed, Date.parse(now))
  return draft.events.length === 0 ? unchanged(state) : commit(state, draft, now)
}

/**
 * The organisation's current policy replaces the one the ticket had: every
 * running target keeps the time it used and takes its new budget, and the
 * pending and reopen deadlines are counted again from when they began.
 */
function applySlaPolicy(state: TicketState, command: Command<'applySlaPolicy'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  const nowMs = Date.parse(now)
  const draft = draftOf(state)
  const next = draft.state
  const previous = state.policy
  next.policy = command.policy
  if (previous === null || state.sla === null) next.sla = adoptTicketSla(command.policy, targetOf(next), slaHistoryOf(state), nowMs)
  else next.sla = retargeted(state.sla, command.policy, targetOf(next), nowMs, previous)
  setWaitDeadlines(next, nowMs)
  draft.events.push({ kind: 'sla_policy_applied', actorId: command.actorId, data: {} })
  return commit(state, draft, now)
}

/**
 * The ticket's first policy, loaded when its workflow starts (or when a run
 * older than SLAs takes one): clocks start from what the ticket's past says.
 * A ticket that already has a policy is returned as it is.
 */
export function adoptSlaPolicy(state: TicketState, policy: SlaPolicy, now: string): TicketState {
  if (state.policy !== null) return state
  const nowMs = Date.parse(now)
  const draft = draftOf(state)
  const next = draft.state
  next.policy = policy
  next.sla = adoptTicketSla(policy, targetOf(next), slaHistoryOf(state), nowMs)
  setWaitDeadlines(next, nowMs)
  // Nothing anybody did: the ticket's last activity stays as it was.
  return commit(state, draft, now, { activity: false }).state
}

// ---------------------------------------------------------------------------
// Deadlines

/**
 * Everything due by `now` happens: SLA targets change state (a breach is
 * recorded once), the family is reminded, a pending_family ticket closes for no
 * response, an LA deadline turns overdue, a resolved ticket closes when its
 * reopen window ends. Returns the same state when nothing is due.
 */
export function applyDeadlines(state: TicketState, now: string): TicketState {
  if (state.policy === null || state.status === 'closed') return state
  const nowMs = Date.parse(now)
  const draft = draftOf(state)
  const next = draft.state
  const due = (at: string | null) => at !== null && nowMs >= Date.parse(at)

  if (next.status === 'pending_family' && due(next.autoCloseAt)) {
    moveTo(draft, 'closed', null, STATUS_REASONS.noResponse, nowMs)
  } else if (next.status === 'pending_family' && next.remindedAt === null && due(next.reminderAt)) {
    next.remindedAt = now
    draft.events.push({ kind: 'family_reminded', actorId: null, data: { autoCloseAt: next.autoCloseAt } })
  }
  if (next.status === 'pending_la' && !next.laOverdue && next.laDeadline !== null && due(next.laDeadline)) {
    next.laOverdue = true
    draft.events.push({ kind: 'la_overdue', actorId: null, data: { laDeadline: next.laDeadline } })
  }
  if (next.status === 'resolved' && due(next.reopenUntil)) moveTo(draft, 'closed', null, STATUS_REASONS.reopenWindowEnded, nowMs)

  const slaChanged = next.sla !== null && evaluateSla(next.sla, nowMs).changed
  if (draft.events.length === 0 && !slaChanged) return state
  return commit(state, draft, now, { activity: next.status !== state.status }).state
}

/** The next instant `applyDeadlines` would change the ticket, or null when only people can. */
export function nextDeadlineMs(state: TicketState, nowMs: number): number | null {
  if (state.policy === null || state.status === 'closed') return null
  const instants: (number | null)[] = [state.sla ? slaNextChangeAt(state.sla, nowMs) : null]
  const at = (iso: string | null) => (iso === null ? null : Date.parse(iso))
  if (state.status === 'pending_family') {
    if (state.remindedAt === null) instants.push(at(state.reminderAt))
    instants.push(at(state.autoCloseAt))
  }
  if (state.status === 'pending_la' && !state.laOverdue) instants.push(at(state.laDeadline))
  if (state.status === 'resolved') instants.push(at(state.reopenUntil))
  const future = instants.filter((instant) => instant !== null && instant > nowMs) as number[]
  return future.length === 0 ? null : Math.min(...future)
}

// ---------------------------------------------------------------------------
// Internals

/** A change being built: a copy of the state, changed in place, and the events it makes. */
type Draft = { state: TicketState; events: EventDraft[] }

function draftOf(state: TicketState): Draft {
  return { state: { ...state }, events: [] }
}

/**
 * The one way a status changes: it checks the table, ends the old status's waits,
 * starts the new one's, moves the SLA clocks, and records why.
 */
function moveTo(
  draft: Draft,
  to: TicketStatus,
  actorId: string | null,
  reason: string | null,
  nowMs: number,
  laDeadline: string | null = null,
): void {
  const next = draft.state
  const from = next.status
  if (from === to) return
  if (transitionRefusal(from, to)) throw new Error(`Bug: an automatic change broke the status table (${from} -> ${to})`)
  if (from === 'pending_family') Object.assign(next, { pendingSince: null, reminderAt: null, remindedAt: null, autoCloseAt: null })
  if (from === 'pending_la') Object.assign(next, { pendingSince: null, laDeadline: null, laOverdue: false })
  if (from === 'resolved') Object.assign(next, { resolvedAt: null, reopenUntil: null })

  const at = new Date(nowMs).toISOString()
  next.status = to
  next.statusReason = reason
  if (to === 'pending_family' || to === 'pending_la') next.pendingSince = at
  if (to === 'pending_la') next.laDeadline = laDeadline
  if (to === 'resolved') next.resolvedAt = at
  if (to === 'closed') next.closedAt = at
  setWaitDeadlines(next, nowMs)
  // A resolved or closed ticket waits on nobody; a reopened one waits on staff.
  if (to === 'resolved' || to === 'closed') next.awaiting = null
  else if (from === 'resolved') next.awaiting = 'staff'
  if (next.sla && next.policy) next.sla = statusChanged(next.sla, next.policy, from, to, nowMs)

  const data: Extract<TicketEventBody, { kind: 'status_changed' }>['data'] = { from, to, reason }
  if (to === 'pending_family') data.autoCloseAt = next.autoCloseAt
  if (to === 'resolved') data.reopenUntil = next.reopenUntil
  if (to === 'pending_la' && laDeadline !== null) data.laDeadline = laDeadline
  draft.events.push({ kind: 'status_changed', actorId, data })
}

/** The reminder, auto-close and reopen instants follow from when the wait began and the policy. */
function setWaitDeadlines(next: TicketState, nowMs: number): void {
  const policy = next.policy
  if (policy === null) return
  if (next.status === 'pending_family') {
    const since = Date.parse((next.pendingSince ??= new Date(nowMs).toISOString()))
    next.reminderAt = new Date(pendingFamilyReminderAt(policy, since)).toISOString()
    next.autoCloseAt = new Date(pendingFamilyAutoCloseAt(policy, since)).toISOString()
  }
  if (next.status === 'pending_la') next.pendingSince ??= new Date(nowMs).toISOString()
  if (next.status === 'resolved') {
    const since = Date.parse((next.resolvedAt ??= new Date(nowMs).toISOString()))
    next.reopenUntil = new Date(reopenWindowEndsAt(policy, since)).toISOString()
  }
}

function retarget(draft: Draft, nowMs: number): void {
  const next = draft.state
  if (next.sla && next.policy) next.sla = retargeted(next.sla, next.policy, targetOf(next), nowMs)
}

function link(draft: Draft, caseRef: string | null, actorId: string | null): void {
  draft.events.push({ kind: 'case_linked', actorId, data: { caseRef, previousCaseRef: draft.state.caseRef } })
  draft.state.caseRef = caseRef
}

function targetOf(state: TicketState): SlaTarget {
  return resolveTargets(state.policy!, state.type, state.priority)
}

function slaHistoryOf(state: TicketState) {
  return {
    status: state.status,
    createdAtMs: Date.parse(state.createdAt),
    firstStaffReplyAtMs: state.firstStaffReplyAt === null ? null : Date.parse(state.firstStaffReplyAt),
    awaitingStaff: state.awaiting === 'staff',
  }
}

/**
 * Seals a draft: SLA targets are evaluated at `now` (a breach the change caused
 * is recorded), events are numbered, and the version goes up. `activity: false`
 * keeps `updatedAt` (the queue's "last activity") for changes nobody made.
 */
function commit(before: TicketState, draft: Draft, now: string, { activity = true } = {}): CommandResult & { ok: true } {
  const next = draft.state
  const drafts = [...draft.events]
  if (next.sla) {
    const evaluated = evaluateSla(next.sla, Date.parse(now))
    next.sla = evaluated.sla
    drafts.push(...evaluated.breaches.map(breachEvent))
  }
  const events = drafts.map((event, index) => ({ ...event, seq: before.eventSeq + index + 1, at: now }) as TicketEvent)
  return {
    ok: true,
    events,
    state: {
      ...next,
      updatedAt: activity ? now : before.updatedAt,
      version: before.version + 1,
      eventSeq: before.eventSeq + events.length,
      pendingEvents: [...before.pendingEvents, ...events],
    },
  }
}

function breachEvent(target: SlaTargetRecord): EventDraft {
  const dueAt = target.clock.dueAt ?? target.breachedAt
  return {
    kind: 'sla_breached',
    actorId: null,
    data: { target: target.kind, cycle: target.cycle, dueAt: dueAt === null ? null : new Date(dueAt).toISOString() },
  }
}

function unchanged(state: TicketState): CommandResult {
  return { ok: true, state, events: [] }
}

function refusal(reason: string, code: RefusalCode): Refusal {
  return { reason, code }
}

function refused(reason: string, code: RefusalCode): CommandResult {
  return { ok: false, reason, code }
}

function closedRefusal(): CommandResult {
  return refused('Ticket is closed', 'ticket_closed')
}

/** Trimmed, or null to unlink; undefined when it is not a usable reference. */
function normaliseCaseRef(caseRef: string | null): string | null | undefined {
  if (caseRef === null) return null
  if (typeof caseRef !== 'string') return undefined
  const trimmed = caseRef.trim()
  return trimmed.length >= 1 && trimmed.length <= CASE_REF_MAX ? trimmed : undefined
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && Number.isFinite(Date.parse(value))
}

function keepLast<T>(items: T[], count: number): T[] {
  return items.length > count ? items.slice(items.length - count) : items
}

// ---------------------------------------------------------------------------
// Saving

/** The Ticket row's lifecycle columns, as the workflow keeps them. */
export interface TicketRecord {
  ticketId: string
  version: number
  status: TicketStatus
  awaiting: Awaiting
  priority: Priority
  type: TicketType
  assigneeId: string | null
  caseRef: string | null
  updatedAt: string
  slaState: SlaState | null
  slaDueAt: string | null
  slaTargets: SlaChip[]
  pendingSince: string | null
  laDeadline: string | null
  laOverdue: boolean
  reopenUntil: string | null
  autoCloseAt: string | null
  resolvedAt: string | null
  closedAt: string | null
  closeReason: string | null
}

/** The record and the events to append, as the save activity writes them. */
export interface TicketSnapshot extends TicketRecord {
  events: TicketEvent[]
}

export function toTicketRecord(state: TicketState): TicketRecord {
  return {
    ticketId: state.ticketId,
    version: state.version,
    status: state.status,
    awaiting: state.awaiting,
    priority: state.priority,
    type: state.type,
    assigneeId: state.assigneeId,
    caseRef: state.caseRef,
    updatedAt: state.updatedAt,
    slaState: state.sla?.state ?? null,
    slaDueAt: state.sla ? slaDueAt(state.sla) : null,
    slaTargets: state.sla ? slaChips(state.sla) : [],
    pendingSince: state.pendingSince,
    laDeadline: state.laDeadline,
    laOverdue: state.laOverdue,
    reopenUntil: state.reopenUntil,
    autoCloseAt: state.autoCloseAt,
    resolvedAt: state.resolvedAt,
    closedAt: state.closedAt,
    closeReason: closeReason(state),
  }
}

export function toTicketSnapshot(state: TicketState): TicketSnapshot {
  return { ...toTicketRecord(state), events: state.pendingEvents }
}

export type RecordDifference = { field: keyof TicketRecord; database: unknown; workflow: unknown }

/**
 * Where the database row (`database`) differs from what the workflow keeps
 * (`workflow`): what `npm run reconcile` reports and repairs. Instants are
 * compared as instants, SLA chips as lists.
 */
export function diffTicketRecord(database: TicketRecord, workflow: TicketRecord): RecordDifference[] {
  const differences: RecordDifference[] = []
  for (const field of Object.keys(workflow) as (keyof TicketRecord)[]) {
    if (field === 'ticketId') continue
    if (!sameValue(database[field], workflow[field])) differences.push({ field, database: database[field], workflow: workflow[field] })
  }
  return differences
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string' && isInstant(a) && isInstant(b)) return Date.parse(a) === Date.parse(b)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]))
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  }
  return a === b
}

/** Forgets the events a save covered; later ones (appended while it ran) stay pending. */
export function withEventsSaved(state: TicketState, throughSeq: number): TicketState {
  return { ...state, pendingEvents: state.pendingEvents.filter((event) => event.seq > throughSeq) }
}

// ---------------------------------------------------------------------------
// Notifications

/**
 * One notification per effect; the dedupe key makes a repeated send a no-op.
 * Recipients are ids the ticket knows, plus groups the activity looks up.
 * Payloads carry ids and instants only: the activity writes the words.
 */
export type TicketNotification = {
  dedupeKey: string
  ticketId: string
  recipientIds: string[]
  /** Also the ticket's watchers and/or the organisation's admins, found by the activity. */
  include?: ('watchers' | 'admins')[]
} & (
  | { kind: 'staff_replied'; actorId: string }
  | { kind: 'family_replied'; actorId: string }
  | { kind: 'ticket_resolved'; reason: string | null; reopenUntil: string | null }
  | { kind: 'awaiting_family'; autoCloseAt: string | null }
  | { kind: 'family_reminder'; autoCloseAt: string | null }
  | { kind: 'sla_breached'; target: SlaKind; dueAt: string | null }
  | { kind: 'la_overdue'; laDeadline: string }
)

export type TicketNotificationKind = TicketNotification['kind']

/** A message the family wrote (on the ticket, so public). */
export function isFamilyMessage(event: TicketEvent): boolean {
  return event.kind === 'message_posted' && !isStaffRole(event.data.authorRole)
}

/**
 * Who hears about these events: the family when staff reply, when the ticket
 * waits for them (with the date it will close), when reminded, and when it is
 * resolved (with the date reopening ends); the assignee and watchers when the
 * family writes (`familyReplies`: runs begun before this was added stay silent,
 * see the workflow); the assignee, watchers and admins when a target is
 * breached; the assignee (else the admins) when the LA is overdue.
 */
export function notificationsFor(
  state: TicketState,
  events: readonly TicketEvent[],
  options: { familyReplies?: boolean } = {},
): TicketNotification[] {
  const family = [state.requesterId]
  const assignee = state.assigneeId === null ? [] : [state.assigneeId]
  const key = (event: TicketEvent) => `ticket:${state.ticketId}:event:${event.seq}`
  return events.flatMap((event): TicketNotification[] => {
    const base = { dedupeKey: key(event), ticketId: state.ticketId }
    switch (event.kind) {
      case 'message_posted':
        if (event.actorId === null) return []
        if (isFamilyMessage(event))
          return options.familyReplies ? [{ ...base, kind: 'family_replied', actorId: event.actorId, recipientIds: assignee, include: ['watchers'] }] : []
        return event.data.visibility === 'public' ? [{ ...base, kind: 'staff_replied', actorId: event.actorId, recipientIds: family }] : []
      case 'status_changed':
        if (event.data.to === 'resolved')
          return [
            { ...base, kind: 'ticket_resolved', reason: event.data.reason, reopenUntil: event.data.reopenUntil ?? null, recipientIds: family },
          ]
        if (event.data.to === 'pending_family')
          return [{ ...base, kind: 'awaiting_family', autoCloseAt: event.data.autoCloseAt ?? null, recipientIds: family }]
        return []
      case 'family_reminded':
        return [{ ...base, kind: 'family_reminder', autoCloseAt: event.data.autoCloseAt, recipientIds: family }]
      case 'sla_breached':
        return [
          {
            ...base,
            dedupeKey: `sla-breach:${state.ticketId}:${event.data.target}:${event.data.cycle}`,
            kind: 'sla_breached',
            target: event.data.target,
            dueAt: event.data.dueAt,
            recipientIds: assignee,
            include: ['watchers', 'admins'],
          },
        ]
      case 'la_overdue':
        return [
          {
            ...base,
            kind: 'la_overdue',
            laDeadline: event.data.laDeadline,
            recipientIds: assignee,
            include: assignee.length === 0 ? ['admins'] : [],
          },
        ]
      default:
        return []
    }
  })
}
