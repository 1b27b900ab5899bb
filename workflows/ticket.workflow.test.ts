/**
 * The ticket workflow on Temporal's time-skipping test server, with in-memory
 * activities. Durations are the real ones (days and weeks pass in moments):
 * every test starts on a Monday at 09:00 in London, so business-hour targets
 * land at times a person can check, written as "<days after that Monday> HH:mm".
 */
import { randomUUID } from 'node:crypto'
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client'
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { DateTime } from 'luxon'
import { beforeAll, describe, expect, test, vi } from 'vitest'
import type { TicketActivities } from '../activities/index.ts'
import { defaultSlaPolicy, slaPolicyToJson, type SlaPolicy } from '../domain/sla.ts'
import type { TicketNotification } from '../domain/ticket-notifications.ts'
import type { TicketSnapshot } from '../domain/ticket-record.ts'
import { applyCommand, type TicketCommand } from '../domain/ticket-commands.ts'
import { adoptSlaPolicy } from '../domain/ticket-deadlines.ts'
import { initialTicketState, type TicketState, type TicketView } from '../domain/ticket-state.ts'
import type { TicketStatus } from '../domain/ticket.ts'
import { indexedValueTypes } from '../scripts/lib/temporal-server.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleFoundationWorkflow } from '../tests/histories/foundation-workflow.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import {
  applySlaPolicyUpdate,
  assignTicketUpdate,
  caseClosedSignal,
  caseLinkedSignal,
  changePriorityUpdate,
  changeStatusUpdate,
  changeTypeUpdate,
  changeDepartmentUpdate,
  commandRefusedFailureType,
  laRespondedSignal,
  linkCaseUpdate,
  messagePostedSignal,
  postMessageUpdate,
  recordLaResponseUpdate,
  refusalDetailsOf,
  reopenTicketUpdate,
  searchAttributes,
  statusChangedSignal,
  ticketAssignedSignal,
  ticketRecordQuery,
  ticketViewQuery,
  ticketWorkflowId,
  type PostMessageInput,
  type TicketWorkflowInput,
} from './ticket.messages.ts'
import {
  ASSIGN_ON_FIRST_REPLY_PATCH,
  ASSIGNMENT_NOTICES_PATCH,
  NEW_REQUEST_NOTICES_PATCH,
  STAFF_CONVERSATIONS_PATCH,
  ticketWorkflow,
} from './ticket.workflow.ts'

const LONDON = 'Europe/London'
const REQUESTER = randomUUID()
const STAFF = randomUUID()
const OTHER_STAFF = randomUUID()
const DAY = 24 * 3_600_000

/** The current test's server: each test has its own (see ticketTest). */
let env: TestWorkflowEnvironment
let serverPath: string
let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  // Before anything creates the runtime. Core warns on every worker that the Java
  // test server lacks a capability the ticket workflow does not use: errors only.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  })
  serverPath = await ensureTimeSkippingServer()
  workflowBundle = await bundleTicketWorkflows()
})

/** The SDK gives the test server 5 s to start; its JVM can need longer on a busy machine, so a slow start is tried again. */
const SERVER_START_ATTEMPTS = 3

/**
 * A fresh time-skipping server (about a second to start). Sharing one across
 * tests that each skip weeks made later sleeps hang: timers and timeouts left by
 * earlier tests' tickets came due on task queues nobody polled any more.
 */
async function startServer(): Promise<TestWorkflowEnvironment> {
  let server: TestWorkflowEnvironment | undefined
  for (let attempt = 1; !server; attempt++) {
    try {
      server = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: serverPath } } })
    } catch (error) {
      if (attempt >= SERVER_START_ATTEMPTS || !String(error).includes('did not start within')) throw error
    }
  }
  await server.connection.operatorService.addSearchAttributes({
    namespace: server.namespace ?? 'default',
    searchAttributes: indexedValueTypes(Object.values(searchAttributes)),
  })
  return server
}

/** In-memory activities that record what the workflow asked for. */
function stubActivities(initialPolicy: SlaPolicy) {
  const saved: TicketSnapshot[] = []
  const notified: TicketNotification[] = []
  const policyLoads: string[] = []
  let policy = initialPolicy
  let policyFailure: Error | null = null
  let notifyFailure: Error | null = null
  const activities: TicketActivities = {
    async saveTicketState(snapshot) {
      saved.push(snapshot)
    },
    async notifyUsers(notification) {
      if (notifyFailure) throw notifyFailure
      notified.push(notification)
    },
    async loadSlaPolicy(orgId) {
      policyLoads.push(orgId)
      if (policyFailure) throw policyFailure
      return slaPolicyToJson(policy)
    },
    async flagTaskOverdue() {
      return true
    },
  }
  return {
    activities,
    saved,
    notified,
    policyLoads,
    setPolicy(next: SlaPolicy) {
      policy = next
    },
    /** Notifications fail with `failure` from now on. */
    failNotifications(failure: Error) {
      notifyFailure = failure
    },
    /** Policy loads fail with `failure` from now on. */
    failPolicyLoads(failure: Error) {
      policyFailure = failure
    },
  }
}

type Handle = WorkflowHandle<typeof ticketWorkflow>

interface TicketTest extends ReturnType<typeof stubActivities> {
  /** The Monday 09:00 (London) the test starts at. */
  monday: number
  start(input?: Partial<TicketWorkflowInput>): Promise<Handle>
  /** Starts a ticket already linked to `caseRef`, in one call, as the API does. */
  startLinked(caseRef: string): Promise<Handle>
  /** Lets time pass until `day` days after Monday at `time` (London), firing every timer due meanwhile. */
  until(day: number, time: string): Promise<void>
  /** "<days after Monday> HH:mm" in London, for comparing instants with the calendar. */
  local(iso: string | null | undefined): string | null
  kinds(): string[]
}

/** Runs `body` on its own server with a worker, from the next Monday 09:00. */
async function ticketTest(body: (t: TicketTest) => Promise<void>, policy: SlaPolicy = defaultSlaPolicy()) {
  env = await startServer()
  try {
    await runTicketTest(body, policy)
  } finally {
    await env.teardown()
  }
}

