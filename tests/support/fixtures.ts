import { randomUUID } from 'node:crypto'
import type { Db } from '../../lib/db.ts'
import { createOrganisation, createUser } from '../../services/accounts.server.ts'

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
