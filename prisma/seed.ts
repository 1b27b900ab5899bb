/**
 * Demo data for a new local stack: one organisation with departments, an admin,
 * two advocates and two families. Only an empty database is seeded.
 */
import type { Db } from '../lib/db.ts'
import { createOrganisation, createUser } from '../web/app/services/accounts.server.ts'

// Printed by `npm start` next to the logins: this is local demo data.
export const DEMO_PASSWORD = 'caseway-demo-2026'

export interface DemoLogin {
  role: string
  name: string
  email: string
  password: string
}

const DEMO_PEOPLE = [
  { role: 'admin', name: 'Amira Haddad', email: 'admin@brightpath.example' },
  { role: 'staff', name: 'Ben Okafor', email: 'ben@brightpath.example' },
  { role: 'staff', name: 'Chloe Price', email: 'chloe@brightpath.example' },
  { role: 'family', name: 'Dana Whitfield', email: 'dana@family.example' },
  { role: 'family', name: 'Elliot Marsh', email: 'elliot@family.example' },
] as const

export async function seedDemoData(db: Db): Promise<DemoLogin[] | undefined> {
  if ((await db.organisation.count()) > 0) return undefined
  const org = await createOrganisation(db, {
    slug: 'brightpath',
    name: 'Brightpath SEND Advocacy',
    about:
      'Independent advocates helping families through EHC needs assessments, annual reviews, DLA claims and SEND tribunal appeals.',
    responseTime: 'within one working day',
    departments: [
      { slug: 'ehcp', name: 'EHCP and assessments' },
      { slug: 'tribunal', name: 'Tribunals and appeals' },
      { slug: 'general', name: 'General advice' },
    ],
  })
  for (const person of DEMO_PEOPLE) {
    await createUser(db, { orgSlug: org.slug, password: DEMO_PASSWORD, ...person })
  }
  return DEMO_PEOPLE.map((person) => ({ ...person, password: DEMO_PASSWORD }))
}
