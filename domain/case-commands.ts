/**
 * What people ask of a case: each command is checked against the state and, when
 * accepted, applied as one change with the timeline events it makes; when
 * refused, says why in words a member of staff can act on. The workflow applies
 * the deadlines due (case-deadlines.ts) before each command.
 */
import { CASE_STATUS_LABELS, CASE_STATUS_TRANSITIONS, CASE_STATUSES, type CaseStatus } from './case.ts'
import { withEvents, type CaseActionState, type CaseEventBody, type CaseState } from './case-state.ts'
import type { StatutoryDeadlineKey, StatutoryExceptionReason, StatutoryStage } from './statutory-periods.ts'
import { recordException, recordStage, type StatutoryChange } from './statutory-timeline.ts'
import { isInstant } from './ticket-state.ts'

export const CASE_REFUSAL_CODES = [
  'case_closed',
  'invalid_transition',
  'invalid_input',
  'no_change',
  'not_found',
  'tickets_closed',
] as const
export type CaseRefusalCode = (typeof CASE_REFUSAL_CODES)[number]
export type CaseRefusal = { reason: string; code: CaseRefusalCode }

export type CaseCommand =
  | { kind: 'setStatus'; status: CaseStatus; actorId: string }
  | { kind: 'addAction'; actionId: string; ownerId: string | null; dueAt: string | null; actorId: string }
  | { kind: 'completeAction'; actionId: string; actorId: string }
  | { kind: 'reopenAction'; actionId: string; actorId: string }
  | { kind: 'changeActionDue'; actionId: string; dueAt: string | null; actorId: string }
  /** Null actor: an integration reported it (the API's case closure). */
  | { kind: 'close'; reason: string; actorId: string | null }
  /** `hasOpenTickets`: whether any of its tickets is not closed yet, read by the service from the read model. */
  | { kind: 'reopen'; actorId: string; hasOpenTickets: boolean }
  /** To another advocate; `fromId` is the advocate now, read by the service from the row (the advocate is content). */
  | { kind: 'reassign'; fromId: string | null; toId: string; actorId: string }
  /** `timezone`: the organisation's, where the date is counted (the service reads it). */
  | { kind: 'recordStage'; stage: StatutoryStage; date: string; timezone: string; actorId: string }
  | { kind: 'recordException'; key: StatutoryDeadlineKey; reason: StatutoryExceptionReason; actorId: string }

/** Accepted with no events means "already done" (a retried addAction): the state is unchanged. */
export type CaseCommandResult = { ok: true; state: CaseState } | ({ ok: false } & CaseRefusal)

export const CASE_CLOSED_REASON = 'case closed'

export function applyCaseCommand(state: CaseState, command: CaseCommand, now: string): CaseCommandResult {
  if (command.kind === 'reopen') return reopen(state, command, now)
  if (state.status === 'closed') return refuse('The case is closed', 'case_closed')
  switch (command.kind) {
    case 'setStatus':
      return setStatus(state, command, now)
    case 'addAction':
      return addAction(state, command, now)
    case 'completeAction':
      return changeAction(state, command.actionId, command.actorId, now, (action) =>
        action.doneAt !== null
          ? refuse('That action is already done', 'no_change')
          : [
              { ...action, doneAt: now },
              { kind: 'action_completed', data: { actionId: action.actionId } },
            ],
      )
    case 'reopenAction':
      return changeAction(state, command.actionId, command.actorId, now, (action) =>
        action.doneAt === null
          ? refuse('That action is not done', 'no_change')
          : [
              { ...action, doneAt: null },
              { kind: 'action_reopened', data: { actionId: action.actionId } },
            ],
      )
    case 'changeActionDue':
      return changeActionDue(state, command, now)
    case 'reassign':
      // The same move again (a retry after a crash, before the row followed): already done.
      if (state.reassignedTo === command.toId) return accept(state)
      if (command.fromId === command.toId) return refuse('The case is already with that advocate', 'no_change')
      return accept(
        withEvents(
          { ...state, reassignedTo: command.toId },
          [{ kind: 'reassigned', data: { fromId: command.fromId, toId: command.toId } }],
          command.actorId,
          now,
        ),
      )
    case 'recordStage':
      return changeStatutory(state, recordStage(state.statutory, command, now), command.actorId, now)
    case 'recordException':
      return changeStatutory(state, recordException(state.statutory, command), command.actorId, now)
    case 'close': {
      const reason = command.reason.trim() || CASE_CLOSED_REASON
      const closed: CaseState = { ...state, status: 'closed', statusBeforeClose: state.status, closedAt: now, closeReason: reason }
      return accept(withEvents(closed, [{ kind: 'closed', data: { reason, from: state.status } }], command.actorId, now))
    }
  }
}

