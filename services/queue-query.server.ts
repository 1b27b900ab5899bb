/**
 * The staff queue's address: which view, status tab, filters, sort and page a
 * person asked for, read from the URL and written back to it, and the opaque
 * cursors of its keyset pages. No SQL here: queue.server.ts turns a query into
 * statements.
 */
import { SLA_FILTER_STATES } from '../domain/sla.ts'
import { PRIORITIES, TICKET_STATUSES, TICKET_TYPES, type Priority, type TicketStatus, type TicketType } from '../domain/ticket.ts'

export const OPEN_STATUSES = ['new', 'in_progress', 'pending_family', 'pending_la'] as const satisfies readonly TicketStatus[]
export const DONE_STATUSES = ['resolved', 'closed'] as const satisfies readonly TicketStatus[]

export const QUEUE_TABS = ['open', ...TICKET_STATUSES] as const
export type QueueTab = (typeof QUEUE_TABS)[number]

/**
 * Whose tickets: `mine` is the ones assigned to the person or watched by them,
 * `all` everything the organisation's team may see.
 */
export const QUEUE_VIEWS = ['mine', 'all'] as const
export type QueueView = (typeof QUEUE_VIEWS)[number]

export const QUEUE_SORTS = [
  'activity',
  'number',
  'subject',
  'family',
  'type',
  'department',
  'status',
  'priority',
  'sla',
  'assignee',
] as const
export type QueueSort = (typeof QUEUE_SORTS)[number]
export type SortDirection = 'asc' | 'desc'

/** Sorts by a name kept in another table: the family's, the assignee's, the department's. */
export const NAME_SORTS = ['family', 'assignee', 'department'] as const satisfies readonly QueueSort[]
export type NameSort = (typeof NAME_SORTS)[number]
export function isNameSort(sort: QueueSort): sort is NameSort {
  return (NAME_SORTS as readonly string[]).includes(sort)
}

/** Sorts whose value may be missing (no SLA, nobody assigned, no department): missing sorts as the largest value. */
export const NULLABLE_SORTS: readonly QueueSort[] = ['sla', 'assignee', 'department']

/**
 * The order a column sorts in first: newest activity and highest number first,
 * the rest ascending (names A to Z; type, status and priority in their list order).
 */
export const DEFAULT_DIRECTION: Record<QueueSort, SortDirection> = {
  activity: 'desc',
  number: 'desc',
  subject: 'asc',
  family: 'asc',
  type: 'asc',
  department: 'asc',
  status: 'asc',
  priority: 'asc',
  sla: 'asc',
  assignee: 'asc',
}

export const ASSIGNEE_FILTERS = ['any', 'mine', 'unassigned'] as const
export type AssigneeFilter = (typeof ASSIGNEE_FILTERS)[number]

/** Who wrote last on an open ticket past New: the family ("Family replied") or the team, publicly ("Answered"). */
export const LAST_REPLY_FILTERS = ['family', 'staff'] as const
export type LastReplyFilter = (typeof LAST_REPLY_FILTERS)[number]

export interface QueueFilters {
  assignee: AssigneeFilter
  type: TicketType | null
  priority: Priority | null
  sla: (typeof SLA_FILTER_STATES)[number] | null
  lastReply: LastReplyFilter | null
  /** One of the organisation's tags, by id (services/tags.server.ts). */
  tag: string | null
  /** Free text: a ticket number ("#42" or "42"), words of the subject, or of the family's name. */
  q: string
}

export const NO_FILTERS: QueueFilters = { assignee: 'any', type: null, priority: null, sla: null, lastReply: null, tag: null, q: '' }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface QueueQuery {
  view: QueueView
  tab: QueueTab
  filters: QueueFilters
  sort: QueueSort
  dir: SortDirection
  /** Rows after this cursor (the next page), or before it (the previous page). */
  after: string | null
  before: string | null
}

const pick = <T extends string>(values: readonly T[], value: string | null): T | null =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : null

/** The view the address names, or null when it names none (the caller decides: remembered, or by role). */
export function viewInAddress(params: URLSearchParams): QueueView | null {
  return pick(QUEUE_VIEWS, params.get('view'))
}

