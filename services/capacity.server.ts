/**
 * Advocates' capacity: how many active cases (not closed, theirs as advocate)
 * each takes on, set by admins (null: no limit), and the ticket types they know
 * best. An assignment that would open a new case for an advocate at capacity is
 * refused unless an admin overrides it, which the audit trail records.
 */
import { sameChild } from '../domain/case.ts'
import type { TicketType } from '../domain/ticket.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

type Tx = Prisma.TransactionClient | Db

export interface AdvocateLoad {
  userId: string
  name: string
  activeCases: number
  /** Null: no limit. */
  capacity: number | null
  atCapacity: boolean
  specialisms: TicketType[]
}

/** "3 of 5 cases", "3 cases" without a limit. */
export function describeLoad(load: Pick<AdvocateLoad, 'activeCases' | 'capacity'>): string {
  const cases = load.capacity === null ? load.activeCases : load.capacity
  return load.capacity === null
    ? `${load.activeCases} ${cases === 1 ? 'case' : 'cases'}`
    : `${load.activeCases} of ${load.capacity} ${cases === 1 ? 'case' : 'cases'}`
}

/** Every team member's active cases against their capacity, by name. */
export async function advocateLoads(db: Tx, orgId: string): Promise<AdvocateLoad[]> {
  const [members, cases] = await Promise.all([
    db.membership.findMany({
      where: { orgId, role: { in: ['staff', 'admin'] } },
      orderBy: [{ user: { name: 'asc' } }, { createdAt: 'asc' }],
      select: { caseCapacity: true, specialisms: true, user: { select: { id: true, name: true } } },
    }),
    db.case.groupBy({ by: ['advocateId'], where: { orgId, advocateId: { not: null }, status: { not: 'closed' } }, _count: { _all: true } }),
  ])
  const activeBy = new Map(cases.map((c) => [c.advocateId, c._count._all]))
  return members.map((m) => {
    const activeCases = activeBy.get(m.user.id) ?? 0
    return {
      userId: m.user.id,
      name: m.user.name,
      activeCases,
      capacity: m.caseCapacity,
      atCapacity: m.caseCapacity !== null && activeCases >= m.caseCapacity,
      specialisms: m.specialisms,
    }
  })
}

/** One advocate's load, or null when they are not on the organisation's team. */
export async function advocateLoad(db: Tx, input: { orgId: string; userId: string }): Promise<AdvocateLoad | null> {
  const member = await db.membership.findFirst({
    where: { orgId: input.orgId, userId: input.userId, role: { in: ['staff', 'admin'] } },
    select: { caseCapacity: true, specialisms: true, user: { select: { id: true, name: true } } },
  })
  if (!member) return null
  const activeCases = await db.case.count({ where: { orgId: input.orgId, advocateId: input.userId, status: { not: 'closed' } } })
  return {
    userId: member.user.id,
    name: member.user.name,
    activeCases,
    capacity: member.caseCapacity,
    atCapacity: member.caseCapacity !== null && activeCases >= member.caseCapacity,
    specialisms: member.specialisms,
  }
}

/**
 * Whether assigning the ticket to `advocateId` gives them a case they do not
 * hold (null: anyone but its case's advocate). A ticket with no case, and no
 * case carrying its outside reference, opens one. A ticket in someone else's
 * open case takes that case along, or leaves it for theirs for the same family
 * and child (docs/decisions/014-a-ticket-takes-its-case.md): only joining a case
 * they hold already costs no capacity.
 */
