/**
 * The bulk change workflow's effects: reading a job's pending items, applying
 * one item's change and writing its outcome, and ending the job. The change
 * itself is the single change's (services/bulk-changes.server.ts), handed in
 * by the worker, so a bulk change follows exactly the rules one change does.
 * Every write is guarded by the item still being pending: a retry never counts twice.
 */
import { ApplicationFailure } from '@temporalio/activity'
import { BulkActionSchema, type BulkItemResult, type BulkProgress, type BulkTicketChange } from '../domain/bulk-changes.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'

/** Applies one change by the single change's rules; throws when it could not be tried (to be retried). */
export type ChangeTicket = (change: BulkTicketChange) => Promise<BulkItemResult>

export function createBulkChangeActivities({ db, log, changeTicket }: { db: Db; log: Logger; changeTicket: ChangeTicket }) {
  async function recordOutcome(itemId: string, jobId: string, result: BulkItemResult): Promise<void> {
    await db.$transaction(async (tx) => {
      const { count } = await tx.bulkJobItem.updateMany({
        where: { id: itemId, outcome: 'pending' },
        data: { outcome: result.outcome, reason: result.reason, finishedAt: new Date() },
      })
      if (count === 1) await tx.bulkJob.update({ where: { id: jobId }, data: { [result.outcome]: { increment: 1 } } })
    })
  }

  return {
    /** Up to `limit` of the job's items still to do, the job's counts so far, and whether more wait after these. */
    async pendingBulkItems({ jobId, limit }: { jobId: string; limit: number }) {
      const job = await db.bulkJob.findUnique({
        where: { id: jobId },
        select: { total: true, succeeded: true, refused: true, failed: true },
      })
      if (!job) throw ApplicationFailure.nonRetryable(`No bulk job ${jobId}`, 'NotFound')
      const items = await db.bulkJobItem.findMany({
        where: { jobId, outcome: 'pending' },
        orderBy: { id: 'asc' },
        take: limit + 1,
        select: { id: true },
      })
      const progress: BulkProgress = job
      return { itemIds: items.slice(0, limit).map((i) => i.id), progress, more: items.length > limit }
    },

    /** Changes one ticket and records what became of it; an item done already answers its recorded outcome. */
    async applyBulkItem(itemId: string): Promise<BulkItemResult> {
      const item = await db.bulkJobItem.findUnique({
        where: { id: itemId },
        select: {
          outcome: true,
          reason: true,
          jobId: true,
          ticket: { select: { id: true, orgId: true, number: true } },
          job: { select: { requestedById: true, action: true, via: true } },
        },
      })
      if (!item) throw ApplicationFailure.nonRetryable(`No bulk job item ${itemId}`, 'NotFound')
      if (item.outcome !== 'pending') return { outcome: item.outcome, reason: item.reason }
      const result = await changeTicket({
        key: `bulk-${itemId}`,
        ticket: item.ticket,
        actor: { id: item.job.requestedById },
        action: BulkActionSchema.parse(item.job.action),
        via: item.job.via === 'api' ? 'api' : 'portal',
      })
      await recordOutcome(itemId, item.jobId, result)
      log.info({ itemId, ticketId: item.ticket.id, outcome: result.outcome }, 'bulk change applied to a ticket')
      return result
    },

    /** A ticket whose change failed every attempt: recorded as failed, with why. */
    async recordBulkItemFailure({ itemId, reason }: { itemId: string; reason: string }): Promise<void> {
      const item = await db.bulkJobItem.findUnique({ where: { id: itemId }, select: { jobId: true } })
      if (item) await recordOutcome(itemId, item.jobId, { outcome: 'failed', reason })
    },

    async finishBulkJob(jobId: string): Promise<void> {
      await db.bulkJob.updateMany({ where: { id: jobId, state: 'running' }, data: { state: 'finished', finishedAt: new Date() } })
    },
  }
}

export type BulkChangeActivities = ReturnType<typeof createBulkChangeActivities>
