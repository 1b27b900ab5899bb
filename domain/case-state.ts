/**
 * One case as data: the state the case workflow holds, its timeline events, the
 * view and the record it saves. Deterministic and JSON-safe like the ticket's
 * state (domain/ticket-state.ts), so it survives continue-as-new unchanged. What
 * changes it is in case-commands.ts (people) and case-deadlines.ts (time).
 */
import type { CaseStatus } from './case.ts'
import type { StatutoryStage } from './statutory-periods.ts'
import { statutoryDeadlines, type StatutoryDeadline, type StatutoryEventBody, type StatutoryState } from './statutory-timeline.ts'

/** A next action as the workflow keeps it: its lifecycle only (its title and owner's name live in the row). */
export interface CaseActionState {
  actionId: string
  /** Who is told when it becomes overdue (besides the case's advocate). */
  ownerId: string | null
  /** ISO instant, or null for an action without a due date. */
  dueAt: string | null
  doneAt: string | null
  overdue: boolean
}

/** What happened, in order: the case's timeline. `seq` is unique per case, so saving is idempotent. */
export type CaseEventBody =
  | { kind: 'opened'; data: { caseRef: string } }
  | { kind: 'status_changed'; data: { from: CaseStatus; to: CaseStatus } }
  | { kind: 'action_added'; data: { actionId: string; ownerId: string | null; dueAt: string | null } }
  | { kind: 'action_completed'; data: { actionId: string } }
  | { kind: 'action_reopened'; data: { actionId: string } }
  | { kind: 'action_due_changed'; data: { actionId: string; from: string | null; to: string | null } }
  | { kind: 'action_overdue'; data: { actionId: string; ownerId: string | null; dueAt: string } }
  | { kind: 'closed'; data: { reason: string; from: CaseStatus } }
  | { kind: 'reopened'; data: { to: CaseStatus } }
  | { kind: 'reassigned'; data: { fromId: string | null; toId: string } }
  | StatutoryEventBody

export type CaseEvent = CaseEventBody & {
  seq: number
  /** Null for what nobody did by hand: deadlines, integrations. */
  actorId: string | null
  /** ISO instant. */
  at: string
}

export interface CaseState {
  caseId: string
  orgId: string
  number: number
  caseRef: string
  status: CaseStatus
  /** Where a reopened case goes back to. */
  statusBeforeClose: CaseStatus | null
  openedAt: string
  closedAt: string | null
  closeReason: string | null
  lastActivityAt: string
  /** Whom its last reassignment gave it to; absent before any (the row holds the advocate: content). */
  reassignedTo?: string
  actions: CaseActionState[]
  /** Stage dates and exceptions, once staff record one (absent in states carried from before the timeline). */
  statutory?: StatutoryState
  /** Bumped by every accepted change; the database keeps the highest version it saw. */
  version: number
  /** Seq of the last event appended. */
  eventSeq: number
  /** Events appended since the last save. */
  pendingEvents: CaseEvent[]
}

/** What a case row says when its workflow starts: a new case is at intake; one made by the migration may be closed. */
export interface CaseOpening {
  caseId: string
  orgId: string
  number: number
  caseRef: string
  /** ISO instant the case row was created. */
  openedAt: string
  status?: CaseStatus
  closedAt?: string | null
  closeReason?: string | null
}

export function initialCaseState(opening: CaseOpening): CaseState {
  const status = opening.status ?? 'intake'
  return {
    caseId: opening.caseId,
    orgId: opening.orgId,
    number: opening.number,
    caseRef: opening.caseRef,
    status,
    statusBeforeClose: status === 'closed' ? 'intake' : null,
    openedAt: opening.openedAt,
    closedAt: status === 'closed' ? (opening.closedAt ?? opening.openedAt) : null,
    closeReason: status === 'closed' ? (opening.closeReason ?? null) : null,
    lastActivityAt: opening.openedAt,
    actions: [],
    version: 1,
    eventSeq: 1,
    pendingEvents: [{ seq: 1, kind: 'opened', actorId: null, at: opening.openedAt, data: { caseRef: opening.caseRef } }],
  }
}

/** Appends events and bumps the version: one accepted change. */
export function withEvents(state: CaseState, events: CaseEventBody[], actorId: string | null, at: string): CaseState {
  if (events.length === 0) return state
  const appended = events.map((event, index): CaseEvent => ({ ...event, seq: state.eventSeq + index + 1, actorId, at }) as CaseEvent)
  return {
    ...state,
    version: state.version + 1,
    eventSeq: state.eventSeq + appended.length,
    pendingEvents: [...state.pendingEvents, ...appended],
    lastActivityAt: at,
  }
}

/** Forgets the events a save covered; later ones stay pending. */
export function withCaseEventsSaved(state: CaseState, throughSeq: number): CaseState {
  return { ...state, pendingEvents: state.pendingEvents.filter((event) => event.seq > throughSeq) }
}

export function isOpenAction(action: CaseActionState): boolean {
  return action.doneAt === null
}

/** What the case page shows, live. */
export interface CaseView {
  caseId: string
  caseRef: string
  number: number
  status: CaseStatus
  version: number
  openedAt: string
  closedAt: string | null
  closeReason: string | null
  lastActivityAt: string
  actions: CaseActionState[]
  nextActionDueAt: string | null
  overdueActions: number
  stages: Partial<Record<StatutoryStage, string>>
  deadlines: StatutoryDeadline[]
}

export function toCaseView(state: CaseState): CaseView {
  const { caseId, caseRef, number, status, version, openedAt, closedAt, closeReason, lastActivityAt, actions } = state
  return {
    caseId,
    caseRef,
    number,
    status,
    version,
    openedAt,
    closedAt,
    closeReason,
    lastActivityAt,
    actions,
    ...actionSummary(state),
    ...statutorySummary(state),
  }
}

/** The Case row's lifecycle columns and its actions' lifecycle, with the events to append: what the save activity writes. */
export interface CaseSnapshot {
  caseId: string
  version: number
  status: CaseStatus
  openedAt: string
  closedAt: string | null
  closeReason: string | null
  lastActivityAt: string
  nextActionDueAt: string | null
  overdueActions: number
  actions: CaseActionState[]
  stages: Partial<Record<StatutoryStage, string>>
  deadlines: StatutoryDeadline[]
  events: CaseEvent[]
}

export function toCaseSnapshot(state: CaseState): CaseSnapshot {
  const { caseId, version, status, openedAt, closedAt, closeReason, lastActivityAt, actions } = state
  return {
    caseId,
    version,
    status,
    openedAt,
    closedAt,
    closeReason,
    lastActivityAt,
    actions,
    ...actionSummary(state),
    ...statutorySummary(state),
    events: state.pendingEvents,
  }
}

function statutorySummary(state: CaseState): { stages: Partial<Record<StatutoryStage, string>>; deadlines: StatutoryDeadline[] } {
  return { stages: state.statutory?.stages ?? {}, deadlines: statutoryDeadlines(state.statutory) }
}

function actionSummary(state: CaseState): { nextActionDueAt: string | null; overdueActions: number } {
  const open = state.actions.filter(isOpenAction)
  const dues = open.flatMap((action) => (action.dueAt ? [action.dueAt] : [])).sort((a, b) => Date.parse(a) - Date.parse(b))
  return { nextActionDueAt: dues[0] ?? null, overdueActions: open.filter((action) => action.overdue).length }
}
