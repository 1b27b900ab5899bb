/**
 * The staff queue's one query against real PostgreSQL: keyset pages in every
 * sort walk the whole tab once (forwards and back), filters and full-text
 * search find the right tickets, and at 100,000 tickets a page is read through
 * an index, not a scan. Tickets are inserted as rows (the queue reads only the
 * read model), so no workflows are involved.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Prisma } from '../../generated/prisma/client.ts'
import { parseQueueQuery, queuePage, queueSql, type QueueQuery } from '../../services/queue.server.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

const STATUSES = ['new', 'in_progress', 'pending_family', 'pending_la', 'resolved', 'closed']

/**
 * `count` tickets in the organisation, spread over statuses, types, priorities,
 * SLA states, assignees and families: read-model rows only, marked as saved by a
 * workflow (stateVersion 1) so the worker's sweep leaves them alone.
 */
async function insertTickets(orgId: string, count: number, families: string[], assigneeId: string) {
  await stack.db.$executeRaw`
    INSERT INTO "Ticket" (id, "orgId", number, "requesterId", subject, type, priority, status, awaiting, "assigneeId",
                          "lastActivityAt", "slaState", "slaDueAt", "caseRef", "stateVersion")
    SELECT gen_random_uuid(), ${orgId}::uuid, g,
           (${families}::uuid[])[1 + g % ${families.length}],
           (ARRAY['Annual review paperwork','DLA renewal','Tribunal bundle','Transport to school','EHCP draft comments'])[1 + g % 5] || ' ' || g,
           (ARRAY['ehcp','dla','tribunal','annual_review','la_refusal','general'])[1 + g % 6]::"TicketType",
           (ARRAY['urgent','high','normal','low'])[1 + g % 4]::"Priority",
           -- (g / 7) keeps status independent of type, priority and assignee, which follow g itself.
           (${STATUSES}::text[])[1 + (g / 7) % 6]::"TicketStatus",
           (ARRAY['staff','family'])[1 + g % 2]::"Awaiting",
           CASE WHEN g % 3 = 0 THEN ${assigneeId}::uuid END,
           -- Some share an instant, so ties are broken by number.
           timestamp '2026-01-01' + ((g / 3) || ' minutes')::interval,
           CASE WHEN g % 11 = 0 THEN NULL ELSE (ARRAY['on_track','at_risk','breached','paused'])[1 + g % 4]::"SlaState" END,
           CASE WHEN g % 11 = 0 OR g % 4 = 3 THEN NULL ELSE timestamp '2026-02-01' + ((g % 500) || ' hours')::interval END,
           CASE WHEN g % 10 = 0 THEN 'CASE-' || g END,
           1
    FROM generate_series(1, ${count}) g`
  await stack.db.$executeRaw`ANALYZE "Ticket"`
}

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  const families = [people.family.id, people.otherFamily.id]
  await stack.db.user.update({ where: { id: people.family.id }, data: { name: 'Robin Whitfield' } })
  await insertTickets(people.org.id, 600, families, people.advocate.id)
})
afterAll(async () => {
  await stack?.close()
})

const query = (search: string) => parseQueueQuery(new URLSearchParams(search))

async function all(q: QueueQuery) {
  return (await queuePage(stack.context, { orgId: people.org.id, userId: people.advocate.id, query: q, pageSize: 10_000 })).rows
}

async function walk(q: QueueQuery, pageSize: number) {
  const pages: number[][] = []
  let page = await queuePage(stack.context, { orgId: people.org.id, userId: people.advocate.id, query: q, pageSize })
  pages.push(page.rows.map((r) => r.number))
  while (page.next) {
    page = await queuePage(stack.context, {
      orgId: people.org.id,
      userId: people.advocate.id,
      query: { ...q, after: page.next, before: null },
      pageSize,
    })
    pages.push(page.rows.map((r) => r.number))
  }
  // And back again from the last page, by the previous-page cursors.
  const back: number[][] = [pages[pages.length - 1]!]
  while (page.previous) {
    page = await queuePage(stack.context, {
      orgId: people.org.id,
      userId: people.advocate.id,
      query: { ...q, after: null, before: page.previous },
      pageSize,
    })
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
})

