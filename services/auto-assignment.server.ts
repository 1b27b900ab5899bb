/**
 * Auto-assignment (seed 004): a new request from a family who already has an
 * open case with an advocate goes to that advocate at once, through the same
 * assign as a manual assignment. It joins the case about the same child (by the
 * child's name the request gives; with none given, the case with no child
 * named), and opens a new case for that advocate otherwise, which capacity
 * governs: at capacity the ticket stays for triage with the reason shown there.
 */
import { sameChild } from '../domain/case.ts'
import { advocateLoad, describeLoad } from './capacity.server.ts'
import type { ServiceContext } from './context.ts'
import { assign, linkCase, type TicketCommandResult } from './ticket-commands.server.ts'

export type AutoAssignment =
  | { status: 'assigned'; advocateId: string; result: TicketCommandResult }
  | { status: 'left_for_triage'; reason: string }
  /** No open case with an advocate, or the request came with a case of its own. */
  | { status: 'none' }

/**
 * Called by every edge that takes a family's new request, once it is created. A
 * failure here never loses the request: it stays for triage, and is logged.
 */
export async function assignToFamilysAdvocate(ctx: ServiceContext, ticket: { id: string; orgId: string }): Promise<AutoAssignment> {
  try {
    return await autoAssign(ctx, ticket)
  } catch (error) {
    ctx.log.error({ err: error, ticketId: ticket.id }, 'auto-assignment failed; the ticket stays for triage')
    return { status: 'none' }
  }
}

async function autoAssign(ctx: ServiceContext, ticket: { id: string; orgId: string }): Promise<AutoAssignment> {
  const row = await ctx.db.ticket.findUnique({
    where: { id: ticket.id },
    select: { requesterId: true, childName: true, caseRef: true, assigneeId: true, status: true },
  })
  if (!row || row.caseRef || row.assigneeId || row.status !== 'new') return { status: 'none' }
  const cases = await ctx.db.case.findMany({
    where: { orgId: ticket.orgId, familyId: row.requesterId, status: { not: 'closed' }, advocateId: { not: null } },
    orderBy: [{ lastActivityAt: 'desc' }, { number: 'desc' }],
    select: { caseRef: true, childName: true, advocateId: true },
  })
  if (!cases.length) return { status: 'none' }
  const joined = cases.find((c) => sameChild(c.childName, row.childName))
  const advocateId = (joined ?? cases[0]!).advocateId!
  if (!joined) {
    // A new case would open for them: only if they have room.
    const load = await advocateLoad(ctx.db, { orgId: ticket.orgId, userId: advocateId })
    if (load?.atCapacity) {
      const reason = `Usual advocate ${load.name} is at capacity (${describeLoad(load)}).`
      await ctx.db.ticket.update({ where: { id: ticket.id }, data: { triageNote: reason } })
      ctx.log.info({ ticketId: ticket.id, advocateId }, 'auto-assignment left the ticket for triage: advocate at capacity')
      return { status: 'left_for_triage', reason }
    }
  } else {
    const linked = await linkCase(ctx, { ticket, actor: null, caseRef: joined.caseRef })
    if (linked.status !== 'applied') return { status: 'assigned', advocateId, result: linked }
  }
  const result = await assign(ctx, { ticket, actor: { id: advocateId }, assigneeId: advocateId, familysAdvocate: true })
  ctx.log.info({ ticketId: ticket.id, advocateId, status: result.status }, 'new request assigned to the family’s advocate')
  return { status: 'assigned', advocateId, result }
}
