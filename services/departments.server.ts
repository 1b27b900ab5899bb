/**
 * The organisation's departments, kept by its admins: made, renamed, given a
 * lead, archived and brought back, and which of them each staff member is
 * restricted to (none: every department). Families choose among the active
 * ones when they ask for help. A department is archived, never deleted, so its
 * tickets keep it; its slug stays as it was made, so integrations that name it
 * keep working after a rename. Every change is audited in its own transaction.
 */
import { z } from 'zod'
import { wellFormed } from '../domain/input-schemas.ts'
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { TEAM_ROLES } from './accounts.server.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

type Tx = Prisma.TransactionClient | Db

export const DEPARTMENT_NAME_MAX = 80

export const DepartmentInput = z.object({
  name: wellFormed(
    z
      .string({ error: 'Name the department' })
      .trim()
      .min(1, 'Name the department')
      .max(DEPARTMENT_NAME_MAX, `Keep the name under ${DEPARTMENT_NAME_MAX} characters`),
    false,
  ),
  // Blank: nobody leads it.
  leadId: z
    .union([z.literal(''), z.uuid({ error: 'Choose a lead from the list' })])
    .optional()
    .transform((v) => v || null),
})
export type DepartmentChange = z.output<typeof DepartmentInput>

export interface DepartmentRow {
  id: string
  slug: string
  name: string
  lead: { id: string; name: string } | null
  archived: boolean
  /** Where a request that names no department goes; it stays open. */
  isDefault: boolean
  /** Staff restricted to it (unrestricted staff are members of every department as well). */
  restrictedMembers: number
  openTickets: number
}

/** Every department of the organisation, active ones first, each by name. */
export async function departments(db: Db, orgId: string): Promise<DepartmentRow[]> {
  const [rows, org, open] = await Promise.all([
    db.department.findMany({
      where: { orgId },
      orderBy: [{ archivedAt: { sort: 'asc', nulls: 'first' } }, { name: 'asc' }],
      select: {
        id: true,
        slug: true,
        name: true,
        archivedAt: true,
        lead: { select: { id: true, name: true } },
        _count: { select: { members: true } },
      },
    }),
    db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { defaultDepartmentId: true } }),
    db.ticket.groupBy({ by: ['departmentId'], where: { orgId, status: { not: 'closed' } }, _count: { _all: true } }),
  ])
  const openIn = new Map(open.map((g) => [g.departmentId, g._count._all]))
  return rows.map((d) => ({
    id: d.id,
    slug: d.slug,
    name: d.name,
    lead: d.lead,
    archived: d.archivedAt !== null,
    isDefault: d.id === org.defaultDepartmentId,
    restrictedMembers: d._count.members,
    openTickets: openIn.get(d.id) ?? 0,
  }))
}

export type DepartmentResult<T> = T | { status: 'not_found' } | { status: 'refused'; field?: 'name' | 'leadId'; message: string }

/** A new department, with a slug made from its name (unique in the organisation). */
export async function createDepartment(
  db: Db,
  input: AuditActor & { orgId: string } & DepartmentChange,
): Promise<DepartmentResult<{ status: 'created'; id: string; name: string }>> {
  return retryOnNameRace(() =>
    db.$transaction(async (tx) => {
      const refusal = (await nameTaken(tx, input.orgId, input.name)) ?? (await leadRefusal(tx, input.orgId, input.leadId))
      if (refusal) return refusal
      const slug = await freeSlug(tx, input.orgId, input.name)
      const created = await tx.department.create({
        data: { orgId: input.orgId, slug, name: input.name, leadId: input.leadId },
        select: { id: true },
      })
      await recordAudit(tx, { ...input, action: 'department.created', data: { departmentId: created.id, name: input.name, slug } })
      return { status: 'created' as const, id: created.id, name: input.name }
    }),
  )
}

/** Renames a department and names its lead (or nobody); its slug stays. */
export async function updateDepartment(
  db: Db,
  input: AuditActor & { orgId: string; departmentId: string } & DepartmentChange,
): Promise<DepartmentResult<{ status: 'saved' | 'unchanged'; name: string }>> {
  return retryOnNameRace(() =>
    db.$transaction(async (tx) => {
      const department = await tx.department.findFirst({
        where: { id: input.departmentId, orgId: input.orgId },
        select: { name: true, leadId: true },
      })
      if (!department) return { status: 'not_found' as const }
      const renamed = department.name !== input.name
      const newLead = department.leadId !== input.leadId
      if (!renamed && !newLead) return { status: 'unchanged' as const, name: department.name }
      const refusal =
        (renamed ? await nameTaken(tx, input.orgId, input.name, input.departmentId) : null) ??
        (newLead ? await leadRefusal(tx, input.orgId, input.leadId) : null)
      if (refusal) return refusal
      await tx.department.update({ where: { id: input.departmentId }, data: { name: input.name, leadId: input.leadId } })
      if (renamed)
        await recordAudit(tx, {
          ...input,
          action: 'department.renamed',
          data: { departmentId: input.departmentId, from: department.name, name: input.name },
        })
      if (newLead) {
        const lead = input.leadId ? await tx.user.findUniqueOrThrow({ where: { id: input.leadId }, select: { name: true } }) : null
        await recordAudit(tx, {
          ...input,
          action: 'department.lead_changed',
          data: { departmentId: input.departmentId, name: input.name, leadId: input.leadId, leadName: lead?.name ?? null },
        })
      }
      return { status: 'saved' as const, name: input.name }
    }),
  )
}

