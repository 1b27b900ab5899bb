import { randomUUID } from 'node:crypto'
import type { Db } from '../../lib/db.ts'
import { createOrganisation, createUser } from '../../services/accounts.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'

export const TEST_PASSWORD = 'correct-horse-battery'

/** A fresh organisation with an admin, an advocate and two families, unique per call. */
export async function createTestOrganisation(db: Db) {
  const suffix = randomUUID().slice(0, 8)
  const org = await createOrganisation(db, { slug: `org-${suffix}`, name: `Test Advocacy ${suffix}` })
  const person = async (role: 'admin' | 'staff' | 'family', name: string) =>
    (
      await createUser(db, {
        orgSlug: org.slug,
        role,
        name,
        email: `${role}-${name.split(' ')[0]!.toLowerCase()}-${suffix}@test.example`,
        password: TEST_PASSWORD,
      })
    ).user
  return {
    org,
    admin: await person('admin', 'Ada Admin'),
    advocate: await person('staff', 'Sam Advocate'),
    family: await person('family', 'Fran Family'),
    otherFamily: await person('family', 'Olly Other'),
  }
}

/**
 * Two departments of the organisation ("Tribunals" and "Annual reviews") and Rory,
 * an advocate restricted to Annual reviews: a ticket of Tribunals is not theirs to see.
 */
export async function createDepartmentsWithRestrictedAdvocate(db: Db, org: { id: string; slug: string }) {
  const suffix = randomUUID().slice(0, 8)
  const [tribunals, reviews] = await Promise.all(
    ['Tribunals', 'Annual reviews'].map((name, i) =>
      db.department.create({ data: { orgId: org.id, slug: `team-${i}-${suffix}`, name }, select: { id: true } }),
    ),
  )
  const email = `rory-${suffix}@test.example`
  const { user } = await createUser(db, { orgSlug: org.slug, role: 'staff', name: 'Rory Reviews', email, password: TEST_PASSWORD })
  const membership = await db.membership.findFirstOrThrow({ where: { userId: user.id, orgId: org.id }, select: { id: true } })
  await setMemberDepartments(db, { orgId: org.id, membershipId: membership.id, departmentIds: [reviews!.id], actorId: null, via: 'cli' })
  return { tribunals: tribunals!, reviews: reviews!, restricted: { id: user.id, email } }
}
