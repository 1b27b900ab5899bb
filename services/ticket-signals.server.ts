/**
 * Facts that concern many tickets at once, sent to each ticket's workflow as a
 * signal (lib/ticket-signals.ts). A case closing goes through the case's own
 * workflow (services/cases.server.ts closeCase), whose activity sends them.
 */
import { signalEach } from '../lib/ticket-signals.ts'
import { slaPolicyChangedSignal } from '../workflows/ticket.messages.ts'
import type { ServiceContext } from './context.ts'

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
