/**
 * Cover on a case (issue 14): an admin adds a second advocate while the case's
 * advocate is away, without reassigning it, and ends it by hand or lets its end
 * date pass. Plain records, audited in the same transaction. Whether a cover is
 * active is read from the organisation's date (domain/case-cover.ts), so
 * nothing has to expire it; the access rules (ticket-access, case-access) ask
 * `coveredCaseIds`.
 */
import { calendarToday, coverNotice, isCoverActive, isoDateOf } from '../domain/case-cover.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditVia } from './audit.server.ts'

type Tx = Prisma.TransactionClient | Db

/** Why cover was refused: not an admin's act, a closed case, or someone (or a date) that cannot be used. */
export type CoverRefusalCode = 'not_admin' | 'case_closed' | 'invalid_input'

export type CoverResult =
  | { status: 'done'; id: string }
  /** Adding someone who covers the case already: their cover, unchanged. */
  | { status: 'exists'; id: string; message: string }
  | { status: 'not_found' }
  | { status: 'refused'; message: string; code: CoverRefusalCode }

const coverSelect = {
  id: true,
  startsOn: true,
  endsOn: true,
  endedAt: true,
  createdAt: true,
  advocate: { select: { id: true, name: true, email: true } },
  addedBy: { select: { name: true, email: true } },
  endedBy: { select: { name: true, email: true } },
} as const satisfies Prisma.CaseCoverSelect

type CoverRow = Prisma.CaseCoverGetPayload<{ select: typeof coverSelect }>

function datesOf(row: { startsOn: Date; endsOn: Date | null; endedAt: Date | null }) {
  return { startsOn: isoDateOf(row.startsOn), endsOn: row.endsOn && isoDateOf(row.endsOn), ended: row.endedAt !== null }
}

/** The cases of the organisation this person covers today. */
export async function coveredCaseIds(db: Tx, input: { orgId: string; userId: string; nowMs?: number }): Promise<string[]> {
  const rows = await db.caseCover.findMany({
    where: { advocateId: input.userId, endedAt: null, case: { orgId: input.orgId } },
    select: { caseId: true, startsOn: true, endsOn: true, endedAt: true, case: { select: { org: { select: { timezone: true } } } } },
  })
  const nowMs = input.nowMs ?? Date.now()
  return rows.filter((r) => isCoverActive(datesOf(r), calendarToday(r.case.org.timezone, nowMs))).map((r) => r.caseId)
}

/** Every cover of a case, current first then newest, each marked active or not as of today. */
export async function caseCovers(db: Tx, input: { caseId: string; nowMs?: number }) {
  const kase = await db.case.findUniqueOrThrow({
    where: { id: input.caseId },
    select: { org: { select: { timezone: true } }, covers: { select: coverSelect, orderBy: { createdAt: 'desc' } } },
  })
  const today = calendarToday(kase.org.timezone, input.nowMs ?? Date.now())
  const covers = kase.covers.map((row: CoverRow) => ({ ...row, ...datesOf(row), active: isCoverActive(datesOf(row), today) }))
  return [...covers.filter((c) => c.active), ...covers.filter((c) => !c.active)]
}