async function runTicketTest(body: (t: TicketTest) => Promise<void>, policy: SlaPolicy) {
  const stubs = stubActivities(policy)
  const taskQueue = 'ticket-test'
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: stubs.activities })
  const monday = await nextMonday()
  const t: TicketTest = {
    ...stubs,
    monday,
    async start(input = {}) {
      const ticketId = input.carried?.ticketId ?? randomUUID()
      const handle = await env.client.workflow.start(ticketWorkflow, {
        args: [{ ...opening(ticketId, new Date(monday).toISOString()), ...input }],
        workflowId: ticketWorkflowId(ticketId),
        taskQueue,
      })
      return handle
    },
    async startLinked(caseRef) {
      const ticketId = randomUUID()
      return env.client.workflow.signalWithStart(ticketWorkflow, {
        args: [opening(ticketId, new Date(monday).toISOString())],
        workflowId: ticketWorkflowId(ticketId),
        taskQueue,
        signal: caseLinkedSignal,
        signalArgs: [{ caseRef, actorId: null }],
      })
    },
    async until(day, time) {
      const [hour, minute] = time.split(':').map(Number)
      const target = DateTime.fromMillis(monday, { zone: LONDON }).plus({ days: day }).set({ hour, minute }).toMillis()
      const now = await env.currentTimeMs()
      if (target > now) await env.sleep(target - now)
    },
    local(iso) {
      if (!iso) return null
      // Commands land a few milliseconds after the minute the test moved to.
      const at = DateTime.fromISO(iso, { zone: LONDON }).plus({ seconds: 30 }).startOf('minute')
      const days = Math.round(at.startOf('day').diff(DateTime.fromMillis(monday, { zone: LONDON }).startOf('day'), 'days').days)
      return `${days}d ${at.toFormat('HH:mm')}`
    },
    kinds() {
      return stubs.saved.flatMap((snapshot) => snapshot.events.map((event) => event.kind))
    },
  }
  await worker.runUntil(body(t))
}

async function nextMonday(): Promise<number> {
  const now = await env.currentTimeMs()
  let monday = DateTime.fromMillis(now, { zone: LONDON }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 })
  while (monday.weekday !== 1 || monday.toMillis() <= now) monday = monday.plus({ days: 1 }).set({ hour: 9 })
  await env.sleep(monday.toMillis() - now)
  return monday.toMillis()
}

function opening(ticketId: string, createdAt: string): TicketWorkflowInput {
  return { ticketId, orgId: randomUUID(), number: 7, requesterId: REQUESTER, type: 'ehcp', priority: 'normal', createdAt }
}

const familyMessage = (): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
const staffMessage = (visibility: 'public' | 'internal' = 'public'): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: STAFF,
  authorRole: 'staff',
  visibility,
})
const moveTo = (status: TicketStatus, extra: { reason?: string; laDeadline?: string } = {}) => ({
  args: [{ status, actorId: STAFF, ...extra }] as [{ status: TicketStatus; actorId: string }],
})

/** The view once the workflow has caught up with `expected` (a timer's change lands a moment after the sleep). */
async function viewWhen(handle: Handle, expected: Record<string, unknown>): Promise<TicketView> {
  return await vi.waitFor(
    async () => {
      const view = await handle.query(ticketViewQuery)
      expect(view).toMatchObject(expected)
      return view
    },
    { timeout: 10_000 },
  )
}

/**
 * The final view of a ticket whose workflow completed. Not `handle.result()`:
 * the test environment lets time skip while awaiting a result, and with nothing
 * else to wait for the server jumps to its ten-year execution timeouts.
 */
async function completedView(handle: Handle): Promise<TicketView> {
  await vi.waitFor(async () => expect((await handle.describe()).status.name).toBe('COMPLETED'), { timeout: 10_000 })
  return await handle.query(ticketViewQuery)
}

/** Commands land a few milliseconds after the minute the test moved to. */
function minutes(ms: number): number {
  return Math.round(ms / 60_000)
}

function target(view: TicketView, kind: string) {
  return view.sla?.targets.find((t) => t.kind === kind)
}

/**
 * Update events in the history. A real server records nothing at all for an
 * update its validator rejects; the Java test server still records a workflow
 * task, so the update events are what can be compared.
 */
async function updateEventCount(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory()
  return (history.events ?? []).filter(
    (event) =>
      event.workflowExecutionUpdateAcceptedEventAttributes ||
      event.workflowExecutionUpdateCompletedEventAttributes ||
      event.workflowExecutionUpdateRejectedEventAttributes,
  ).length
}

async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError)
  return (error as WorkflowUpdateFailedError).cause as ApplicationFailure
}

