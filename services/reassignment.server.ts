/**
 * Reassigning a case, and everything an absent advocate holds. A case moves
 * through its workflow first (the timeline records it), then its row (the
 * advocate is content), then each open ticket through its own workflow's
 * assign, which tells the family who their new advocate is. Whoever saw the
 * tickets only as their assignee stops seeing them; access through a
 * department stays (services/ticket-access.server.ts).
 *
 * Every step reads where things stand now and does only what is left, so a
 * move (or a bulk move) interrupted by a crash or an unreachable Temporal is
 * finished by running it again: idempotent and resumable, not a workflow.
 */
import { recordAudit, type AuditVia } from './audit.server.ts'
import { writeHandoverNote } from './case-handovers.server.ts'
import { sendCaseReassignment } from './case-commands.server.ts'
import type { ServiceContext } from './context.ts'
import { assign } from './ticket-commands.server.ts'

export type ReassignResult =
  | { status: 'reassigned'; caseRef: string; to: string; tickets: number; left: number }
  | { status: 'not_found' }
  | { status: 'refused'; message: string }
  | { status: 'unavailable'; message: string }

interface Move {
  orgId: string
  actor: { id: string }
  via: AuditVia
  toId: string
}

/** Admins only, to someone on the team: the refusal, or the incoming advocate's name. */
async function checkMove(ctx: ServiceContext, input: Move): Promise<{ refused: string } | { name: string }> {
  const [actor, target] = await Promise.all([
    ctx.db.membership.count({ where: { orgId: input.orgId, userId: input.actor.id, role: 'admin' } }),
    ctx.db.membership.findFirst({
      where: { orgId: input.orgId, userId: input.toId, role: { in: ['staff', 'admin'] } },
      select: { user: { select: { name: true } } },
    }),
  ])
  if (!actor) return { refused: 'Only an admin can reassign a case.' }
  if (!target) return { refused: 'Choose someone on the team to take it.' }
  return { name: target.user.name }
}

/** Moves one case and its open tickets to `toId`, with an optional handover note for them. */
export async function reassignCase(ctx: ServiceContext, input: Move & { caseId: string; note?: string }): Promise<ReassignResult> {
  const kase = await ctx.db.case.findFirst({
    where: { id: input.caseId, orgId: input.orgId },
    select: { id: true, caseRef: true, status: true, advocateId: true, advocate: { select: { name: true } } },
  })
  if (!kase) return { status: 'not_found' }
  const check = await checkMove(ctx, input)
  if ('refused' in check) return { status: 'refused', message: check.refused }
  if (kase.status === 'closed') return { status: 'refused', message: `${kase.caseRef} is closed: reopen it first.` }
  if (input.note?.trim()) {
    const written = await writeHandoverNote(ctx.db, { ...input, caseId: kase.id, author: input.actor, note: input.note })
    if (written.status !== 'written') return written.status === 'not_found' ? written : { status: 'refused', message: written.message }
  }
  if (kase.advocateId !== input.toId) {
    const moved = await sendCaseReassignment(ctx, { case: kase, actor: input.actor, fromId: kase.advocateId, toId: input.toId })
    if (moved.status === 'refused') return { status: 'refused', message: moved.message }
    if (moved.status !== 'applied') return { status: 'unavailable', message: `${kase.caseRef} was not moved: ${moved.message}` }
    // Only from whom it was read: a move made meanwhile by someone else stands.
    await ctx.db.case.updateMany({ where: { id: kase.id, advocateId: kase.advocateId }, data: { advocateId: input.toId } })
    await recordAudit(ctx.db, {
      orgId: input.orgId,
      actorId: input.actor.id,
      via: input.via,
      action: 'case.reassigned',
      data: { caseRef: kase.caseRef, fromId: kase.advocateId, fromName: kase.advocate?.name ?? null, toId: input.toId, toName: check.name },
    })
  }
  const tickets = await moveTickets(ctx, { ...input, where: { caseId: kase.id } })
  return { status: 'reassigned', caseRef: kase.caseRef, to: check.name, ...tickets }
}

/** Each not-closed ticket matching `where` and not assigned to `toId` yet, through its workflow's assign. */
async function moveTickets(ctx: ServiceContext, input: Move & { where: { caseId?: string; assigneeId?: string } }) {
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, ...input.where, status: { not: 'closed' }, NOT: { assigneeId: input.toId } },
    select: { id: true, orgId: true },
    orderBy: { number: 'asc' },
  })
  let moved = 0
  for (const ticket of tickets) {
    // The admin chose the colleague for this absence: capacity does not hold the handover up (an override is audited).
    const result = await assign(ctx, { ticket, actor: input.actor, assigneeId: input.toId, override: true, via: input.via })
    const done = result.status === 'applied' || result.status === 'pending'
    if (done || (result.status === 'refused' && (result.code === 'ticket_closed' || result.code === 'no_change'))) moved++
  }
  return { tickets: moved, left: tickets.length - moved }
}

export type BulkResult =
  | { status: 'done' | 'partly_done'; from: string; to: string; cases: number; tickets: number; casesLeft: number; ticketsLeft: number }
  | { status: 'not_found' }
  | { status: 'refused'; message: string }

/**
 * Everything `fromId` holds (their open cases, then any ticket still assigned to
 * them, in a case or outside one) to `toId`. Running it again after a crash or a
 * partial answer finishes what is left.
 */
export async function reassignEverything(ctx: ServiceContext, input: Move & { fromId: string }): Promise<BulkResult> {
  const from = await ctx.db.membership.findFirst({
    where: { orgId: input.orgId, userId: input.fromId, role: { in: ['staff', 'admin'] } },
    select: { user: { select: { name: true } } },
  })
  if (!from) return { status: 'not_found' }
  if (input.fromId === input.toId) return { status: 'refused', message: 'Choose someone else to take their work.' }
  const check = await checkMove(ctx, input)
  if ('refused' in check) return { status: 'refused', message: check.refused }
  const cases = await ctx.db.case.findMany({
    where: { orgId: input.orgId, advocateId: input.fromId, status: { not: 'closed' } },
    select: { id: true },
    orderBy: { number: 'asc' },
  })
  let movedCases = 0
  let movedTickets = 0
  for (const kase of cases) {
    const result = await reassignCase(ctx, { ...input, caseId: kase.id })
    if (result.status === 'reassigned') {
      movedCases++
      movedTickets += result.tickets
    }
  }
  const rest = await moveTickets(ctx, { ...input, where: { assigneeId: input.fromId } })
  movedTickets += rest.tickets
  const [casesLeft, ticketsLeft] = await Promise.all([
    ctx.db.case.count({ where: { orgId: input.orgId, advocateId: input.fromId, status: { not: 'closed' } } }),
    ctx.db.ticket.count({ where: { orgId: input.orgId, assigneeId: input.fromId, status: { not: 'closed' } } }),
  ])
  await recordAudit(ctx.db, {
    orgId: input.orgId,
    actorId: input.actor.id,
    via: input.via,
    action: 'team.bulk_reassigned',
    data: {
      fromId: input.fromId,
      fromName: from.user.name,
      toId: input.toId,
      toName: check.name,
      cases: movedCases,
      tickets: movedTickets,
    },
  })
  const status = casesLeft || ticketsLeft ? 'partly_done' : 'done'
  return { status, from: from.user.name, to: check.name, cases: movedCases, tickets: movedTickets, casesLeft, ticketsLeft }
}
