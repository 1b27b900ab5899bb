import { describe, expect, it } from 'vitest'
import { decodeCursor, hasFilters, parseQueueQuery, prefixTsQuery, queueSearchParams, queueSql, ticketNumberIn } from './queue.server.ts'
import type { TicketScope } from './ticket-access.server.ts'

const cursor = (value: unknown, number: number) => Buffer.from(JSON.stringify([value, number])).toString('base64url')

describe('parseQueueQuery', () => {
  it('reads the defaults from an empty address: open tickets, latest activity first, in the view the caller chose', () => {
    expect(parseQueueQuery(new URLSearchParams(), { view: 'mine' })).toEqual({
      view: 'mine',
      tab: 'open',
      filters: { assignee: 'any', type: null, priority: null, sla: null, lastReply: null, tag: null, q: '' },
      sort: 'activity',
      dir: 'desc',
      after: null,
      before: null,
    })
  })

  it('takes the view from the address over the default', () => {
    expect(parseQueueQuery(new URLSearchParams('view=all'), { view: 'mine' }).view).toBe('all')
    expect(parseQueueQuery(new URLSearchParams('view=everyone'), { view: 'mine' }).view).toBe('mine')
  })

  it('ignores values it does not know', () => {
    const query = parseQueueQuery(
      new URLSearchParams('status=bogus&type=x&priority=1&sla=meh&sort=id&dir=up&assignee=all&reply=maybe&tag=welsh'),
    )
    expect(query).toMatchObject({
      tab: 'open',
      sort: 'activity',
      dir: 'desc',
      filters: { type: null, priority: null, sla: null, assignee: 'any', lastReply: null, tag: null },
    })
  })

  it('starts each new column in its own direction: names A to Z, type and status in list order', () => {
    for (const sort of ['family', 'type', 'department', 'status', 'assignee'])
      expect(parseQueueQuery(new URLSearchParams(`sort=${sort}`))).toMatchObject({ sort, dir: 'asc' })
  })

  it('round-trips through the address, always naming the view and leaving other defaults out', () => {
    const params = new URLSearchParams(
      'view=mine&status=new&q=robin&assignee=mine&type=dla&priority=high&sla=at_risk&reply=staff&tag=0b8f1c52-3d7e-4a61-9a0e-5c2b7d4e8f10&sort=family&dir=desc',
    )
    const query = parseQueueQuery(params)
    expect(queueSearchParams(query).toString()).toBe(params.toString())
    expect(queueSearchParams(parseQueueQuery(new URLSearchParams())).toString()).toBe('view=all')
  })

  it('counts "Answered" and "Family replied" as filters', () => {
    expect(hasFilters(parseQueueQuery(new URLSearchParams()).filters)).toBe(false)
    expect(hasFilters(parseQueueQuery(new URLSearchParams('reply=family')).filters)).toBe(true)
    expect(hasFilters(parseQueueQuery(new URLSearchParams('view=mine')).filters)).toBe(false)
  })
})

describe('search terms', () => {
  it('turns words into a prefix query of letters and digits only', () => {
    expect(prefixTsQuery('Rob  Whit')).toBe('(rob | rob:*) & (whit | whit:*)')
    expect(prefixTsQuery("O'Brien & <script> | !x:*")).toBe('(o | o:*) & (brien | brien:*) & (script | script:*) & (x | x:*)')
    expect(prefixTsQuery('Zoë Müller')).toBe('(zoë | zoë:*) & (müller | müller:*)')
    expect(prefixTsQuery('  ')).toBeNull()
  })

  it('recognises a ticket number with or without #', () => {
    expect(ticketNumberIn('#42')).toBe(42)
    expect(ticketNumberIn(' 42 ')).toBe(42)
    expect(ticketNumberIn('42 forms')).toBeNull()
  })
})

describe('cursors', () => {
  it('refuses cursors that are not ours or do not fit the sort', () => {
    expect(decodeCursor('activity', 'not-base64-json')).toBeNull()
    const iso = cursor('2026-11-23T12:00:00.000Z', 7)
    expect(decodeCursor('activity', iso)).toEqual({ value: '2026-11-23T12:00:00.000Z', number: 7 })
    expect(decodeCursor('priority', iso)).toBeNull()
    expect(decodeCursor('priority', cursor("urgent'; DROP TABLE", 1))).toBeNull()
  })

  it('checks the new sorts’ values: a known type or status, a name, and no name only where there may be none', () => {
    expect(decodeCursor('type', cursor('dla', 3))).toEqual({ value: 'dla', number: 3 })
    expect(decodeCursor('type', cursor('pending_la', 3))).toBeNull()
    expect(decodeCursor('status', cursor('pending_la', 3))).toEqual({ value: 'pending_la', number: 3 })
    expect(decodeCursor('family', cursor('Robin Whitfield', 3))).toEqual({ value: 'Robin Whitfield', number: 3 })
    expect(decodeCursor('family', cursor(null, 3))).toBeNull()
    expect(decodeCursor('assignee', cursor(null, 3))).toEqual({ value: null, number: 3 })
    expect(decodeCursor('department', cursor(7, 3))).toBeNull()
    expect(decodeCursor('family', cursor('x'.repeat(501), 3))).toBeNull()
  })
})

