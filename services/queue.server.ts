/**
 * The staff queue as one SQL query: status tab, filters, full-text search and a
 * keyset page in the chosen order. Every sort is (column, ticket number) and has
 * an index of its own for open and for done tickets
 * (prisma/migrations/20261123123400_portal_search), so a page costs the same on
 * page 1 and page 2,000, at 100 tickets or 100,000.
 *
 * The status predicates are written as literals, not parameters: PostgreSQL
 * only uses a partial index when it can see that the query implies the index's
 * WHERE clause.
 */
import { Prisma } from '../generated/prisma/client.ts'
import { SLA_FILTER_STATES, type SlaState } from '../domain/sla.ts'
import {
  PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  type Awaiting,
  type Priority,
  type TicketStatus,
  type TicketType,
} from '../domain/ticket.ts'
import type { ServiceContext } from './context.ts'

export const OPEN_STATUSES = ['new', 'in_progress', 'pending_family', 'pending_la'] as const satisfies readonly TicketStatus[]
export const DONE_STATUSES = ['resolved', 'closed'] as const satisfies readonly TicketStatus[]

export const QUEUE_TABS = ['open', ...TICKET_STATUSES] as const
export type QueueTab = (typeof QUEUE_TABS)[number]

export const QUEUE_SORTS = ['activity', 'number', 'subject', 'priority', 'sla'] as const
export type QueueSort = (typeof QUEUE_SORTS)[number]
export type SortDirection = 'asc' | 'desc'

/** The order a column sorts in first: newest activity and highest number first, the rest ascending. */
export const DEFAULT_DIRECTION: Record<QueueSort, SortDirection> = {
  activity: 'desc',
  number: 'desc',
  subject: 'asc',
  priority: 'asc',
  sla: 'asc',
}

export const ASSIGNEE_FILTERS = ['any', 'mine', 'unassigned'] as const
export type AssigneeFilter = (typeof ASSIGNEE_FILTERS)[number]

export interface QueueFilters {
  assignee: AssigneeFilter
  type: TicketType | null
  priority: Priority | null
  sla: (typeof SLA_FILTER_STATES)[number] | null
  familyReplied: boolean
  /** Free text: a ticket number ("#42" or "42"), words of the subject, or of the family's name. */
  q: string
}

export interface QueueQuery {
  tab: QueueTab
  filters: QueueFilters
  sort: QueueSort
  dir: SortDirection
  /** Rows after this cursor (the next page), or before it (the previous page). */
  after: string | null
  before: string | null
}

export const PAGE_SIZE = 50
/** Up to this many matching tickets are sorted in memory rather than read in index order (see queueSql). */
const FEW_MATCHES = 2000

/** Reads the queue's URL into a query, ignoring anything it does not recognise. */
export function parseQueueQuery(params: URLSearchParams): QueueQuery {
  const pick = <T extends string>(values: readonly T[], value: string | null): T | null =>
    value !== null && (values as readonly string[]).includes(value) ? (value as T) : null
  const sort = pick(QUEUE_SORTS, params.get('sort')) ?? 'activity'
  return {
    tab: pick(QUEUE_TABS, params.get('status')) ?? 'open',
    filters: {
      assignee: pick(ASSIGNEE_FILTERS, params.get('assignee')) ?? 'any',
      type: pick(TICKET_TYPES, params.get('type')),
      priority: pick(PRIORITIES, params.get('priority')),
      sla: pick(SLA_FILTER_STATES, params.get('sla')),
      familyReplied: params.get('replied') === '1',
      q: (params.get('q') ?? '').trim().slice(0, 200),
    },
    sort,
    dir: pick(['asc', 'desc'] as const, params.get('dir')) ?? DEFAULT_DIRECTION[sort],
    after: params.get('after'),
    before: params.get('before'),
  }
}

/** The query as URL parameters, leaving out defaults so links stay short. */
export function queueSearchParams(query: Omit<QueueQuery, 'after' | 'before'>, page: { after?: string; before?: string } = {}) {
  const params = new URLSearchParams()
  if (query.tab !== 'open') params.set('status', query.tab)
  if (query.filters.q) params.set('q', query.filters.q)
  if (query.filters.assignee !== 'any') params.set('assignee', query.filters.assignee)
  if (query.filters.type) params.set('type', query.filters.type)
  if (query.filters.priority) params.set('priority', query.filters.priority)
  if (query.filters.sla) params.set('sla', query.filters.sla)
  if (query.filters.familyReplied) params.set('replied', '1')
  if (query.sort !== 'activity' || query.dir !== DEFAULT_DIRECTION.activity) {
    params.set('sort', query.sort)
    params.set('dir', query.dir)
  }
  if (page.after) params.set('after', page.after)
  if (page.before) params.set('before', page.before)
  return params
}

