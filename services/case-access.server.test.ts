import { describe, expect, it } from 'vitest'
import { caseScopeWhere, isCoverOnly, maySeeCase, type CaseScope } from './case-access.server.ts'

const ME = '00000000-0000-4000-8000-000000000001'
const COLLEAGUE = '00000000-0000-4000-8000-000000000002'
const CASE = '00000000-0000-4000-8000-0000000000c1'
const staff: CaseScope = { kind: 'advocate', userId: ME, coveredCaseIds: [] }
const cover: CaseScope = { kind: 'advocate', userId: ME, coveredCaseIds: [CASE] }

describe('who sees a case', () => {
  it.each<{ who: string; scope: CaseScope; advocateId: string | null; sees: boolean }>([
    { who: 'an admin, a colleague’s case', scope: { kind: 'all' }, advocateId: COLLEAGUE, sees: true },
    { who: 'an admin, a case without an advocate', scope: { kind: 'all' }, advocateId: null, sees: true },
    { who: 'its advocate', scope: staff, advocateId: ME, sees: true },
    { who: 'another advocate', scope: staff, advocateId: COLLEAGUE, sees: false },
    { who: 'staff, a case without an advocate', scope: staff, advocateId: null, sees: false },
    { who: 'its cover', scope: cover, advocateId: COLLEAGUE, sees: true },
    { who: 'someone not on the team', scope: { kind: 'none' }, advocateId: ME, sees: false },
  ])('$who: $sees', ({ scope, advocateId, sees }) => {
    expect(maySeeCase(scope, { id: CASE, advocateId })).toBe(sees)
  })

  it('knows who sees a case only as its cover', () => {
    expect(isCoverOnly(cover, { id: CASE, advocateId: COLLEAGUE })).toBe(true)
    expect(isCoverOnly(cover, { id: CASE, advocateId: ME })).toBe(false)
    expect(isCoverOnly({ kind: 'all' }, { id: CASE, advocateId: COLLEAGUE })).toBe(false)
  })

  it('filters lists the same way', () => {
    expect(caseScopeWhere({ kind: 'all' })).toEqual({})
    expect(caseScopeWhere(staff)).toEqual({ advocateId: ME })
    expect(caseScopeWhere(cover)).toEqual({ OR: [{ advocateId: ME }, { id: { in: [CASE] } }] })
    expect(caseScopeWhere({ kind: 'none' })).toEqual({ id: { in: [] } })
  })
})
