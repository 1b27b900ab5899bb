/**
 * The case workflow on Temporal's time-skipping test server, with in-memory
 * activities: next actions fall overdue by themselves, closing resolves the
 * linked tickets, refusals stay out of history, and a carried state resumes.
 */
import { randomUUID } from 'node:crypto'
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client'
import type { ApplicationFailure } from '@temporalio/common'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { DateTime } from 'luxon'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import type { CaseActivities } from '../activities/case.ts'
import { applyCaseCommand } from '../domain/case-commands.ts'
import type { CaseNotification } from '../domain/case-deadlines.ts'
import { initialCaseState, type CaseSnapshot } from '../domain/case-state.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import {
  addCaseActionUpdate,
  caseRefusalDetailsOf,
  caseViewQuery,
  caseWorkflowId,
  closeCaseUpdate,
  openCaseUpdate,
  openCaseUpdateId,
  reassignCaseUpdate,
  recordCaseStageUpdate,
  recordDeadlineExceptionUpdate,
  setCaseStatusUpdate,
  type CaseWorkflowInput,
} from './case.messages.ts'
import type { caseWorkflow } from './case.workflow.ts'

const ADVOCATE = randomUUID()
const OWNER = randomUUID()

let serverPath: string
let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
  } catch {
    // Another test file in this process installed it first.
  }
  serverPath = await ensureTimeSkippingServer()
  workflowBundle = await bundleTicketWorkflows()
})

interface CaseTest {
  env: TestWorkflowEnvironment
  saved: CaseSnapshot[]
  notified: CaseNotification[]
  resolutions: { caseRef: string; commandId: string; afterSaveOf: string | undefined }[]
  /** Opens a case as the service does: update-with-start, answered after the first save. */
  open(input?: Partial<CaseWorkflowInput>): Promise<WorkflowHandle<typeof caseWorkflow>>
}

/** Its own server per test (see the ticket workflow's tests for why), with a worker polling. */
async function caseTest(body: (t: CaseTest) => Promise<void>) {
  let env: TestWorkflowEnvironment | undefined
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: serverPath } } })
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('did not start within')) throw error
    }
  }
  const saved: CaseSnapshot[] = []
  const notified: CaseNotification[] = []
  const resolutions: CaseTest['resolutions'] = []
  const activities: CaseActivities = {
    async saveCaseState(snapshot) {
      saved.push(snapshot)
    },
    async notifyCaseUsers(notification) {
      notified.push(notification)
    },
    async resolveCaseTickets(input) {
      resolutions.push({ caseRef: input.caseRef, commandId: input.commandId, afterSaveOf: saved.at(-1)?.status })
      return [3, 5]
    },
  }
  const taskQueue = 'case-test'
  try {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities })
    const testEnv = env
    await worker.runUntil(
      body({
        env,
        saved,
        notified,
        resolutions,
        async open(input = {}) {
          const caseId = input.carried?.caseId ?? randomUUID()
          const args: CaseWorkflowInput = {
            caseId,
            orgId: randomUUID(),
            number: 1,
            caseRef: 'CASE-1',
            openedAt: new Date(await testEnv.currentTimeMs()).toISOString(),
            ...input,
          }
          const { WithStartWorkflowOperation } = await import('@temporalio/client')
          const startWorkflowOperation = new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
            workflowId: caseWorkflowId(caseId),
            taskQueue,
            args: [args],
            workflowIdConflictPolicy: 'USE_EXISTING',
          })
          await testEnv.client.workflow.executeUpdateWithStart(openCaseUpdate, {
            updateId: openCaseUpdateId(caseId),
            startWorkflowOperation,
          })
          return testEnv.client.workflow.getHandle<typeof caseWorkflow>(caseWorkflowId(caseId))
        },
      }),
    )
  } finally {
    await env.teardown()
  }
}

async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError)
  return (error as WorkflowUpdateFailedError).cause as ApplicationFailure
}

async function updateEventCount(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory()
  return (history.events ?? []).filter(
    (event) =>
      event.workflowExecutionUpdateAcceptedEventAttributes ||
      event.workflowExecutionUpdateCompletedEventAttributes ||
      event.workflowExecutionUpdateRejectedEventAttributes,
  ).length
}

