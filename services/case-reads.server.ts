/**
 * What the case workspace and a case page read: PostgreSQL only (the case
 * workflow's activities keep the lifecycle columns), in keyset pages. Whether the
 * reader may see them is the caller's check; an organisation's cases are found
 * only within it.
 */
import type { CaseStatus } from '../domain/case.ts'
import { Prisma } from '../generated/prisma/client.ts'
import type { ServiceContext } from './context.ts'
import { decodeCursor, encodeCursor } from './queue-query.server.ts'

export const CASE_PAGE_SIZE = 50

export interface CaseListInput {
  orgId: string
  /** "My cases" (the advocate is this person), or null: every case of the organisation (admins). */
  advocateId: string | null
  /** With "My cases": also these, the cases the person covers today. */
  coveredCaseIds?: readonly string[]
  /** One status, or `open`: every status but closed. */
  status?: CaseStatus | 'open'
  /** Only cases with an overdue next action. */
  overdueOnly?: boolean
  /** Only cases with an overdue LA deadline (one of their statutory timeline's, passed without an exception). */
  laOverdueOnly?: boolean
  /** Only cases with neither case activity nor a message since this instant. */
  quietSince?: Date
  /** The page after this cursor (the previous page's `next`). */
  after?: string | null
  limit?: number
}

export interface CaseListRow {
  id: string
  number: number
  caseRef: string
  family: { id: string; name: string }
  childName: string | null
  advocate: { id: string; name: string } | null
  status: CaseStatus
  /** The earliest-due open next action. */
  nextAction: { title: string; dueAt: Date | null } | null
  overdueActions: number
  /** An LA deadline of its statutory timeline passed without an exception. */
  laOverdue: boolean
  lastActivityAt: Date
  lastMessageAt: Date | null
  advocateViewedAt: Date | null
}

/**
 * Most recently active first; `next` is the cursor of the page after, null on
 * the last page. Each filter has an index in this order (prisma/schema.prisma),
 * and the cursor is a range on it, so a deep page reads no more than the first.
 */
export async function listCases(ctx: ServiceContext, input: CaseListInput): Promise<{ cases: CaseListRow[]; next: string | null }> {
  const limit = Math.min(input.limit ?? CASE_PAGE_SIZE, CASE_PAGE_SIZE)
  const cursor = decodeCursor('activity', input.after ?? null)
  const filters: Prisma.CaseWhereInput[] = []
  if (cursor) {
    const at = new Date(cursor.value as string)
    // The range first (an index condition), then the tie on the number.
    filters.push({ lastActivityAt: { lte: at } }, { OR: [{ lastActivityAt: { lt: at } }, { number: { lt: cursor.number } }] })
  }
  if (input.quietSince)
    filters.push(
      { lastActivityAt: { lt: input.quietSince } },
      { OR: [{ lastMessageAt: null }, { lastMessageAt: { lt: input.quietSince } }] },
    )
  const rows = await ctx.db.case.findMany({
    where: {
      orgId: input.orgId,
      ...(input.advocateId !== null &&
        (input.coveredCaseIds?.length
          ? { OR: [{ advocateId: input.advocateId }, { id: { in: [...input.coveredCaseIds] } }] }
          : { advocateId: input.advocateId })),
      ...(input.status === 'open' ? { status: { not: 'closed' } } : input.status && { status: input.status }),
      ...(input.overdueOnly && { hasOverdue: true }),
      ...(input.laOverdueOnly && { laOverdue: true }),
      AND: filters,
    },
    orderBy: [{ lastActivityAt: 'desc' }, { number: 'desc' }],
    take: limit + 1,
    select: {
      id: true,
      number: true,
      caseRef: true,
      childName: true,
      status: true,
      overdueActions: true,
      laOverdue: true,
      lastActivityAt: true,
      lastMessageAt: true,
      advocateViewedAt: true,
      family: { select: { id: true, name: true } },
      advocate: { select: { id: true, name: true } },
      actions: {
        where: { doneAt: null },
        // Dated actions first, earliest due first (PostgreSQL sorts nulls last ascending).
        orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }],
        take: 1,
        select: { title: true, dueAt: true },
      },
    },
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    cases: page.map(({ actions, ...row }) => ({ ...row, nextAction: actions[0] ?? null })),
    next: rows.length > limit && last ? encodeCursor(last.lastActivityAt.toISOString(), last.number) : null,
  }
}

export interface AdvocateCaseload {
  advocate: { id: string; name: string }
  activeCases: number
}

/** Each member of the team with their cases not closed, for the dashboard's summary: busiest first, then by name. */
export async function advocateCaseloads(ctx: ServiceContext, orgId: string): Promise<AdvocateCaseload[]> {
  const [team, counts] = await Promise.all([
    ctx.db.membership.findMany({
      where: { orgId, role: { in: ['staff', 'admin'] } },
      select: { user: { select: { id: true, name: true } } },
    }),
    ctx.db.case.groupBy({
      by: ['advocateId'],
      where: { orgId, status: { not: 'closed' }, advocateId: { not: null } },
      _count: { _all: true },
    }),
  ])
  const active = new Map(counts.map((row) => [row.advocateId, row._count._all]))
  return team
    .map(({ user }) => ({ advocate: user, activeCases: active.get(user.id) ?? 0 }))
    .sort((a, b) => b.activeCases - a.activeCases || a.advocate.name.localeCompare(b.advocate.name))
}

/** The case's advocate opened its page: a read marker for the dashboard, not lifecycle, so written here. */
export async function markCaseViewedByAdvocate(ctx: ServiceContext, input: { caseId: string; userId: string }): Promise<void> {
  await ctx.db.case.updateMany({ where: { id: input.caseId, advocateId: input.userId }, data: { advocateViewedAt: new Date() } })
}

const casePageSelect = {
  id: true,
  orgId: true,
  number: true,
  caseRef: true,
  childName: true,
  status: true,
  openedAt: true,
  closedAt: true,
  closeReason: true,
  lastActivityAt: true,
  lastMessageAt: true,
  advocateViewedAt: true,
  nextActionDueAt: true,
  overdueActions: true,
  family: { select: { id: true, name: true, email: true } },
  advocate: { select: { id: true, name: true } },
  actions: {
    orderBy: [{ doneAt: { sort: 'desc', nulls: 'first' } }, { dueAt: 'asc' }, { createdAt: 'asc' }],
    select: { id: true, title: true, dueAt: true, doneAt: true, overdue: true, owner: { select: { id: true, name: true } } },
  },
  tickets: {
    orderBy: { number: 'asc' },
    select: { id: true, number: true, subject: true, status: true, assigneeId: true, lastActivityAt: true },
  },
  events: { orderBy: { seq: 'asc' }, select: { seq: true, kind: true, actorId: true, data: true, at: true } },
} as const satisfies Prisma.CaseSelect

export type CasePage = Prisma.CaseGetPayload<{ select: typeof casePageSelect }>

/** One case of the organisation by its number, with its actions, linked tickets and timeline; null when it has none. */
export async function getCasePage(ctx: ServiceContext, input: { orgId: string; number: number }): Promise<CasePage | null> {
  return await ctx.db.case.findUnique({ where: { orgId_number: input }, select: casePageSelect })
}
