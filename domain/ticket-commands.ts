/**
 * What people and integrations ask of a ticket: each command is checked against
 * the state and, when accepted, applied as one change with the events it makes;
 * when refused, says why in words a member of staff can act on, with a
 * RefusalCode. Apart from the state because it changes with what a ticket may be
 * asked to do (a new command, a new check), while the state stays as it is.
 */
import { CASE_REF_MAX } from './limits.ts'
import {
  isStaffRole,
  PRIORITIES,
  PRIORITY_LABELS,
  TICKET_TYPES,
  TYPE_LABELS,
  type Priority,
  type Role,
  type TicketStatus,
  type TicketType,
  type Visibility,
} from './ticket.ts'
import type { SlaPolicy } from './sla.ts'
import { adoptTicketSla, familyWrote, retargeted, staffReplied } from './ticket-sla.ts'
import {
  isInstant,
  STATUS_REASONS,
  transitionRefusal,
  type Refusal,
  type RefusalCode,
  type TicketEvent,
  type TicketState,
} from './ticket-state.ts'
import { commit, draftOf, moveTo, setWaitDeadlines, slaHistoryOf, targetOf, type Draft } from './ticket-draft.ts'

/** Ids remembered to make repeats harmless; older ones are forgotten so a ticket's state stays small for years. */
const MESSAGE_IDS_KEPT = 2000
const COMMAND_IDS_KEPT = 200

/** An integration may send a command more than once; the same `commandId` is applied once. */
type Deduplicated = { commandId?: string }

export type TicketCommand = Deduplicated &
  (
    | {
        kind: 'postMessage'
        messageId: string
        authorId: string
        authorRole: Role
        visibility: Visibility
        /** The organisation's choice: the first public staff reply on an unassigned ticket assigns it to its author. */
        assignOnFirstReply?: boolean
      }
    /** `familysAdvocate`: auto-assignment to the advocate of the family's open case. */
    | { kind: 'assign'; assigneeId: string; actorId: string; familysAdvocate?: true }
    | { kind: 'changeStatus'; status: TicketStatus; actorId: string; reason?: string; laDeadline?: string | null }
    | { kind: 'changePriority'; priority: Priority; actorId: string }
    | { kind: 'changeType'; type: TicketType; actorId: string }
    /** To one of the organisation's active departments (the service checks that: the workflow knows no departments). */
    | { kind: 'changeDepartment'; departmentId: string; actorId: string }
    | { kind: 'linkCase'; caseRef: string | null; actorId: string | null }
    | { kind: 'reopen'; actorId: string; actorRole: Role }
    | { kind: 'recordLaResponse'; actorId: string | null }
    /** The case system closed the ticket's case (a fact): the ticket is resolved. */
    | { kind: 'caseClosed'; caseRef?: string | null }
    | { kind: 'applySlaPolicy'; policy: SlaPolicy; actorId: string | null }
  )

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
    case 'changeDepartment':
      return changeDepartment(state, command, now)
    case 'linkCase':
      return linkCase(state, command, now)
    case 'reopen':
      return reopen(state, command, now)
    case 'recordLaResponse':
      return recordLaResponse(state, command, now)
    case 'caseClosed':
      return resolveForClosedCase(state, command, now)
    case 'applySlaPolicy':
      return applySlaPolicy(state, command, now)
  }
}

type Command<K extends TicketCommand['kind']> = Extract<TicketCommand, { kind: K }>

function postMessage(state: TicketState, command: Command<'postMessage'>, now: string): CommandResult {
  // A message sent again (the sweep redelivering it) stays accepted, even once the ticket has closed.
  if (state.messageIds.includes(command.messageId)) return unchanged(state)
  if (state.status === 'closed') return closedRefusal()
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
  next.reopenedByFamily = false

  if (fromStaff) {
    // Answering a ticket nobody has taken is taking it: it no longer waits in triage, and the family sees who helps them.
    if (command.assignOnFirstReply && state.assigneeId === null && state.firstStaffReplyAt === null)
      setAssignee(draft, command.authorId, command.authorId, { onFirstReply: true })
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
  setAssignee(draft, command.assigneeId, command.actorId, command.familysAdvocate ? { familysAdvocate: true } : {})
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
  if (command.priority === state.priority) return refused(`Priority is already ${PRIORITY_LABELS[command.priority]}`, 'no_change')
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

/** Another department takes the ticket: who may see it changes with it, nothing else does. */
function changeDepartment(state: TicketState, command: Command<'changeDepartment'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  if (typeof command.departmentId !== 'string' || command.departmentId === '') return refused('Choose a department', 'invalid_input')
  if (command.departmentId === state.departmentId) return refused('The ticket is already in that department', 'no_change')
  const draft = draftOf(state)
  draft.events.push({
    kind: 'department_changed',
    actorId: command.actorId,
    data: { from: state.departmentId, to: command.departmentId },
  })
  draft.state.departmentId = command.departmentId
  return commit(state, draft, now)
}

function linkCase(state: TicketState, command: Command<'linkCase'>, now: string): CommandResult {
  if (state.status === 'closed') return closedRefusal()
  const caseRef = normaliseCaseRef(command.caseRef)
  if (caseRef === undefined) return refused(`A case reference is 1 to ${CASE_REF_MAX} characters`, 'invalid_input')
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
  draft.state.reopenedByFamily = byFamily
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
function resolveForClosedCase(state: TicketState, command: Command<'caseClosed'>, now: string): CommandResult {
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

// ---------------------------------------------------------------------------
// Internals

function retarget(draft: Draft, nowMs: number): void {
  const next = draft.state
  if (next.sla && next.policy) next.sla = retargeted(next.sla, next.policy, targetOf(next), nowMs)
}

function setAssignee(draft: Draft, assigneeId: string, actorId: string, how: { onFirstReply?: true; familysAdvocate?: true } = {}): void {
  draft.events.push({
    kind: 'assigned',
    actorId,
    data: { assigneeId, previousAssigneeId: draft.state.assigneeId, ...how },
  })
  draft.state.assigneeId = assigneeId
}

function link(draft: Draft, caseRef: string | null, actorId: string | null): void {
  draft.events.push({ kind: 'case_linked', actorId, data: { caseRef, previousCaseRef: draft.state.caseRef } })
  draft.state.caseRef = caseRef
}

function unchanged(state: TicketState): CommandResult {
  return { ok: true, state, events: [] }
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

function keepLast<T>(items: T[], count: number): T[] {
  return items.length > count ? items.slice(items.length - count) : items
}
