/**
 * The cases tests/histories/export.ts records, one history each, opened as the
 * service opens them (update-with-start carrying openCase) and then worked.
 */
import { randomUUID } from 'node:crypto'
import type { WorkflowHandle } from '@temporalio/client'
import type { TestWorkflowEnvironment } from '@temporalio/testing'
import { DateTime } from 'luxon'
import {
  addCaseActionUpdate,
  changeCaseActionDueUpdate,
  closeCaseUpdate,
  completeCaseActionUpdate,
  reassignCaseUpdate,
  recordCaseStageUpdate,
  recordDeadlineExceptionUpdate,
  reopenCaseUpdate,
  setCaseStatusUpdate,
  type CaseWorkflowInput,
} from '../../workflows/case.messages.ts'
import type { caseWorkflow } from '../../workflows/case.workflow.ts'
import { ORG } from './scenarios.ts'

const ADVOCATE = '00000000-0000-4000-8000-000000000002'
const INCOMING = '00000000-0000-4000-8000-000000000003'

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>

export interface CaseScenario {
  about: string
  input?: Partial<CaseWorkflowInput>
  run(handle: CaseHandle, env: TestWorkflowEnvironment): Promise<void>
}

async function refused(update: Promise<unknown>): Promise<void> {
  if (
    await update.then(
      () => true,
      () => false,
    )
  )
    throw new Error('expected a refusal')
}

export const CASE_SCENARIOS: Record<string, CaseScenario> = {
  'worked-and-closed': {
    about: 'a case opened, its status moved, next actions added, one overdue by itself, ticked off, moved, closed and reopened',
    async run(handle, env) {
      const now = await env.currentTimeMs()
      const soon = randomUUID()
      const later = randomUUID()
      await handle.executeUpdate(setCaseStatusUpdate, { args: [{ status: 'assessment_requested', actorId: ADVOCATE }] })
      await refused(handle.executeUpdate(setCaseStatusUpdate, { args: [{ status: 'assessment_requested', actorId: ADVOCATE }] }))
      await handle.executeUpdate(addCaseActionUpdate, {
        args: [{ actionId: soon, ownerId: ADVOCATE, dueAt: new Date(now + 60_000).toISOString(), actorId: ADVOCATE }],
      })
      await handle.executeUpdate(addCaseActionUpdate, {
        args: [{ actionId: later, ownerId: null, dueAt: new Date(now + 7 * 86_400_000).toISOString(), actorId: ADVOCATE }],
      })
      await env.sleep('2 minutes')
      await handle.executeUpdate(completeCaseActionUpdate, { args: [{ actionId: soon, actorId: ADVOCATE }] })
      await handle.executeUpdate(changeCaseActionDueUpdate, {
        args: [{ actionId: later, dueAt: new Date(now + 14 * 86_400_000).toISOString(), actorId: ADVOCATE }],
      })
      await handle.executeUpdate(closeCaseUpdate, { args: [{ reason: 'Final plan issued', actorId: ADVOCATE }] })
      await handle.executeUpdate(reopenCaseUpdate, { args: [{ actorId: ADVOCATE, hasOpenTickets: true }] })
    },
  },
  reassigned: {
    about: 'the same advocate refused, then the case reassigned (the team-reassign marker), sent twice as after a crash, worked and closed',
    async run(handle) {
      await refused(handle.executeUpdate(reassignCaseUpdate, { args: [{ fromId: ADVOCATE, toId: ADVOCATE, actorId: ADVOCATE }] }))
      await handle.executeUpdate(reassignCaseUpdate, { args: [{ fromId: ADVOCATE, toId: INCOMING, actorId: ADVOCATE }] })
      await handle.executeUpdate(reassignCaseUpdate, { args: [{ fromId: ADVOCATE, toId: INCOMING, actorId: ADVOCATE }] })
      await handle.executeUpdate(setCaseStatusUpdate, { args: [{ status: 'assessment_requested', actorId: INCOMING }] })
      await handle.executeUpdate(closeCaseUpdate, { args: [{ reason: 'Final plan issued', actorId: INCOMING }] })
    },
  },
  'timeline-watched': {
    about: 'stage dates recorded (one corrected, one refused), an exception, and a 6-week LA deadline flagged overdue by itself',
    async run(handle, env) {
      const zone = 'Europe/London'
      const today = DateTime.fromMillis(await env.currentTimeMs(), { zone })
      const stage = (stage: 'assessment_requested' | 'draft_plan_issued', date: DateTime) =>
        handle.executeUpdate(recordCaseStageUpdate, { args: [{ stage, date: date.toISODate()!, timezone: zone, actorId: ADVOCATE }] })
      await stage('assessment_requested', today.minus({ days: 2 }))
      await stage('assessment_requested', today.minus({ days: 1 }))
      await refused(stage('draft_plan_issued', today.plus({ days: 3 })))
      await handle.executeUpdate(recordDeadlineExceptionUpdate, { args: [{ key: 'final_plan', reason: 'family_away', actorId: ADVOCATE }] })
      await env.sleep('43 days')
      await stage('draft_plan_issued', today.plus({ days: 43 }))
    },
  },
}

export function caseOpening(overrides: Partial<CaseWorkflowInput> = {}): CaseWorkflowInput {
  return {
    caseId: randomUUID(),
    orgId: ORG,
    number: 1,
    caseRef: 'CASE-1',
    openedAt: new Date().toISOString(),
    ...overrides,
  }
}
