import { describe, expect, it } from 'vitest'
import { BulkFormSchema, permissionFor } from './bulk-change.server.ts'

const parse = (fields: Record<string, unknown>) => BulkFormSchema.safeParse(fields)

describe('the change bar’s form', () => {
  it('reads the ticked tickets, or every ticket on the page with "select all"', () => {
    expect(parse({ ticket: ['3', '5'], pageTicket: ['1', '3', '5'], change: 'priority:high' }).data).toEqual({
      numbers: [3, 5],
      action: { kind: 'priority', priority: 'high' },
    })
    expect(parse({ ticket: ['3'], pageTicket: ['1', '3', '5'], allOnPage: 'yes', change: 'status:resolved' }).data).toEqual({
      numbers: [1, 3, 5],
      action: { kind: 'status', status: 'resolved' },
    })
  })

  it('takes a tag by its tidied name, and refuses a blank one, no ticket, or a change it does not offer', () => {
    expect(parse({ ticket: ['2'], change: 'tag', tag: '  Welsh   LA ' }).data?.action).toEqual({ kind: 'tag', name: 'Welsh LA' })
    expect(parse({ ticket: ['2'], change: 'tag', tag: '   ' }).success).toBe(false)
    expect(parse({ ticket: [], change: 'priority:low' }).success).toBe(false)
    expect(parse({ ticket: ['2'], change: 'status:new' }).success).toBe(false)
    expect(parse({ ticket: ['2'], change: 'assign:not-an-id' }).success).toBe(false)
    expect(parse({ ticket: Array.from({ length: 501 }, (_, i) => String(i + 1)), change: 'priority:low' }).success).toBe(false)
  })

  it('asks for the permission the same change on one ticket needs', () => {
    const me = '7b1c2f8e-0d4a-4e55-9a51-2f0c6d1e7a42'
    expect(permissionFor({ kind: 'assign', assigneeId: me }, me)).toBe('assign:ticket:self')
    expect(permissionFor({ kind: 'assign', assigneeId: '0b7d3c1e-5a4f-4c8e-9a51-2f0c6d1e7a42' }, me)).toBe('assign:ticket:any')
    expect(permissionFor({ kind: 'tag', name: 'x' }, me)).toBe('tag:ticket:org')
  })
})
