import { describe, expect, it } from 'vitest'
import { shortDuration, SLA_MARKS, slaChip } from './sla-chips.ts'

const now = Date.parse('2026-11-23T12:00:00Z')
const inHours = (h: number) => new Date(now + h * 3_600_000).toISOString()

describe('slaChip', () => {
  it('gives every state a shape of its own: Met is not drawn as Paused', () => {
    expect(SLA_MARKS.met).not.toBe(SLA_MARKS.paused)
    expect(new Set(Object.values(SLA_MARKS)).size).toBe(Object.keys(SLA_MARKS).length)
  })

  it.each([
    ['on_track', inHours(50), 'On track · 2d left', 'ok', 'SLA on track, 2 days left'],
    ['at_risk', inHours(3.5), 'At risk · 3h left', 'warn', 'SLA at risk, 3 hours left'],
    ['on_track', inHours(0.5), 'On track · 30m left', 'ok', 'SLA on track, 30 minutes left'],
    ['breached', inHours(-5), 'Breached · 5h ago', 'bad', 'SLA breached 5 hours ago'],
    ['paused', null, 'Paused', 'neutral', 'SLA paused'],
    ['met', null, 'Met', 'neutral', 'SLA met'],
  ] as const)('%s due %s reads "%s"', (state, dueAt, text, tone, label) => {
    expect(slaChip({ state, dueAt }, now)).toEqual({ state, tone, text, label })
  })

  it('calls a target breached once its due time has passed, before the workflow records it', () => {
    expect(slaChip({ state: 'at_risk', dueAt: inHours(-2) }, now)).toMatchObject({ state: 'breached', text: 'Breached · 2h ago' })
  })

  it('finds when a breached target was due among the targets when the ticket has no running due time', () => {
    const chip = slaChip(
      { state: 'breached', dueAt: null, targets: [{ kind: 'first_response', dueAt: inHours(-26), state: 'breached' }] },
      now,
    )
    expect(chip?.text).toBe('Breached · 26h ago')
    expect(slaChip({ state: 'breached', dueAt: null, targets: [] }, now)?.text).toBe('Breached')
  })

  it('shows nothing for a ticket without an SLA', () => {
    expect(slaChip({ state: null, dueAt: null }, now)).toBeNull()
  })
})

describe('shortDuration', () => {
  it.each([
    [59_000, '1m'],
    [45 * 60_000, '45m'],
    [3 * 3_600_000, '3h'],
    [47 * 3_600_000, '47h'],
    [49 * 3_600_000, '2d'],
  ])('%d ms is %s', (ms, text) => {
    expect(shortDuration(ms)).toBe(text)
  })
})