describe('queueSql', () => {
  const base = {
    orgId: '00000000-0000-0000-0000-000000000001',
    userId: '00000000-0000-0000-0000-000000000002',
    scope: { kind: 'all' } as TicketScope,
  }
  const sqlOf = (search: string, fewMatches?: boolean) =>
    queueSql({ ...base, query: parseQueueQuery(new URLSearchParams(search)), fewMatches })

  it('writes status tabs as literals, so the partial indexes apply, and everything from the request as parameters', () => {
    const { rows, counts } = sqlOf("q=robin'--&type=dla")
    expect(rows.sql).toContain(`t."status" IN ('new', 'in_progress', 'pending_family', 'pending_la')`)
    expect(rows.sql).not.toContain('robin')
    expect(rows.values).toContain('robin:*')
    expect(counts.sql).not.toContain(`t."status" IN`)
  })

  it('pages by keyset on the sort column and the ticket number', () => {
    const { rows } = sqlOf(`sort=priority&after=${cursor('urgent', 12)}`)
    expect(rows.sql).toContain(`(t."priority", t."number") > (?::"Priority", ?::int)`)
    expect(rows.sql).toContain('ORDER BY t."priority" ASC, t."number" ASC')
  })

  it.each([
    ['type', 'dla', '"TicketType"'],
    ['status', 'pending_la', '"TicketStatus"'],
  ])('sorts by %s in index order, its cursor a parameter of its enum type', (sort, value, type) => {
    const { rows } = sqlOf(`sort=${sort}&dir=desc&after=${cursor(value, 40)}`)
    expect(rows.sql).toContain(`(t."${sort}", t."number") < (?::${type}, ?::int)`)
    expect(rows.sql).toContain(`ORDER BY t."${sort}" DESC, t."number" DESC LIMIT`)
    expect(rows.values).toContain(value)
  })

  it('with few matches, sorts them by the name itself; with many, walks the names and reads each one’s tickets by index', () => {
    const after = cursor('Robin Whitfield', 40)
    const few = sqlOf(`sort=family&after=${after}`, true).rows
    expect(few.sql).toContain('WITH matches AS MATERIALIZED')
    expect(few.sql).toContain(`((SELECT u."name" FROM "User" u WHERE u."id" = t."requesterId"), t."number") > (?::text, ?::int)`)
    const many = sqlOf(`sort=family&after=${after}`, false).rows
    expect(many.sql).not.toContain('MATERIALIZED')
    expect(many.sql).toContain(`FROM "User" g CROSS JOIN LATERAL`)
    expect(many.sql).toContain(`t."requesterId" = g."id"`)
    expect(many.sql).toContain(`g."name" >= ?::text`)
    expect(many.sql).toMatch(/t\."number" > CASE WHEN g\."name" IS NOT DISTINCT FROM \?::text\s+THEN \?::int ELSE \?::int END/)
    expect(many.sql).not.toContain('Robin')
    expect(many.values).toContain('Robin Whitfield')
  })

  it('walks assignees and departments with a group of nobody last ascending, and first descending', () => {
    const asc = sqlOf(`sort=assignee&after=${cursor('Sam Advocate', 9)}`, false).rows.sql
    expect(asc).toContain('WITH RECURSIVE assignees')
    expect(asc).toContain(`UNION ALL SELECT NULL::uuid, NULL::text ORDER BY 2 ASC, 1 ASC OFFSET 0`)
    expect(asc).toContain(`g."id" IS NULL AND t."assigneeId" IS NULL`)
    expect(asc).toContain(`(g."name" >= ?::text OR g."name" IS NULL)`)
    // After the last unassigned ticket going down, every named group is still to come.
    const desc = sqlOf(`sort=department&dir=desc&after=${cursor(null, 9)}`, false).rows.sql
    expect(desc).toContain(`FROM "Department" d WHERE d."orgId" = ?::uuid`)
    expect(desc).toContain('ORDER BY 2 DESC, 1 DESC OFFSET 0')
    expect(desc).toMatch(/WHERE TRUE\s+ORDER BY g\."name" DESC, t\."number" DESC/)
  })

  it('shows staff restricted to departments their departments’ tickets and their own, in the counts too', () => {
    const departmentIds = ['00000000-0000-0000-0000-0000000000d1']
    const scope: TicketScope = { kind: 'departments', userId: base.userId, departmentIds, coveredCaseIds: [] }
    const { rows, counts } = queueSql({ ...base, scope, query: parseQueueQuery(new URLSearchParams('sort=family')) })
    for (const statement of [rows, counts]) {
      expect(statement.sql).toContain(`(t."departmentId" = ANY(?::uuid[]) OR t."assigneeId" = ?::uuid)`)
      expect(statement.values).toContainEqual(departmentIds)
    }
    expect(sqlOf('').rows.sql).not.toContain(`t."departmentId" = ANY(`)
  })

  it('shows an advocate’s own view as the tickets assigned to them or watched by them, in the counts too', () => {
    const watched = ['00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b']
    const { rows, counts } = queueSql({ ...base, query: parseQueueQuery(new URLSearchParams('view=mine')), watched })
    for (const statement of [rows, counts]) {
      expect(statement.sql).toContain(`(t."assigneeId" = ?::uuid OR t."id" = ANY(?::uuid[]))`)
      expect(statement.values).toContainEqual(watched)
    }
    // Watching nothing: only the assignee's.
    const unwatched = queueSql({ ...base, query: parseQueueQuery(new URLSearchParams('view=mine')), watched: [] }).rows.sql
    expect(unwatched).toContain(`t."assigneeId" = ?::uuid`)
    expect(unwatched).not.toContain('ANY(')
    expect(sqlOf('view=all').rows.sql).not.toContain(`t."assigneeId" = ?::uuid`)
  })

  it('filters "Family replied" as waiting on staff and "Answered" as waiting on the family, on tickets being worked', () => {
    for (const [reply, awaiting] of [
      ['family', 'staff'],
      ['staff', 'family'],
    ] as const) {
      const { rows } = sqlOf(`reply=${reply}`)
      expect(rows.sql).toContain(`t."awaiting" = ?::"Awaiting" AND t."status" IN ('in_progress', 'pending_family', 'pending_la')`)
      expect(rows.values).toContain(awaiting)
    }
  })
})
