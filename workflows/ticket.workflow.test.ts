import { randomUUID } from 'node:crypto'
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client'
import { ApplicationFailure } from '@temporalio/common'
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { TicketActivities } from '../activities/index.ts'
import {
  applyCommand,
  initialTicketState,
  toTicketView,
  type TicketCommand,
  type TicketNotification,
  type TicketSnapshot,
  type TicketState,
} from '../domain/ticket-state.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import {
  changeStatusUpdate,
  commandRefusedFailureType,
  messagePostedSignal,
  postMessageUpdate,
  searchAttributes,
  ticketViewQuery,
  ticketWorkflowId,
  type PostMessageInput,
  type TicketWorkflowInput,
} from './ticket.messages.ts'
import { ticketWorkflow } from './ticket.workflow.ts'

const taskQueue = 'ticket-workflow-test'
const REQUESTER = randomUUID()
const STAFF = randomUUID()

let env: TestWorkflowEnvironment
let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  // Before anything creates the runtime. Core warns on every worker that the Java
  // test server lacks a capability the ticket workflow does not use: errors only.
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  })
  const path = await ensureTimeSkippingServer()
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      // Every SearchAttributeType has an indexed value type.
      Object.values(searchAttributes).map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  })
  workflowBundle = await bundleTicketWorkflows()
})

afterAll(async () => {
  await env?.teardown()
})

/** In-memory activities that record what the workflow asked for. */
function stubActivities() {
  const saved: TicketSnapshot[] = []
  const notified: TicketNotification[] = []
  const activities: TicketActivities = {
    async saveTicketState(snapshot) {
      saved.push(snapshot)
    },
    async notifyUsers(notification) {
      notified.push(notification)
    },
  }
  return { activities, saved, notified }
}

type Stubs = ReturnType<typeof stubActivities>

/** Runs `body` with a worker polling the test queue, then stops the worker. */
async function withWorker(body: (stubs: Stubs) => Promise<void>): Promise<void> {
  const stubs = stubActivities()
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: stubs.activities,
  })
  await worker.runUntil(body(stubs))
}

function openingFor(ticketId: string): TicketWorkflowInput {
  return {
    ticketId,
    orgId: randomUUID(),
    number: 7,
    requesterId: REQUESTER,
    type: 'ehcp',
    priority: 'normal',
    createdAt: '2026-11-23T09:00:00.000Z',
  }
}

async function startTicket(input: TicketWorkflowInput = openingFor(randomUUID())) {
  return await env.client.workflow.start(ticketWorkflow, {
    args: [input],
    workflowId: ticketWorkflowId(input.ticketId),
    taskQueue,
  })
}

const familyMessage = (): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
const staffMessage = (visibility: 'public' | 'internal'): PostMessageInput => ({
  messageId: randomUUID(),
  authorId: STAFF,
  authorRole: 'staff',
  visibility,
})

