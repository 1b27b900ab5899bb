/**
 * Bulk changes: one change asked of many tickets (the queue's change bar, the
 * API's POST /tickets/bulk). Starting one writes a BulkJob with an item per
 * ticket and starts its bulkChangeWorkflow, which answers nothing to the
 * caller: the caller answers at once with the job's id, and the workflow applies
 * each ticket's change through changeTicketInBulk, which is the single change's
 * own service call, so each ticket follows the single change's rules.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client'
import { BULK_MAX_TICKETS, distinctNumbers, type BulkAction, type BulkItemResult, type BulkTicketChange } from '../domain/bulk-changes.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import { BULK_CHANGE_WORKFLOW, bulkChangeWorkflowId, type BulkChangeInput } from '../workflows/bulk-change.messages.ts'
import type { AuditVia } from './audit.server.ts'
import type { ServiceContext } from './context.ts'
import { describeOpenWork, openWorkOn } from './resolve-checks.server.ts'
import { addTicketTag, tagOrNew } from './tags.server.ts'
import { ticketScope, ticketScopeWhere } from './ticket-access.server.ts'
import { assign, changePriority, changeStatus, type TicketCommandResult } from './ticket-commands.server.ts'
import { isTemporalUnreachable, TEMPORAL_START_TIMEOUT_MS, withDeadline } from './temporal.server.ts'

export type StartBulkResult =
  | { status: 'started'; jobId: string; total: number }
  /** Numbers the actor has no ticket of (another organisation's, a department they do not see, none at all). */
  | { status: 'unknown_tickets'; numbers: number[] }
  | { status: 'too_many'; message: string }
  | { status: 'unavailable'; message: string }

export async function startBulkChange(
  ctx: ServiceContext,
  input: {
    orgId: string
    actor: { id: string }
    ticketNumbers: readonly number[]
    action: BulkAction
    via: Exclude<AuditVia, 'cli'>
    /** Runs in the job's transaction (the API's Idempotency-Key record names the job in it). */
    inTransaction?: (tx: Prisma.TransactionClient, job: { id: string }) => Promise<void>
  },
): Promise<StartBulkResult> {
  const numbers = distinctNumbers(input.ticketNumbers)
  if (numbers.length > BULK_MAX_TICKETS)
    return { status: 'too_many', message: `Choose at most ${BULK_MAX_TICKETS} tickets for one change.` }
  const scope = await ticketScope(ctx.db, { orgId: input.orgId, userId: input.actor.id })
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, number: { in: numbers }, ...ticketScopeWhere(scope) },
    select: { id: true, number: true },
  })
  if (tickets.length < numbers.length) {
    const found = new Set(tickets.map((t) => t.number))
    return { status: 'unknown_tickets', numbers: numbers.filter((n) => !found.has(n)) }
  }
  // Made once here: the workflow's concurrent adds then find it rather than race to make it.
  if (input.action.kind === 'tag') await tagOrNew(ctx.db, input.orgId, input.action.name)
  const job = await ctx.db.$transaction(async (tx) => {
    const created = await tx.bulkJob.create({
      data: { orgId: input.orgId, requestedById: input.actor.id, action: input.action, via: input.via, total: tickets.length },
      select: { id: true },
    })
    await tx.bulkJobItem.createMany({ data: tickets.map((t) => ({ jobId: created.id, ticketId: t.id })) })
    await input.inTransaction?.(tx, created)
    return created
  })
  try {
    await withDeadline(ctx.temporal, TEMPORAL_START_TIMEOUT_MS, () =>
      ctx.temporal.workflow.start(BULK_CHANGE_WORKFLOW, {
        workflowId: bulkChangeWorkflowId(job.id),
        taskQueue: ctx.env.TEMPORAL_TASK_QUEUE,
        args: [{ jobId: job.id } satisfies BulkChangeInput],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    )
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      // Nothing has changed yet: the job goes, so no job waits for a workflow that never came.
      await ctx.db.bulkJob.delete({ where: { id: job.id } })
      if (!isTemporalUnreachable(error)) throw error
      ctx.log.warn({ err: error, jobId: job.id }, 'bulk change not started: Temporal did not answer')
      return { status: 'unavailable', message: 'The ticket service did not answer, so nothing was changed. Try again in a moment.' }
    }
  }
  ctx.log.info({ jobId: job.id, tickets: tickets.length, action: input.action.kind }, 'bulk change started')
  return { status: 'started', jobId: job.id, total: tickets.length }
}

/**
 * One ticket's change within a bulk job, by the service a single change uses.
 * Its update is named by the item, so a retried activity applies it once.
 * Throws when the ticket service did not answer, for the activity to try again.
 */
export async function changeTicketInBulk(ctx: ServiceContext, change: BulkTicketChange): Promise<BulkItemResult> {
  const { ticket, actor, action, key: updateId, via } = change
  switch (action.kind) {
    case 'status': {
      const open = action.status === 'resolved' ? await openWorkOn(ctx.db, ticket.id) : null
      if (open) return { outcome: 'refused', reason: `${describeOpenWork(open)} Resolve it from its page, which asks first.` }
      return resultOf(await changeStatus(ctx, { ticket, actor, status: action.status, updateId }))
    }
    case 'priority':
      return resultOf(await changePriority(ctx, { ticket, actor, priority: action.priority, updateId }))
    case 'assign':
      return resultOf(await assign(ctx, { ticket, actor, assigneeId: action.assigneeId, via, updateId }))
    case 'tag': {
      const { added } = await addTicketTag(ctx.db, { ticket, name: action.name, actorId: actor.id, via })
      return { outcome: 'succeeded', reason: added ? null : 'It had the tag already.' }
    }
  }
}

function resultOf(result: TicketCommandResult): BulkItemResult {
  switch (result.status) {
    case 'applied':
      return { outcome: 'succeeded', reason: null }
    case 'pending':
      return { outcome: 'succeeded', reason: result.message }
    case 'refused':
      return { outcome: 'refused', reason: result.message }
    case 'unavailable':
      throw new Error(result.message)
  }
}