/** Reads the queue's URL into a query, ignoring anything it does not recognise; `view` applies when the URL names none. */
export function parseQueueQuery(params: URLSearchParams, defaults: { view: QueueView } = { view: 'all' }): QueueQuery {
  const sort = pick(QUEUE_SORTS, params.get('sort')) ?? 'activity'
  return {
    view: viewInAddress(params) ?? defaults.view,
    tab: pick(QUEUE_TABS, params.get('status')) ?? 'open',
    filters: {
      assignee: pick(ASSIGNEE_FILTERS, params.get('assignee')) ?? 'any',
      type: pick(TICKET_TYPES, params.get('type')),
      priority: pick(PRIORITIES, params.get('priority')),
      sla: pick(SLA_FILTER_STATES, params.get('sla')),
      lastReply: pick(LAST_REPLY_FILTERS, params.get('reply')),
      tag: UUID.test(params.get('tag') ?? '') ? params.get('tag')!.toLowerCase() : null,
      q: (params.get('q') ?? '').trim().slice(0, 200),
    },
    sort,
    dir: pick(['asc', 'desc'] as const, params.get('dir')) ?? DEFAULT_DIRECTION[sort],
    after: params.get('after'),
    before: params.get('before'),
  }
}

/**
 * The query as URL parameters, leaving out defaults so links stay short. The
 * view is always written: a link means the same to whoever opens it, whatever
 * view they last chose.
 */
export function queueSearchParams(query: Omit<QueueQuery, 'after' | 'before'>, page: { after?: string; before?: string } = {}) {
  const params = new URLSearchParams()
  params.set('view', query.view)
  if (query.tab !== 'open') params.set('status', query.tab)
  if (query.filters.q) params.set('q', query.filters.q)
  if (query.filters.assignee !== 'any') params.set('assignee', query.filters.assignee)
  if (query.filters.type) params.set('type', query.filters.type)
  if (query.filters.priority) params.set('priority', query.filters.priority)
  if (query.filters.sla) params.set('sla', query.filters.sla)
  if (query.filters.lastReply) params.set('reply', query.filters.lastReply)
  if (query.filters.tag) params.set('tag', query.filters.tag)
  if (query.sort !== 'activity' || query.dir !== DEFAULT_DIRECTION.activity) {
    params.set('sort', query.sort)
    params.set('dir', query.dir)
  }
  if (page.after) params.set('after', page.after)
  if (page.before) params.set('before', page.before)
  return params
}

export function hasFilters(filters: QueueFilters): boolean {
  return (Object.keys(NO_FILTERS) as (keyof QueueFilters)[]).some((key) => filters[key] !== NO_FILTERS[key])
}

// ---------------------------------------------------------------------------
// Cursors: the last row's sort value and number, opaque to people.

export type CursorValue = string | number | null

export function encodeCursor(value: CursorValue, number: number): string {
  return Buffer.from(JSON.stringify([value, number])).toString('base64url')
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= 500
const isOneOf = (values: readonly string[]) => (value: unknown) => typeof value === 'string' && values.includes(value)

/** What a cursor's value may be, per sort: anything else is not one of ours. */
const CURSOR_VALUE: Record<Exclude<QueueSort, 'number'>, (value: unknown) => boolean> = {
  activity: (value) => typeof value === 'string' && isIsoInstant(value),
  sla: (value) => value === null || (typeof value === 'string' && isIsoInstant(value)),
  priority: isOneOf(PRIORITIES),
  type: isOneOf(TICKET_TYPES),
  status: isOneOf(TICKET_STATUSES),
  subject: isText,
  family: isText,
  assignee: (value) => value === null || isText(value),
  department: (value) => value === null || isText(value),
}

/** The cursor's values, checked against the sort they claim to belong to; null if it is not one of ours. */
export function decodeCursor(sort: QueueSort, cursor: string | null): { value: CursorValue; number: number } | null {
  if (!cursor || cursor.length > 1000) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null
  const [value, number] = parsed as [unknown, unknown]
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) return null
  if (sort === 'number') return { value: number, number }
  return CURSOR_VALUE[sort](value) ? { value: value as CursorValue, number } : null
}

function isIsoInstant(value: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && Number.isFinite(Date.parse(value))
}

// ---------------------------------------------------------------------------
// Search

/** The words a search text searches by: only letters and digits, so nothing a person types can break a query's syntax. */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8).map((w) => w.slice(0, 60))
}

/**
 * A prefix query for to_tsquery: every word must match the start of a word
 * ("rob whit" finds "Robin Whitfield"). Each is said as "the word, or a word it
 * begins": the same matches, but PostgreSQL estimates a whole word from its
 * statistics (a prefix alone gets a fixed guess), and so plans a word every
 * ticket has differently from a rare one.
 */
export function prefixTsQuery(text: string): string | null {
  const words = searchWords(text)
  return words.length ? words.map((w) => `(${w} | ${w}:*)`).join(' & ') : null
}

/** "#42" or "42": a ticket number. */
export function ticketNumberIn(text: string): number | null {
  const match = text.trim().match(/^#?\s*(\d{1,9})$/)
  return match ? Number(match[1]) : null
}
