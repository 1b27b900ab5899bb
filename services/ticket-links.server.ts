/**
 * Related tickets: two family members about the same child, a follow-up to a
 * resolved one. Staff link two tickets of one organisation by number; a
 * follow-up (Ticket.followUpOfId, made when a family writes on a closed ticket)
 * is related without a link row, so linking such a pair again changes nothing.
 * Plain records, not lifecycle: each change is written here with an audit record
 * for each ticket in the same transaction, so it shows on both timelines
 * (ticket-history.server.ts). Whoever acts must see both tickets
 * (ticket-access.server.ts); a ticket they may not see is not there for them.
 */
import type { TicketStatus } from '../domain/ticket.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import { maySeeTicket, ticketScope, type TicketScope } from './ticket-access.server.ts'

type TicketRef = { id: string; orgId: string; number: number }
type Tx = Prisma.TransactionClient

/** How the other ticket is related: linked by someone, or through a follow-up either way. */
export type Relation = 'linked' | 'follow_up_of' | 'followed_up_by'

export interface RelatedTicket {
  id: string
  number: number
  subject: string
  status: TicketStatus
  relation: Relation
  /** When and by whom it was linked; null for a follow-up. */
  linkedAt: Date | null
  linkedBy: string | null
}

const relatedSelect = { id: true, number: true, subject: true, status: true, departmentId: true, assigneeId: true, caseId: true } as const

/** The pair as stored: the lower id first. */
function pair(a: string, b: string) {
  return a < b ? { lowerId: a, higherId: b } : { lowerId: b, higherId: a }
}

/** What a person (null: an API key acting for nobody, which sees the whole organisation) may see there. */
async function scopeOf(db: Db | Tx, orgId: string, actorId: string | null): Promise<TicketScope> {
  return actorId ? ticketScope(db, { orgId, userId: actorId }) : { kind: 'all' }
}

/** The tickets related to `ticket` that `viewerId` may see, by number. */
export async function relatedTickets(db: Db, input: { ticket: TicketRef; viewerId: string | null }): Promise<RelatedTicket[]> {
  const { ticket } = input
  const [self, links, followUps, scope] = await Promise.all([
    db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { followUpOf: { select: relatedSelect } } }),
    db.ticketLink.findMany({
      where: { OR: [{ lowerId: ticket.id }, { higherId: ticket.id }] },
      select: { linkedAt: true, linkedBy: { select: { name: true } }, lower: { select: relatedSelect }, higher: { select: relatedSelect } },
    }),
    db.ticket.findMany({ where: { followUpOfId: ticket.id, orgId: ticket.orgId }, select: relatedSelect }),
    scopeOf(db, ticket.orgId, input.viewerId),
  ])
  const related: (RelatedTicket & { departmentId: string; assigneeId: string | null; caseId: string | null })[] = [
    ...(self.followUpOf ? [{ ...self.followUpOf, relation: 'follow_up_of' as const, linkedAt: null, linkedBy: null }] : []),
    ...followUps.map((t) => ({ ...t, relation: 'followed_up_by' as const, linkedAt: null, linkedBy: null })),
    ...links.map((l) => ({
      ...(l.lower.id === ticket.id ? l.higher : l.lower),
      relation: 'linked' as const,
      linkedAt: l.linkedAt,
      linkedBy: l.linkedBy?.name ?? null,
    })),
  ]
  return related
    .filter((t) => maySeeTicket(scope, t))
    .sort((a, b) => a.number - b.number)
    .map(({ departmentId: _d, assigneeId: _a, ...t }) => t)
}

export type LinkResult =
  | { status: 'linked' | 'already'; other: { id: string; number: number } }
  | { status: 'self' }
  /** No such ticket in the organisation, or one the actor may not see. */
  | { status: 'not_found' }

/** The other ticket by number, if the actor may see it. */
async function otherTicket(tx: Tx, orgId: string, number: number, scope: TicketScope) {
  // Ticket numbers are PostgreSQL integers: a larger one is no ticket.
  if (!Number.isSafeInteger(number) || number < 1 || number > 2_147_483_647) return null
  const other = await tx.ticket.findUnique({
    where: { orgId_number: { orgId, number } },
    select: { ...relatedSelect, followUpOfId: true },
  })
  return other && maySeeTicket(scope, other) ? other : null
}

async function auditBoth(tx: Tx, input: AuditActor & { action: 'ticket.linked' | 'ticket.unlinked'; ticket: TicketRef; other: TicketRef }) {
  const { ticket, other } = input
  for (const [one, two] of [
    [ticket, other],
    [other, ticket],
  ] as const)
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: input.action,
      data: { ticketId: one.id, ticketNumber: one.number, otherTicketId: two.id, otherNumber: two.number },
    })
}

/** Links the ticket numbered `otherNumber` to `ticket`; a pair already related (by a link or a follow-up) is `already`. */
export async function linkTickets(db: Db, input: AuditActor & { ticket: TicketRef; otherNumber: number }): Promise<LinkResult> {
  const { ticket } = input
  if (input.otherNumber === ticket.number) return { status: 'self' }
  return db.$transaction(async (tx) => {
    const scope = await scopeOf(tx, ticket.orgId, input.actorId)
    const mine = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { ...relatedSelect, followUpOfId: true } })
    const other = await otherTicket(tx, ticket.orgId, input.otherNumber, scope)
    if (!other || !maySeeTicket(scope, mine)) return { status: 'not_found' as const }
    const found = { id: other.id, number: other.number }
    if (mine.followUpOfId === other.id || other.followUpOfId === mine.id) return { status: 'already' as const, other: found }
    const { count } = await tx.ticketLink.createMany({
      data: [{ orgId: ticket.orgId, ...pair(ticket.id, other.id), linkedById: input.actorId }],
      skipDuplicates: true,
    })
    if (count === 0) return { status: 'already' as const, other: found }
    await auditBoth(tx, { ...input, action: 'ticket.linked', other: { ...found, orgId: ticket.orgId } })
    return { status: 'linked' as const, other: found }
  })
}

export type UnlinkResult =
  | { status: 'unlinked' | 'not_linked'; other: { id: string; number: number } }
  /** A follow-up stays related to the ticket it follows: it is part of that ticket's record, not a link. */
  | { status: 'follow_up'; other: { id: string; number: number } }
  | { status: 'not_found' }

export async function unlinkTickets(db: Db, input: AuditActor & { ticket: TicketRef; otherNumber: number }): Promise<UnlinkResult> {
  const { ticket } = input
  return db.$transaction(async (tx) => {
    const scope = await scopeOf(tx, ticket.orgId, input.actorId)
    const mine = await tx.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { ...relatedSelect, followUpOfId: true } })
    const other = await otherTicket(tx, ticket.orgId, input.otherNumber, scope)
    if (!other || !maySeeTicket(scope, mine)) return { status: 'not_found' as const }
    const found = { id: other.id, number: other.number }
    const { count } = await tx.ticketLink.deleteMany({ where: pair(ticket.id, other.id) })
    if (count === 0) {
      const followUp = mine.followUpOfId === other.id || other.followUpOfId === mine.id
      return { status: followUp ? ('follow_up' as const) : ('not_linked' as const), other: found }
    }
    await auditBoth(tx, { ...input, action: 'ticket.unlinked', other: { ...found, orgId: ticket.orgId } })
    return { status: 'unlinked' as const, other: found }
  })
}