export async function assignmentOpensCase(db: Tx, ticket: { id: string }, advocateId: string | null): Promise<boolean> {
  const row = await db.ticket.findUnique({
    where: { id: ticket.id },
    select: {
      orgId: true,
      caseRef: true,
      requesterId: true,
      childName: true,
      case: { select: { id: true, advocateId: true, status: true } },
    },
  })
  if (!row) return false
  if (row.case) {
    if (row.case.status === 'closed' || row.case.advocateId === advocateId) return false
    if (advocateId === null) return true
    const others = await db.ticket.count({ where: { caseId: row.case.id, id: { not: ticket.id }, status: { not: 'closed' } } })
    if (!others) return true
    const theirs = await db.case.findMany({
      where: { orgId: row.orgId, familyId: row.requesterId, advocateId, status: { not: 'closed' } },
      select: { childName: true },
    })
    return !theirs.some((c) => sameChild(c.childName, row.childName))
  }
  if (!row.caseRef) return true
  return !(await db.case.findUnique({ where: { orgId_caseRef: { orgId: row.orgId, caseRef: row.caseRef } }, select: { id: true } }))
}

export type CapacityCheck = { status: 'ok' } | { status: 'overridden'; load: AdvocateLoad } | { status: 'at_capacity'; message: string }

/**
 * May a new case go to `advocateId`? A ticket's assignment gives them one as
 * assignmentOpensCase says; a case opened on its own always does. Refused at
 * capacity unless `override` comes from an admin of the organisation.
 */
export async function checkCapacity(
  db: Tx,
  input: {
    orgId: string
    opening: { ticket: { id: string } } | 'case'
    advocateId: string
    actorId: string
    override: boolean
  },
): Promise<CapacityCheck> {
  const load = await advocateLoad(db, { orgId: input.orgId, userId: input.advocateId })
  if (!load?.atCapacity) return { status: 'ok' }
  if (input.opening !== 'case' && !(await assignmentOpensCase(db, input.opening.ticket, input.advocateId))) return { status: 'ok' }
  const atCapacity = `${load.name} is at capacity (${describeLoad(load)})`
  const anyway = input.opening === 'case' ? 'to open the case anyway' : 'to assign anyway'
  if (!input.override) return { status: 'at_capacity', message: `${atCapacity}: an admin can override capacity ${anyway}.` }
  const actor = await db.membership.findFirst({ where: { orgId: input.orgId, userId: input.actorId, role: 'admin' }, select: { id: true } })
  if (!actor) return { status: 'at_capacity', message: `${atCapacity}: only an admin can override capacity.` }
  return { status: 'overridden', load }
}

/** The audit record of an admin's override, written once the assignment (or the case) is made. */
export async function recordCapacityOverride(
  db: Tx,
  input: AuditActor & { orgId: string; opened: { ticketNumber: number } | { caseRef: string }; load: AdvocateLoad },
): Promise<void> {
  const { load } = input
  await recordAudit(db, {
    orgId: input.orgId,
    actorId: input.actorId,
    via: input.via,
    action: 'team.capacity_overridden',
    data: {
      userId: load.userId,
      name: load.name,
      ...input.opened,
      activeCases: load.activeCases,
      capacity: load.capacity,
    },
  })
}

/** Sets a member's capacity and specialisms (Settings → Team), audited when either changes. */
export async function setMemberCapacity(
  db: Db,
  input: AuditActor & { orgId: string; membershipId: string; caseCapacity: number | null; specialisms: readonly TicketType[] },
): Promise<{ status: 'changed' | 'unchanged'; name: string } | { status: 'not_found' }> {
  return db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({
      where: { id: input.membershipId, orgId: input.orgId, role: { in: ['staff', 'admin'] } },
      select: { id: true, caseCapacity: true, specialisms: true, user: { select: { id: true, name: true, email: true } } },
    })
    if (!member) return { status: 'not_found' }
    const specialisms = [...new Set(input.specialisms)]
    const sameSpecialisms = specialisms.length === member.specialisms.length && specialisms.every((s) => member.specialisms.includes(s))
    if (member.caseCapacity === input.caseCapacity && sameSpecialisms) return { status: 'unchanged', name: member.user.name }
    await tx.membership.update({ where: { id: member.id }, data: { caseCapacity: input.caseCapacity, specialisms } })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'team.capacity_changed',
      data: { userId: member.user.id, name: member.user.name, email: member.user.email, capacity: input.caseCapacity, specialisms },
    })
    return { status: 'changed', name: member.user.name }
  })
}
