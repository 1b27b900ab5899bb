import { describe, expect, it } from 'vitest'
import { defaultSlaPolicy, slaPolicyToJson } from './sla.ts'
import { effectiveSlaPolicy } from './sla-schemas.ts'

describe('effectiveSlaPolicy', () => {
  const stored = slaPolicyToJson(defaultSlaPolicy('Europe/Dublin'))

  it('is the stored policy when it is valid', () => {
    expect(effectiveSlaPolicy(stored, 'Europe/London')).toEqual({ policy: stored, isDefault: false })
  })

  it('is the default in the organisation’s time zone when none is stored', () => {
    const { policy, isDefault, problem } = effectiveSlaPolicy(null, 'America/New_York')
    expect(isDefault).toBe(true)
    expect(problem).toBeUndefined()
    expect(policy.timezone).toBe('America/New_York')
  })

  it('is the same default, with the problem named, when the stored one is invalid', () => {
    const { policy, isDefault, problem } = effectiveSlaPolicy({ ...stored, atRiskShare: 7 }, 'America/New_York')
    expect(isDefault).toBe(true)
    expect(policy).toEqual(effectiveSlaPolicy(null, 'America/New_York').policy)
    expect(problem).toMatch(/atRiskShare/)
  })
})
