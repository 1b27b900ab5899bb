/**
 * The staff queue as one SQL query: view, status tab, filters, full-text search
 * and a keyset page in the chosen order (the query itself, read from the URL, is
 * in queue-query.server.ts). Every sort is (value, ticket number), so a page
 * costs the same on page 1 and page 2,000, at 100 tickets or 100,000: a sort by
 * a column of the ticket walks an index on it
 * (prisma/migrations/20261123123400_portal_search, 20261205120000_queue_sorts);
 * a sort by a name kept in another table walks the names in order and reads
 * each one's tickets through an index (walkByName).
 *
 * The status predicates are written as literals, not parameters: PostgreSQL
 * only uses a partial index when it can see that the query implies the index's
 * WHERE clause.
 */
import { Prisma } from '../generated/prisma/client.ts'
import type { SlaState } from '../domain/sla.ts'
import type { Awaiting, Priority, TicketStatus, TicketType } from '../domain/ticket.ts'
import type { ServiceContext } from './context.ts'
import { walkByName } from './queue-by-name.server.ts'
import { ticketScopeSql, ticketScopeWhere, type TicketScope } from './ticket-access.server.ts'
import { passageSql, searchPredicate } from './ticket-search.server.ts'
import {
  decodeCursor,
  encodeCursor,
  isNameSort,
  NULLABLE_SORTS,
  OPEN_STATUSES,
  QUEUE_TABS,
  type CursorValue,
  type QueueQuery,
  type QueueSort,
  type QueueTab,
  type SortDirection,
} from './queue-query.server.ts'

export * from './queue-query.server.ts'

export const PAGE_SIZE = 50
/** Up to this many matching tickets are sorted in memory rather than read in index order (see queueSql). */
const FEW_MATCHES = 2000

const sqlList = (values: readonly string[]) => Prisma.raw(values.map((v) => `'${v}'`).join(', '))
// Enum labels from our own constants, never from the request: safe as literals.
const STAFF_WORKING = sqlList(['in_progress', 'pending_family', 'pending_la'])

function statusPredicate(tab: QueueTab): Prisma.Sql {
  if (tab === 'open') return Prisma.sql`t."status" IN (${sqlList(OPEN_STATUSES)})`
  return Prisma.sql`t."status" = ${Prisma.raw(`'${tab}'`)}`
}

/** Who the ticket awaits after each side wrote last (the workflow sets it from the last message). */
const AWAITING_AFTER: Record<'family' | 'staff', Exclude<Awaiting, null>> = { family: 'staff', staff: 'family' }

function filterPredicates(
  query: Pick<QueueQuery, 'view' | 'filters'>,
  ids: { orgId: string; userId: string },
  watched: readonly string[],
  search: 'gather' | 'probe',
): Prisma.Sql[] {
  const { orgId, userId } = ids
  const { filters } = query
  const where: Prisma.Sql[] = []
  // The watched tickets' ids as a value, not a subquery: PostgreSQL plans with the
  // list itself, so it can combine both halves from their indexes (a bitmap OR)
  // or test each row against a hash of the list, however long it is.
  if (query.view === 'mine')
    where.push(
      watched.length
        ? Prisma.sql`(t."assigneeId" = ${userId}::uuid OR t."id" = ANY(${watched}::uuid[]))`
        : Prisma.sql`t."assigneeId" = ${userId}::uuid`,
    )
  if (filters.assignee === 'mine') where.push(Prisma.sql`t."assigneeId" = ${userId}::uuid`)
  if (filters.assignee === 'unassigned') where.push(Prisma.sql`t."assigneeId" IS NULL`)
  if (filters.type) where.push(Prisma.sql`t."type" = ${filters.type}::"TicketType"`)
  if (filters.priority) where.push(Prisma.sql`t."priority" = ${filters.priority}::"Priority"`)
  if (filters.sla) where.push(Prisma.sql`t."slaState" = ${filters.sla}::"SlaState"`)
  // As utils/format.ts familyMarker() and answered(): who wrote last on a ticket staff are working.
  if (filters.lastReply)
    where.push(Prisma.sql`t."awaiting" = ${AWAITING_AFTER[filters.lastReply]}::"Awaiting" AND t."status" IN (${STAFF_WORKING})`)
  if (filters.q) where.push(searchPredicate({ orgId, text: filters.q, searcher: 'staff', form: search }) ?? Prisma.sql`FALSE`)
  return where
}

