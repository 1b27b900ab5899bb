/**
 * Organisations, people and their roles: the one place the CLI, the demo seed,
 * the portal's sign-up and the API's requests for new families create them.
 */
import { z } from 'zod'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { EmailSchema } from '../domain/input-schemas.ts'
import { isStaffRole, ROLES } from '../domain/ticket.ts'
import { hashPassword } from './password.server.ts'

export const OrganisationInput = z.strictObject({
  slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'Use 1–50 lowercase letters, digits and hyphens'),
  name: z.string().trim().min(2).max(120),
  about: z.string().trim().max(2000).optional(),
  responseTime: z.string().trim().max(120).optional(),
  departments: z.array(z.strictObject({ slug: z.string(), name: z.string() })).optional(),
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
  return db.organisation.create({
    data: {
      slug: data.slug,
      name: data.name,
      about: data.about,
      responseTime: data.responseTime,
      departments: data.departments ? { create: data.departments } : undefined,
    },
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