describe('a new ticket', () => {
  test('loads its policy by organisation id, starts its clocks, is saved and is searchable', async () => {
    await ticketTest(async (t) => {
      const orgId = randomUUID()
      const handle = await t.start({ orgId })
      const view = await viewWhen(handle, { status: 'new', awaiting: 'staff', sla: { state: 'on_track' } })
      expect(t.local(target(view, 'first_response')?.dueAt)).toBe('0d 17:00')
      expect(t.local(target(view, 'resolution')?.dueAt)).toBe('11d 17:00')
      expect(t.policyLoads).toEqual([orgId])
      await vi.waitFor(() => expect(t.saved.at(-1)).toMatchObject({ slaState: 'on_track' }))
      expect(t.saved.flatMap((s) => s.events)).toEqual([expect.objectContaining({ seq: 1, kind: 'opened' })])
      expect(t.saved.at(-1)?.slaTargets).toEqual([
        { kind: 'first_response', dueAt: target(view, 'first_response')!.dueAt, state: 'on_track' },
        { kind: 'resolution', dueAt: target(view, 'resolution')!.dueAt, state: 'on_track' },
      ])
      const { typedSearchAttributes } = await vi.waitFor(async () => {
        const description = await handle.describe()
        expect(description.typedSearchAttributes.get(searchAttributes.slaState)).toBe('on_track')
        return description
      })
      expect(typedSearchAttributes.get(searchAttributes.ticketNumber)).toBe(7)
      expect(typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('new')
      expect(typedSearchAttributes.get(searchAttributes.caseOpen)).toBe(false)
      expect(typedSearchAttributes.get(searchAttributes.assigneeId)).toBeUndefined()
      expect(typedSearchAttributes.get(searchAttributes.awaiting)).toBe('staff')
      // The database record the reconciliation compares is the one saved.
      expect(await handle.query(ticketRecordQuery)).toEqual(expect.objectContaining({ slaTargets: t.saved.at(-1)?.slaTargets }))
    })
  })

  test("tells the organisation's admins once, as a new request", async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const view = await viewWhen(handle, { sla: { state: 'on_track' } })
      await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      await vi.waitFor(() => expect(t.notified.map((n) => n.kind)).toContain('staff_replied'))
      expect(t.notified.filter((n) => n.kind === 'new_request')).toEqual([
        {
          kind: 'new_request',
          dedupeKey: `ticket:${view.ticketId}:event:1`,
          ticketId: view.ticketId,
          recipientIds: [],
          include: ['admins'],
        },
      ])
      expect(await patchMarkers(handle)).toContain(NEW_REQUEST_NOTICES_PATCH)
    })
  })
})