describe('filters and search', () => {
  it('filters by assignee, type, priority, SLA state and "family replied", and counts each tab with the same filters', async () => {
    const mine = await all(query('assignee=mine&status=closed'))
    expect(mine.length).toBeGreaterThan(0)
    expect(mine.every((r) => r.assigneeId === people.advocate.id && r.status === 'closed')).toBe(true)
    expect((await all(query('assignee=unassigned'))).every((r) => r.assigneeId === null)).toBe(true)
    const filtered = await all(query('type=dla&priority=high&sla=at_risk'))
    expect(filtered.every((r) => r.type === 'dla' && r.priority === 'high' && r.slaState === 'at_risk')).toBe(true)
    const replied = await all(query('replied=1'))
    expect(replied.length).toBeGreaterThan(0)
    expect(replied.every((r) => r.awaiting === 'staff' && ['in_progress', 'pending_family', 'pending_la'].includes(r.status))).toBe(true)

    const page = await queuePage(stack.context, { orgId: people.org.id, userId: people.advocate.id, query: query('type=tribunal') })
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

  it('never shows another organisation’s tickets', async () => {
    const other = await createTestOrganisation(stack.db)
    await insertTickets(other.org.id, 20, [other.family.id], other.advocate.id)
    const rows = await all(query('q=DLA'))
    expect(rows.length).toBeGreaterThan(0)
    const ids = await stack.db.ticket.findMany({ where: { orgId: other.org.id }, select: { id: true } })
    const theirs = new Set(ids.map((t) => t.id))
    expect(rows.some((r) => theirs.has(r.id))).toBe(false)
  })
})

describe('at 100,000 tickets', () => {
  let orgId: string
  beforeAll(async () => {
    const big = await createTestOrganisation(stack.db)
    orgId = big.org.id
    const families = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stack.db.user.create({
          data: { email: `big-${i}-${randomUUID()}@test.example`, name: `Family ${i} ${randomUUID().slice(0, 6)}` },
          select: { id: true },
        }),
      ),
    )
    await insertTickets(
      orgId,
      100_000,
      families.map((f) => f.id),
      big.advocate.id,
    )
    await stack.db.$executeRaw`VACUUM ANALYZE "Ticket"`
  }, 240_000)

  async function plan(search: string, walkPages = 0) {
    let q = query(search)
    for (let i = 0; i < walkPages; i++) {
      const page = await queuePage(stack.context, { orgId, userId: randomUUID(), query: q })
      q = { ...q, after: page.next, before: null }
    }
    const page = await queuePage(stack.context, { orgId, userId: randomUUID(), query: q })
    const { rows } = queueSql({ orgId, userId: randomUUID(), query: q, fewMatches: page.counts[q.tab] <= 2000 })
    const lines = await stack.db.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN (ANALYZE, COSTS OFF) ${rows}`)
    const text = lines.map((l) => l['QUERY PLAN']).join('\n')
    return { text, ms: Number(text.match(/Execution Time: ([\d.]+) ms/)![1]), rows: page.rows.length }
  }

  it.each([
    ['', 'Ticket_open_by_activity_idx'],
    // One status: its own (orgId, status, lastActivityAt) index serves as well.
    ['status=closed', /Ticket_done_by_activity_idx|Ticket_orgId_status_lastActivityAt_id_idx/],
    ['sort=sla&dir=asc', 'Ticket_open_by_sla_idx'],
    ['sort=priority&dir=asc', 'Ticket_open_by_priority_idx'],
    ['status=resolved&sort=subject&dir=desc', 'Ticket_done_by_subject_idx'],
    ['sort=number&dir=desc&status=closed', 'Ticket_orgId_number_key'],
  ])('reads a deep page of "%s" through %s, without scanning the table', async (search, index) => {
    const { text, ms, rows } = await plan(search, 20)
    expect(rows).toBe(50)
    expect(text).toMatch(index)
    expect(text).not.toMatch(/Seq Scan on "Ticket"/)
    expect(ms).toBeLessThan(100)
  })

  it('finds few matches through the search indexes, and many by walking the sort index', async () => {
    // A number (and subjects containing it): a handful of rows, found by index and sorted.
    const few = await plan('q=54321')
    expect(few.text).toMatch(/Ticket_orgId_number_key/)
    expect(few.text).toMatch(/Ticket_subject_search_idx/)
    // A word in a fifth of all subjects: matches are dense, so the sort index is walked.
    const many = await plan('q=transport&status=closed')
    expect(many.rows).toBe(50)
    for (const { text, ms } of [few, many]) {
      expect(text).not.toMatch(/Seq Scan on "Ticket"/)
      expect(ms).toBeLessThan(100)
    }
  })
})
