/**
 * The case workflow's contract: its id, input, messages and refusals. Imported by
 * the workflow, the worker and the services, so names and payloads cannot drift.
 * Payloads carry ids, never content (an action's title lives in its row).
 */
import { ApplicationFailure } from '@temporalio/common'
import { defineQuery, defineUpdate } from '@temporalio/workflow'
import type { CaseStatus } from '../domain/case.ts'
import type { CaseRefusalCode } from '../domain/case-commands.ts'
import type { CaseOpening, CaseState, CaseView } from '../domain/case-state.ts'
import type { StatutoryDeadlineKey, StatutoryExceptionReason, StatutoryStage } from '../domain/statutory-periods.ts'

export function caseWorkflowId(caseId: string): string {
  return `case-${caseId}`
}

/** The id of a case's openCase update: the creator's call and the sweep's are one update. */
export function openCaseUpdateId(caseId: string): string {
  return `open-${caseId}`
}

export interface CaseWorkflowInput extends CaseOpening {
  /** Present after continue-as-new: the state to resume from. */
  carried?: CaseState
}

export interface SetCaseStatusInput {
  status: CaseStatus
  actorId: string
}

export interface AddCaseActionInput {
  /** The CaseAction row the service wrote (its title is there). */
  actionId: string
  ownerId: string | null
  /** ISO instant, or null: no due date. */
  dueAt: string | null
  actorId: string
}

export interface CaseActionInput {
  actionId: string
  actorId: string
}

export interface ChangeCaseActionDueInput extends CaseActionInput {
  dueAt: string | null
}

export interface CloseCaseInput {
  reason: string
  /** Null when an integration reports the closure. */
  actorId: string | null
}

export interface ReassignCaseInput {
  /** The advocate now (the row's: the workflow does not hold the advocate). */
  fromId: string | null
  toId: string
  actorId: string
}

export interface ReopenCaseInput {
  actorId: string
  /** Whether one of its tickets is not closed yet (the service reads it from the read model). */
  hasOpenTickets: boolean
}

export interface RecordCaseStageInput {
  stage: StatutoryStage
  /** The day it began, YYYY-MM-DD, in the organisation's zone. */
  date: string
  /** The organisation's IANA zone (the service reads it): where the date is counted. */
  timezone: string
  actorId: string
}

export interface RecordDeadlineExceptionInput {
  key: StatutoryDeadlineKey
  reason: StatutoryExceptionReason
  actorId: string
}

/** What closing answers: the case afterwards and the numbers of the tickets it resolved. */
export interface CaseClosure {
  view: CaseView
  resolved: number[]
}

/** The ApplicationFailure type of an update the case refused; its message says why, for people. */
export const caseCommandRefusedFailureType = 'CaseCommandRefused'

export interface CaseRefusalDetails {
  code: CaseRefusalCode
  caseId: string
}

export function caseRefusalDetailsOf(failure: unknown): CaseRefusalDetails | undefined {
  if (!(failure instanceof ApplicationFailure) || failure.type !== caseCommandRefusedFailureType) return undefined
  const [details] = failure.details ?? []
  return details && typeof details === 'object' && 'code' in details ? (details as CaseRefusalDetails) : undefined
}

/** Sent with the start (update-with-start): answers with the case as its first save left it. */
export const openCaseUpdate = defineUpdate<CaseView, []>('openCase')
export const setCaseStatusUpdate = defineUpdate<CaseView, [SetCaseStatusInput]>('setCaseStatus')
export const addCaseActionUpdate = defineUpdate<CaseView, [AddCaseActionInput]>('addCaseAction')
export const completeCaseActionUpdate = defineUpdate<CaseView, [CaseActionInput]>('completeCaseAction')
export const reopenCaseActionUpdate = defineUpdate<CaseView, [CaseActionInput]>('reopenCaseAction')
export const changeCaseActionDueUpdate = defineUpdate<CaseView, [ChangeCaseActionDueInput]>('changeCaseActionDue')
/** Closes the case and resolves its open tickets ("case closed"): the workspace's close and the API's. */
export const closeCaseUpdate = defineUpdate<CaseClosure, [CloseCaseInput]>('closeCase')
export const reopenCaseUpdate = defineUpdate<CaseView, [ReopenCaseInput]>('reopenCase')
export const reassignCaseUpdate = defineUpdate<CaseView, [ReassignCaseInput]>('reassignCase')
/** The statutory timeline: the day a stage began, and an exception the Regulations allow to a deadline. */
export const recordCaseStageUpdate = defineUpdate<CaseView, [RecordCaseStageInput]>('recordCaseStage')
export const recordDeadlineExceptionUpdate = defineUpdate<CaseView, [RecordDeadlineExceptionInput]>('recordDeadlineException')

/** The marker of workflows that watch their statutory timeline's deadlines. */
export const STATUTORY_TIMELINE_PATCH = 'statutory-timeline'

/** The case as its workflow holds it right now. */
export const caseViewQuery = defineQuery<CaseView>('caseView')
