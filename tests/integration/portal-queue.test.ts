/**
 * The staff queue's one query against real PostgreSQL: keyset pages in every
 * sort walk the whole tab once (forwards and back), in the order a plain
 * ORDER BY gives, whether the matches are few (sorted in memory) or many (read
 * in index order, or name by name); views, filters and full-text search find
 * the right tickets; and at 100,000 tickets a page is read through an index,
 * not a scan. Tickets are inserted as rows (the queue reads only the read
 * model), so no workflows are involved.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prisma } from '../../generated/prisma/client.ts'
import { parseQueueQuery, queuePage, queueSql, unassignedRequests, watchedTickets, type QueueQuery } from '../../services/queue.server.ts'
import type { TicketScope } from '../../services/ticket-access.server.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

const STATUSES = ['new', 'in_progress', 'pending_family', 'pending_la', 'resolved', 'closed']

/**
 * `count` tickets in the organisation, spread over statuses, types, priorities,
 * SLA states, assignees (a third unassigned), departments (the organisation's
 * default one when none are given)
 * and families: read-model rows only, marked as saved by a workflow
 * (stateVersion 1) so the worker's sweep leaves them alone.
 */
async function insertTickets(orgId: string, count: number, families: string[], assignees: [string, string | null], given: string[] = []) {
  const departments = given.length ? given : [await defaultDepartment(orgId)]
  await stack.db.$executeRaw`
    INSERT INTO "Ticket" (id, "orgId", number, "requesterId", subject, type, priority, status, awaiting, "assigneeId",
                          "departmentId", "lastActivityAt", "slaState", "slaDueAt", "caseRef", "stateVersion")
    SELECT gen_random_uuid(), ${orgId}::uuid, g,
           (${families}::uuid[])[1 + g % ${families.length}],
           (ARRAY['Annual review paperwork','DLA renewal','Tribunal bundle','Transport to school','EHCP draft comments'])[1 + g % 5] || ' ' || g,
           (ARRAY['ehcp','dla','tribunal','annual_review','la_refusal','general'])[1 + g % 6]::"TicketType",
           (ARRAY['urgent','high','normal','low'])[1 + g % 4]::"Priority",
           -- (g / 7) keeps status independent of type, priority and assignee, which follow g itself.
           (${STATUSES}::text[])[1 + (g / 7) % 6]::"TicketStatus",
           (ARRAY['staff','family'])[1 + g % 2]::"Awaiting",
           CASE g % 3 WHEN 0 THEN ${assignees[0]}::uuid WHEN 1 THEN ${assignees[1]}::uuid END,
           (${departments}::uuid[])[1 + (g / 5) % ${departments.length}],
           -- Some share an instant, so ties are broken by number.
           timestamp '2026-01-01' + ((g / 3) || ' minutes')::interval,
           CASE WHEN g % 11 = 0 THEN NULL ELSE (ARRAY['on_track','at_risk','breached','paused'])[1 + g % 4]::"SlaState" END,
           CASE WHEN g % 11 = 0 OR g % 4 = 3 THEN NULL ELSE timestamp '2026-02-01' + ((g % 500) || ' hours')::interval END,
           CASE WHEN g % 10 = 0 THEN 'CASE-' || g END,
           1
    FROM generate_series(1, ${count}) g`
  await stack.db.$executeRaw`ANALYZE "Ticket"`
}

async function defaultDepartment(orgId: string): Promise<string> {
  const org = await stack.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { defaultDepartmentId: true } })
  return org.defaultDepartmentId!
}

async function createDepartments(orgId: string, names: string[]) {
  const made = await Promise.all(
    names.map((name, i) => stack.db.department.create({ data: { orgId, slug: `team-${i}`, name }, select: { id: true } })),
  )
  return made.map((d) => d.id)
}

/** Tickets the person watches without being their assignee: a fifth of those assigned to someone else or nobody. */
async function watchSome(orgId: string, userId: string) {
  await stack.db.$executeRaw`
    INSERT INTO "TicketWatcher" ("ticketId", "userId")
    SELECT t."id", ${userId}::uuid FROM "Ticket" t
    WHERE t."orgId" = ${orgId}::uuid AND t."number" % 5 = 1 AND t."assigneeId" IS DISTINCT FROM ${userId}::uuid`
}