/**
 * The tag filter, said two ways. A page walking a sort index asks EXISTS: one
 * primary-key probe per ticket it passes. The counts read the tag's tickets
 * from TicketTag_tagId_ticketId_idx and each one's status through the ticket's
 * primary key; as a join, the planner would rather scan every ticket of a
 * common tag's organisation.
 */
function tagPredicate(tagId: string, use: 'page' | 'counts'): Prisma.Sql {
  const tagged = Prisma.sql`SELECT tt."ticketId" FROM "TicketTag" tt WHERE tt."tagId" = ${tagId}::uuid`
  return use === 'page' ? Prisma.sql`EXISTS (${tagged} AND tt."ticketId" = t."id")` : Prisma.sql`t."id" = ANY(ARRAY(${tagged}))`
}

const SORT_COLUMNS: Record<QueueSort, Prisma.Sql> = {
  activity: Prisma.sql`t."lastActivityAt"`,
  number: Prisma.sql`t."number"`,
  subject: Prisma.sql`t."subject"`,
  type: Prisma.sql`t."type"`,
  status: Prisma.sql`t."status"`,
  priority: Prisma.sql`t."priority"`,
  sla: Prisma.sql`t."slaDueAt"`,
  family: Prisma.sql`(SELECT u."name" FROM "User" u WHERE u."id" = t."requesterId")`,
  assignee: Prisma.sql`(SELECT u."name" FROM "User" u WHERE u."id" = t."assigneeId")`,
  department: Prisma.sql`(SELECT d."name" FROM "Department" d WHERE d."id" = t."departmentId")`,
}

const CURSOR_TYPES: Record<QueueSort, string> = {
  // Columns are timestamp(3) holding UTC; the cursor's ISO string is UTC too.
  activity: 'timestamp',
  sla: 'timestamp',
  number: 'int',
  priority: '"Priority"',
  type: '"TicketType"',
  status: '"TicketStatus"',
  subject: 'text',
  family: 'text',
  assignee: 'text',
  department: 'text',
}

/**
 * Rows strictly after (value, number) in `dir` order. Null sorts as the largest
 * value (PostgreSQL's default: last ascending, first descending).
 */
function keysetPredicate(sort: QueueSort, dir: SortDirection, cursor: { value: CursorValue; number: number }): Prisma.Sql {
  const column = SORT_COLUMNS[sort]
  const op = Prisma.raw(dir === 'asc' ? '>' : '<')
  if (sort === 'number') return Prisma.sql`t."number" ${op} ${cursor.number}`
  if (cursor.value === null) {
    return dir === 'asc'
      ? Prisma.sql`(${column} IS NULL AND t."number" > ${cursor.number})`
      : Prisma.sql`((${column} IS NULL AND t."number" < ${cursor.number}) OR ${column} IS NOT NULL)`
  }
  const value = Prisma.sql`${cursor.value}::${Prisma.raw(CURSOR_TYPES[sort])}`
  const after = Prisma.sql`(${column}, t."number") ${op} (${value}, ${cursor.number}::int)`
  return dir === 'asc' && NULLABLE_SORTS.includes(sort) ? Prisma.sql`(${after} OR ${column} IS NULL)` : after
}

function orderBy(sort: QueueSort, dir: SortDirection): Prisma.Sql {
  const d = Prisma.raw(dir === 'asc' ? 'ASC' : 'DESC')
  if (sort === 'number') return Prisma.sql`t."number" ${d}`
  return Prisma.sql`${SORT_COLUMNS[sort]} ${d}, t."number" ${d}`
}

// ---------------------------------------------------------------------------
// The page

export interface QueueRow {
  id: string
  number: number
  subject: string
  /** A conversation staff started, or a family's request. */
  kind: 'ticket' | 'conversation'
  type: TicketType
  status: TicketStatus
  awaiting: Awaiting
  reopenedByFamily: boolean
  priority: Priority
  lastActivityAt: Date
  slaState: SlaState | null
  slaDueAt: Date | null
  slaTargets: unknown
  caseRef: string | null
  familyName: string
  assigneeName: string | null
  assigneeId: string | null
  departmentName: string | null
  /** Its tags' names, A to Z. */
  tags: string[]
  /** Its checklist's items, staff-only ones too, and how many are done (0 of 0: it has none). */
  checklistTotal: number
  checklistDone: number
  /** While searching: the newest message with the words, marked (ticket-search.server.ts passagePieces). */
  passage: string | null
}