describe('messages and commands', () => {
  test('a family message is saved before the update returns and keeps staff up', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const view = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(view).toMatchObject({ status: 'new', awaiting: 'staff' })
      expect(t.saved.at(-1)).toMatchObject({ version: view.version, awaiting: 'staff' })
      // Nobody is assigned yet: only the ticket's watchers (if any) hear of it.
      await vi.waitFor(() =>
        expect(t.notified.filter((n) => n.kind === 'family_replied')).toEqual([
          expect.objectContaining({ kind: 'family_replied', actorId: REQUESTER, recipientIds: [], include: ['watchers'] }),
        ]),
      )
    })
  })

  test('a family message on an assigned ticket tells the assignee and the watchers', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      await vi.waitFor(() =>
        expect(t.notified.filter((n) => n.kind === 'family_replied')).toEqual([
          expect.objectContaining({ kind: 'family_replied', actorId: REQUESTER, recipientIds: [STAFF], include: ['watchers'] }),
        ]),
      )
    })
  })

  test('every assignment tells the family who their advocate is, and the new assignee when someone else gave it them', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: OTHER_STAFF, actorId: STAFF }] })
      await vi.waitFor(() => expect(t.notified.filter((n) => n.kind === 'assigned_to_you')).toHaveLength(1))
      const told = t.notified.filter((n) => n.kind === 'ticket_assigned' || n.kind === 'assigned_to_you')
      expect(told).toEqual([
        expect.objectContaining({ kind: 'ticket_assigned', assigneeId: STAFF, recipientIds: [REQUESTER] }),
        expect.objectContaining({ kind: 'ticket_assigned', assigneeId: OTHER_STAFF, recipientIds: [REQUESTER] }),
        expect.objectContaining({ kind: 'assigned_to_you', actorId: STAFF, recipientIds: [OTHER_STAFF] }),
      ])
      expect(await patchMarkers(handle)).toContain(ASSIGNMENT_NOTICES_PATCH)
    })
  })

  test("staff's public reply starts work, meets first response, puts the family up and notifies them once", async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await t.until(0, '10:00')
      const view = await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      expect(view).toMatchObject({ status: 'in_progress', awaiting: 'family' })
      expect(target(view, 'first_response')).toMatchObject({ state: 'met' })
      expect(t.local(view.firstStaffReplyAt)).toBe('0d 10:00')
      // Saves and notifications run in order, so once this later change is saved the reply's notification went out.
      const after = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(target(after, 'next_response')).toMatchObject({ cycle: 1, state: 'on_track' })
      expect(t.notified.filter((n) => n.kind === 'staff_replied')).toEqual([
        expect.objectContaining({ kind: 'staff_replied', actorId: STAFF, recipientIds: [REQUESTER] }),
      ])
      expect(t.kinds()).toEqual(['opened', 'message_posted', 'status_changed', 'message_posted'])
    })
  })

  test('an internal note changes neither status nor awaiting, and tells the family nothing', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const view = await handle.executeUpdate(postMessageUpdate, { args: [staffMessage('internal')] })
      expect(view).toMatchObject({ status: 'new', awaiting: 'staff', firstStaffReplyAt: null })
      await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      // Notifications go out in order: once the family message's is sent, the note would have been before it.
      await vi.waitFor(() => expect(t.notified.map((n) => n.kind)).toEqual(['new_request', 'family_replied']))
    })
  })

  test('assigning a new ticket moves it to in progress and sets the AssigneeId attribute', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const view = await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      expect(view).toMatchObject({ status: 'in_progress', assigneeId: STAFF })
      const description = await handle.describe()
      expect(description.typedSearchAttributes.get(searchAttributes.assigneeId)).toBe(STAFF)
      expect(description.typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('in_progress')
    })
  })

  test('the first public staff reply on an unassigned ticket assigns it to its author, where the organisation wants that', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const view = await handle.executeUpdate(postMessageUpdate, { args: [{ ...staffMessage(), assignOnFirstReply: true }] })
      expect(view).toMatchObject({ status: 'in_progress', awaiting: 'family', assigneeId: STAFF })
      expect(t.saved.at(-1)).toMatchObject({ version: view.version, assigneeId: STAFF })
      expect(t.saved.at(-1)?.events).toContainEqual(
        expect.objectContaining({
          kind: 'assigned',
          actorId: STAFF,
          data: { assigneeId: STAFF, previousAssigneeId: null, onFirstReply: true },
        }),
      )
      await vi.waitFor(async () => expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.assigneeId)).toBe(STAFF))
      expect(await patchMarkers(handle)).toContain(ASSIGN_ON_FIRST_REPLY_PATCH)
      // A later reply by someone else changes nothing about who has it.
      const later = await handle.executeUpdate(postMessageUpdate, {
        args: [{ ...staffMessage(), authorId: OTHER_STAFF, assignOnFirstReply: true }],
      })
      expect(later.assigneeId).toBe(STAFF)
    })
  })

  test('a reply leaves the ticket unassigned when the setting is off, for an internal note, and when assigned already', async () => {
    await ticketTest(async (t) => {
      const off = await t.start()
      expect(await off.executeUpdate(postMessageUpdate, { args: [{ ...staffMessage(), assignOnFirstReply: false }] })).toMatchObject({
        status: 'in_progress',
        assigneeId: null,
      })
      const noted = await t.start()
      expect(
        await noted.executeUpdate(postMessageUpdate, { args: [{ ...staffMessage('internal'), assignOnFirstReply: true }] }),
      ).toMatchObject({
        status: 'new',
        assigneeId: null,
      })
      const taken = await t.start()
      await taken.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: OTHER_STAFF, actorId: OTHER_STAFF }] })
      expect(await taken.executeUpdate(postMessageUpdate, { args: [{ ...staffMessage(), assignOnFirstReply: true }] })).toMatchObject({
        assigneeId: OTHER_STAFF,
      })
      expect(t.saved.flatMap((s) => s.events).filter((e) => e.kind === 'assigned')).toHaveLength(1)
    })
  })

  test('a policy that cannot be loaded (say it is invalid) leaves the ticket on the default policy', async () => {
    await ticketTest(async (t) => {
      t.failPolicyLoads(ApplicationFailure.nonRetryable('Organisation has an invalid SLA policy', 'InvalidSlaPolicy'))
      const handle = await t.start()
      const view = await viewWhen(handle, { sla: { state: 'on_track' } })
      expect(t.policyLoads).toHaveLength(1)
      expect(view.sla?.targets.map((target) => target.kind)).toEqual(['first_response', 'resolution'])
      expect(t.saved.at(-1)).toMatchObject({ slaState: 'on_track' })
    })
  })

  test('a notification that cannot be sent is dropped; the change it was for still applies', async () => {
    await ticketTest(async (t) => {
      t.failNotifications(ApplicationFailure.nonRetryable('User does not exist', 'NotFound'))
      const handle = await t.start()
      await viewWhen(handle, { sla: { state: 'on_track' } })
      const view = await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      expect(view).toMatchObject({ status: 'in_progress', awaiting: 'family' })
      expect(t.notified).toEqual([])
      expect(t.saved.at(-1)).toMatchObject({ status: 'in_progress' })
      expect((await handle.describe()).status.name).toBe('RUNNING')
    })
  })

  test('a transition the table forbids is refused by the validator with its reason and code, before history', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const resolved = await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      const updateEvents = await updateEventCount(handle)
      const savesBefore = t.saved.length

      const cause = await refusalOf(handle.executeUpdate(changeStatusUpdate, moveTo('pending_family')))
      expect(cause).toBeInstanceOf(ApplicationFailure)
      expect(cause).toMatchObject({
        message: 'A ticket in Resolved cannot move to Pending family',
        type: commandRefusedFailureType,
        nonRetryable: true,
      })
      expect(refusalDetailsOf(cause)).toEqual({ code: 'invalid_transition', ticketId: resolved.ticketId, number: 7 })
      expect(await updateEventCount(handle)).toBe(updateEvents)
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'resolved', version: resolved.version })
      expect(t.saved).toHaveLength(savesBefore)
    })
  })

  test('closing by hand completes the workflow with the reason; later updates find no workflow', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await viewWhen(handle, { sla: { state: 'on_track' } })
      const view = await handle.executeUpdate(changeStatusUpdate, moveTo('closed', { reason: 'Duplicate request' }))
      expect(view).toMatchObject({ status: 'closed', awaiting: null, closeReason: 'Duplicate request', sla: { state: 'met' } })
      expect(await completedView(handle)).toEqual({ ...view, asOf: expect.any(String) })
      expect(t.saved.at(-1)).toMatchObject({
        status: 'closed',
        closeReason: 'Duplicate request',
        events: [{ kind: 'status_changed', data: { from: 'new', to: 'closed', reason: 'Duplicate request' } }],
      })
      await expect(handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })).rejects.toBeInstanceOf(WorkflowNotFoundError)
    })
  })

  test('priority and type changes, and case links, through updates', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await viewWhen(handle, { sla: { state: 'on_track' } })
      await t.until(0, '11:00')
      const raised = await handle.executeUpdate(changePriorityUpdate, { args: [{ priority: 'high', actorId: STAFF }] })
      // Two business hours used of high's four for first response, and of its five working days for resolution.
      expect(t.local(target(raised, 'first_response')?.dueAt)).toBe('0d 13:00')
      expect(t.local(target(raised, 'resolution')?.dueAt)).toBe('4d 17:00')
      const retyped = await handle.executeUpdate(changeTypeUpdate, { args: [{ type: 'tribunal', actorId: STAFF }] })
      expect(retyped.type).toBe('tribunal')
      const linked = await handle.executeUpdate(linkCaseUpdate, { args: [{ caseRef: 'EHCP-2026-14', actorId: STAFF }] })
      expect(linked).toMatchObject({ caseRef: 'EHCP-2026-14', caseOpen: true })
      const description = await handle.describe()
      expect(description.typedSearchAttributes.get(searchAttributes.ticketPriority)).toBe('high')
      expect(description.typedSearchAttributes.get(searchAttributes.ticketType)).toBe('tribunal')
      expect(description.typedSearchAttributes.get(searchAttributes.caseOpen)).toBe(true)
      expect(t.saved.at(-1)).toMatchObject({ priority: 'high', type: 'tribunal', caseRef: 'EHCP-2026-14' })
    })
  })
})