export function hasFilters(filters: QueueFilters): boolean {
  return (
    filters.assignee !== 'any' ||
    filters.type !== null ||
    filters.priority !== null ||
    filters.sla !== null ||
    filters.familyReplied ||
    filters.q !== ''
  )
}

// ---------------------------------------------------------------------------
// Cursors: the last row's sort value and number, opaque to people.

type CursorValue = string | number | null

function encodeCursor(value: CursorValue, number: number): string {
  return Buffer.from(JSON.stringify([value, number])).toString('base64url')
}

/** The cursor's values, checked against the sort they claim to belong to; null if it is not one of ours. */
export function decodeCursor(sort: QueueSort, cursor: string | null): { value: CursorValue; number: number } | null {
  if (!cursor || cursor.length > 600) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null
  const [value, number] = parsed as [unknown, unknown]
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) return null
  switch (sort) {
    case 'number':
      return { value: number, number }
    case 'activity':
      return typeof value === 'string' && isIsoInstant(value) ? { value, number } : null
    case 'sla':
      return value === null || (typeof value === 'string' && isIsoInstant(value)) ? { value, number } : null
    case 'priority':
      return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value) ? { value, number } : null
    case 'subject':
      return typeof value === 'string' && value.length <= 500 ? { value, number } : null
  }
}

function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && Number.isFinite(Date.parse(value))
}

// ---------------------------------------------------------------------------
// Search

/**
 * A prefix query for to_tsquery: every word must match the start of a word
 * ("rob whit" finds "Robin Whitfield"). Only letters and digits reach it, so
 * nothing a person types can break the query's syntax.
 */
export function prefixTsQuery(text: string): string | null {
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((w) => w.slice(0, 60))
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null
}

/** "#42" or "42": a ticket number. */
export function ticketNumberIn(text: string): number | null {
  const match = text.trim().match(/^#?\s*(\d{1,9})$/)
  return match ? Number(match[1]) : null
}

// ---------------------------------------------------------------------------
// The query

const sqlList = (values: readonly string[]) => Prisma.raw(values.map((v) => `'${v}'`).join(', '))

function statusPredicate(tab: QueueTab): Prisma.Sql {
  // Enum labels from our own constants, never from the request: safe as literals.
  if (tab === 'open') return Prisma.sql`t."status" IN (${sqlList(OPEN_STATUSES)})`
  return Prisma.sql`t."status" = ${Prisma.raw(`'${tab}'`)}`
}

function filterPredicates(filters: QueueFilters, userId: string): Prisma.Sql[] {
  const where: Prisma.Sql[] = []
  if (filters.assignee === 'mine') where.push(Prisma.sql`t."assigneeId" = ${userId}::uuid`)
  if (filters.assignee === 'unassigned') where.push(Prisma.sql`t."assigneeId" IS NULL`)
  if (filters.type) where.push(Prisma.sql`t."type" = ${filters.type}::"TicketType"`)
  if (filters.priority) where.push(Prisma.sql`t."priority" = ${filters.priority}::"Priority"`)
  if (filters.sla) where.push(Prisma.sql`t."slaState" = ${filters.sla}::"SlaState"`)
  // As utils/format.ts familyReplied(): the family wrote last on a ticket staff are working.
  if (filters.familyReplied)
    where.push(Prisma.sql`t."awaiting" = 'staff' AND t."status" IN (${sqlList(['in_progress', 'pending_family', 'pending_la'])})`)
  if (filters.q) {
    const number = ticketNumberIn(filters.q)
    const tsquery = prefixTsQuery(filters.q)
    const matches: Prisma.Sql[] = []
    if (number !== null) matches.push(Prisma.sql`t."number" = ${number}`)
    if (tsquery !== null) {
      // The expressions match the GIN indexes exactly, or they would not be used.
      matches.push(Prisma.sql`to_tsvector('simple', t."subject") @@ to_tsquery('simple', ${tsquery})`)
      // = ANY(ARRAY(...)) rather than IN (...): the families are found once, and the
      // three conditions combine as a bitmap OR of their indexes instead of a scan.
      matches.push(
        Prisma.sql`t."requesterId" = ANY(ARRAY(SELECT u."id" FROM "User" u WHERE to_tsvector('simple', u."name") @@ to_tsquery('simple', ${tsquery})))`,
      )
    }
    where.push(matches.length ? Prisma.sql`(${Prisma.join(matches, ' OR ')})` : Prisma.sql`FALSE`)
  }
  return where
}

const SORT_COLUMNS: Record<QueueSort, Prisma.Sql> = {
  activity: Prisma.sql`t."lastActivityAt"`,
  number: Prisma.sql`t."number"`,
  subject: Prisma.sql`t."subject"`,
  priority: Prisma.sql`t."priority"`,
  sla: Prisma.sql`t."slaDueAt"`,
}

function castCursor(sort: QueueSort, value: string | number): Prisma.Sql {
  switch (sort) {
    case 'activity':
    case 'sla':
      // Columns are timestamp(3) holding UTC; the cursor's ISO string is UTC too.
      return Prisma.sql`${value}::timestamp`
    case 'priority':
      return Prisma.sql`${value}::"Priority"`
    case 'number':
      return Prisma.sql`${value}::int`
    case 'subject':
      return Prisma.sql`${value}::text`
  }
}

/**
 * Rows strictly after (value, number) in `dir` order. Null sorts as the largest
 * value (PostgreSQL's default: last ascending, first descending), which only the
 * SLA due time can be.
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
  const value = castCursor(sort, cursor.value)
  const after = Prisma.sql`(${column}, t."number") ${op} (${value}, ${cursor.number}::int)`
  return dir === 'asc' && sort === 'sla' ? Prisma.sql`(${after} OR ${column} IS NULL)` : after
}

function orderBy(sort: QueueSort, dir: SortDirection): Prisma.Sql {
  const d = Prisma.raw(dir === 'asc' ? 'ASC' : 'DESC')
  if (sort === 'number') return Prisma.sql`t."number" ${d}`
  return Prisma.sql`${SORT_COLUMNS[sort]} ${d}, t."number" ${d}`
}

export interface QueueRow {
  id: string
  number: number
  subject: string
  type: TicketType
  status: TicketStatus
  awaiting: Awaiting
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
}

export interface QueuePage {
  rows: QueueRow[]
  /** Cursors for the neighbouring pages, null at either end. */
  next: string | null
  previous: string | null
  counts: Record<QueueTab, number>
}