const REFERENCE_COLUMNS = {
  family: 'r."name"',
  assignee: 'a."name"',
  department: 'd."name"',
  type: 't."type"',
  status: 't."status"',
  subject: 't."subject"',
} as const

/** The order a plain ORDER BY over the joined names gives: what each walk must reproduce. */
async function referenceOrder(orgId: string, where: string, sort: keyof typeof REFERENCE_COLUMNS, dir: 'asc' | 'desc') {
  const rows = await stack.db.$queryRawUnsafe<{ number: number }[]>(
    `SELECT t."number" FROM "Ticket" t JOIN "User" r ON r."id" = t."requesterId"
       LEFT JOIN "User" a ON a."id" = t."assigneeId" LEFT JOIN "Department" d ON d."id" = t."departmentId"
     WHERE t."orgId" = $1::uuid AND ${where}
     ORDER BY ${REFERENCE_COLUMNS[sort]} ${dir}, t."number" ${dir}`,
    orgId,
  )
  return rows.map((r) => r.number)
}

let twin: { id: string }

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  await stack.db.user.update({ where: { id: people.family.id }, data: { name: 'Robin Whitfield' } })
  // Two families of the same name: their tickets sort together, by number.
  twin = await stack.db.user.create({ data: { email: `twin-${randomUUID()}@test.example`, name: 'Robin Whitfield' }, select: { id: true } })
  const families = [people.family.id, people.otherFamily.id, twin.id]
  const departments = await createDepartments(people.org.id, ['Tribunals', 'Early years', 'Annual reviews'])
  await insertTickets(people.org.id, 600, families, [people.advocate.id, people.admin.id], departments)
  await watchSome(people.org.id, people.advocate.id)
})
afterAll(async () => {
  await stack?.close()
})

const query = (search: string) => parseQueueQuery(new URLSearchParams(search))
/** An admin's, or unrestricted staff's: every ticket of the organisation. */
const EVERY_TICKET: TicketScope = { kind: 'all' }

async function all(q: QueueQuery) {
  return (
    await queuePage(stack.context, { scope: EVERY_TICKET, orgId: people.org.id, userId: people.advocate.id, query: q, pageSize: 10_000 })
  ).rows
}

async function walk(q: QueueQuery, pageSize: number, orgId = people.org.id) {
  const read = (page: Pick<QueueQuery, 'after' | 'before'>) =>
    queuePage(stack.context, { scope: EVERY_TICKET, orgId, userId: people.advocate.id, query: { ...q, ...page }, pageSize })
  const pages: number[][] = []
  let page = await read({ after: null, before: null })
  pages.push(page.rows.map((r) => r.number))
  while (page.next) {
    page = await read({ after: page.next, before: null })
    pages.push(page.rows.map((r) => r.number))
  }
  // And back again from the last page, by the previous-page cursors.
  const back: number[][] = [pages[pages.length - 1]!]
  while (page.previous) {
    page = await read({ after: null, before: page.previous })
    back.unshift(page.rows.map((r) => r.number))
  }
  return { pages, back }
}

