/**
 * Facts that concern many tickets at once, sent to each ticket's workflow as a
 * signal: Temporal records a signal before answering, so an acknowledged fact is
 * never lost, even while no worker runs. Shared by the services (a policy to
 * apply) and the case workflow's activity (a case closed), so each fact has one
 * code path.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client'
import type { SignalDefinition } from '@temporalio/common'
import { caseClosedSignal, ticketWorkflowId } from '../workflows/ticket.messages.ts'
import type { Db } from './db.ts'
import type { Logger } from './log.ts'
import { TEMPORAL_COMMAND_TIMEOUT_MS, withDeadline } from './temporal.ts'

/**
 * A case closed: every open ticket linked to it (by its reference) is resolved
 * ("case closed"). `commandId` names this closure, so a retry changes nothing.
 * Answers the numbers of the tickets it was sent to.
 */
export async function signalCaseClosed(
  deps: { db: Db; temporal: Client; log: Logger },
  input: { orgId: string; caseRef: string; commandId?: string },
): Promise<number[]> {
  const tickets = await deps.db.ticket.findMany({
    where: { orgId: input.orgId, caseRef: input.caseRef, status: { notIn: ['resolved', 'closed'] } },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
  })
  return signalEach(deps, tickets, caseClosedSignal, { caseRef: input.caseRef, commandId: input.commandId })
}

/** A few signals at a time; a ticket whose workflow has already finished is left out of the answer. */
export async function signalEach<Arg>(
  deps: { temporal: Client; log: Logger },
  tickets: { id: string; number: number }[],
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<number[]> {
  const sent: number[] = []
  for (let i = 0; i < tickets.length; i += SIGNAL_BATCH) {
    await Promise.all(
      tickets.slice(i, i + SIGNAL_BATCH).map(async (ticket) => {
        try {
          await withDeadline(deps.temporal, TEMPORAL_COMMAND_TIMEOUT_MS, () =>
            deps.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).signal(signal, arg),
          )
          sent.push(ticket.number)
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error
          deps.log.info({ ticketId: ticket.id, signal: signal.name }, 'signal not sent: the ticket workflow has finished')
        }
      }),
    )
  }
  return sent.sort((a, b) => a - b)
}

const SIGNAL_BATCH = 16
