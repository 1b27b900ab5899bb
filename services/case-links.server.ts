/**
 * The worker's sweep for cases: what a process that died (or a Temporal that did
 * not answer) left half done between a ticket and its case. Case rows whose
 * workflow never saved them are opened by cases.server.ts openUnstartedCases;
 * this joins tickets to the case their reference names, and gives assigned
 * tickets that have no case theirs, as assigning would have.
 */
import type { ServiceContext } from './context.ts'
import { caseForReference } from './cases.server.ts'
import { linkTicketToItsCase } from './ticket-commands.server.ts'

interface SweepInput {
  olderThanMs: number
  limit?: number
}

/** Tickets with a reference but no join: the case is opened (or found) and joined. Answers how many were joined. */
export async function joinTicketsToCases(ctx: ServiceContext, input: SweepInput): Promise<number> {
  const tickets = await ctx.db.ticket.findMany({
    where: { caseRef: { not: null }, caseId: null, updatedAt: { lt: new Date(Date.now() - input.olderThanMs) } },
    orderBy: { updatedAt: 'asc' },
    take: input.limit ?? 50,
    select: { id: true, orgId: true, caseRef: true, requesterId: true, childName: true, assigneeId: true },
  })
  let joined = 0
  for (const ticket of tickets) {
    try {
      const kase = await caseForReference(ctx, {
        orgId: ticket.orgId,
        caseRef: ticket.caseRef!,
        familyId: ticket.requesterId,
        childName: ticket.childName,
        advocateId: ticket.assigneeId,
      })
      // Only while the reference is still the one read: a link made meanwhile is its save's to join.
      const { count } = await ctx.db.ticket.updateMany({
        where: { id: ticket.id, caseRef: ticket.caseRef, caseId: null },
        data: { caseId: kase.id },
      })
      joined += count
    } catch (error) {
      // One ticket that cannot be joined must not hold up the others.
      ctx.log.error({ err: error, ticketId: ticket.id }, 'sweep: could not join the ticket to its case')
    }
  }
  return joined
}

interface LinkSweepInput extends SweepInput {
  /**
   * Tickets whose workflow answered that it has finished (or is gone): no link can
   * reach them, so the sweep that passes this set asks each of them once, not every round.
   */
  unlinkable: Set<string>
}

/**
 * Open tickets with an assignee and no case, that were never linked by hand (a
 * ticket someone unlinked stays unlinked): their case is opened and linked.
 * Answers how many were linked.
 */
export async function linkAssignedTickets(ctx: ServiceContext, input: LinkSweepInput): Promise<number> {
  const tickets = await ctx.db.ticket.findMany({
    where: {
      id: { notIn: [...input.unlinkable] },
      assigneeId: { not: null },
      caseRef: null,
      status: { notIn: ['resolved', 'closed'] },
      updatedAt: { lt: new Date(Date.now() - input.olderThanMs) },
      events: { none: { kind: 'case_linked' } },
    },
    orderBy: { updatedAt: 'desc' },
    take: input.limit ?? 50,
    select: { id: true, assigneeId: true },
  })
  let linked = 0
  for (const ticket of tickets) {
    const result = await linkTicketToItsCase(ctx, ticket, ticket.assigneeId!, null)
    if (result?.status === 'applied') linked++
    if (result?.status === 'refused' && result.code === 'ticket_closed') input.unlinkable.add(ticket.id)
  }
  return linked
}
