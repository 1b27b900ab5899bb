import { describe, expect, it } from 'vitest'
import { maySeeTicket, ticketScopeSql, ticketScopeWhere, type TicketScope } from './ticket-access.server.ts'

const ME = '00000000-0000-4000-8000-000000000001'
const COLLEAGUE = '00000000-0000-4000-8000-000000000002'
const TRIBUNALS = '00000000-0000-4000-8000-0000000000d1'
const REVIEWS = '00000000-0000-4000-8000-0000000000d2'
const GENERAL = '00000000-0000-4000-8000-0000000000d3'

const everything: TicketScope = { kind: 'all' }
const COVERED = '00000000-0000-4000-8000-0000000000c1'
const OTHER_CASE = '00000000-0000-4000-8000-0000000000c2'
const tribunalsOnly: TicketScope = { kind: 'departments', userId: ME, departmentIds: [TRIBUNALS], coveredCaseIds: [] }
const twoDepartments: TicketScope = { kind: 'departments', userId: ME, departmentIds: [TRIBUNALS, REVIEWS], coveredCaseIds: [] }
const covering: TicketScope = { kind: 'departments', userId: ME, departmentIds: [TRIBUNALS], coveredCaseIds: [COVERED] }
const outsider: TicketScope = { kind: 'none' }

describe('who sees a ticket', () => {
  it.each<{ who: string; scope: TicketScope; ticket: { departmentId: string; assigneeId: string | null; caseId?: string }; sees: boolean }>(
    [
      {
        who: 'an admin or unrestricted staff, any department',
        scope: everything,
        ticket: { departmentId: GENERAL, assigneeId: null },
        sees: true,
      },
      { who: 'staff of the ticket’s department', scope: tribunalsOnly, ticket: { departmentId: TRIBUNALS, assigneeId: null }, sees: true },
      {
        who: 'staff of one of their departments',
        scope: twoDepartments,
        ticket: { departmentId: REVIEWS, assigneeId: COLLEAGUE },
        sees: true,
      },
      { who: 'staff of another department', scope: tribunalsOnly, ticket: { departmentId: REVIEWS, assigneeId: null }, sees: false },
      {
        who: 'staff of another department, assigned to a colleague',
        scope: tribunalsOnly,
        ticket: { departmentId: REVIEWS, assigneeId: COLLEAGUE },
        sees: false,
      },
      { who: 'the assignee from another department', scope: tribunalsOnly, ticket: { departmentId: REVIEWS, assigneeId: ME }, sees: true },
      {
        who: 'the cover of the ticket’s case, from another department',
        scope: covering,
        ticket: { departmentId: REVIEWS, assigneeId: COLLEAGUE, caseId: COVERED },
        sees: true,
      },
      {
        who: 'the cover of another case',
        scope: covering,
        ticket: { departmentId: REVIEWS, assigneeId: COLLEAGUE, caseId: OTHER_CASE },
        sees: false,
      },
      { who: 'someone not on the team', scope: outsider, ticket: { departmentId: TRIBUNALS, assigneeId: ME }, sees: false },
    ],
  )('$who: $sees', ({ scope, ticket, sees }) => {
    expect(maySeeTicket(scope, { caseId: null, ...ticket })).toBe(sees)
  })
})

describe('the rule as filters', () => {
  it('filters nothing for those who see everything, and everything for outsiders', () => {
    expect(ticketScopeWhere(everything)).toEqual({})
    expect(ticketScopeSql(everything)).toBeNull()
    expect(ticketScopeWhere(outsider)).toEqual({ id: { in: [] } })
    expect(ticketScopeSql(outsider)?.sql).toBe('FALSE')
  })

  it('keeps their departments’ tickets and the ones assigned to them, with the ids as parameters', () => {
    expect(ticketScopeWhere(twoDepartments)).toEqual({ OR: [{ departmentId: { in: [TRIBUNALS, REVIEWS] } }, { assigneeId: ME }] })
    const sql = ticketScopeSql(twoDepartments)!
    expect(sql.sql).toBe('(t."departmentId" = ANY(?::uuid[]) OR t."assigneeId" = ?::uuid)')
    expect(sql.values).toEqual([[TRIBUNALS, REVIEWS], ME])
  })

  it('adds the cases they cover today, in both forms', () => {
    expect(ticketScopeWhere(covering)).toEqual({
      OR: [{ departmentId: { in: [TRIBUNALS] } }, { assigneeId: ME }, { caseId: { in: [COVERED] } }],
    })
    const sql = ticketScopeSql(covering)!
    expect(sql.sql).toBe('(t."departmentId" = ANY(?::uuid[]) OR t."assigneeId" = ?::uuid OR t."caseId" = ANY(?::uuid[]))')
    expect(sql.values).toEqual([[TRIBUNALS], ME, [COVERED]])
  })
})