export interface QueuePage {
  rows: QueueRow[]
  /** Cursors for the neighbouring pages, null at either end. */
  next: string | null
  previous: string | null
  counts: Record<QueueTab, number>
}

const CURSOR_OF: Record<QueueSort, (row: QueueRow) => CursorValue> = {
  activity: (row) => row.lastActivityAt.toISOString(),
  sla: (row) => row.slaDueAt?.toISOString() ?? null,
  number: (row) => row.number,
  subject: (row) => row.subject,
  priority: (row) => row.priority,
  type: (row) => row.type,
  status: (row) => row.status,
  family: (row) => row.familyName,
  assignee: (row) => row.assigneeName,
  department: (row) => row.departmentName,
}

function cursorOf(sort: QueueSort, row: QueueRow): string {
  return encodeCursor(CURSOR_OF[sort](row), row.number)
}

/** The two statements behind a page: its rows (one more than the page, to know if another follows) and the tab counts. */
export function queueSql(input: {
  orgId: string
  userId: string
  /** Which of the organisation's tickets the person sees (ticket-access.server.ts): rows and counts alike. */
  scope: TicketScope
  query: QueueQuery
  /** The tickets the person watches, for the My tickets view (watchedTickets). */
  watched?: readonly string[]
  pageSize?: number
  fewMatches?: boolean
}) {
  const { orgId, userId, query } = input
  const size = input.pageSize ?? PAGE_SIZE
  const { sort, dir } = query
  const backwards = query.before !== null && query.after === null
  const cursor = decodeCursor(sort, backwards ? query.before : query.after)
  // A previous page is the next page in the opposite order, turned round.
  const scanDir: SortDirection = backwards ? (dir === 'asc' ? 'desc' : 'asc') : dir
  // Many matches are walked in page order and tried one by one; few are gathered (ticket-search.server.ts).
  const search = input.fewMatches === false ? 'probe' : 'gather'
  const visible = ticketScopeSql(input.scope)
  const filters = [...(visible ? [visible] : []), ...filterPredicates(query, { orgId, userId }, input.watched ?? [], search)]
  const tag = query.filters.tag
  const where = [
    Prisma.sql`t."orgId" = ${orgId}::uuid`,
    statusPredicate(query.tab),
    ...filters,
    ...(tag ? [tagPredicate(tag, 'page')] : []),
  ]
  // Few matches: find them all through the filters' own indexes, then sort. Walking
  // an index in sort order and skipping non-matches would read the whole index
  // when matches are rare (or none); the materialised CTE keeps the planner from it.
  let page: Prisma.Sql
  if (!input.fewMatches && isNameSort(sort)) {
    page = walkByName({ sort, dir: scanDir, where, cursor, size, orgId })
  } else {
    if (cursor) where.push(keysetPredicate(sort, scanDir, cursor))
    page = input.fewMatches
      ? Prisma.sql`
        WITH matches AS MATERIALIZED (SELECT t.* FROM "Ticket" t WHERE ${Prisma.join(where, ' AND ')})
        SELECT t.* FROM matches t ORDER BY ${orderBy(sort, scanDir)} LIMIT ${size + 1}`
      : Prisma.sql`
        SELECT t.* FROM "Ticket" t WHERE ${Prisma.join(where, ' AND ')}
        ORDER BY ${orderBy(sort, scanDir)} LIMIT ${size + 1}`
  }
  const rows = Prisma.sql`
      SELECT t."id", t."number", t."subject", t."kind", t."type", t."status", t."awaiting", t."reopenedByFamily", t."priority",
             t."lastActivityAt", t."slaState", t."slaDueAt", t."slaTargets", t."caseRef", t."assigneeId",
             r."name" AS "familyName", a."name" AS "assigneeName", d."name" AS "departmentName",
             ARRAY(SELECT g."name" FROM "TicketTag" tt JOIN "Tag" g ON g."id" = tt."tagId"
                   WHERE tt."ticketId" = t."id" ORDER BY g."key") AS "tags",
             k."total" AS "checklistTotal", k."done" AS "checklistDone",
             ${query.filters.q ? passageSql({ text: query.filters.q, searcher: 'staff' }) : Prisma.sql`NULL::text`} AS "passage"
      FROM (${page}) t
      JOIN "User" r ON r."id" = t."requesterId"
      LEFT JOIN "User" a ON a."id" = t."assigneeId"
      LEFT JOIN "Department" d ON d."id" = t."departmentId"
      -- Counted per row of the page (50 at most), through ChecklistItem_ticketId_position_idx.
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS "total", (count(*) FILTER (WHERE c."done"))::int AS "done"
        FROM "ChecklistItem" c WHERE c."ticketId" = t."id"
      ) k ON true
      ORDER BY ${orderBy(sort, scanDir)}`
  const counts = Prisma.sql`
      SELECT t."status", count(*) AS "count" FROM "Ticket" t
      WHERE ${Prisma.join([Prisma.sql`t."orgId" = ${orgId}::uuid`, ...filters, ...(tag ? [tagPredicate(tag, 'counts')] : [])], ' AND ')}
      GROUP BY t."status"`
  return { rows, counts, size, backwards, cursor, sort }
}