describe('departments', () => {
  test('a ticket moves to another department through an update; a move to where it is is refused', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start({ departmentId: 'department-general' })
      await viewWhen(handle, { sla: { state: 'on_track' } })
      expect(t.saved.at(-1)).toMatchObject({ departmentId: 'department-general' })
      await handle.executeUpdate(changeDepartmentUpdate, { args: [{ departmentId: 'department-tribunals', actorId: STAFF }] })
      expect(t.saved.at(-1)).toMatchObject({
        departmentId: 'department-tribunals',
        events: [{ kind: 'department_changed', actorId: STAFF, data: { from: 'department-general', to: 'department-tribunals' } }],
      })
      const again = await refusalOf(
        handle.executeUpdate(changeDepartmentUpdate, { args: [{ departmentId: 'department-tribunals', actorId: STAFF }] }),
      )
      expect(again).toMatchObject({ message: 'The ticket is already in that department' })
      expect(refusalDetailsOf(again)?.code).toBe('no_change')
    })
  })
})

describe('SLA clocks', () => {
  test('first response turns at risk and then breached at the exact instants; the breach is notified once', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await t.until(0, '14:59')
      expect(await handle.query(ticketViewQuery)).toMatchObject({ sla: { state: 'on_track' } })

      await t.until(0, '15:00')
      await viewWhen(handle, { sla: { state: 'at_risk' } })
      await vi.waitFor(() => expect(t.saved.at(-1)).toMatchObject({ slaState: 'at_risk' }))
      // Upserted in the workflow task after the save.
      await vi.waitFor(async () => expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.slaState)).toBe('at_risk'))

      await t.until(0, '17:00')
      const breached = await viewWhen(handle, { sla: { state: 'breached' } })
      expect(target(breached, 'first_response')).toMatchObject({ state: 'breached', remainingMs: 0 })
      expect(t.local(target(breached, 'first_response')?.breachedAt)).toBe('0d 17:00')
      await vi.waitFor(() => expect(t.notified.filter((n) => n.kind === 'sla_breached')).toHaveLength(1))
      expect(t.notified.find((n) => n.kind === 'sla_breached')).toMatchObject({
        dedupeKey: `sla-breach:${breached.ticketId}:first_response:1`,
        recipientIds: [STAFF],
        include: ['watchers', 'admins'],
      })
      // Days later, and after a late reply, it was still notified only once.
      await t.until(3, '09:00')
      await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      expect(t.notified.filter((n) => n.kind === 'sla_breached')).toHaveLength(1)
      expect(t.kinds().filter((kind) => kind === 'sla_breached')).toHaveLength(1)
    })
  })

  test('resolution pauses while pending the family and resumes where it stopped', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await t.until(0, '10:00')
      await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      await t.until(0, '13:00')
      const waiting = await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      expect(waiting).toMatchObject({ sla: { state: 'paused', dueAt: null } })
      expect(target(waiting, 'resolution')).toMatchObject({ paused: true, dueAt: null })

      await t.until(2, '12:00')
      const back = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(back).toMatchObject({ status: 'in_progress', statusReason: 'family replied', awaiting: 'staff' })
      const resolution = target(back, 'resolution')!
      // Four hours used before the wait, 76 left; it stood still for 15 business hours
      // (Monday 13:00 to Wednesday 12:00), so it is due 15 business hours later than planned.
      expect(resolution.paused).toBe(false)
      expect(minutes(resolution.elapsedMs)).toBe(4 * 60)
      expect(minutes(resolution.pausedMs)).toBe(15 * 60)
      expect(t.local(resolution.dueAt)).toBe('15d 16:00')
    })
  })

  test("applySlaPolicy reloads the organisation's current policy and rebudgets from the time used", async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await viewWhen(handle, { sla: { state: 'on_track' } })
      await t.until(0, '10:00')
      const urgentAllDay = { firstResponseMinutes: 240, nextResponseMinutes: 240, resolutionMinutes: 24 * 60, calendar: '24x7' as const }
      t.setPolicy({ ...defaultSlaPolicy(), targets: { ...defaultSlaPolicy().targets, normal: urgentAllDay } })
      const view = await handle.executeUpdate(applySlaPolicyUpdate, { args: [{ actorId: STAFF }] })
      expect(t.policyLoads).toHaveLength(2)
      // One hour used; three left around the clock.
      expect(t.local(target(view, 'first_response')?.dueAt)).toBe('0d 13:00')
      expect(t.local(target(view, 'resolution')?.dueAt)).toBe('1d 09:00')
      expect(t.kinds()).toContain('sla_policy_applied')
    })
  })
})

