/**
 * A ticket's task deadlines on Temporal's time-skipping test server: the
 * workflow sleeps until the earliest due task, asks the activity to flag it,
 * takes a moved due time, and flags what a continued run carried.
 */
import { randomUUID } from 'node:crypto'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import type { TicketActivities } from '../activities/index.ts'
import { defaultSlaPolicy, slaPolicyToJson } from '../domain/sla.ts'
import { indexedValueTypes } from '../scripts/lib/temporal-server.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import {
  searchAttributes,
  taskDeadlineSignal,
  ticketWorkflowId,
  type TaskDeadlineInput,
  type TicketWorkflowInput,
} from './ticket.messages.ts'
import { ticketWorkflow } from './ticket.workflow.ts'

const MINUTE = 60_000
let env: TestWorkflowEnvironment
let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
  const path = await ensureTimeSkippingServer()
  workflowBundle = await bundleTicketWorkflows()
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: indexedValueTypes(Object.values(searchAttributes)),
  })
}, 120_000)
afterAll(async () => await env?.teardown())

async function withTicket(
  body: (start: (input?: Partial<TicketWorkflowInput>) => Promise<string>, flagged: TaskDeadlineInput[]) => Promise<void>,
) {
  const flagged: TaskDeadlineInput[] = []
  const activities: TicketActivities = {
    async saveTicketState() {},
    async notifyUsers() {},
    async loadSlaPolicy() {
      return slaPolicyToJson(defaultSlaPolicy())
    },
    async flagTaskOverdue(input) {
      flagged.push(input)
      return true
    },
  }
  const taskQueue = `task-deadlines-${randomUUID()}`
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities })
  const start = async (input: Partial<TicketWorkflowInput> = {}) => {
    const ticketId = randomUUID()
    const createdAt = new Date(await env.currentTimeMs()).toISOString()
    await env.client.workflow.start(ticketWorkflow, {
      args: [
        { ticketId, orgId: randomUUID(), number: 7, requesterId: randomUUID(), type: 'ehcp', priority: 'normal', createdAt, ...input },
      ],
      workflowId: ticketWorkflowId(ticketId),
      taskQueue,
    })
    return ticketId
  }
  await worker.runUntil(body(start, flagged))
}

const dueIn = async (ms: number) => new Date((await env.currentTimeMs()) + ms).toISOString()

test('sleeps until each task is due, the earliest first, and flags it once at its latest due time', async () => {
  await withTicket(async (start, flagged) => {
    const ticketId = await start()
    const handle = env.client.workflow.getHandle(ticketWorkflowId(ticketId))
    const later = await dueIn(90 * MINUTE)
    const sooner = await dueIn(30 * MINUTE)
    await handle.signal(taskDeadlineSignal, { taskId: 'later', dueAt: later })
    await handle.signal(taskDeadlineSignal, { taskId: 'sooner', dueAt: sooner })
    // Moved before it fell due: only the new time counts.
    const moved = await dueIn(60 * MINUTE)
    await handle.signal(taskDeadlineSignal, { taskId: 'sooner', dueAt: moved })
    await env.sleep(45 * MINUTE)
    expect(flagged).toEqual([])
    await env.sleep(20 * MINUTE)
    await vi.waitFor(() => expect(flagged).toEqual([{ taskId: 'sooner', dueAt: moved }]), { timeout: 10_000 })
    await env.sleep(30 * MINUTE)
    await vi.waitFor(() => expect(flagged.map((f) => f.taskId)).toEqual(['sooner', 'later']), { timeout: 10_000 })
    expect(flagged[1]!.dueAt).toBe(later)
    const history = await handle.fetchHistory()
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    expect(markers.length).toBeGreaterThan(0)
  })
})

test('a task already past due is flagged at once; a continued run flags what it carried', async () => {
  await withTicket(async (start, flagged) => {
    const ticketId = await start()
    const past = new Date((await env.currentTimeMs()) - MINUTE).toISOString()
    await env.client.workflow.getHandle(ticketWorkflowId(ticketId)).signal(taskDeadlineSignal, { taskId: 'past', dueAt: past })
    await vi.waitFor(() => expect(flagged.map((f) => f.taskId)).toEqual(['past']), { timeout: 10_000 })

    const carriedDue = (await env.currentTimeMs()) + 10 * MINUTE
    await start({ carriedTaskDeadlines: { carried: carriedDue } })
    await env.sleep(11 * MINUTE)
    await vi.waitFor(() => expect(flagged.map((f) => f.taskId)).toEqual(['past', 'carried']), { timeout: 10_000 })
  })
})