/** The ids of the organisation's tickets the person watches. */
export async function watchedTickets(ctx: Pick<ServiceContext, 'db'>, input: { orgId: string; userId: string }): Promise<string[]> {
  const rows = await ctx.db.ticketWatcher.findMany({
    where: { userId: input.userId, ticket: { orgId: input.orgId } },
    select: { ticketId: true },
  })
  return rows.map((r) => r.ticketId)
}

export async function queuePage(
  ctx: Pick<ServiceContext, 'db'>,
  request: { orgId: string; userId: string; scope: TicketScope; query: QueueQuery; pageSize?: number },
): Promise<QueuePage> {
  const input = { ...request, watched: request.query.view === 'mine' ? await watchedTickets(ctx, request) : [] }
  const grouped = await ctx.db.$queryRaw<{ status: TicketStatus; count: bigint }[]>(queueSql(input).counts)
  const counts = Object.fromEntries(QUEUE_TABS.map((tab) => [tab, 0])) as Record<QueueTab, number>
  for (const g of grouped) {
    counts[g.status] = Number(g.count)
    if ((OPEN_STATUSES as readonly string[]).includes(g.status)) counts.open += Number(g.count)
  }
  // The counts say how many rows the tab holds: none means no second query, few means sorting them all.
  const matching = counts[input.query.tab]
  const { rows: rowsSql, size, backwards, cursor, sort } = queueSql({ ...input, fewMatches: matching <= FEW_MATCHES })
  const rows = matching === 0 ? [] : await ctx.db.$queryRaw<QueueRow[]>(rowsSql)

  const more = rows.length > size
  const page = rows.slice(0, size)
  if (backwards) page.reverse()
  const first = page[0]
  const last = page[page.length - 1]
  // Going forwards, a previous page exists if we came from a cursor; going back, a next one does.
  const next = backwards ? (last && cursor ? cursorOf(sort, last) : null) : more && last ? cursorOf(sort, last) : null
  const previous = backwards ? (more && first ? cursorOf(sort, first) : null) : cursor && first ? cursorOf(sort, first) : null

  return { rows: page, next, previous, counts }
}

/**
 * The newest open tickets nobody has taken that the person sees, for the staff
 * landing page, and how many there are. They include every New ticket: assigning one starts work on it
 * (domain/ticket-commands.ts), so a New ticket is never assigned.
 */
export async function unassignedRequests(ctx: Pick<ServiceContext, 'db'>, input: { orgId: string; scope: TicketScope; take: number }) {
  const where = { orgId: input.orgId, status: { in: [...OPEN_STATUSES] }, assigneeId: null, ...ticketScopeWhere(input.scope) }
  const [count, tickets] = await Promise.all([
    ctx.db.ticket.count({ where }),
    ctx.db.ticket.findMany({
      where,
      orderBy: { number: 'desc' },
      take: input.take,
      select: {
        number: true,
        subject: true,
        status: true,
        createdAt: true,
        slaState: true,
        slaDueAt: true,
        slaTargets: true,
        requester: { select: { name: true } },
      },
    }),
  ])
  return { count, tickets }
}
