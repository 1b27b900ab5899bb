import { ApplicationFailure, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow'
import type { BulkChangeActivities } from '../activities/bulk-change.ts'
import type { BulkProgress } from '../domain/bulk-changes.ts'
import { bulkProgressQuery, type BulkChangeInput } from './bulk-change.messages.ts'

/** How many tickets change at once: enough to finish 500 quickly, few enough to leave the worker for everyone else. */
export const BULK_CONCURRENCY = 8
/** Items per run: each takes a few history events, so a run stays far below a history's limits and then continues as new. */
export const BULK_ITEMS_PER_RUN = 100

const { pendingBulkItems, applyBulkItem, recordBulkItemFailure, finishBulkJob } = proxyActivities<BulkChangeActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['NotFound'],
  },
})

/**
 * Applies a bulk job's change to each of its tickets, BULK_CONCURRENCY at a
 * time, through the same service as a single change; every outcome is written
 * by its activity. A ticket whose change keeps failing is recorded as failed,
 * so one bad ticket never stops the others. Each run takes the next pending
 * items from the job, so a run that continues as new carries nothing but the id.
 */
export async function bulkChangeWorkflow(input: BulkChangeInput): Promise<BulkProgress> {
  const batch = await pendingBulkItems({ jobId: input.jobId, limit: BULK_ITEMS_PER_RUN })
  const progress = { ...batch.progress }
  let finished = false
  setHandler(bulkProgressQuery, () => ({ ...progress, state: finished ? 'finished' : 'running' }))

  async function change(itemId: string): Promise<void> {
    try {
      const result = await applyBulkItem(itemId)
      progress[result.outcome]++
    } catch (error) {
      const reason = error instanceof ApplicationFailure || error instanceof Error ? rootCause(error) : 'unknown error'
      await recordBulkItemFailure({ itemId, reason })
      progress.failed++
    }
  }

  let next = 0
  const lane = async () => {
    while (next < batch.itemIds.length) await change(batch.itemIds[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, batch.itemIds.length) }, lane))

  if (batch.more) await continueAsNew<typeof bulkChangeWorkflow>(input)
  await finishBulkJob(input.jobId)
  finished = true
  return progress
}

/** The innermost message of an activity's failure: what went wrong, not that an activity failed. */
function rootCause(error: Error): string {
  let current: Error = error
  while (current.cause instanceof Error) current = current.cause
  return current.message
}
