/**
 * The queue sorted by a name kept in another table (the family's, the
 * assignee's, the department's), a keyset page at a time without sorting every
 * match: queue.server.ts uses it when there are too many matches to sort in memory.
 */
import { Prisma } from '../generated/prisma/client.ts'
import type { CursorValue, NameSort, SortDirection } from './queue-query.server.ts'

const NAME_KEYS: Record<NameSort, Prisma.Sql> = {
  family: Prisma.sql`t."requesterId"`,
  assignee: Prisma.sql`t."assigneeId"`,
  department: Prisma.sql`t."departmentId"`,
}

/**
 * The groups a name sort walks, as (id, name), with a group of no one (null)
 * where the ticket may have none. Families are every user, walked through the
 * name index: most are some organisation's families, and the walk stops once a
 * page is full. Assignees are found by a loose scan of the assignee index (one
 * probe per person, however many tickets each has); departments are the
 * organisation's own.
 */
function nameGroups(sort: NameSort, orgId: string, dir: SortDirection): Prisma.Sql {
  if (sort === 'family') return Prisma.sql`"User" g`
  const d = Prisma.raw(dir === 'asc' ? 'ASC' : 'DESC')
  const named =
    sort === 'department'
      ? Prisma.sql`SELECT d."id", d."name" FROM "Department" d WHERE d."orgId" = ${orgId}::uuid`
      : Prisma.sql`SELECT u."id", u."name" FROM "User" u WHERE u."id" = ANY(ARRAY(
          WITH RECURSIVE assignees("id") AS (
            (SELECT t."assigneeId" FROM "Ticket" t WHERE t."orgId" = ${orgId}::uuid AND t."assigneeId" IS NOT NULL ORDER BY t."assigneeId" LIMIT 1)
            UNION ALL
            SELECT (SELECT t."assigneeId" FROM "Ticket" t WHERE t."orgId" = ${orgId}::uuid AND t."assigneeId" > a."id" ORDER BY t."assigneeId" LIMIT 1)
            FROM assignees a WHERE a."id" IS NOT NULL)
          SELECT "id" FROM assignees WHERE "id" IS NOT NULL))`
  // OFFSET 0 keeps the sorted groups a subquery, so the join below keeps their order.
  return Prisma.sql`(${named} UNION ALL SELECT NULL::uuid, NULL::text ORDER BY 2 ${d}, 1 ${d} OFFSET 0) g`
}

/** The groups at or after the cursor's name in `dir` order (null last ascending, first descending). */
function groupFloor(sort: NameSort, dir: SortDirection, cursor: { value: CursorValue } | null): Prisma.Sql {
  if (!cursor || (cursor.value === null && dir === 'desc')) return Prisma.sql`TRUE`
  if (cursor.value === null) return Prisma.sql`g."name" IS NULL`
  if (dir === 'desc') return Prisma.sql`g."name" <= ${cursor.value}::text`
  return sort === 'family'
    ? Prisma.sql`g."name" >= ${cursor.value}::text`
    : Prisma.sql`(g."name" >= ${cursor.value}::text OR g."name" IS NULL)`
}

/**
 * A page sorted by a name: the groups in name order, each one's first tickets
 * (by number) read through its index, up to a page from each. PostgreSQL then
 * only sorts within a name (an incremental sort) and stops once the page is full.
 */
export function walkByName(input: {
  sort: NameSort
  dir: SortDirection
  where: Prisma.Sql[]
  cursor: { value: CursorValue; number: number } | null
  size: number
  orgId: string
}): Prisma.Sql {
  const { sort, dir, cursor } = input
  const d = Prisma.raw(dir === 'asc' ? 'ASC' : 'DESC')
  const key = NAME_KEYS[sort]
  // Only the cursor's own name holds tickets before the cursor. As a bound on the
  // number (not an OR), it stays a condition of the index scan.
  const numberBound = cursor
    ? Prisma.sql`AND t."number" ${Prisma.raw(dir === 'asc' ? '>' : '<')} CASE WHEN g."name" IS NOT DISTINCT FROM ${cursor.value}::text
        THEN ${cursor.number}::int ELSE ${dir === 'asc' ? 0 : 2 ** 31 - 1}::int END`
    : Prisma.empty
  const ticketsOf = (group: Prisma.Sql) => Prisma.sql`
    (SELECT t.* FROM "Ticket" t WHERE ${group} AND ${Prisma.join(input.where, ' AND ')} ${numberBound}
     ORDER BY t."number" ${d} LIMIT ${input.size + 1})`
  const tickets =
    sort === 'family'
      ? ticketsOf(Prisma.sql`${key} = g."id"`)
      : Prisma.sql`${ticketsOf(Prisma.sql`g."id" IS NOT NULL AND ${key} = g."id"`)}
          UNION ALL ${ticketsOf(Prisma.sql`g."id" IS NULL AND ${key} IS NULL`)}`
  return Prisma.sql`
    SELECT t.* FROM ${nameGroups(sort, input.orgId, dir)} CROSS JOIN LATERAL (${tickets}) t
    WHERE ${groupFloor(sort, dir, cursor)}
    ORDER BY g."name" ${d}, t."number" ${d} LIMIT ${input.size + 1}`
}