describe('the case workflow', () => {
  test('a next action due in a minute is flagged overdue, and its owner told once, with nobody touching the case', async () => {
    await caseTest(async (t) => {
      const handle = await t.open()
      expect(t.saved).toEqual([expect.objectContaining({ version: 1, status: 'intake' })])
      const dueAt = new Date((await t.env.currentTimeMs()) + 60_000).toISOString()
      const actionId = randomUUID()
      const view = await handle.executeUpdate(addCaseActionUpdate, { args: [{ actionId, ownerId: OWNER, dueAt, actorId: ADVOCATE }] })
      expect(view).toMatchObject({ nextActionDueAt: dueAt, overdueActions: 0 })
      expect(t.notified).toEqual([])

      await t.env.sleep('2 minutes')
      await vi.waitFor(() =>
        expect(t.saved.at(-1)).toMatchObject({ overdueActions: 1, actions: [expect.objectContaining({ overdue: true })] }),
      )
      expect(t.saved.at(-1)!.events).toEqual([
        expect.objectContaining({ kind: 'action_overdue', actorId: null, data: { actionId, ownerId: OWNER, dueAt } }),
      ])
      expect(t.notified).toEqual([
        expect.objectContaining({ kind: 'case_action_overdue', actionId, recipientIds: [OWNER], includeAdvocate: true }),
      ])

      // Days later it is still flagged, and nobody was told again.
      await t.env.sleep('3 days')
      expect(await handle.query(caseViewQuery)).toMatchObject({ overdueActions: 1 })
      expect(t.notified).toHaveLength(1)
    })
  })

  test('closing saves the case closed, then resolves its tickets, and answers their numbers', async () => {
    await caseTest(async (t) => {
      const handle = await t.open({ caseRef: 'LA-77' })
      const closure = await handle.executeUpdate(closeCaseUpdate, { args: [{ reason: '', actorId: ADVOCATE }] })
      expect(closure).toMatchObject({ resolved: [3, 5], view: { status: 'closed', closeReason: 'case closed' } })
      expect(t.resolutions).toEqual([{ caseRef: 'LA-77', commandId: expect.stringMatching(/-closed-v2$/), afterSaveOf: 'closed' }])
      // A closed case refuses a second closure: nothing is resolved again.
      const refusal = await refusalOf(handle.executeUpdate(closeCaseUpdate, { args: [{ reason: 'again', actorId: null }] }))
      expect(caseRefusalDetailsOf(refusal)?.code).toBe('case_closed')
      expect(t.resolutions).toHaveLength(1)
    })
  })

  test('a refused command never reaches history and changes nothing', async () => {
    await caseTest(async (t) => {
      const handle = await t.open()
      const before = await updateEventCount(handle)
      const refusal = await refusalOf(handle.executeUpdate(setCaseStatusUpdate, { args: [{ status: 'intake', actorId: ADVOCATE }] }))
      expect(refusal.message).toBe('The case is already at Intake')
      expect(caseRefusalDetailsOf(refusal)?.code).toBe('no_change')
      expect(await updateEventCount(handle)).toBe(before)
      expect(await handle.query(caseViewQuery)).toMatchObject({ version: 1, status: 'intake' })
      expect(t.saved).toHaveLength(1)
    })
  })

  test('reassigning records who the case went from and to, saved before it answers, behind its marker, once however often it is sent', async () => {
    await caseTest(async (t) => {
      const handle = await t.open()
      const incoming = randomUUID()
      const reassign = (fromId: string, toId: string) =>
        handle.executeUpdate(reassignCaseUpdate, { args: [{ fromId, toId, actorId: ADVOCATE }] })
      expect(caseRefusalDetailsOf(await refusalOf(reassign(ADVOCATE, ADVOCATE)))?.code).toBe('no_change')
      expect(await reassign(ADVOCATE, incoming)).toMatchObject({ version: 2, status: 'intake' })
      expect(t.saved.at(-1)!.events).toEqual([
        expect.objectContaining({ kind: 'reassigned', actorId: ADVOCATE, data: { fromId: ADVOCATE, toId: incoming } }),
      ])
      const markers = (await handle.fetchHistory()).events!.filter((e) => e.markerRecordedEventAttributes)
      expect(markers.length).toBeGreaterThan(0)
      // Sent again after a crash (before the row followed): done already, nothing recorded twice.
      expect(await reassign(ADVOCATE, incoming)).toMatchObject({ version: 2 })
      await handle.executeUpdate(closeCaseUpdate, { args: [{ reason: '', actorId: ADVOCATE }] })
      expect(caseRefusalDetailsOf(await refusalOf(reassign(incoming, ADVOCATE)))?.code).toBe('case_closed')
    })
  })

  test('a run continued as new resumes from the carried state, deadlines included', async () => {
    await caseTest(async (t) => {
      const caseId = randomUUID()
      const openedAt = new Date(await t.env.currentTimeMs()).toISOString()
      const dueAt = new Date((await t.env.currentTimeMs()) + 3_600_000).toISOString()
      const opening = { caseId, orgId: randomUUID(), number: 4, caseRef: 'CASE-4', openedAt }
      const actionId = randomUUID()
      const staged = applyCaseCommand(initialCaseState(opening), { kind: 'setStatus', status: 'draft_plan', actorId: ADVOCATE }, openedAt)
      if (!staged.ok) throw new Error(staged.reason)
      const withAction = applyCaseCommand(staged.state, { kind: 'addAction', actionId, ownerId: OWNER, dueAt, actorId: ADVOCATE }, openedAt)
      if (!withAction.ok) throw new Error(withAction.reason)
      const handle = await t.open({ ...opening, carried: withAction.state })
      expect(await handle.query(caseViewQuery)).toMatchObject({ status: 'draft_plan', version: 3, nextActionDueAt: dueAt })
      // Saved again, unsaved events included: the previous run may not have saved them.
      expect(t.saved[0]).toMatchObject({ version: 3, status: 'draft_plan' })
      await t.env.sleep('2 hours')
      await vi.waitFor(() => expect(t.notified).toEqual([expect.objectContaining({ actionId })]))
    })
  })
})

