/**
 * Who on an organisation's team sees which of its cases: the one rule for the
 * case workspace, the team dashboard, the case page, its tabs and every action
 * on them.
 *
 * - Admins see every case of their organisation.
 * - Staff see the cases whose advocate they are, and those they cover today
 *   (services/case-cover.server.ts).
 *
 * Anyone else (other staff, families, other organisations) is told the case does
 * not exist (404).
 */
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { caseCovers, coveredCaseIds } from './case-cover.server.ts'

type Tx = Prisma.TransactionClient | Db

/** What a person may see of one organisation's cases. */
export type CaseScope =
  /** An admin of the organisation. */
  | { kind: 'all' }
  /** Staff: the cases they are the advocate of, and those they cover today. */
  | { kind: 'advocate'; userId: string; coveredCaseIds: readonly string[] }
  /** Not on the organisation's team. */
  | { kind: 'none' }

/** The rule itself, on one case. */
export function maySeeCase(scope: CaseScope, kase: { id: string; advocateId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'none':
      return false
    case 'advocate':
      return kase.advocateId === scope.userId || scope.coveredCaseIds.includes(kase.id)
  }
}

/** The person's scope in the organisation, read from their membership now (a change applies at once). */
export async function caseScope(db: Tx, input: { orgId: string; userId: string }): Promise<CaseScope> {
  const membership = await db.membership.findUnique({
    where: { orgId_userId: { orgId: input.orgId, userId: input.userId } },
    select: { role: true },
  })
  if (membership?.role === 'admin') return { kind: 'all' }
  if (membership?.role === 'staff') return { kind: 'advocate', userId: input.userId, coveredCaseIds: await coveredCaseIds(db, input) }
  return { kind: 'none' }
}

/**
 * True when the person sees the case only as its cover: they may reply and add
 * notes, but its status, closing, reopening and reassignment stay with its
 * advocate and admins.
 */
export function isCoverOnly(scope: CaseScope, kase: { id: string; advocateId: string | null }): boolean {
  return scope.kind === 'advocate' && kase.advocateId !== scope.userId && scope.coveredCaseIds.includes(kase.id)
}

/**
 * True when the person takes part in the ticket only as its case's cover: not
 * its assignee, nor its case's advocate, nor an admin. Assigning it stays with
 * its advocate and admins.
 */
export async function isTicketCoverOnly(
  db: Tx,
  input: { ticket: { orgId: string; assigneeId: string | null; caseId: string | null }; userId: string },
): Promise<boolean> {
  const { ticket, userId } = input
  if (ticket.caseId === null || ticket.assigneeId === userId) return false
  const kase = await db.case.findUnique({ where: { id: ticket.caseId }, select: { id: true, advocateId: true } })
  return kase !== null && isCoverOnly(await caseScope(db, { orgId: ticket.orgId, userId }), kase)
}

/** The team members who may see the case (who may own its next actions), by name. */
export async function peopleWhoMaySeeCase(
  db: Tx,
  kase: { id: string; orgId: string; advocateId: string | null },
): Promise<{ id: string; name: string }[]> {
  const [team, covers] = await Promise.all([
    db.membership.findMany({
      where: { orgId: kase.orgId, role: { in: ['staff', 'admin'] } },
      select: { role: true, user: { select: { id: true, name: true } } },
      orderBy: { user: { name: 'asc' } },
    }),
    caseCovers(db, { caseId: kase.id }),
  ])
  const covering = new Set(covers.filter((c) => c.active).map((c) => c.advocate.id))
  return team.filter((m) => m.role === 'admin' || kase.advocateId === m.user.id || covering.has(m.user.id)).map((m) => m.user)
}

/** The rule as a Prisma filter on one organisation's cases. */
export function caseScopeWhere(scope: CaseScope): Prisma.CaseWhereInput {
  switch (scope.kind) {
    case 'all':
      return {}
    case 'none':
      return { id: { in: [] } }
    case 'advocate':
      // Without cover, the plain equality the workspace's index serves.
      return scope.coveredCaseIds.length
        ? { OR: [{ advocateId: scope.userId }, { id: { in: [...scope.coveredCaseIds] } }] }
        : { advocateId: scope.userId }
  }
}