function cursorOf(sort: QueueSort, row: QueueRow): string {
  const value: CursorValue =
    sort === 'activity'
      ? row.lastActivityAt.toISOString()
      : sort === 'sla'
        ? (row.slaDueAt?.toISOString() ?? null)
        : sort === 'priority'
          ? row.priority
          : sort === 'subject'
            ? row.subject
            : row.number
  return encodeCursor(value, row.number)
}

/** The two statements behind a page: its rows (one more than the page, to know if another follows) and the tab counts. */
export function queueSql(input: { orgId: string; userId: string; query: QueueQuery; pageSize?: number; fewMatches?: boolean }) {
  const { orgId, userId, query } = input
  const size = input.pageSize ?? PAGE_SIZE
  const { sort, dir } = query
  const backwards = query.before !== null && query.after === null
  const cursor = decodeCursor(sort, backwards ? query.before : query.after)
  // A previous page is the next page in the opposite order, turned round.
  const scanDir: SortDirection = backwards ? (dir === 'asc' ? 'desc' : 'asc') : dir
  const filters = filterPredicates(query.filters, userId)
  const where = [Prisma.sql`t."orgId" = ${orgId}::uuid`, statusPredicate(query.tab), ...filters]
  if (cursor) where.push(keysetPredicate(sort, scanDir, cursor))
  // Few matches: find them all through the filters' own indexes, then sort. Walking
  // an index in sort order and skipping non-matches would read the whole index
  // when matches are rare (or none); the materialised CTE keeps the planner from it.
  const page = input.fewMatches
    ? Prisma.sql`
        WITH matches AS MATERIALIZED (SELECT t.* FROM "Ticket" t WHERE ${Prisma.join(where, ' AND ')})
        SELECT t.* FROM matches t ORDER BY ${orderBy(sort, scanDir)} LIMIT ${size + 1}`
    : Prisma.sql`
        SELECT t.* FROM "Ticket" t WHERE ${Prisma.join(where, ' AND ')}
        ORDER BY ${orderBy(sort, scanDir)} LIMIT ${size + 1}`
  const rows = Prisma.sql`
      SELECT t."id", t."number", t."subject", t."type", t."status", t."awaiting", t."priority",
             t."lastActivityAt", t."slaState", t."slaDueAt", t."slaTargets", t."caseRef", t."assigneeId",
             r."name" AS "familyName", a."name" AS "assigneeName", d."name" AS "departmentName"
      FROM (${page}) t
      JOIN "User" r ON r."id" = t."requesterId"
      LEFT JOIN "User" a ON a."id" = t."assigneeId"
      LEFT JOIN "Department" d ON d."id" = t."departmentId"
      ORDER BY ${orderBy(sort, scanDir)}`
  const counts = Prisma.sql`
      SELECT t."status", count(*) AS "count" FROM "Ticket" t
      WHERE ${Prisma.join([Prisma.sql`t."orgId" = ${orgId}::uuid`, ...filters], ' AND ')}
      GROUP BY t."status"`
  return { rows, counts, size, backwards, cursor, sort }
}

export async function queuePage(
  ctx: Pick<ServiceContext, 'db'>,
  input: { orgId: string; userId: string; query: QueueQuery; pageSize?: number },
): Promise<QueuePage> {
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
