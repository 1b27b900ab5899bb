/**
 * Who on an organisation's team sees which of its tickets: the one rule, for
 * every portal loader and action, every API command with an actor, the queue,
 * its counts, search and notifications.
 *
 * - Admins see every ticket of their organisation.
 * - Staff see the tickets of their departments; staff restricted to no
 *   department are members of every department, so they see every ticket.
 * - The ticket's assignee sees it, whatever their departments, and so does
 *   whoever covers its case today (services/case-cover.server.ts).
 *
 * Anyone else is told the ticket does not exist (404), never that it is
 * forbidden, so a number reveals nothing. Families see their own requests by
 * another rule (they requested them), outside this one.
 */
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { coveredCaseIds } from './case-cover.server.ts'

type Tx = Prisma.TransactionClient | Db

/** What a person may see of one organisation's tickets. */
export type TicketScope =
  /** An admin, or staff restricted to no department. */
  | { kind: 'all' }
  /** Staff restricted to departments: theirs, the tickets assigned to them and those of the cases they cover today. */
  | { kind: 'departments'; userId: string; departmentIds: readonly string[]; coveredCaseIds: readonly string[] }
  /** Not on the organisation's team. */
  | { kind: 'none' }

/** The rule itself, on one ticket. */
export function maySeeTicket(
  scope: TicketScope,
  ticket: { departmentId: string; assigneeId: string | null; caseId: string | null },
): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'none':
      return false
    case 'departments':
      return (
        ticket.assigneeId === scope.userId ||
        scope.departmentIds.includes(ticket.departmentId) ||
        (ticket.caseId !== null && scope.coveredCaseIds.includes(ticket.caseId))
      )
  }
}

/** The person's scope in the organisation, read from their membership now (a change applies at once). */
export async function ticketScope(db: Tx, input: { orgId: string; userId: string }): Promise<TicketScope> {
  const membership = await db.membership.findUnique({
    where: { orgId_userId: { orgId: input.orgId, userId: input.userId } },
    select: { role: true, departments: { select: { departmentId: true } } },
  })
  return await scopeOf(db, input.orgId, input.userId, membership)
}

async function scopeOf(
  db: Tx,
  orgId: string,
  userId: string,
  membership: { role: string; departments: { departmentId: string }[] } | null,
): Promise<TicketScope> {
  if (!membership || (membership.role !== 'staff' && membership.role !== 'admin')) return { kind: 'none' }
  if (membership.role === 'admin' || membership.departments.length === 0) return { kind: 'all' }
  return {
    kind: 'departments',
    userId,
    departmentIds: membership.departments.map((d) => d.departmentId),
    coveredCaseIds: await coveredCaseIds(db, { orgId, userId }),
  }
}

/** May this person see this ticket (by id)? False for a ticket that is not there. */
export async function maySeeTicketById(db: Tx, input: { ticketId: string; userId: string }): Promise<boolean> {
  const ticket = await db.ticket.findUnique({
    where: { id: input.ticketId },
    select: { orgId: true, departmentId: true, assigneeId: true, caseId: true },
  })
  if (!ticket) return false
  return maySeeTicket(await ticketScope(db, { orgId: ticket.orgId, userId: input.userId }), ticket)
}

/** The rule as a Prisma filter on one organisation's tickets. */
export function ticketScopeWhere(scope: TicketScope): Prisma.TicketWhereInput {
  switch (scope.kind) {
    case 'all':
      return {}
    case 'none':
      return { id: { in: [] } }
    case 'departments':
      return {
        OR: [
          { departmentId: { in: [...scope.departmentIds] } },
          { assigneeId: scope.userId },
          ...(scope.coveredCaseIds.length ? [{ caseId: { in: [...scope.coveredCaseIds] } }] : []),
        ],
      }
  }
}

/** The rule as SQL on the ticket `t` of one organisation, for the queue's own queries; null when it filters nothing. */
export function ticketScopeSql(scope: TicketScope): Prisma.Sql | null {
  switch (scope.kind) {
    case 'all':
      return null
    case 'none':
      return Prisma.sql`FALSE`
    case 'departments':
      return scope.coveredCaseIds.length
        ? Prisma.sql`(t."departmentId" = ANY(${[...scope.departmentIds]}::uuid[]) OR t."assigneeId" = ${scope.userId}::uuid OR t."caseId" = ANY(${[...scope.coveredCaseIds]}::uuid[]))`
        : Prisma.sql`(t."departmentId" = ANY(${[...scope.departmentIds]}::uuid[]) OR t."assigneeId" = ${scope.userId}::uuid)`
  }
}

/**
 * The tickets a person sees across every organisation, as a Prisma filter:
 * those of each organisation on whose team they are, by its rule, and their
 * own requests. For lists that span organisations, such as notifications.
 */
export async function visibleTicketsWhere(db: Tx, userId: string): Promise<Prisma.TicketWhereInput> {
  const memberships = await db.membership.findMany({
    where: { userId, role: { in: ['staff', 'admin'] } },
    select: { orgId: true, role: true, departments: { select: { departmentId: true } } },
  })
  const scopes = await Promise.all(memberships.map(async (m) => ({ orgId: m.orgId, scope: await scopeOf(db, m.orgId, userId, m) })))
  return { OR: [{ requesterId: userId }, ...scopes.map((s) => ({ orgId: s.orgId, ...ticketScopeWhere(s.scope) }))] }
}

/** A person's notifications about tickets they still see (or about no ticket): a move to another department silences the rest. */
export async function visibleNotificationsWhere(db: Tx, userId: string): Promise<Prisma.NotificationWhereInput> {
  return { userId, OR: [{ ticketId: null }, { ticket: { is: await visibleTicketsWhere(db, userId) } }] }
}