describe('pending waits', () => {
  test('pending the family: told when it will close, reminded after 5 working days, closed "no response" after 14 days', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await t.until(0, '10:00')
      await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      await t.until(0, '13:00')
      const waiting = await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      expect(t.local(waiting.reminderAt)).toBe('7d 13:00')
      expect(t.local(waiting.autoCloseAt)).toBe('14d 13:00')
      await vi.waitFor(() => expect(t.notified.map((n) => n.kind)).toContain('awaiting_family'))
      const told = t.notified.find((n) => n.kind === 'awaiting_family')
      expect(told).toMatchObject({ recipientIds: [REQUESTER], autoCloseAt: waiting.autoCloseAt })

      await t.until(7, '12:59')
      expect(await handle.query(ticketViewQuery)).toMatchObject({ remindedAt: null })
      await t.until(7, '13:00')
      const reminded = await viewWhen(handle, { status: 'pending_family' })
      await vi.waitFor(async () => expect(t.local((await handle.query(ticketViewQuery)).remindedAt)).toBe('7d 13:00'))
      await vi.waitFor(() => expect(t.notified.filter((n) => n.kind === 'family_reminder')).toHaveLength(1))
      expect(t.notified.find((n) => n.kind === 'family_reminder')).toMatchObject({ autoCloseAt: reminded.autoCloseAt })

      await t.until(14, '13:00')
      const closed = await completedView(handle)
      expect(closed).toMatchObject({ status: 'closed', closeReason: 'no response', statusReason: 'no response' })
      expect(t.local(closed.closedAt)).toBe('14d 13:00')
      expect(t.saved.at(-1)).toMatchObject({ status: 'closed', closeReason: 'no response', autoCloseAt: null })
    })
  })

  test('a family reply ends the wait; the auto-close does not happen', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
      await t.until(10, '10:00')
      const back = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(back).toMatchObject({ status: 'in_progress', statusReason: 'family replied', autoCloseAt: null, reminderAt: null })
      await t.until(21, '10:00')
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'in_progress' })
    })
  })

  test('pending the LA: overdue when the deadline passes, the assignee told; the LA response ends the wait', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      // Six weeks for the local authority to decide whether to assess.
      const laDeadline = new Date(t.monday + 42 * DAY).toISOString()
      const waiting = await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la', { laDeadline }))
      expect(waiting).toMatchObject({ status: 'pending_la', laDeadline, laOverdue: false, sla: { state: 'paused' } })

      await t.until(42, '09:01')
      await viewWhen(handle, { laOverdue: true, status: 'pending_la' })
      await vi.waitFor(() => expect(t.notified.filter((n) => n.kind === 'la_overdue')).toHaveLength(1))
      expect(t.notified.find((n) => n.kind === 'la_overdue')).toMatchObject({ recipientIds: [STAFF], laDeadline })
      expect(t.saved.at(-1)).toMatchObject({ laOverdue: true, laDeadline })

      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-response-1' })
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-response-1' })
      const answered = await viewWhen(handle, { status: 'in_progress' })
      expect(answered).toMatchObject({ statusReason: 'LA responded', awaiting: 'staff', laDeadline: null, laOverdue: false })
      expect(t.kinds().filter((kind) => kind === 'status_changed')).toHaveLength(3)
    })
  })

  test('recordLaResponse is refused unless the ticket waits on the LA', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const cause = await refusalOf(handle.executeUpdate(recordLaResponseUpdate, { args: [{ actorId: STAFF }] }))
      expect(refusalDetailsOf(cause)?.code).toBe('invalid_transition')
    })
  })
})

describe('resolution and the reopen window', () => {
  async function resolvedTicket(t: TicketTest) {
    const handle = await t.start()
    await handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
    await t.until(1, '10:00')
    const resolved = await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
    expect(t.local(resolved.reopenUntil)).toBe('8d 10:00')
    await vi.waitFor(() => expect(t.notified.map((n) => n.kind)).toContain('ticket_resolved'))
    expect(t.notified.find((n) => n.kind === 'ticket_resolved')).toMatchObject({
      recipientIds: [REQUESTER],
      reopenUntil: resolved.reopenUntil,
    })
    return handle
  }

  test('a family reply inside the window reopens it', async () => {
    await ticketTest(async (t) => {
      const handle = await resolvedTicket(t)
      await t.until(8, '09:00')
      const reopened = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(reopened).toMatchObject({ status: 'in_progress', statusReason: 'family replied', reopenUntil: null })
      expect(target(reopened, 'resolution')).toMatchObject({ stoppedAt: null })
      await t.until(15, '09:00')
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'in_progress' })
    })
  })

  test('pressing Reopen inside the window reopens it', async () => {
    await ticketTest(async (t) => {
      const handle = await resolvedTicket(t)
      await t.until(5, '12:00')
      const reopened = await handle.executeUpdate(reopenTicketUpdate, { args: [{ actorId: REQUESTER, actorRole: 'family' }] })
      expect(reopened).toMatchObject({
        status: 'in_progress',
        statusReason: 'reopened by the family',
        awaiting: 'staff',
        reopenedByFamily: true,
      })
      expect(target(reopened, 'next_response')).toMatchObject({ cycle: 1 })
      // The row says so, for the queue's marker: staff are up because of Reopen, not a message.
      expect(t.saved.at(-1)).toMatchObject({ version: reopened.version, reopenedByFamily: true })
    })
  })

  test('after the window the ticket closes by itself and the workflow completes', async () => {
    await ticketTest(async (t) => {
      const handle = await resolvedTicket(t)
      await t.until(8, '10:00')
      const closed = await completedView(handle)
      expect(closed).toMatchObject({ status: 'closed', closeReason: 'reopen window ended' })
      expect(t.local(closed.closedAt)).toBe('8d 10:00')
    })
  })
})

describe('case closure', () => {
  const setups: Record<string, (handle: Handle) => Promise<unknown>> = {
    new: async () => undefined,
    in_progress: (handle) => handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] }),
    pending_family: (handle) => handle.executeUpdate(changeStatusUpdate, moveTo('pending_family')),
    pending_la: (handle) => handle.executeUpdate(changeStatusUpdate, moveTo('pending_la')),
  }

  test.each(Object.keys(setups))('resolves a ticket in %s with "case closed", tells the family once, and is idempotent', async (status) => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await setups[status]!(handle)
      await handle.executeUpdate(linkCaseUpdate, { args: [{ caseRef: 'CASE-1', actorId: STAFF }] })
      expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.caseOpen)).toBe(true)
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-1' })
      const resolved = await viewWhen(handle, { status: 'resolved', statusReason: 'case closed', caseOpen: false })
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-1' })
      await handle.signal(caseClosedSignal, {})
      await vi.waitFor(() => expect(t.notified.filter((n) => n.kind === 'ticket_resolved')).toHaveLength(1))
      expect(t.notified.find((n) => n.kind === 'ticket_resolved')).toMatchObject({ reason: 'case closed', recipientIds: [REQUESTER] })
      expect(await handle.query(ticketViewQuery)).toMatchObject({ version: resolved.version })
      await vi.waitFor(async () => expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.caseOpen)).toBe(false))
    })
  })

  test('a ticket started with its case link saves the link in its first save, so a closure right after finds it', async () => {
    await ticketTest(async (t) => {
      const handle = await t.startLinked('CASE-7')
      await viewWhen(handle, { caseRef: 'CASE-7' })
      await vi.waitFor(() => expect(t.saved.length).toBeGreaterThan(0))
      // The read model (written from these snapshots) never shows the ticket without its case.
      expect(t.saved[0]).toMatchObject({ caseRef: 'CASE-7', slaState: 'on_track' })
      expect(t.kinds()).toEqual(['opened', 'case_linked'])
    })
  })

  test('on a resolved ticket it changes nothing; on a closed one the workflow is already gone', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      const resolved = await handle.executeUpdate(changeStatusUpdate, moveTo('resolved'))
      await handle.signal(caseClosedSignal, {})
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'resolved', statusReason: null, version: resolved.version })

      const other = await t.start()
      await other.executeUpdate(changeStatusUpdate, moveTo('closed'))
      await completedView(other)
      await expect(other.signal(caseClosedSignal, {})).rejects.toBeInstanceOf(WorkflowNotFoundError)
    })
  })
})

