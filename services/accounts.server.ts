/**
 * Organisations, people and their roles: the one place the CLI, the demo seed,
 * the portal's sign-up, its team settings and the API's requests for new
 * families create them.
 */
import { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { EmailSchema } from '../domain/input-schemas.ts'
import { NAME_MAX } from '../domain/limits.ts'
import { isStaffRole, ROLES, type Role } from '../domain/ticket.ts'
import { OrganisationProfileSchema } from './organisation-settings.server.ts'
import { hashPassword } from './password.server.ts'

export const OrganisationInput = z.strictObject({
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'Use 1–50 lowercase letters, digits and hyphens'),
  // The profile its admins keep in the portal, validated as the settings page does.
  ...OrganisationProfileSchema.pick({
    name: true,
    about: true,
    responseTime: true,
    contactEmail: true,
    contactPhone: true,
    website: true,
    postalAddress: true,
  }).shape,
  // The first is the default department, for requests that name none; without any, "General".
  departments: z
    .array(z.strictObject({ slug: z.string(), name: z.string() }))
    .min(1)
    .optional(),
})

export const UserInput = z.strictObject({
  orgSlug: z.string(),
  role: z.enum(ROLES),
  email: EmailSchema,
  name: z.string().trim().min(1).max(120),
  password: z.string().min(10, 'Use at least 10 characters').max(200),
})

export class AccountError extends Error {
  override name = 'AccountError'
}

export async function createOrganisation(db: Db, input: z.input<typeof OrganisationInput>) {
  const data = OrganisationInput.parse(input)
  const existing = await db.organisation.findUnique({ where: { slug: data.slug } })
  if (existing) throw new AccountError(`An organisation with the slug "${data.slug}" already exists`)
  const { departments = [{ slug: 'general', name: 'General' }], ...organisation } = data
  return db.$transaction(async (tx) => {
    const org = await tx.organisation.create({ data: { ...organisation, departments: { create: departments } }, select: { id: true } })
    const first = await tx.department.findUniqueOrThrow({
      where: { orgId_slug: { orgId: org.id, slug: departments[0]!.slug } },
      select: { id: true },
    })
    return tx.organisation.update({ where: { id: org.id }, data: { defaultDepartmentId: first.id } })
  })
}

/**
 * Creates the person (or finds them by email) and gives them a role in the
 * organisation. A password is only set for a new person.
 */
export async function createUser(db: Db, input: z.input<typeof UserInput>) {
  const data = UserInput.parse(input)
  const org = await db.organisation.findUnique({ where: { slug: data.orgSlug } })
  if (!org) throw new AccountError(`No organisation with the slug "${data.orgSlug}"`)
  const passwordHash = await hashPassword(data.password)
  return db.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email: data.email },
      create: { email: data.email, name: data.name, passwordHash },
      update: {},
    })
    const membership = await tx.membership.findUnique({ where: { orgId_userId: { orgId: org.id, userId: user.id } } })
    if (membership) throw new AccountError(`${data.email} is already ${membership.role} in ${org.slug}`)
    await tx.membership.create({ data: { orgId: org.id, userId: user.id, role: data.role } })
    return { user, org, role: data.role }
  })
}

export const SignUpInput = z.strictObject({
  email: EmailSchema,
  name: z.string().trim().min(1).max(120),
  password: z.string().min(10, 'Use at least 10 characters').max(200),
})

/**
 * A person signing themselves up, as a family: no organisation yet (they join
 * one with their first request). An email already in use is an AccountError.
 */
export async function createAccount(db: Db, input: z.input<typeof SignUpInput>) {
  const data = SignUpInput.parse(input)
  const existing = await db.user.findFirst({ where: { email: { equals: data.email, mode: 'insensitive' } }, select: { id: true } })
  if (existing) throw new AccountError('An account with this email already exists')
  const passwordHash = await hashPassword(data.password)
  try {
    return await db.user.create({
      data: { email: data.email, name: data.name, passwordHash },
      select: { id: true, email: true, name: true },
    })
  } catch (error) {
    // Two sign-ups with the same email at once: the unique index decides.
    if (error instanceof Error && 'code' in error && (error as { code?: string }).code === 'P2002')
      throw new AccountError('An account with this email already exists')
    throw error
  }
}

/**
 * The family a request is made for, by email, inside the request's own
 * transaction: found, or given an account (without a password: they set one
 * from a reset link) when new to Caseway, so a request that fails leaves no
 * account behind. A member of the organisation's staff is refused: tickets are
 * requested by families.
 */
export async function familyForRequest(
  tx: Prisma.TransactionClient,
  orgId: string,
  person: { email: string; name: string },
): Promise<string> {
  // ON CONFLICT DO NOTHING: a concurrent request for the same new family waits for
  // this one and then finds its account, rather than failing the transaction.
  await tx.user.createMany({ data: [{ email: person.email, name: person.name }], skipDuplicates: true })
  const user = await tx.user.findUniqueOrThrow({
    where: { email: person.email },
    select: { id: true, memberships: { where: { orgId }, select: { role: true } } },
  })
  const role = user.memberships[0]?.role
  if (role && isStaffRole(role))
    throw new AccountError(`${person.email} is on this organisation’s staff; a ticket is requested by a family.`)
  return user.id
}

export const TEAM_ROLES = ['staff', 'admin'] as const satisfies readonly Role[]
export type TeamRole = (typeof TEAM_ROLES)[number]

export const TeamMemberInput = z.strictObject({
  email: EmailSchema,
  name: z
    .string({ error: 'Enter their name' })
    .trim()
    .min(1, 'Enter their name')
    .max(NAME_MAX, `Keep the name under ${NAME_MAX} characters`),
  role: z.enum(TEAM_ROLES, { error: 'Choose staff or admin' }),
})

/**
 * Puts a person on the organisation's team, inside the caller's transaction:
 * found by email, or given an account without a password (they choose one from
 * the link they are sent). Someone already on the team is an AccountError, and
 * so is a family the organisation supports: on its team they would read the
 * internal notes of their own requests.
 */
export async function addTeamMember(
  tx: Prisma.TransactionClient,
  orgId: string,
  input: z.input<typeof TeamMemberInput>,
): Promise<{ membershipId: string; user: { id: string; email: string; name: string }; hasPassword: boolean; isNew: boolean }> {
  const data = TeamMemberInput.parse(input)
  const select = { id: true, email: true, name: true, passwordHash: true, memberships: { where: { orgId }, select: { role: true } } }
  const existing = await tx.user.findFirst({ where: { email: { equals: data.email, mode: 'insensitive' } }, select })
  const user = existing ?? (await tx.user.create({ data: { email: data.email, name: data.name }, select }))
  const role = user.memberships[0]?.role
  if (role && isStaffRole(role)) throw new AccountError(`${user.name} (${user.email}) is already on the team, as ${role}.`)
  if (role === 'family' || (await tx.ticket.count({ where: { orgId, requesterId: user.id } })))
    throw new AccountError(
      `${user.email} belongs to a family this organisation supports, so it cannot join the team: they would see the internal notes on their own requests. Invite them with a work email address instead.`,
    )
  const membership = await tx.membership.create({ data: { orgId, userId: user.id, role: data.role }, select: { id: true } })
  return {
    membershipId: membership.id,
    user: { id: user.id, email: user.email, name: user.name },
    hasPassword: user.passwordHash !== null,
    isNew: !existing,
  }
}
