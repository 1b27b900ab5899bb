/**
 * Reassigning a case, and everything an absent advocate holds. A case moves
 * through its workflow first (the timeline records it), then its row (the
 * advocate is content), then each open ticket through its own workflow's
 * assign, which tells the family who their new advocate is. Whoever saw the
 * tickets only as their assignee stops seeing them; access through a
 * department stays (services/ticket-access.server.ts). Assigning one ticket
 * to someone other than its case's advocate comes here too (caseFollowsItsTicket).
 *
 * Every step reads where things stand now and does only what is left, so a
 * move (or a bulk move) interrupted by a crash or an unreachable Temporal is
 * finished by running it again: idempotent and resumable, not a workflow.
 */
import { sameChild } from '../domain/case.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import { recordAudit, type AuditVia } from './audit.server.ts'
import { writeHandoverNote } from './case-handovers.server.ts'
import { sendCaseReassignment } from './case-commands.server.ts'
import { openCase } from './cases.server.ts'
import type { ServiceContext } from './context.ts'
import { assign, linkCase, type TicketCommandResult } from './ticket-commands.server.ts'

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

/** What moving a case reads of it. */
const movingCaseSelect = {
  id: true,
  caseRef: true,
  status: true,
  advocateId: true,
  advocate: { select: { name: true } },
} as const satisfies Prisma.CaseSelect

type MovingCase = Prisma.CaseGetPayload<{ select: typeof movingCaseSelect }>

/** Moves one case and its open tickets to `toId`, with an optional handover note for them. */
export async function reassignCase(ctx: ServiceContext, input: Move & { caseId: string; note?: string }): Promise<ReassignResult> {
  const kase = await ctx.db.case.findFirst({ where: { id: input.caseId, orgId: input.orgId }, select: movingCaseSelect })
  if (!kase) return { status: 'not_found' }
  const check = await checkMove(ctx, input)
  if ('refused' in check) return { status: 'refused', message: check.refused }
  return await moveCase(ctx, { ...input, toName: check.name }, kase)
}

/** The move itself, once someone allowed to has asked for it: an admin reassigning, or an assignment of the case's only open ticket. */
async function moveCase(ctx: ServiceContext, input: Move & { toName: string; note?: string }, kase: MovingCase): Promise<ReassignResult> {
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
      data: {
        caseRef: kase.caseRef,
        fromId: kase.advocateId,
        fromName: kase.advocate?.name ?? null,
        toId: input.toId,
        toName: input.toName,
      },
    })
  }
  const tickets = await moveTickets(ctx, { ...input, where: { caseId: kase.id } })
  return { status: 'reassigned', caseRef: kase.caseRef, to: input.toName, ...tickets }
}

/**
 * A ticket just assigned to `toId`, who is not its case's advocate
 * (docs/decisions/014-a-ticket-takes-its-case.md). When it is the case's only
 * open ticket, the case follows it, as reassigning the case would move it. When
 * the case has other open tickets, they stay; this one leaves for `toId`'s open
 * case for the same family and child, opened now if they have none. The family
 * heard of their new advocate from the assignment: nothing here tells them again.
 * Answers the new link's result, or null when the case moved (or could not:
 * logged, and the assignment stands).
 */
export async function caseFollowsItsTicket(
  ctx: ServiceContext,
  input: Move & { ticket: { id: string }; caseId: string },
): Promise<TicketCommandResult | null> {
  const [kase, ticket, others, target] = await Promise.all([
    ctx.db.case.findFirst({ where: { id: input.caseId, orgId: input.orgId }, select: movingCaseSelect }),
    ctx.db.ticket.findUniqueOrThrow({ where: { id: input.ticket.id }, select: { requesterId: true, childName: true } }),
    ctx.db.ticket.count({ where: { caseId: input.caseId, id: { not: input.ticket.id }, status: { not: 'closed' } } }),
    ctx.db.user.findUniqueOrThrow({ where: { id: input.toId }, select: { name: true } }),
  ])
  if (!kase || kase.status === 'closed' || kase.advocateId === input.toId) return null
  if (!others) {
    const moved = await moveCase(ctx, { ...input, toName: target.name }, kase)
    if (moved.status !== 'reassigned')
      ctx.log.warn({ caseId: kase.id, ticketId: input.ticket.id, answer: moved }, 'the case did not follow its reassigned ticket')
    return null
  }
  const theirs = await ctx.db.case.findMany({
    where: { orgId: input.orgId, familyId: ticket.requesterId, advocateId: input.toId, status: { not: 'closed' } },
    orderBy: [{ lastActivityAt: 'desc' }, { number: 'desc' }],
    select: { caseRef: true, childName: true },
  })
  const joined = theirs.find((c) => sameChild(c.childName, ticket.childName))
  // Found again if this is run again after a crash between opening and linking, so no second case opens.
  const caseRef =
    joined?.caseRef ??
    (await openCase(ctx, { orgId: input.orgId, familyId: ticket.requesterId, childName: ticket.childName, advocateId: input.toId })).caseRef
  return await linkCase(ctx, { ticket: input.ticket, actor: input.actor, caseRef })
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