function eventKinds(saved: TicketSnapshot[]): string[] {
  return saved.flatMap((snapshot) => snapshot.events.map((event) => event.kind))
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

describe('ticketWorkflow', () => {
  test('a new ticket waits on staff, is saved and is searchable', async () => {
    await withWorker(async ({ saved }) => {
      const handle = await startTicket()
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'new', awaiting: 'staff', version: 1 })
      await vi.waitFor(() => expect(saved).toHaveLength(1))
      expect(saved[0]).toMatchObject({ version: 1, status: 'new', awaiting: 'staff', events: [{ seq: 1, kind: 'opened' }] })
      // Upserted in the workflow task after the save.
      const { typedSearchAttributes } = await vi.waitFor(async () => {
        const description = await handle.describe()
        expect(description.typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('new')
        return description
      })
      expect(typedSearchAttributes.get(searchAttributes.ticketNumber)).toBe(7)
      expect(typedSearchAttributes.get(searchAttributes.caseOpen)).toBe(true)
      expect(typedSearchAttributes.get(searchAttributes.assigneeId)).toBeUndefined()
    })
  })

  test('a family message is saved before the update returns and keeps staff up', async () => {
    await withWorker(async ({ saved, notified }) => {
      const handle = await startTicket()
      const view = await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(view).toMatchObject({ status: 'new', awaiting: 'staff', version: 2 })
      expect(saved.at(-1)).toMatchObject({ version: 2, awaiting: 'staff' })
      expect(notified).toEqual([])
    })
  })

  test("staff's public reply starts work, puts the family up and notifies them once", async () => {
    await withWorker(async ({ saved, notified }) => {
      const input = openingFor(randomUUID())
      const handle = await startTicket(input)
      const view = await handle.executeUpdate(postMessageUpdate, { args: [staffMessage('public')] })
      expect(view).toMatchObject({ status: 'in_progress', awaiting: 'family', version: 2 })
      expect(view.firstStaffReplyAt).not.toBeNull()
      // Saves and notifications run in order, so once this later change is saved the reply's notification went out.
      await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(notified).toEqual([
        expect.objectContaining({ ticketId: input.ticketId, kind: 'staff_replied', actorId: STAFF, recipientIds: [REQUESTER] }),
      ])
      expect(eventKinds(saved)).toEqual(['opened', 'message_posted', 'status_changed', 'message_posted'])
      const { typedSearchAttributes } = await handle.describe()
      expect(typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('in_progress')
    })
  })

  test('an internal note changes neither status nor awaiting, and tells the family nothing', async () => {
    await withWorker(async ({ notified }) => {
      const handle = await startTicket()
      const view = await handle.executeUpdate(postMessageUpdate, { args: [staffMessage('internal')] })
      expect(view).toMatchObject({ status: 'new', awaiting: 'staff', version: 2, firstStaffReplyAt: null })
      await handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })
      expect(notified).toEqual([])
    })
  })

  test('a transition the table forbids is refused by the validator with its reason, before history', async () => {
    await withWorker(async ({ saved }) => {
      const handle = await startTicket()
      await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'resolved', actorId: STAFF }] })
      const updateEvents = await updateEventCount(handle)
      const savesBefore = saved.length

      const refused = await handle
        .executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_family', actorId: STAFF }] })
        .catch((error: unknown) => error)

      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError)
      const cause = (refused as WorkflowUpdateFailedError).cause
      expect(cause).toBeInstanceOf(ApplicationFailure)
      expect(cause).toMatchObject({
        message: 'A ticket in Resolved cannot move to Pending family',
        type: commandRefusedFailureType,
        nonRetryable: true,
      })
      expect(await updateEventCount(handle)).toBe(updateEvents)
      expect(await handle.query(ticketViewQuery)).toMatchObject({ status: 'resolved', version: 2 })
      expect(saved).toHaveLength(savesBefore)
    })
  })

  test('closing completes the workflow; later updates are refused', async () => {
    await withWorker(async ({ saved }) => {
      const handle = await startTicket()
      const view = await handle.executeUpdate(changeStatusUpdate, {
        args: [{ status: 'closed', actorId: STAFF, reason: 'Duplicate request' }],
      })
      expect(view).toMatchObject({ status: 'closed', awaiting: null, version: 2 })
      expect(await handle.result()).toEqual(view)
      expect(saved.at(-1)).toMatchObject({
        version: 2,
        status: 'closed',
        events: [{ kind: 'status_changed', data: { from: 'new', to: 'closed', reason: 'Duplicate request' } }],
      })
      await expect(handle.executeUpdate(postMessageUpdate, { args: [familyMessage()] })).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      )
    })
  })

  test('a repeated messagePosted signal is recorded once', async () => {
    await withWorker(async ({ saved }) => {
      const handle = await startTicket()
      const message = familyMessage()
      await handle.signal(messagePostedSignal, message)
      await handle.signal(messagePostedSignal, message)
      expect(await handle.query(ticketViewQuery)).toMatchObject({ version: 2 })
      await vi.waitFor(() => expect(saved.at(-1)?.version).toBe(2))
      const recorded = saved.flatMap((snapshot) =>
        snapshot.events.filter((event) => event.kind === 'message_posted' && event.data.messageId === message.messageId),
      )
      expect(recorded).toHaveLength(1)
    })
  })

  test('a run started from carried state resumes it (continue-as-new)', async () => {
    await withWorker(async ({ saved }) => {
      const input = openingFor(randomUUID())
      const firstReply = staffMessage('public')
      const carried = applyAll(initialTicketState(input), [
        { kind: 'postMessage', ...firstReply },
        { kind: 'assign', assigneeId: STAFF, actorId: STAFF },
      ])
      const handle = await startTicket({ ...input, carried })

      expect(await handle.query(ticketViewQuery)).toEqual(toTicketView(carried))
      // The previous run's unsaved events are saved by this one.
      await vi.waitFor(() => expect(saved).toEqual([expect.objectContaining({ version: carried.version })]))
      expect(saved[0]?.events.map((event) => event.seq)).toEqual([1, 2, 3, 4])

      const repeated = await handle.executeUpdate(postMessageUpdate, { args: [firstReply] })
      expect(repeated.version).toBe(carried.version)
      const next = await handle.executeUpdate(changeStatusUpdate, { args: [{ status: 'pending_la', actorId: STAFF }] })
      expect(next).toMatchObject({ status: 'pending_la', assigneeId: STAFF, version: carried.version + 1 })
      expect(saved.at(-1)?.events).toEqual([expect.objectContaining({ seq: 5, kind: 'status_changed' })])
    })
  })
})

function applyAll(state: TicketState, commands: TicketCommand[]): TicketState {
  return commands.reduce((current, command) => {
    const result = applyCommand(current, command, '2026-11-23T10:00:00.000Z')
    if (!result.ok) throw new Error(result.reason)
    return result.state
  }, state)
}