describe('the statutory timeline', () => {
  const LONDON = 'Europe/London'
  const todayIn = async (env: TestWorkflowEnvironment) => DateTime.fromMillis(await env.currentTimeMs(), { zone: LONDON }).toISODate()!

  test('a 6-week deadline that passes untouched is flagged overdue and the advocate told, once', async () => {
    await caseTest(async (t) => {
      const handle = await t.open()
      const date = await todayIn(t.env)
      const view = await handle.executeUpdate(recordCaseStageUpdate, {
        args: [{ stage: 'assessment_requested', date, timezone: LONDON, actorId: ADVOCATE }],
      })
      expect(view.deadlines.map((deadline) => [deadline.key, deadline.state])).toEqual([
        ['assessment_decision', 'due'],
        ['no_plan_notice', 'due'],
        ['final_plan', 'due'],
      ])
      expect(t.saved.at(-1)).toMatchObject({ stages: { assessment_requested: date } })
      await t.env.sleep('41 days')
      expect(t.notified).toEqual([])
      await t.env.sleep('2 days')
      await vi.waitFor(() =>
        expect(t.notified).toEqual([expect.objectContaining({ kind: 'case_la_deadline_overdue', key: 'assessment_decision' })]),
      )
      expect(t.saved.at(-1)!.deadlines[0]).toMatchObject({ key: 'assessment_decision', state: 'overdue' })
      expect(t.saved.at(-1)!.events).toEqual([expect.objectContaining({ kind: 'la_deadline_overdue', actorId: null })])
      await t.env.sleep('7 days')
      expect(t.notified).toHaveLength(1)
    })
  })

  test('an exception turns the deadline to "exception": it is never flagged', async () => {
    await caseTest(async (t) => {
      const handle = await t.open()
      const date = await todayIn(t.env)
      await handle.executeUpdate(recordCaseStageUpdate, {
        args: [{ stage: 'assessment_requested', date, timezone: LONDON, actorId: ADVOCATE }],
      })
      const view = await handle.executeUpdate(recordDeadlineExceptionUpdate, {
        args: [{ key: 'assessment_decision', reason: 'school_closed', actorId: ADVOCATE }],
      })
      expect(view.deadlines[0]).toMatchObject({ key: 'assessment_decision', state: 'exception', reason: 'school_closed' })
      const refusal = await refusalOf(
        handle.executeUpdate(recordCaseStageUpdate, {
          args: [{ stage: 'assessment_decided', date: '2099-01-01', timezone: LONDON, actorId: ADVOCATE }],
        }),
      )
      expect(refusal.message).toBe('A stage cannot begin after today')
      await t.env.sleep('50 days')
      expect(t.notified).toEqual([])
      expect((await handle.query(caseViewQuery)).deadlines[0]).toMatchObject({ state: 'exception' })
    })
  })

  test('continue-as-new carries the stage dates, and the carried deadline is still watched', async () => {
    await caseTest(async (t) => {
      const caseId = randomUUID()
      const nowMs = await t.env.currentTimeMs()
      const openedAt = new Date(nowMs).toISOString()
      const date = DateTime.fromMillis(nowMs, { zone: LONDON }).minus({ days: 41 }).toISODate()!
      const opening = { caseId, orgId: randomUUID(), number: 5, caseRef: 'CASE-5', openedAt }
      const staged = applyCaseCommand(
        initialCaseState(opening),
        { kind: 'recordStage', stage: 'assessment_requested', date, timezone: LONDON, actorId: ADVOCATE },
        openedAt,
      )
      if (!staged.ok) throw new Error(staged.reason)
      const handle = await t.open({ ...opening, carried: staged.state })
      expect(await handle.query(caseViewQuery)).toMatchObject({ stages: { assessment_requested: date } })
      await t.env.sleep('3 days')
      await vi.waitFor(() => expect(t.notified).toEqual([expect.objectContaining({ key: 'assessment_decision' })]))
    })
  })
})
