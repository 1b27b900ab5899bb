/**
 * The family's checklist notices on Temporal's time-skipping test server: a
 * `checklistChanged` signal has the workflow send a `checklist_changed` notice
 * to the family through the notify activity, once per item and change.
 */
import { randomUUID } from 'node:crypto'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import type { TicketActivities } from '../activities/index.ts'
import { defaultSlaPolicy, slaPolicyToJson } from '../domain/sla.ts'
import type { TicketNotification } from '../domain/ticket-notifications.ts'
import { indexedValueTypes } from '../scripts/lib/temporal-server.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import { CHECKLIST_NOTICES_PATCH } from './ticket-checklist-notices.ts'
import { checklistChangedSignal, searchAttributes, ticketViewQuery, ticketWorkflowId } from './ticket.messages.ts'
import { ticketWorkflow } from './ticket.workflow.ts'

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

test('tells the family of an added and a ticked step, each once however often signalled', async () => {
  const notified: TicketNotification[] = []
  const activities: TicketActivities = {
    async saveTicketState() {},
    async notifyUsers(notification) {
      notified.push(notification)
    },
    async loadSlaPolicy() {
      return slaPolicyToJson(defaultSlaPolicy())
    },
    async flagTaskOverdue() {
      return true
    },
  }
  const taskQueue = `checklist-notices-${randomUUID()}`
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities })
  const ticketId = randomUUID()
  const requesterId = randomUUID()
  const advocateId = randomUUID()
  const itemId = randomUUID()
  await worker.runUntil(async () => {
    const createdAt = new Date(await env.currentTimeMs()).toISOString()
    const handle = await env.client.workflow.start(ticketWorkflow, {
      args: [{ ticketId, orgId: randomUUID(), number: 7, requesterId, type: 'ehcp', priority: 'normal', createdAt }],
      workflowId: ticketWorkflowId(ticketId),
      taskQueue,
    })
    await handle.signal(checklistChangedSignal, { itemId, change: 'added', actorId: advocateId })
    await handle.signal(checklistChangedSignal, { itemId, change: 'added', actorId: advocateId })
    await handle.signal(checklistChangedSignal, { itemId, change: 'ticked', actorId: advocateId })
    await handle.signal(checklistChangedSignal, { itemId, change: 'ticked', actorId: advocateId })
    await vi.waitFor(() => expect(notified.filter((n) => n.kind === 'checklist_changed')).toHaveLength(2), { timeout: 10_000 })
    await handle.query(ticketViewQuery)
    expect(notified.filter((n) => n.kind === 'checklist_changed')).toEqual([
      {
        kind: 'checklist_changed',
        itemId,
        change: 'added',
        actorId: advocateId,
        ticketId,
        recipientIds: [requesterId],
        dedupeKey: `ticket:${ticketId}:checklist:${itemId}:added`,
      },
      {
        kind: 'checklist_changed',
        itemId,
        change: 'ticked',
        actorId: advocateId,
        ticketId,
        recipientIds: [requesterId],
        dedupeKey: `ticket:${ticketId}:checklist:${itemId}:ticked`,
      },
    ])
    const history = await handle.fetchHistory()
    const patchIds = (history.events ?? []).flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data
      return e.markerRecordedEventAttributes?.markerName === 'core_patch' && data ? [Buffer.from(data).toString()] : []
    })
    expect(patchIds.some((id) => id.includes(CHECKLIST_NOTICES_PATCH))).toBe(true)
  })
})
