/**
 * Facts that concern many tickets at once (a case closed, a policy to apply),
 * sent to each ticket's workflow as a signal: Temporal records a signal before
 * answering, so an acknowledged fact is never lost, even while no worker runs.
 */
import { WorkflowNotFoundError } from '@temporalio/client'
import type { SignalDefinition } from '@temporalio/common'
import { caseClosedSignal, slaPolicyChangedSignal, ticketWorkflowId } from '../workflows/ticket.messages.ts'
import type { ServiceContext } from './context.ts'
import { TEMPORAL_COMMAND_TIMEOUT_MS, withDeadline } from './temporal.server.ts'

/**
 * The case system closed a case: every open ticket linked to it is resolved
 * ("case closed"). Sent as signals, which Temporal records before answering, so
 * an acknowledged closure is never lost, even while no worker runs. Answers the
 * numbers of the tickets it was sent to; repeating it changes nothing.
 */
export async function reportCaseClosed(ctx: ServiceContext, input: { orgId: string; caseRef: string }): Promise<number[]> {
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, caseRef: input.caseRef, status: { notIn: ['resolved', 'closed'] } },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
  })
  return signalEach(ctx, tickets, caseClosedSignal, { caseRef: input.caseRef })
}

/**
 * Running tickets keep the SLA policy they started with; this tells every ticket
 * of the organisation that is not closed to take its current one. Answers the
 * numbers of the tickets told.
 */
export async function applySlaPolicyToOpenTickets(
  ctx: ServiceContext,
  input: { orgId: string; actor: { id: string } | null },
): Promise<number[]> {
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, status: { not: 'closed' } },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
  })
  return signalEach(ctx, tickets, slaPolicyChangedSignal, { actorId: input.actor?.id ?? null })
}

/** A few signals at a time; a ticket whose workflow has already finished is left out of the answer. */
async function signalEach<Arg>(
  ctx: ServiceContext,
  tickets: { id: string; number: number }[],
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<number[]> {
  const sent: number[] = []
  for (let i = 0; i < tickets.length; i += SIGNAL_BATCH) {
    await Promise.all(
      tickets.slice(i, i + SIGNAL_BATCH).map(async (ticket) => {
        try {
          await withDeadline(ctx.temporal, TEMPORAL_COMMAND_TIMEOUT_MS, () =>
            ctx.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).signal(signal, arg),
          )
          sent.push(ticket.number)
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error
          ctx.log.info({ ticketId: ticket.id, signal: signal.name }, 'signal not sent: the ticket workflow has finished')
        }
      }),
    )
  }
  return sent.sort((a, b) => a - b)
}

const SIGNAL_BATCH = 16