describe('keyset pages', () => {
  it.each([
    'sort=activity&dir=desc',
    'sort=activity&dir=asc',
    'sort=number&dir=desc',
    'sort=subject&dir=asc',
    'sort=priority&dir=asc',
    'sort=priority&dir=desc',
    'sort=sla&dir=asc',
    'sort=sla&dir=desc',
    'status=closed&sort=activity&dir=desc',
    'status=new&sort=sla&dir=asc&type=dla',
    'sort=family&dir=asc',
    'sort=family&dir=desc',
    'sort=type&dir=asc',
    'sort=type&dir=desc',
    'sort=department&dir=asc',
    'sort=department&dir=desc',
    'sort=status&dir=asc',
    'status=closed&sort=status&dir=desc',
    'sort=assignee&dir=asc',
    'sort=assignee&dir=desc',
    'view=mine&sort=assignee&dir=desc',
    'reply=staff&sort=family&dir=desc',
  ])('walk every ticket of the tab exactly once, in order, both ways: %s', async (search) => {
    const q = query(search)
    const expected = (await all(q)).map((r) => r.number)
    expect(expected.length).toBeGreaterThan(0)
    const { pages, back } = await walk(q, 37)
    expect(pages.flat()).toEqual(expected)
    expect(back).toEqual(pages)
  })

  it('sorts as asked: most urgent first, SLA due soonest first with no due time last', async () => {
    const byPriority = await all(query('sort=priority'))
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 }
    expect(byPriority.map((r) => rank[r.priority])).toEqual([...byPriority.map((r) => rank[r.priority])].sort())
    const bySla = await all(query('sort=sla'))
    const due = bySla.map((r) => r.slaDueAt?.getTime() ?? Infinity)
    expect(due).toEqual([...due].sort((x, y) => x - y))
  })

  it.each(['family', 'type', 'department', 'status', 'assignee'] as const)(
    'sorts by %s as a plain ORDER BY does, both ways (no name last ascending, first descending)',
    async (sort) => {
      for (const dir of ['asc', 'desc'] as const) {
        const rows = await all(query(`sort=${sort}&dir=${dir}`))
        expect(rows.map((r) => r.number)).toEqual(
          await referenceOrder(people.org.id, `t."status" IN ('new', 'in_progress', 'pending_family', 'pending_la')`, sort, dir),
        )
      }
      const twins = (await all(query('sort=family'))).filter((r) => r.familyName === 'Robin Whitfield').map((r) => r.number)
      expect(twins).toEqual([...twins].sort((x, y) => x - y))
    },
  )
})

describe('filters and search', () => {
  it('filters by assignee, type, priority, SLA state, "Family replied" and "Answered", and counts each tab with the same filters', async () => {
    const mine = await all(query('assignee=mine&status=closed'))
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((r) => r.assigneeId === people.advocate.id && r.status === 'closed')).toBe(true)
    expect((await all(query('assignee=unassigned'))).every((r) => r.assigneeId === null)).toBe(true)
    const filtered = await all(query('type=dla&priority=high&sla=at_risk'))
    expect(filtered.every((r) => r.type === 'dla' && r.priority === 'high' && r.slaState === 'at_risk')).toBe(true)
    const working = ['in_progress', 'pending_family', 'pending_la']
    const replied = await all(query('reply=family'))
    expect(replied.length).toBeGreaterThan(0)
    expect(replied.every((r) => r.awaiting === 'staff' && working.includes(r.status))).toBe(true)
    const answered = await all(query('reply=staff'))
    expect(answered.length).toBeGreaterThan(0)
    expect(answered.every((r) => r.awaiting === 'family' && working.includes(r.status))).toBe(true)

    const page = await queuePage(stack.context, {
      scope: EVERY_TICKET,
      orgId: people.org.id,
      userId: people.advocate.id,
      query: query('type=tribunal'),
    })
    const total = await stack.db.ticket.count({ where: { orgId: people.org.id, type: 'tribunal' } })
    const { open, ...byStatus } = page.counts
    expect(Object.values(byStatus).reduce((a, b) => a + b, 0)).toBe(total)
    expect(open).toBe(byStatus.new + byStatus.in_progress + byStatus.pending_family + byStatus.pending_la)
  })

  it('finds a ticket by number, by words of its subject (prefixes too) and by the family’s name', async () => {
    const five = await stack.db.ticket.findFirstOrThrow({ where: { orgId: people.org.id, number: 5 }, select: { status: true } })
    const byNumber = await all(query(`status=${five.status}&q=%235`))
    expect(byNumber.map((r) => r.number)).toContain(5)
    const bySubject = await all(query('q=tribun+bund&status=open'))
    expect(bySubject.length).toBeGreaterThan(0)
    expect(bySubject.every((r) => r.subject.startsWith('Tribunal bundle'))).toBe(true)
    const byFamily = await all(query('q=robin+whit'))
    expect(byFamily.length).toBeGreaterThan(0)
    expect(byFamily.every((r) => r.familyName === 'Robin Whitfield')).toBe(true)
    expect(await all(query('q=nothing+matches+this'))).toEqual([])
  })

  it('shows an advocate’s own view: the tickets assigned to them and the ones they watch, and no others', async () => {
    const watched = new Set(
      (
        await stack.db.ticketWatcher.findMany({ where: { userId: people.advocate.id }, select: { ticket: { select: { number: true } } } })
      ).map((w) => w.ticket.number),
    )
    const mine = await all(query('view=mine&status=closed'))
    expect(mine.some((r) => r.assigneeId === people.advocate.id)).toBe(true)
    expect(mine.some((r) => r.assigneeId !== people.advocate.id)).toBe(true)
    expect(mine.every((r) => r.assigneeId === people.advocate.id || watched.has(r.number))).toBe(true)
    const everyone = await all(query('view=all&status=closed'))
    expect(mine.map((r) => r.number)).toEqual(
      everyone.filter((r) => r.assigneeId === people.advocate.id || watched.has(r.number)).map((r) => r.number),
    )
    const page = await queuePage(stack.context, {
      scope: EVERY_TICKET,
      orgId: people.org.id,
      userId: people.advocate.id,
      query: query('view=mine'),
    })
    expect(page.counts.closed).toBe(mine.length)
  })

  it('lists the newest open tickets nobody has taken, and counts them', async () => {
    const { count, tickets } = await unassignedRequests(stack.context, { orgId: people.org.id, scope: EVERY_TICKET, take: 5 })
    const expected = await stack.db.ticket.findMany({
      where: { orgId: people.org.id, assigneeId: null, status: { in: ['new', 'in_progress', 'pending_family', 'pending_la'] } },
      orderBy: { number: 'desc' },
      select: { number: true },
    })
    expect(count).toBe(expected.length)
    expect(tickets.map((t) => t.number)).toEqual(expected.slice(0, 5).map((t) => t.number))
  })

  it('never shows another organisation’s tickets', async () => {
    const other = await createTestOrganisation(stack.db)
    await insertTickets(other.org.id, 20, [other.family.id], [other.advocate.id, null])
    const rows = await all(query('q=DLA'))
    expect(rows.length).toBeGreaterThan(0)
    const ids = await stack.db.ticket.findMany({ where: { orgId: other.org.id }, select: { id: true } })
    const theirs = new Set(ids.map((t) => t.id))
    expect(rows.some((r) => theirs.has(r.id))).toBe(false)
  })
})