describe('duplicate and out-of-order signals', () => {
  test('each fact is applied once, in arrival order; those that no longer apply are ignored', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await viewWhen(handle, { sla: { state: 'on_track' } })
      const message = staffMessage()
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, message)
      await handle.signal(ticketAssignedSignal, { assigneeId: STAFF, actorId: STAFF })
      await handle.signal(ticketAssignedSignal, { assigneeId: STAFF, actorId: STAFF })
      await handle.signal(statusChangedSignal, { status: 'pending_la', actorId: STAFF, commandId: 'cms-7' })
      await handle.signal(statusChangedSignal, { status: 'pending_la', actorId: STAFF, commandId: 'cms-7' })
      // The LA answered twice, and a stale "answered" arrives after staff moved on.
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-1' })
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-1' })
      await handle.signal(laRespondedSignal, { actorId: null, commandId: 'la-2' })
      // The case system reports the closure before the link.
      await handle.signal(caseClosedSignal, { caseRef: 'CASE-9' })
      await handle.signal(caseLinkedSignal, { caseRef: 'CASE-9', actorId: null })
      // A message the web already delivered as an update.
      await handle.executeUpdate(postMessageUpdate, { args: [message] })

      const view = await viewWhen(handle, { status: 'resolved', caseRef: 'CASE-9', statusReason: 'case closed' })
      await vi.waitFor(() => expect(t.saved.at(-1)?.version).toBe(view.version))
      expect(t.kinds()).toEqual([
        'opened',
        'message_posted',
        'status_changed',
        'assigned',
        'status_changed',
        'status_changed',
        'case_linked',
        'status_changed',
      ])
      expect(t.saved.flatMap((s) => s.events.filter((e) => e.kind === 'status_changed').map((e) => e.data))).toEqual([
        { from: 'new', to: 'in_progress', reason: null },
        { from: 'in_progress', to: 'pending_la', reason: null },
        { from: 'pending_la', to: 'in_progress', reason: 'LA responded' },
        { from: 'in_progress', to: 'resolved', reason: 'case closed', reopenUntil: view.reopenUntil },
      ])
    })
  })
})

describe('continue-as-new', () => {
  test('a long conversation continues as new when Temporal suggests it, keeping the whole state', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start()
      await handle.executeUpdate(assignTicketUpdate, { args: [{ assigneeId: STAFF, actorId: STAFF }] })
      const before = await handle.executeUpdate(changePriorityUpdate, { args: [{ priority: 'high', actorId: STAFF }] })
      const firstRunId = (await handle.describe()).runId
      // Internal notes, as an integration might mirror them: each is history, none tells anyone.
      let sent = 0
      let lastNote = staffMessage('internal')
      for (let batch = 0; batch < 60; batch++) {
        const notes = Array.from({ length: 100 }, () => staffMessage('internal'))
        await Promise.all(notes.map((note) => handle.signal(messagePostedSignal, note)))
        sent += notes.length
        lastNote = notes.at(-1)!
        if ((await handle.describe()).runId !== firstRunId) break
      }
      const latest = env.client.workflow.getHandle(handle.workflowId)
      // Thousands of signals queue ahead of the continue-as-new on a loaded machine.
      await vi.waitFor(async () => expect((await latest.describe()).runId).not.toBe(firstRunId), { timeout: 120_000 })
      const firstRun = env.client.workflow.getHandle(handle.workflowId, firstRunId)
      const lastEvent = (await firstRun.fetchHistory()).events?.at(-1)
      expect(lastEvent?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy()

      const after = await viewWhen(latest as Handle, { version: before.version + sent })
      expect(after).toMatchObject({ assigneeId: STAFF, priority: 'high', status: 'in_progress' })
      // The clocks kept their budgets and due times; the policy came with the state, not loaded again.
      expect(after.sla?.targets.map((x) => [x.kind, x.dueAt, x.budgetMs])).toEqual(
        before.sla?.targets.map((x) => [x.kind, x.dueAt, x.budgetMs]),
      )
      expect(t.policyLoads).toHaveLength(1)
      // Repeats are still recognised in the new run.
      await latest.signal(messagePostedSignal, lastNote)
      expect(await latest.executeUpdate(postMessageUpdate, { args: [lastNote] })).toMatchObject({ version: after.version })
      // And its timers run: first response breaches at high's four business hours.
      await t.until(0, '13:00')
      await viewWhen(latest as Handle, { sla: { state: 'breached' } })
    })
  }, 360_000)

  test('a run started from carried state resumes it without loading the policy again', async () => {
    await ticketTest(async (t) => {
      const ticketId = randomUUID()
      const input = opening(ticketId, new Date(t.monday).toISOString())
      const firstReply = staffMessage()
      const carried = applyAll(
        adoptSlaPolicy(initialTicketState(input), defaultSlaPolicy(), input.createdAt),
        [
          { kind: 'postMessage', ...firstReply },
          { kind: 'assign', assigneeId: STAFF, actorId: STAFF },
        ],
        new Date(t.monday + 3_600_000).toISOString(),
      )
      const handle = await t.start({ ...input, carried })

      const view = await handle.query(ticketViewQuery)
      expect(view).toMatchObject({ version: carried.version, assigneeId: STAFF, status: 'in_progress', awaiting: 'family' })
      // The previous run's unsaved events are saved by this one.
      await vi.waitFor(() => expect(t.saved).toEqual([expect.objectContaining({ version: carried.version })]))
      expect(t.saved[0]?.events.map((event) => event.seq)).toEqual([1, 2, 3, 4])
      expect(t.policyLoads).toEqual([])

      const repeated = await handle.executeUpdate(postMessageUpdate, { args: [firstReply] })
      expect(repeated.version).toBe(carried.version)
      const next = await handle.executeUpdate(changeStatusUpdate, moveTo('pending_la'))
      expect(next).toMatchObject({ status: 'pending_la', assigneeId: STAFF, version: carried.version + 1 })
      expect(t.saved.at(-1)?.events).toEqual([expect.objectContaining({ seq: 5, kind: 'status_changed' })])
    })
  })

  test('a state carried by the first version (no SLA fields) gets its policy like a new ticket', async () => {
    await ticketTest(async (t) => {
      const ticketId = randomUUID()
      const input = opening(ticketId, new Date(t.monday).toISOString())
      const state = applyAll(
        initialTicketState(input),
        [{ kind: 'postMessage', ...staffMessage() }],
        new Date(t.monday + 3_600_000).toISOString(),
      )
      const { policy, sla, statusReason, commandIds, laOverdue, ...foundation } = state
      void [policy, sla, statusReason, commandIds, laOverdue]
      const handle = await t.start({ ...input, carried: foundation })
      const view = await viewWhen(handle, { sla: { state: 'on_track' } })
      expect(target(view, 'first_response')).toMatchObject({ state: 'met' })
      expect(t.policyLoads).toHaveLength(1)
    })
  })
})