/**
 * Archives a department (families no longer see it) or brings it back. Its
 * tickets stay in it; the default department stays open.
 */
export async function setDepartmentArchived(
  db: Db,
  input: AuditActor & { orgId: string; departmentId: string; archived: boolean },
): Promise<DepartmentResult<{ status: 'archived' | 'restored' | 'unchanged'; name: string }>> {
  return db.$transaction(async (tx) => {
    const department = await tx.department.findFirst({
      where: { id: input.departmentId, orgId: input.orgId },
      select: { name: true, archivedAt: true, defaultOf: { select: { id: true } } },
    })
    if (!department) return { status: 'not_found' as const }
    if (input.archived && department.defaultOf)
      return { status: 'refused' as const, message: `${department.name} is where requests that name no department go, so it stays open.` }
    if ((department.archivedAt !== null) === input.archived) return { status: 'unchanged' as const, name: department.name }
    await tx.department.update({ where: { id: input.departmentId }, data: { archivedAt: input.archived ? new Date() : null } })
    await recordAudit(tx, {
      ...input,
      action: input.archived ? 'department.archived' : 'department.restored',
      data: { departmentId: input.departmentId, name: department.name },
    })
    return { status: input.archived ? ('archived' as const) : ('restored' as const), name: department.name }
  })
}

/** Each team member's departments by membership id (empty: unrestricted). */
export async function memberDepartments(db: Db, orgId: string): Promise<Map<string, string[]>> {
  const rows = await db.membershipDepartment.findMany({
    where: { membership: { orgId } },
    select: { membershipId: true, departmentId: true },
  })
  const byMember = new Map<string, string[]>()
  for (const row of rows) byMember.set(row.membershipId, [...(byMember.get(row.membershipId) ?? []), row.departmentId])
  return byMember
}

/**
 * Restricts a team member to these departments (none: every department).
 * Admins see every ticket whatever their departments, so theirs only matter
 * if they become staff. An archived department they are already in may stay;
 * a new one must be active.
 */
export async function setMemberDepartments(
  db: Db,
  input: AuditActor & { orgId: string; membershipId: string; departmentIds: readonly string[] },
): Promise<DepartmentResult<{ status: 'saved' | 'unchanged'; name: string; departments: string[] }>> {
  return db.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({
      where: { id: input.membershipId, orgId: input.orgId, role: { in: [...TEAM_ROLES] } },
      select: { user: { select: { id: true, name: true, email: true } }, departments: { select: { departmentId: true } } },
    })
    if (!member) return { status: 'not_found' as const }
    const wanted = [...new Set(input.departmentIds)]
    const current = member.departments.map((d) => d.departmentId)
    const chosen = await tx.department.findMany({
      where: { orgId: input.orgId, id: { in: wanted }, OR: [{ archivedAt: null }, { id: { in: current } }] },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    })
    if (chosen.length !== wanted.length) return { status: 'refused' as const, message: 'Choose departments from the list.' }
    const names = chosen.map((d) => d.name)
    if (wanted.length === current.length && wanted.every((id) => current.includes(id)))
      return { status: 'unchanged' as const, name: member.user.name, departments: names }
    await tx.membershipDepartment.deleteMany({ where: { membershipId: input.membershipId } })
    await tx.membershipDepartment.createMany({ data: wanted.map((departmentId) => ({ membershipId: input.membershipId, departmentId })) })
    const { id: userId, name, email } = member.user
    await recordAudit(tx, { ...input, action: 'team.departments_changed', data: { userId, name, email, departments: names } })
    return { status: 'saved' as const, name, departments: names }
  })
}

async function nameTaken(tx: Tx, orgId: string, name: string, exceptId?: string) {
  const clash = await tx.department.findFirst({
    where: { orgId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { archivedAt: true },
  })
  if (!clash) return null
  const archived = clash.archivedAt ? ' (archived: bring it back instead)' : ''
  return { status: 'refused' as const, field: 'name' as const, message: `There is already a department called ${name}${archived}.` }
}

/** A lead must be on the organisation's team. */
async function leadRefusal(tx: Tx, orgId: string, leadId: string | null) {
  if (!leadId) return null
  const onTeam = await tx.membership.count({ where: { orgId, userId: leadId, role: { in: [...TEAM_ROLES] } } })
  return onTeam ? null : { status: 'refused' as const, field: 'leadId' as const, message: 'Choose a lead from the team.' }
}

/** "Annual reviews" → "annual-reviews", or "annual-reviews-2" when that is taken. */
async function freeSlug(tx: Tx, orgId: string, name: string): Promise<string> {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'department'
  const taken = new Set(
    (await tx.department.findMany({ where: { orgId, slug: { startsWith: base } }, select: { slug: true } })).map((d) => d.slug),
  )
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`
    if (!taken.has(slug)) return slug
  }
}

/** Two admins making the same slug at once: the unique index decides, and the loser tries once more. */
async function retryOnNameRace<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt()
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return attempt()
    throw error
  }
}
