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
  status?: CaseStatus
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
  lastActivityAt: Date
}

/** Most recently active first; `next` is the cursor of the page after, null on the last page. */
export async function listCases(ctx: ServiceContext, input: CaseListInput): Promise<{ cases: CaseListRow[]; next: string | null }> {
  const limit = Math.min(input.limit ?? CASE_PAGE_SIZE, CASE_PAGE_SIZE)
  const cursor = decodeCursor('activity', input.after ?? null)
  const after: Prisma.CaseWhereInput = cursor
    ? {
        OR: [
          { lastActivityAt: { lt: new Date(cursor.value as string) } },
          { lastActivityAt: new Date(cursor.value as string), number: { lt: cursor.number } },
        ],
      }
    : {}
  const rows = await ctx.db.case.findMany({
    where: {
      orgId: input.orgId,
      ...(input.advocateId !== null && { advocateId: input.advocateId }),
      ...(input.status && { status: input.status }),
      ...after,
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
      lastActivityAt: true,
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