/** Adds cover: an admin's act; the cover is staff of the organisation and not the case's own advocate. */
export async function addCaseCover(
  db: Db,
  input: { orgId: string; caseId: string; actor: { id: string }; via: AuditVia; advocateId: string; endsOn: string | null; nowMs?: number },
): Promise<CoverResult> {
  return db.$transaction(async (tx) => {
    const kase = await tx.case.findFirst({
      where: { id: input.caseId, orgId: input.orgId },
      select: { id: true, caseRef: true, advocateId: true, status: true, org: { select: { timezone: true } } },
    })
    if (!kase) return { status: 'not_found' }
    if (!(await isAdmin(tx, input.orgId, input.actor.id)))
      return { status: 'refused', message: 'Only an admin can add cover to a case.', code: 'not_admin' }
    if (kase.status === 'closed') return { status: 'refused', message: 'This case is closed: it needs no cover.', code: 'case_closed' }
    if (input.advocateId === kase.advocateId)
      return { status: 'refused', message: 'The case’s own advocate cannot cover for themselves.', code: 'invalid_input' }
    const member = await tx.membership.findFirst({
      where: { orgId: input.orgId, userId: input.advocateId, role: { in: ['staff', 'admin'] } },
      select: { user: { select: { name: true } } },
    })
    if (!member) return { status: 'refused', message: 'Cover must be someone on this organisation’s team.', code: 'invalid_input' }
    const today = calendarToday(kase.org.timezone, input.nowMs ?? Date.now())
    if (input.endsOn !== null && input.endsOn < today)
      return { status: 'refused', message: 'The end date has passed: choose today or later.', code: 'invalid_input' }
    const already = await tx.caseCover.findMany({
      where: { caseId: kase.id, advocateId: input.advocateId, endedAt: null },
      select: { id: true, startsOn: true, endsOn: true, endedAt: true },
    })
    const current = already.find((c) => isCoverActive(datesOf(c), today))
    if (current) return { status: 'exists', id: current.id, message: `${member.user.name} already covers this case: end that cover first.` }
    const cover = await tx.caseCover.create({
      data: {
        caseId: kase.id,
        advocateId: input.advocateId,
        startsOn: new Date(`${today}T00:00:00Z`),
        endsOn: input.endsOn === null ? null : new Date(`${input.endsOn}T00:00:00Z`),
        addedById: input.actor.id,
      },
      select: { id: true },
    })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actor.id,
      via: input.via,
      action: 'case.cover_added',
      data: { caseRef: kase.caseRef, name: member.user.name, endsOn: input.endsOn },
    })
    return { status: 'done', id: cover.id }
  })
}

/** Ends a cover by hand, from now: an admin's act. */
export async function endCaseCover(
  db: Db,
  input: { orgId: string; caseId: string; coverId: string; actor: { id: string }; via: AuditVia },
): Promise<CoverResult> {
  return db.$transaction(async (tx) => {
    const cover = await tx.caseCover.findFirst({
      where: { id: input.coverId, caseId: input.caseId, case: { orgId: input.orgId } },
      select: { id: true, endedAt: true, advocate: { select: { name: true } }, case: { select: { caseRef: true } } },
    })
    if (!cover) return { status: 'not_found' }
    if (!(await isAdmin(tx, input.orgId, input.actor.id)))
      return { status: 'refused', message: 'Only an admin can end cover.', code: 'not_admin' }
    if (cover.endedAt) return { status: 'done', id: cover.id }
    await tx.caseCover.update({ where: { id: cover.id }, data: { endedAt: new Date(), endedById: input.actor.id } })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actor.id,
      via: input.via,
      action: 'case.cover_ended',
      data: { caseRef: cover.case.caseRef, name: cover.advocate.name },
    })
    return { status: 'done', id: cover.id }
  })
}

async function isAdmin(tx: Tx, orgId: string, userId: string): Promise<boolean> {
  return (await tx.membership.count({ where: { orgId, userId, role: 'admin' } })) > 0
}

/** What the family reads about a case's current cover: "Sam is covering for Alex until 14 December 2026." */
export async function coverNoticesForFamily(db: Tx, caseId: string | null): Promise<string[]> {
  if (!caseId) return []
  const [covers, kase] = await Promise.all([
    caseCovers(db, { caseId }),
    db.case.findUniqueOrThrow({ where: { id: caseId }, select: { advocate: { select: { name: true } } } }),
  ])
  return covers
    .filter((c) => c.active)
    .map((c) => coverNotice({ covering: c.advocate.name, advocate: kase.advocate?.name ?? null, endsOn: c.endsOn }))
}
