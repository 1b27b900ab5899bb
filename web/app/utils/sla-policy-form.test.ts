import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultSlaPolicy, slaPolicyToJson, type SlaPolicyJson } from '../../../domain/sla.ts'
import { PRIORITIES } from '../../../domain/ticket.ts'
import { policyFormValues, policyFromForm, SlaSettingsActionSchema, withTypeOverride } from './sla-policy-form.ts'
import { parseForm } from './validation.ts'

function form(values: Record<string, string>) {
  const data = new FormData()
  for (const [key, value] of Object.entries(values)) data.set(key, value)
  return data
}

function submit(policy: SlaPolicyJson, changes: Record<string, string | null> = {}) {
  const values: Record<string, string> = { intent: 'save-policy', ...policyFormValues(policy) }
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete values[key]
    else values[key] = value
  }
  return parseForm(form(values), SlaSettingsActionSchema)
}

const defaults = slaPolicyToJson(defaultSlaPolicy())
const ehcpHigh = { firstResponseMinutes: 60, nextResponseMinutes: 150, resolutionMinutes: 4800, calendar: '24x7' } as const

describe('the SLA policy form', () => {
  it('gives back the policy it was filled from, type overrides kept', () => {
    const policy = { ...defaults, holidays: ['2026-12-25', '2026-12-28'], typeOverrides: { ehcp: { high: ehcpHigh } } }
    const result = submit(policy)
    expect(result.success).toBe(true)
    if (!result.success || result.data.intent !== 'save-policy') return
    expect(policyFromForm(result.data, policy.typeOverrides)).toEqual(policy)
  })

  it('round-trips any whole-minute targets and hours', () => {
    const target = fc.record({
      firstResponseMinutes: fc.integer({ min: 1, max: 365 * 24 * 60 }),
      nextResponseMinutes: fc.integer({ min: 1, max: 365 * 24 * 60 }),
      resolutionMinutes: fc.integer({ min: 1, max: 365 * 24 * 60 }),
      calendar: fc.constantFrom('business' as const, '24x7' as const),
    })
    fc.assert(
      fc.property(fc.tuple(target, target, target, target), fc.double({ min: 0, max: 1, noNaN: true }), (targets, share) => {
        // Hours are shown to two decimals: a target survives a save to within 18 seconds, rounded to whole minutes.
        const policy = {
          ...defaults,
          atRiskShare: Math.round(share * 100) / 100,
          targets: Object.fromEntries(PRIORITIES.map((p, i) => [p, targets[i]!])),
        }
        const result = submit(policy as SlaPolicyJson)
        if (!result.success || result.data.intent !== 'save-policy') throw new Error(JSON.stringify(result))
        const saved = policyFromForm(result.data, {})
        for (const p of PRIORITIES)
          for (const key of ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const)
            expect(Math.abs(saved.targets[p][key] - policy.targets[p]![key])).toBeLessThanOrEqual(1)
        expect(saved.atRiskShare).toBe(policy.atRiskShare)
      }),
    )
  })

  it('sorts holidays, drops repeats and takes commas or lines', () => {
    const result = submit(defaults, { holidays: '2026-12-28, 2026-12-25\n\n2026-12-25 ' })
    if (!result.success || result.data.intent !== 'save-policy') throw new Error('expected success')
    expect(policyFromForm(result.data, {}).holidays).toEqual(['2026-12-25', '2026-12-28'])
  })

  it('names each problem under its own field', () => {
    const result = submit(defaults, {
      'day-1': null,
      'day-2': null,
      'day-3': null,
      'day-4': null,
      'day-5': null,
      end: '08:00',
      holidays: '2026-12-25\n2026-02-30',
      'normal.first': 'soon',
      'urgent.next': '0',
      'low.resolution': '9000',
      'high.calendar': 'weekends',
      atRiskPercent: '120',
      timezone: 'Mars/Olympus',
      reopenWindowDays: '1.5',
    })
    expect(result.success).toBe(false)
    if (result.success) return
    expect(result.fieldErrors).toMatchObject({
      days: ['Choose at least one working day'],
      end: ['Closing time must be after opening time'],
      holidays: ['Not a date: 2026-02-30. Write dates as 2026-12-25, one per line'],
      'normal.first': ['Enter a number of hours, like 4 or 1.5'],
      'urgent.next': ['Enter more than 0 hours'],
      'low.resolution': ['Enter at most 8760 hours (a year)'],
      'high.calendar': ['Choose business hours or around the clock'],
      atRiskPercent: ['Enter at most 100'],
      timezone: ['Unknown time zone, use an IANA name such as Europe/London'],
      reopenWindowDays: ['Enter a number of days (0 for no reopening)'],
    })
  })

  it('refuses an unknown action', () => {
    const result = parseForm(form({ intent: 'drop-table' }), SlaSettingsActionSchema)
    expect(result.success).toBe(false)
  })
})

describe('type overrides', () => {
  it('reads hours to minutes for one type and priority', () => {
    const result = parseForm(
      form({
        intent: 'save-override',
        type: 'ehcp',
        priority: 'high',
        'override.first': '1',
        'override.next': '2.5',
        'override.resolution': '80',
        'override.calendar': '24x7',
      }),
      SlaSettingsActionSchema,
    )
    expect(result).toEqual({ success: true, data: { intent: 'save-override', type: 'ehcp', priority: 'high', target: ehcpHigh } })
  })

  it('adds, replaces and removes, dropping a type left with none', () => {
    const added = withTypeOverride({}, { type: 'ehcp', priority: 'high', target: ehcpHigh })
    expect(added).toEqual({ ehcp: { high: ehcpHigh } })
    const replaced = withTypeOverride(added, { type: 'ehcp', priority: 'high', target: { ...ehcpHigh, calendar: 'business' } })
    expect(replaced.ehcp?.high?.calendar).toBe('business')
    expect(withTypeOverride(replaced, { type: 'ehcp', priority: 'high', target: null })).toEqual({})
    expect(added).toEqual({ ehcp: { high: ehcpHigh } })
  })
})
