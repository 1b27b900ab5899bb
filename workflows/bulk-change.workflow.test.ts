/**
 * The bulk change workflow on Temporal's time-skipping test server, with
 * in-memory activities: 250 items go through in runs of BULK_ITEMS_PER_RUN
 * (continuing as new between them), never more than BULK_CONCURRENCY at once,
 * each applied once; a ticket whose change fails is recorded as failed and the
 * others go on; the query and the result say the same counts.
 */
import { ApplicationFailure } from '@temporalio/common'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { beforeAll, expect, test } from 'vitest'
import type { BulkChangeActivities } from '../activities/bulk-change.ts'
import type { BulkItemOutcome, BulkItemResult } from '../domain/bulk-changes.ts'
import { ensureTimeSkippingServer } from '../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../worker/run-worker.ts'
import { bulkChangeWorkflowId, bulkProgressQuery } from './bulk-change.messages.ts'
import { BULK_CONCURRENCY, BULK_ITEMS_PER_RUN, type bulkChangeWorkflow } from './bulk-change.workflow.ts'

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

test('changes 250 tickets in runs of 100, 8 at a time, each once; a failing one is recorded and the rest go on', async () => {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: serverPath } } })
  const total = 250
  const outcomes = new Map<string, { outcome: BulkItemOutcome; reason: string | null }>(
    Array.from({ length: total }, (_, i) => [`item-${String(i).padStart(3, '0')}`, { outcome: 'pending', reason: null }]),
  )
  const applied = new Map<string, number>()
  const runs: number[] = []
  let inFlight = 0
  let mostInFlight = 0
  let finishedJobs = 0
  const count = (outcome: BulkItemOutcome) => [...outcomes.values()].filter((o) => o.outcome === outcome).length
  const activities: BulkChangeActivities = {
    async pendingBulkItems({ limit }) {
      const pending = [...outcomes].filter(([, o]) => o.outcome === 'pending').map(([id]) => id)
      runs.push(Math.min(limit, pending.length))
      return {
        itemIds: pending.slice(0, limit),
        progress: { total, succeeded: count('succeeded'), refused: count('refused'), failed: count('failed') },
        more: pending.length > limit,
      }
    },
    async applyBulkItem(itemId): Promise<BulkItemResult> {
      inFlight++
      mostInFlight = Math.max(mostInFlight, inFlight)
      try {
        await new Promise((resolve) => setTimeout(resolve, 2))
        applied.set(itemId, (applied.get(itemId) ?? 0) + 1)
        if (itemId === 'item-007') throw ApplicationFailure.nonRetryable('the ticket service broke')
        const result: BulkItemResult =
          itemId === 'item-042' ? { outcome: 'refused', reason: 'closed' } : { outcome: 'succeeded', reason: null }
        outcomes.set(itemId, result)
        return result
      } finally {
        inFlight--
      }
    },
    async recordBulkItemFailure({ itemId, reason }) {
      outcomes.set(itemId, { outcome: 'failed', reason })
    },
    async finishBulkJob() {
      finishedJobs++
    },
  }
  try {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'bulk-test', workflowBundle, activities })
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof bulkChangeWorkflow>('bulkChangeWorkflow', {
        workflowId: bulkChangeWorkflowId('job-1'),
        taskQueue: 'bulk-test',
        args: [{ jobId: 'job-1' }],
      })
      const result = await handle.result()
      expect(result).toEqual({ total, succeeded: total - 2, refused: 1, failed: 1 })
      expect(await handle.query(bulkProgressQuery)).toEqual({ state: 'finished', total, succeeded: total - 2, refused: 1, failed: 1 })
    })
  } finally {
    await env.teardown()
  }
  expect(runs).toEqual([BULK_ITEMS_PER_RUN, BULK_ITEMS_PER_RUN, total - 2 * BULK_ITEMS_PER_RUN])
  expect(mostInFlight).toBeLessThanOrEqual(BULK_CONCURRENCY)
  expect(mostInFlight).toBeGreaterThan(1)
  expect([...applied.values()].every((n) => n === 1)).toBe(true)
  expect(applied.size).toBe(total)
  expect(outcomes.get('item-007')).toEqual({ outcome: 'failed', reason: 'the ticket service broke' })
  expect(finishedJobs).toBe(1)
}, 120_000)
