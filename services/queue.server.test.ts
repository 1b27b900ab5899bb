import { describe, expect, it } from 'vitest'
import { decodeCursor, parseQueueQuery, prefixTsQuery, queueSearchParams, queueSql, ticketNumberIn } from './queue.server.ts'

describe('parseQueueQuery', () => {
  it('reads the defaults from an empty address: open tickets, latest activity first', () => {
    expect(parseQueueQuery(new URLSearchParams())).toEqual({
      tab: 'open',
      filters: { assignee: 'any', type: null, priority: null, sla: null, familyReplied: false, q: '' },
      sort: 'activity',
      dir: 'desc',
      after: null,
      before: null,
    })
  })

  it('ignores values it does not know', () => {
    const query = parseQueueQuery(new URLSearchParams('status=bogus&type=x&priority=1&sla=meh&sort=id&dir=up&assignee=all'))
    expect(query).toMatchObject({
      tab: 'open',
      sort: 'activity',
      dir: 'desc',
      filters: { type: null, priority: null, sla: null, assignee: 'any' },
    })
  })

  it('round-trips through the address, leaving defaults out', () => {
    const params = new URLSearchParams('status=new&q=robin&assignee=mine&type=dla&priority=high&sla=at_risk&replied=1&sort=sla&dir=asc')
    const query = parseQueueQuery(params)
    expect(queueSearchParams(query).toString()).toBe(params.toString())
    expect(queueSearchParams(parseQueueQuery(new URLSearchParams())).toString()).toBe('')
  })
})

describe('search terms', () => {
  it('turns words into a prefix query of letters and digits only', () => {
    expect(prefixTsQuery('Rob  Whit')).toBe('rob:* & whit:*')
    expect(prefixTsQuery("O'Brien & <script> | !x:*")).toBe('o:* & brien:* & script:* & x:*')
    expect(prefixTsQuery('Zoë Müller')).toBe('zoë:* & müller:*')
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
    const iso = Buffer.from(JSON.stringify(['2026-11-23T12:00:00.000Z', 7])).toString('base64url')
    expect(decodeCursor('activity', iso)).toEqual({ value: '2026-11-23T12:00:00.000Z', number: 7 })
    expect(decodeCursor('priority', iso)).toBeNull()
    const injected = Buffer.from(JSON.stringify(["urgent'; DROP TABLE", 1])).toString('base64url')
    expect(decodeCursor('priority', injected)).toBeNull()
  })
})

describe('queueSql', () => {
  const base = { orgId: '00000000-0000-0000-0000-000000000001', userId: '00000000-0000-0000-0000-000000000002' }

  it('writes status tabs as literals, so the partial indexes apply, and everything from the request as parameters', () => {
    const query = parseQueueQuery(new URLSearchParams("q=robin'--&type=dla"))
    const { rows, counts } = queueSql({ ...base, query })
    expect(rows.sql).toContain(`t."status" IN ('new', 'in_progress', 'pending_family', 'pending_la')`)
    expect(rows.sql).not.toContain('robin')
    expect(rows.values).toContain('robin:*')
    expect(counts.sql).not.toContain(`t."status" IN`)
  })

  it('pages by keyset on the sort column and the ticket number', () => {
    const after = Buffer.from(JSON.stringify(['urgent', 12])).toString('base64url')
    const query = parseQueueQuery(new URLSearchParams(`sort=priority&after=${after}`))
    const { rows } = queueSql({ ...base, query })
    expect(rows.sql).toContain(`(t."priority", t."number") > (?::"Priority", ?::int)`)
    expect(rows.sql).toContain('ORDER BY t."priority" ASC, t."number" ASC')
  })
})
