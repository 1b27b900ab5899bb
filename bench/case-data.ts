/**
 * A team at scale for the dashboard's benchmark and its query-plan test: 20,000
 * cases across two advocates and no one, every status, some with overdue
 * actions and some with an overdue LA deadline, with
 * 100,000 tickets linked to them and a next action each, written in bulk SQL.
 */
import { randomUUID } from 'node:crypto'
import type { Db } from '../lib/db.ts'
import { createOrganisation, createUser } from '../services/accounts.server.ts'

export const SCALE = { cases: 20_000, tickets: 100_000 }

export async function insertTeamAtScale(
  db: Db,
  input: { orgId: string; familyIds: string[]; advocateIds: [string, string]; departmentId: string },
): Promise<void> {
  const { orgId, familyIds, advocateIds, departmentId } = input
  await db.$executeRaw`
    INSERT INTO "Case" (id, "orgId", number, "caseRef", "familyId", "childName", "advocateId", status, "stateVersion",
                        "lastActivityAt", "lastMessageAt", "overdueActions", "hasOverdue", "laOverdue")
    SELECT gen_random_uuid(), ${orgId}::uuid, g, 'CASE-' || g, (${familyIds}::uuid[])[1 + g % ${familyIds.length}], 'Child ' || g,
           CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN ${advocateIds[1]}::uuid ELSE ${advocateIds[0]}::uuid END,
           (ARRAY['intake','assessment_requested','assessment_agreed','draft_plan','final_plan','tribunal','closed'])[1 + (g / 3) % 7]::"CaseStatus",
           1,
           -- Some share an instant, so ties are broken by number.
           timestamp '2026-01-01' + ((g / 2) || ' minutes')::interval,
           CASE WHEN g % 5 = 0 THEN NULL ELSE timestamp '2026-01-01' + ((g / 2 + g % 300) || ' minutes')::interval END,
           CASE WHEN g % 9 = 0 THEN 1 ELSE 0 END, g % 9 = 0, g % 7 = 0
    FROM generate_series(1, ${SCALE.cases}) g`
  await db.$executeRaw`
    INSERT INTO "Ticket" (id, "orgId", number, "requesterId", subject, type, priority, status, awaiting, "departmentId",
                          "lastActivityAt", "caseRef", "caseId", "stateVersion")
    SELECT gen_random_uuid(), ${orgId}::uuid, g, (${familyIds}::uuid[])[1 + g % ${familyIds.length}], 'Request ' || g, 'ehcp', 'normal',
           'in_progress', 'staff', ${departmentId}::uuid, timestamp '2026-01-01' + (g || ' minutes')::interval,
           'CASE-' || (1 + g % ${SCALE.cases}), c.id, 1
    FROM generate_series(1, ${SCALE.tickets}) g
    JOIN "Case" c ON c."orgId" = ${orgId}::uuid AND c.number = 1 + g % ${SCALE.cases}`
  await db.$executeRaw`
    INSERT INTO "Task" (id, "orgId", "caseId", title, "createdById", "dueAt", overdue)
    SELECT gen_random_uuid(), c."orgId", c.id, 'Next step for ' || c.number, ${advocateIds[0]}::uuid,
           timestamp '2026-02-01' + ((c.number % 500) || ' hours')::interval, c."hasOverdue"
    FROM "Case" c WHERE c."orgId" = ${orgId}::uuid`
  for (const table of ['Case', 'Ticket', 'Task']) await db.$executeRawUnsafe(`VACUUM ANALYZE "${table}"`)
}

/** An organisation of its own (bench-<suffix>) with an advocate, an admin, 50 families and the team at scale. */
export async function organisationAtScale(db: Db): Promise<{ org: { id: string; slug: string }; advocateId: string; adminId: string }> {
  const suffix = randomUUID().slice(0, 8)
  const org = await createOrganisation(db, { slug: `bench-${suffix}`, name: `Bench ${suffix}` })
  const person = async (role: 'admin' | 'staff' | 'family', i: number) =>
    (
      await createUser(db, {
        orgSlug: org.slug,
        role,
        name: `${role} ${i}`,
        email: `${role}-${i}-${suffix}@bench.example`,
        password: randomUUID(),
      })
    ).user.id
  const advocateId = await person('staff', 0)
  const adminId = await person('admin', 0)
  const familyIds = await Promise.all(Array.from({ length: 50 }, (_, i) => person('family', i)))
  const { defaultDepartmentId } = await db.organisation.findUniqueOrThrow({ where: { id: org.id }, select: { defaultDepartmentId: true } })
  await insertTeamAtScale(db, { orgId: org.id, familyIds, advocateIds: [advocateId, adminId], departmentId: defaultDepartmentId! })
  return { org: { id: org.id, slug: org.slug }, advocateId, adminId }
}
