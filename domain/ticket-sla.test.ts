import { DateTime } from 'luxon'
import { describe, expect, test } from 'vitest'
import { defaultSlaPolicy, type SlaPolicy } from './sla.ts'
import {
  adoptTicketSla,
  evaluateSla,
  familyWrote,
  retargeted,
  slaChips,
  slaDueAt,
  slaNextChangeAt,
  staffReplied,
  startTicketSla,
  statusChanged,
  type TicketSla,
} from './ticket-sla.ts'

const policy: SlaPolicy = defaultSlaPolicy()
const normal = policy.targets.normal
const HOUR = 3_600_000

/** London wall-clock time (GMT in early March 2026). */
function at(local: string): number {
  return DateTime.fromISO(local, { zone: 'Europe/London' }).toMillis()
}

function kinds(sla: TicketSla) {
  return sla.targets.map((target) => [target.kind, target.cycle, target.clock.stoppedAt === null ? 'running' : 'stopped'])
}

describe('a ticket’s targets', () => {
  const opened = evaluateSla(startTicketSla(policy, normal, at('2026-03-09T09:00')), at('2026-03-09T09:00')).sla

  test('a new ticket runs first response and resolution; the chips show their due times', () => {
    expect(kinds(opened)).toEqual([
      ['first_response', 1, 'running'],
      ['resolution', 1, 'running'],
    ])
    expect(slaChips(opened)).toEqual([
      { kind: 'first_response', dueAt: '2026-03-09T17:00:00.000Z', state: 'on_track' },
      { kind: 'resolution', dueAt: '2026-03-20T17:00:00.000Z', state: 'on_track' },
    ])
    expect(slaDueAt(opened)).toBe('2026-03-09T17:00:00.000Z')
    expect(slaNextChangeAt(opened, at('2026-03-09T09:00'))).toBe(at('2026-03-09T15:00'))
  })

  test('a breach is reported once, and stays when the target is met late', () => {
    const first = evaluateSla(opened, at('2026-03-09T17:00'))
    expect(first.changed).toBe(true)
    expect(first.breaches.map((target) => [target.kind, target.cycle])).toEqual([['first_response', 1]])
    expect(first.sla.state).toBe('breached')
    const again = evaluateSla(first.sla, at('2026-03-09T18:00'))
    expect(again).toEqual({ sla: first.sla, changed: false, breaches: [] })
    const late = evaluateSla(staffReplied(first.sla, policy, at('2026-03-10T10:00')), at('2026-03-10T10:00'))
    expect(late.breaches).toEqual([])
    expect(late.sla.targets[0]).toMatchObject({ state: 'breached', breachedAt: at('2026-03-09T17:00') })
    expect(late.sla.state).toBe('on_track')
  })

  test('next response: a wait per family message after a reply, none while a reply is still owed', () => {
    // Before the first reply, first response already covers the family's message.
    expect(familyWrote(opened, policy, normal, at('2026-03-09T10:00'))).toBe(opened)
    const replied = staffReplied(opened, policy, at('2026-03-09T11:00'))
    const waiting = familyWrote(replied, policy, normal, at('2026-03-09T12:00'))
    expect(kinds(waiting)).toEqual([
      ['first_response', 1, 'stopped'],
      ['next_response', 1, 'running'],
      ['resolution', 1, 'running'],
    ])
    expect(familyWrote(waiting, policy, normal, at('2026-03-09T13:00'))).toBe(waiting)
    const second = familyWrote(staffReplied(waiting, policy, at('2026-03-09T14:00')), policy, normal, at('2026-03-10T09:00'))
    expect(kinds(second)).toContainEqual(['next_response', 2, 'running'])
  })

  test('resolution pauses while waiting, stops when resolved and runs again when reopened; responses stop too', () => {
    const waiting = statusChanged(opened, policy, 'new', 'pending_la', at('2026-03-09T13:00'))
    expect(waiting.targets[1]!.clock).toMatchObject({ runningSince: null, elapsedMs: 4 * HOUR })
    expect(waiting.targets[0]!.clock.runningSince).not.toBeNull()
    const resolved = statusChanged(waiting, policy, 'pending_la', 'resolved', at('2026-03-10T09:00'))
    expect(kinds(resolved).map(([, , running]) => running)).toEqual(['stopped', 'stopped'])
    const reopened = statusChanged(resolved, policy, 'resolved', 'in_progress', at('2026-03-11T09:00'))
    expect(reopened.targets[1]!.clock).toMatchObject({ stoppedAt: null, runningSince: at('2026-03-11T09:00'), elapsedMs: 4 * HOUR })
    expect(reopened.targets[0]!.clock.stoppedAt).not.toBeNull()
    expect(statusChanged(reopened, policy, 'in_progress', 'in_progress', at('2026-03-11T10:00'))).toBe(reopened)
  })

  test('new targets keep the time used', () => {
    const high = retargeted(opened, policy, policy.targets.high, at('2026-03-09T11:00'))
    expect(high.targets.map((target) => target.clock.elapsedMs)).toEqual([2 * HOUR, 2 * HOUR])
    expect(high.targets[0]!.clock.dueAt).toBe(at('2026-03-09T13:00'))
  })

  test.each([
    [
      'new, never answered',
      { status: 'new' as const, firstStaffReplyAtMs: null, awaitingStaff: true },
      [
        ['first_response', 1, 'running'],
        ['resolution', 1, 'running'],
      ],
    ],
    [
      'answered, and the family wrote again',
      { status: 'in_progress' as const, firstStaffReplyAtMs: at('2026-03-09T10:00'), awaitingStaff: true },
      [
        ['first_response', 1, 'stopped'],
        ['next_response', 1, 'running'],
        ['resolution', 1, 'running'],
      ],
    ],
    [
      'answered, waiting on the family',
      { status: 'pending_family' as const, firstStaffReplyAtMs: at('2026-03-09T10:00'), awaitingStaff: false },
      [
        ['first_response', 1, 'stopped'],
        ['resolution', 1, 'running'],
      ],
    ],
    [
      'resolved',
      { status: 'resolved' as const, firstStaffReplyAtMs: null, awaitingStaff: false },
      [
        ['first_response', 1, 'stopped'],
        ['resolution', 1, 'stopped'],
      ],
    ],
  ])('a ticket from before SLAs, %s, starts the clocks its past implies', (_, history, expected) => {
    const now = at('2026-03-12T09:00')
    const sla = adoptTicketSla(policy, normal, { createdAtMs: at('2026-03-09T09:00'), ...history }, now)
    expect(kinds(sla)).toEqual(expected)
    const resolution = sla.targets.find((target) => target.kind === 'resolution')!.clock
    expect(resolution.startedAt).toBe(at('2026-03-09T09:00'))
    if (history.status === 'pending_family') expect(resolution.runningSince).toBeNull()
  })
})