describe('at 100,000 tickets', () => {
  let orgId: string
  let big: Awaited<ReturnType<typeof createTestOrganisation>>
  beforeAll(async () => {
    big = await createTestOrganisation(stack.db)
    orgId = big.org.id
    const families = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stack.db.user.create({
          // The first two share a name.
          data: { email: `big-${i}-${randomUUID()}@test.example`, name: i < 2 ? 'Family twin' : `Family ${i} ${randomUUID().slice(0, 6)}` },
          select: { id: true },
        }),
      ),
    )
    const departments = await createDepartments(orgId, ['Tribunals', 'Early years', 'Annual reviews', 'Transport'])
    await insertTickets(
      orgId,
      100_000,
      families.map((f) => f.id),
      [big.advocate.id, big.admin.id],
      departments,
    )
    await watchSome(orgId, big.advocate.id)
    await stack.db.$executeRaw`VACUUM ANALYZE "Ticket"`
    await stack.db.$executeRaw`VACUUM ANALYZE "TicketWatcher"`
  }, 240_000)

  async function plan(search: string, walkPages = 0, userId: string = randomUUID(), scope: TicketScope = EVERY_TICKET) {
    let q = query(search)
    for (let i = 0; i < walkPages; i++) {
      const page = await queuePage(stack.context, { orgId, userId, scope, query: q })
      q = { ...q, after: page.next, before: null }
    }
    const page = await queuePage(stack.context, { orgId, userId, scope, query: q })
    const watched = q.view === 'mine' ? await watchedTickets(stack.context, { orgId, userId }) : []
    const { rows } = queueSql({ orgId, userId, scope, query: q, watched, fewMatches: page.counts[q.tab] <= 2000 })
    const lines = await stack.db.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${rows}`)
    const text = lines.map((l) => l['QUERY PLAN']).join('\n')
    return { text, rows: page.rows.length }
  }

  it.each([
    ['', 'Ticket_open_by_activity_idx'],
    // One status: its own (orgId, status, lastActivityAt) index serves as well.
    ['status=closed', /Ticket_done_by_activity_idx|Ticket_orgId_status_lastActivityAt_id_idx/],
    ['sort=sla&dir=asc', 'Ticket_open_by_sla_idx'],
    ['sort=priority&dir=asc', 'Ticket_open_by_priority_idx'],
    ['status=resolved&sort=subject&dir=desc', 'Ticket_done_by_subject_idx'],
    // One status: its (orgId, status, number) index serves as well.
    ['sort=number&dir=desc&status=closed', /Ticket_orgId_number_key|Ticket_orgId_status_number_idx/],
    ['sort=type&dir=asc', 'Ticket_orgId_type_number_idx'],
    ['sort=status&dir=asc', 'Ticket_orgId_status_number_idx'],
    ['status=closed&sort=status&dir=desc', 'Ticket_orgId_status_number_idx'],
    // By a name: the names in order, each one's tickets through the index, stopping when the page is full.
    ['sort=family&dir=asc', /User_name_idx[\s\S]*Ticket_orgId_requesterId_number_idx/],
    ['status=closed&sort=family&dir=desc', /User_name_idx[\s\S]*Ticket_orgId_requesterId_number_idx/],
    ['sort=assignee&dir=desc', 'Ticket_orgId_assigneeId_number_idx'],
    ['status=resolved&sort=department&dir=asc', 'Ticket_orgId_departmentId_number_idx'],
  ])('reads a deep page of "%s" through %s, without scanning the table', async (search, index) => {
    const { text, rows } = await plan(search, 20)
    expect(rows).toBe(50)
    expect(text).toMatch(index)
    expect(text).not.toMatch(/Seq Scan on "Ticket"/)
  })

  it('reads a deep page of an advocate’s own tickets (assigned or watched) without scanning the table', async () => {
    for (const search of ['view=mine', 'view=mine&status=closed&sort=family']) {
      const { text, rows } = await plan(search, 20, big.advocate.id)
      expect(rows).toBe(50)
      expect(text).not.toMatch(/Seq Scan on "Ticket"/)
    }
  })

  it('reads a deep page for an advocate restricted to a department without scanning the table', async () => {
    const [tribunals] = await stack.db.department.findMany({ where: { orgId, name: 'Tribunals' }, select: { id: true } })
    const restricted: TicketScope = { kind: 'departments', userId: big.advocate.id, departmentIds: [tribunals!.id], coveredCaseIds: [] }
    for (const search of ['', 'status=closed&sort=number&dir=desc', 'sort=sla&dir=asc', 'status=resolved&sort=department&dir=asc']) {
      const { text, rows } = await plan(search, 20, big.advocate.id, restricted)
      expect(rows).toBe(50)
      expect(text).not.toMatch(/Seq Scan on "Ticket"/)
    }
  })

  it.each(['family', 'assignee', 'department', 'type', 'status'] as const)(
    'with many matches, pages sorted by %s walk them all once, in order, both ways',
    async (sort) => {
      // About 2,800 tickets: more than are sorted in memory, so the pages are read in index order.
      const filter = 'type=dla&status=closed'
      const total = await stack.db.ticket.count({ where: { orgId, type: 'dla', status: 'closed' } })
      expect(total).toBeGreaterThan(2000)
      for (const dir of ['asc', 'desc'] as const) {
        const { pages, back } = await walk(query(`${filter}&sort=${sort}&dir=${dir}`), 400, orgId)
        expect(pages.flat()).toEqual(await referenceOrder(orgId, `t."type" = 'dla' AND t."status" = 'closed'`, sort, dir))
        expect(back).toEqual(pages)
      }
    },
  )

  it('finds few matches through the search indexes, and many by walking the sort index', async () => {
    // A number (and subjects containing it): a handful of rows, found by index and sorted.
    const few = await plan('q=54321')
    expect(few.text).toMatch(/Ticket_orgId_number_key/)
    expect(few.text).toMatch(/Ticket_subject_search_idx/)
    // A word in a fifth of all subjects: matches are dense, so the sort index is walked.
    const many = await plan('q=transport&status=closed')
    expect(many.rows).toBe(50)
    for (const { text } of [few, many]) {
      expect(text).not.toMatch(/Seq Scan on "Ticket"/)
    }
  })
})