function setStatus(state: CaseState, command: Extract<CaseCommand, { kind: 'setStatus' }>, now: string): CaseCommandResult {
  const { status } = command
  if (!CASE_STATUSES.includes(status)) return refuse(`Unknown case status "${status}"`, 'invalid_input')
  if (status === state.status) return refuse(`The case is already at ${CASE_STATUS_LABELS[status]}`, 'no_change')
  if (status === 'closed') return refuse('Close the case to close it: that resolves its tickets', 'invalid_transition')
  if (!CASE_STATUS_TRANSITIONS[state.status].includes(status))
    return refuse(`A case at ${CASE_STATUS_LABELS[state.status]} cannot move to ${CASE_STATUS_LABELS[status]}`, 'invalid_transition')
  const event: CaseEventBody = { kind: 'status_changed', data: { from: state.status, to: status } }
  return accept(withEvents({ ...state, status }, [event], command.actorId, now))
}

function addAction(state: CaseState, command: Extract<CaseCommand, { kind: 'addAction' }>, now: string): CaseCommandResult {
  // The service writes the row before it sends the command: a retry names the same action.
  if (state.actions.some((action) => action.actionId === command.actionId)) return accept(state)
  if (command.dueAt !== null && !isInstant(command.dueAt)) return refuse('The due date is not a valid date and time', 'invalid_input')
  const action: CaseActionState = {
    actionId: command.actionId,
    ownerId: command.ownerId,
    dueAt: command.dueAt,
    doneAt: null,
    overdue: false,
  }
  const event: CaseEventBody = { kind: 'action_added', data: { actionId: action.actionId, ownerId: action.ownerId, dueAt: action.dueAt } }
  return accept(withEvents({ ...state, actions: [...state.actions, action] }, [event], command.actorId, now))
}

function changeActionDue(state: CaseState, command: Extract<CaseCommand, { kind: 'changeActionDue' }>, now: string): CaseCommandResult {
  const { dueAt } = command
  if (dueAt !== null && !isInstant(dueAt)) return refuse('The due date is not a valid date and time', 'invalid_input')
  return changeAction(state, command.actionId, command.actorId, now, (action) => {
    if (action.doneAt !== null) return refuse('That action is done: reopen it to change its due date', 'no_change')
    if (sameInstant(action.dueAt, dueAt)) return refuse('That action is already due then', 'no_change')
    // A new due date is a new deadline: overdue again only once it passes.
    const overdue = action.overdue && dueAt !== null && Date.parse(dueAt) <= Date.parse(now)
    return [
      { ...action, dueAt, overdue },
      { kind: 'action_due_changed', data: { actionId: action.actionId, from: action.dueAt, to: dueAt } },
    ]
  })
}

function reopen(state: CaseState, command: Extract<CaseCommand, { kind: 'reopen' }>, now: string): CaseCommandResult {
  if (state.status !== 'closed') return refuse('The case is open', 'no_change')
  if (!command.hasOpenTickets) return refuse('Every ticket of this case is closed, so the case stays closed', 'tickets_closed')
  const to = state.statusBeforeClose ?? 'intake'
  const reopened: CaseState = { ...state, status: to, statusBeforeClose: null, closedAt: null, closeReason: null }
  return accept(withEvents(reopened, [{ kind: 'reopened', data: { to } }], command.actorId, now))
}

/** One action changed by `change`, which refuses or answers the action afterwards and the event it makes. */
function changeAction(
  state: CaseState,
  actionId: string,
  actorId: string,
  now: string,
  change: (action: CaseActionState) => [CaseActionState, CaseEventBody] | CaseCommandResult,
): CaseCommandResult {
  const action = state.actions.find((candidate) => candidate.actionId === actionId)
  if (!action) return refuse('That action is not part of this case', 'not_found')
  const changed = change(action)
  if (!Array.isArray(changed)) return changed
  const [updated, event] = changed
  const actions = state.actions.map((candidate) => (candidate.actionId === actionId ? updated : candidate))
  return accept(withEvents({ ...state, actions }, [event], actorId, now))
}

function changeStatutory(state: CaseState, change: StatutoryChange, actorId: string, now: string): CaseCommandResult {
  if (!change.ok) return refuse(change.reason, change.code)
  return accept(withEvents({ ...state, statutory: change.statutory }, [change.event], actorId, now))
}

function sameInstant(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : Date.parse(a) === Date.parse(b)
}

function accept(state: CaseState): CaseCommandResult {
  return { ok: true, state }
}

function refuse(reason: string, code: CaseRefusalCode): CaseCommandResult {
  return { ok: false, reason, code }
}
