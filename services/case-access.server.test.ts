import { describe, expect, it } from 'vitest'
import { caseScopeWhere, maySeeCase, type CaseScope } from './case-access.server.ts'

const ME = '00000000-0000-4000-8000-000000000001'
const COLLEAGUE = '00000000-0000-4000-8000-000000000002'

describe('who sees a case', () => {
  it.each<{ who: string; scope: CaseScope; advocateId: string | null; sees: boolean }>([
    { who: 'an admin, a colleague’s case', scope: { kind: 'all' }, advocateId: COLLEAGUE, sees: true },
    { who: 'an admin, a case without an advocate', scope: { kind: 'all' }, advocateId: null, sees: true },
    { who: 'its advocate', scope: { kind: 'advocate', userId: ME }, advocateId: ME, sees: true },
    { who: 'another advocate', scope: { kind: 'advocate', userId: ME }, advocateId: COLLEAGUE, sees: false },
    { who: 'staff, a case without an advocate', scope: { kind: 'advocate', userId: ME }, advocateId: null, sees: false },
    { who: 'someone not on the team', scope: { kind: 'none' }, advocateId: ME, sees: false },
  ])('$who: $sees', ({ scope, advocateId, sees }) => {
    expect(maySeeCase(scope, { advocateId })).toBe(sees)
  })

  it('filters lists the same way', () => {
    expect(caseScopeWhere({ kind: 'all' })).toEqual({})
    expect(caseScopeWhere({ kind: 'advocate', userId: ME })).toEqual({ advocateId: ME })
    expect(caseScopeWhere({ kind: 'none' })).toEqual({ id: { in: [] } })
  })
})