describe('a ticket begun by the first version of the workflow', () => {
  test('replays as it ran, then takes on SLAs and timers at its next change', async () => {
    env = await startServer()
    try {
      const stubs = stubActivities(defaultSlaPolicy())
      const taskQueue = 'ticket-upgrade-test'
      const orgId = randomUUID()
      const input = opening(randomUUID(), new Date(await env.currentTimeMs()).toISOString())
      const handle: Handle = await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
        args: [{ ...input, orgId }],
        workflowId: ticketWorkflowId(input.ticketId),
        taskQueue,
      })
      const foundation = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: await bundleFoundationWorkflow(),
        activities: stubs.activities,
        // No sticky cache: the current worker must replay the whole history.
        maxCachedWorkflows: 0,
      })
      // The reply reaches the ticket's first workflow task, with its start.
      const reply = handle.executeUpdate(postMessageUpdate, { args: [staffMessage()] })
      await new Promise((resolve) => setTimeout(resolve, 300))
      await foundation.runUntil(async () => {
        await reply
        await handle.executeUpdate(changeStatusUpdate, moveTo('pending_family'))
        // The old worker finishes its work before it stops, as in a deploy.
        await vi.waitFor(
          async () => {
            const { raw } = await handle.describe()
            expect(raw.pendingWorkflowTask ?? null).toBeNull()
            expect(raw.pendingActivities ?? []).toEqual([])
          },
          { timeout: 10_000 },
        )
      })
      expect(stubs.policyLoads).toEqual([])

      const current = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: stubs.activities })
      await current.runUntil(async () => {
        const back = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
        expect(back).toMatchObject({ status: 'in_progress', statusReason: 'family replied', awaiting: 'staff' })
        const upgraded = await viewWhen(handle, { sla: { state: 'on_track' } })
        expect(stubs.policyLoads).toEqual([orgId])
        expect(target(upgraded, 'first_response')).toMatchObject({ state: 'met' })
        expect(target(upgraded, 'next_response')).toMatchObject({ cycle: 1, state: 'on_track' })
        const markers = (await handle.fetchHistory()).events?.filter((event) => event.markerRecordedEventAttributes)
        expect(markers).toHaveLength(1)
        // Its timers run now: the family's message is owed a reply within a working day,
        // and any four days hold a whole working day.
        await env.sleep('4 days')
        await viewWhen(handle, { sla: { state: 'breached' } })
        await vi.waitFor(() => expect(stubs.notified.filter((n) => n.kind === 'sla_breached')).toHaveLength(1))
      })
    } finally {
      await env.teardown()
    }
  })
})

describe('a conversation staff started', () => {
  test('a document request waits on the family, assigned to its author, without a first response owed; the family is told and their reply moves it', async () => {
    await ticketTest(async (t) => {
      const handle = await t.start({ conversation: { authorId: STAFF, awaitingFile: true } })
      const view = await viewWhen(handle, { status: 'pending_family', awaiting: 'family', assigneeId: STAFF, sla: { state: 'paused' } })
      expect(target(view, 'first_response')).toBeUndefined()
      expect(view.autoCloseAt).not.toBeNull()
      expect(await patchMarkers(handle)).toContain(STAFF_CONVERSATIONS_PATCH)
      await vi.waitFor(() =>
        expect(t.notified).toContainEqual(
          expect.objectContaining({ kind: 'conversation_started', actorId: STAFF, recipientIds: [REQUESTER] }),
        ),
      )
      expect(t.notified.map((n) => n.kind)).not.toContain('new_request')
      const replied = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(replied).toMatchObject({ status: 'in_progress', awaiting: 'staff' })
    })
  })
})

/** The patch ids recorded in the ticket's history so far. */
async function patchMarkers(handle: Handle): Promise<string[]> {
  const history = await handle.fetchHistory()
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes
    const payload = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined
    return payload ? [defaultPayloadConverter.fromPayload<{ id: string }>(payload).id] : []
  })
}

function applyAll(state: TicketState, commands: TicketCommand[], now: string): TicketState {
  return commands.reduce((current, command) => {
    const result = applyCommand(current, command, now)
    if (!result.ok) throw new Error(result.reason)
    return result.state
  }, state)
}
