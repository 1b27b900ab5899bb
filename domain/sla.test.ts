import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, test } from 'vitest'
import { businessMsBetween } from './business-calendar.ts'
import {
  SLA_KINDS,
  clockPausedIn,
  clockState,
  defaultSlaPolicy,
  nextTransitionAt,
  pauseClock,
  pendingFamilyAutoCloseAt,
  pendingFamilyReminderAt,
  pausedMsAt,
  rebudgetClock,
  remainingMs,
  reopenWindowEndsAt,
  resolveTargets,
  restartClock,
  resumeClock,
  slaPolicyFromJson,
  slaPolicyToJson,
  startClock,
  stopClock,
  ticketNextTransitionAt,
  ticketSlaState,
  type SlaClock,
  type SlaPolicy,
  type SlaState,
  type SlaTarget,
} from './sla.ts'
import { SlaPolicySchema } from './sla-schemas.ts'
import { TICKET_STATUSES } from './ticket.ts'

const LONDON = 'Europe/London'
const MINUTE = 60_000
const HOUR = 60 * MINUTE

const policy: SlaPolicy = {
  ...defaultSlaPolicy(),
  calendar: { ...defaultSlaPolicy().calendar, holidays: ['2026-12-25', '2026-12-28'] },
}
const normal = policy.targets.normal
const high = policy.targets.high
const urgent = policy.targets.urgent

function at(local: string): number {
  const time = DateTime.fromISO(local, { zone: LONDON })
  if (!time.isValid) throw new Error(`bad test time ${local}`)
  return time.toMillis()
}

function london(ms: number | null): string | null {
  return ms === null ? null : DateTime.fromMillis(ms, { zone: LONDON }).toISO({ suppressSeconds: true, suppressMilliseconds: true })
}

describe('policy', () => {
  test('the default policy is valid JSON for the admin screens and survives the round trip', () => {
    const json = slaPolicyToJson(defaultSlaPolicy())
    expect(SlaPolicySchema.parse(JSON.parse(JSON.stringify(json)))).toEqual(json)
    expect(slaPolicyFromJson(json)).toEqual(defaultSlaPolicy())
    expect(Object.keys(json)).toEqual([
      'timezone',
      'businessHours',
      'holidays',
      'atRiskShare',
      'targets',
      'typeOverrides',
      'pendingFamily',
      'reopenWindowDays',
    ])
  })

  test('the defaults follow "within one working day"', () => {
    const { targets } = defaultSlaPolicy()
    expect(targets.normal).toEqual({
      firstResponseMinutes: 480,
      nextResponseMinutes: 480,
      resolutionMinutes: 4800,
      calendar: 'business',
    })
    expect(targets.urgent).toEqual({
      firstResponseMinutes: 60,
      nextResponseMinutes: 240,
      resolutionMinutes: 2880,
      calendar: '24x7',
    })
  })

  const validJson = slaPolicyToJson(defaultSlaPolicy())
  test.each<[string, (json: any) => void]>([
    ['an unknown top-level key', (json) => (json.escalation = true)],
    ['an unknown key in a target', (json) => (json.targets.normal.pauseOnWeekends = true)],
    ['a zero-minute target', (json) => (json.targets.normal.firstResponseMinutes = 0)],
    ['a fractional target', (json) => (json.targets.normal.resolutionMinutes = 90.5)],
    ['a missing priority', (json) => delete json.targets.low],
    ['an unknown priority', (json) => (json.targets.critical = json.targets.urgent)],
    ['an unknown calendar', (json) => (json.targets.low.calendar = 'weekdays')],
    ['an override for an unknown type', (json) => (json.typeOverrides.parking = { normal: json.targets.normal })],
    ['an override for an unknown priority', (json) => (json.typeOverrides.tribunal = { critical: json.targets.normal })],
    ['an unknown zone', (json) => (json.timezone = 'London')],
    ['hours that close before they open', (json) => (json.businessHours.end = '08:00')],
    ['zone or holidays inside business hours', (json) => (json.businessHours.timezone = LONDON)],
    ['a holiday that is not a date', (json) => json.holidays.push('2026-13-01')],
    ['an at-risk share above 1', (json) => (json.atRiskShare = 1.5)],
    ['a fractional reminder', (json) => (json.pendingFamily.reminderDays = 2.5)],
    ['a negative reopen window', (json) => (json.reopenWindowDays = -1)],
  ])('the schema refuses %s', (_, change) => {
    const json = structuredClone(validJson)
    change(json)
    expect(SlaPolicySchema.safeParse(json).success).toBe(false)
  })

  test('one-minute targets are allowed', () => {
    const json = structuredClone(validJson)
    json.targets.urgent = { firstResponseMinutes: 1, nextResponseMinutes: 1, resolutionMinutes: 1, calendar: '24x7' }
    expect(SlaPolicySchema.safeParse(json).success).toBe(true)
  })

  test("a ticket type's override replaces the priority's targets; otherwise the priority's apply", () => {
    const tribunalHigh: SlaTarget = {
      firstResponseMinutes: 60,
      nextResponseMinutes: 120,
      resolutionMinutes: 960,
      calendar: 'business',
    }
    const withOverride: SlaPolicy = { ...policy, typeOverrides: { tribunal: { high: tribunalHigh } } }
    expect(resolveTargets(withOverride, 'tribunal', 'high')).toEqual(tribunalHigh)
    expect(resolveTargets(withOverride, 'tribunal', 'normal')).toEqual(policy.targets.normal)
    expect(resolveTargets(withOverride, 'dla', 'high')).toEqual(policy.targets.high)
  })

  test('only resolution pauses, and only while waiting on the family or the local authority', () => {
    const pausing = TICKET_STATUSES.filter((status) => clockPausedIn('resolution', status))
    expect(pausing).toEqual(['pending_family', 'pending_la'])
    expect(TICKET_STATUSES.some((status) => clockPausedIn('first_response', status) || clockPausedIn('next_response', status))).toBe(false)
  })

  test('families are reminded after 5 working days, the ticket closes after 14 calendar days, reopens within 7', () => {
    expect(defaultSlaPolicy()).toMatchObject({ pendingFamily: { reminderDays: 5, autoCloseDays: 14 }, reopenWindowDays: 7 })
    // Tuesday 14:00 plus five working days is the next Tuesday 14:00.
    expect(london(pendingFamilyReminderAt(policy, at('2026-03-03T14:00')))).toBe('2026-03-10T14:00+00:00')
    // Over Christmas (the 25th and 28th are this policy's holidays): 7 hours on the 23rd, then the
    // 24th, 29th, 30th and 31st, and the last hour on 1 January (not a holiday here).
    expect(london(pendingFamilyReminderAt(policy, at('2026-12-23T10:00')))).toBe('2027-01-01T10:00+00:00')
    // Across the spring change: same wall-clock time, one hour fewer in between.
    expect(london(pendingFamilyAutoCloseAt(policy, at('2026-03-20T10:00')))).toBe('2026-04-03T10:00+01:00')
    // Across the autumn change: same wall-clock time, one hour more in between.
    expect(london(reopenWindowEndsAt(policy, at('2026-10-20T16:00')))).toBe('2026-10-27T16:00+00:00')
  })
})

describe('a first response clock on a normal ticket (one working day)', () => {
  const started = startClock('first_response', normal, policy, at('2026-03-06T16:30'))

  test('is due one working day later and at risk with a quarter left', () => {
    expect(started).toMatchObject({
      kind: 'first_response',
      calendar: 'business',
      budgetMs: 8 * HOUR,
      elapsedMs: 0,
      stoppedAt: null,
    })
    expect(london(started.dueAt)).toBe('2026-03-09T16:30+00:00')
    expect(london(started.atRiskAt)).toBe('2026-03-09T14:30+00:00')
  })

  test.each<[string, SlaState, string | null]>([
    ['2026-03-06T16:30', 'on_track', '2026-03-09T14:30+00:00'],
    ['2026-03-07T12:00', 'on_track', '2026-03-09T14:30+00:00'],
    ['2026-03-09T14:29', 'on_track', '2026-03-09T14:30+00:00'],
    ['2026-03-09T14:30', 'at_risk', '2026-03-09T16:30+00:00'],
    ['2026-03-09T16:30', 'breached', null],
    ['2026-03-10T09:00', 'breached', null],
  ])('at %s it is %s, next changing at %s', (now, state, next) => {
    expect(clockState(started, at(now))).toBe(state)
    expect(london(nextTransitionAt(started, at(now)))).toBe(next)
  })

  test('remaining business time stands still over the weekend and goes negative once overdue', () => {
    expect(remainingMs(started, policy, at('2026-03-07T12:00'))).toBe(7.5 * HOUR)
    expect(remainingMs(started, policy, at('2026-03-09T09:00'))).toBe(7.5 * HOUR)
    expect(remainingMs(started, policy, at('2026-03-09T17:00'))).toBe(-0.5 * HOUR)
  })

  test('a reply in time is met; a late reply stays breached but is stopped', () => {
    const inTime = stopClock(started, policy, at('2026-03-09T10:00'))
    expect(inTime).toMatchObject({
      stoppedAt: at('2026-03-09T10:00'),
      elapsedMs: 1.5 * HOUR,
      runningSince: null,
      dueAt: null,
    })
    expect(clockState(inTime, at('2026-03-20T10:00'))).toBe('met')

    const late = stopClock(started, policy, at('2026-03-10T10:00'))
    expect(late.stoppedAt).toBe(at('2026-03-10T10:00'))
    expect(clockState(late, at('2026-03-10T10:00'))).toBe('breached')
    expect(nextTransitionAt(late, at('2026-03-10T10:00'))).toBeNull()
  })
})

test('an urgent clock runs through the weekend', () => {
  const clock = startClock('first_response', urgent, policy, at('2026-03-07T22:00'))
  expect(london(clock.atRiskAt)).toBe('2026-03-07T22:45+00:00')
  expect(london(clock.dueAt)).toBe('2026-03-07T23:00+00:00')
})

describe('pausing the resolution clock while pending the family', () => {
  // Normal resolution: 10 working days from Monday 9 March 09:00 is Friday 20 March 17:00.
  const started = startClock('resolution', normal, policy, at('2026-03-09T09:00'))
  const paused = pauseClock(started, policy, at('2026-03-10T10:00'))
  const resumed = resumeClock(paused, policy, at('2026-03-12T10:00'))

  test('banks the time used and has no due time while paused', () => {
    expect(london(started.dueAt)).toBe('2026-03-20T17:00+00:00')
    expect(paused).toMatchObject({
      elapsedMs: 9 * HOUR,
      runningSince: null,
      atRiskAt: null,
      dueAt: null,
      budgetMs: started.budgetMs,
    })
    expect(clockState(paused, at('2026-04-30T10:00'))).toBe('paused')
    expect(nextTransitionAt(paused, at('2026-03-11T10:00'))).toBeNull()
    expect(remainingMs(paused, policy, at('2026-04-30T10:00'))).toBe(started.budgetMs - 9 * HOUR)
  })

  test('resuming continues where it stopped: two paused working days move the due time two working days', () => {
    expect(resumed.runningSince).toBe(at('2026-03-12T10:00'))
    expect(resumed.elapsedMs).toBe(9 * HOUR)
    expect(london(resumed.dueAt)).toBe('2026-03-24T17:00+00:00')
  })

  test('pause, resume and stop are idempotent', () => {
    expect(pauseClock(paused, policy, at('2026-03-11T10:00'))).toBe(paused)
    expect(resumeClock(resumed, policy, at('2026-03-13T10:00'))).toBe(resumed)
    const stopped = stopClock(resumed, policy, at('2026-03-13T10:00'))
    expect(stopClock(stopped, policy, at('2026-03-14T10:00'))).toBe(stopped)
    expect(resumeClock(stopped, policy, at('2026-03-14T10:00'))).toBe(stopped)
    expect(pauseClock(stopped, policy, at('2026-03-14T10:00'))).toBe(stopped)
  })

  test('a breach is not undone by waiting on the family', () => {
    const tight = startClock('resolution', { ...normal, resolutionMinutes: 60 }, policy, at('2026-03-09T09:00'))
    const pausedLate = pauseClock(tight, policy, at('2026-03-09T11:00'))
    expect(clockState(pausedLate, at('2026-03-09T11:00'))).toBe('breached')
    expect(ticketSlaState([pausedLate], at('2026-03-09T11:00'))).toBe('breached')
  })

  test('stopping while paused keeps the banked time', () => {
    const stopped = stopClock(paused, policy, at('2026-03-11T10:00'))
    expect(stopped).toMatchObject({ elapsedMs: 9 * HOUR, stoppedAt: at('2026-03-11T10:00') })
    expect(clockState(stopped, at('2026-03-11T10:00'))).toBe('met')
  })
})

describe('paused time and restarting', () => {
  const started = startClock('resolution', normal, policy, at('2026-03-09T09:00'))
  const paused = pauseClock(started, policy, at('2026-03-10T10:00'))

  test('counts the business time a clock stood still, including the pause under way', () => {
    expect(paused.pausedAt).toBe(at('2026-03-10T10:00'))
    // Tuesday 10:00 to Wednesday 10:00: seven hours that day and one the next.
    expect(pausedMsAt(paused, policy, at('2026-03-11T10:00'))).toBe(8 * HOUR)
    const resumed = resumeClock(paused, policy, at('2026-03-12T10:00'))
    expect(resumed).toMatchObject({ pausedAt: null, pausedMs: 16 * HOUR })
    const pausedAgain = pauseClock(resumed, policy, at('2026-03-12T16:00'))
    expect(pausedMsAt(pausedAgain, policy, at('2026-03-13T09:00'))).toBe(17 * HOUR)
    expect(stopClock(pausedAgain, policy, at('2026-03-13T10:00'))).toMatchObject({ pausedAt: null, pausedMs: 18 * HOUR })
  })

  test('a stopped clock restarts from the time it used, and a breach stays a breach', () => {
    const stopped = stopClock(started, policy, at('2026-03-10T10:00'))
    const again = restartClock(stopped, policy, at('2026-03-16T10:00'))
    expect(again).toMatchObject({ stoppedAt: null, elapsedMs: 9 * HOUR, runningSince: at('2026-03-16T10:00') })
    expect(london(again.dueAt)).toBe('2026-03-26T17:00+00:00')
    expect(restartClock(again, policy, at('2026-03-17T10:00'))).toBe(again)
    expect(restartClock(paused, policy, at('2026-03-17T10:00'))).toBe(paused)

    const tight = stopClock(
      startClock('resolution', { ...normal, resolutionMinutes: 60 }, policy, at('2026-03-09T09:00')),
      policy,
      at('2026-03-09T11:00'),
    )
    expect(clockState(restartClock(tight, policy, at('2026-03-10T09:00')), at('2026-03-10T09:00'))).toBe('breached')
  })

  test("a new policy's calendar counts the rest; the old one measures what was used", () => {
    const allDay: SlaPolicy = { ...policy, calendar: { ...policy.calendar, start: '00:00', end: '23:59' } }
    const clock = startClock('first_response', normal, policy, at('2026-03-09T09:00'))
    // By 20:00 the old calendar had counted 8 business hours; the new one would count 11.
    const rebudgeted = rebudgetClock(clock, normal, allDay, at('2026-03-09T20:00'), policy)
    expect(rebudgeted.elapsedMs).toBe(8 * HOUR)
    expect(rebudgetClock(clock, normal, allDay, at('2026-03-09T20:00')).elapsedMs).toBe(11 * HOUR)
  })
})

describe('rebudgeting after a change of priority', () => {
  const started = startClock('resolution', normal, policy, at('2026-03-09T09:00'))

  test('keeps the time used and counts the new budget from there', () => {
    // 9 business hours used by Tuesday 10:00; high allows 5 working days, so 31 hours are left:
    // three working days to Friday 10:00, then seven hours to 17:00.
    const raised = rebudgetClock(started, high, policy, at('2026-03-10T10:00'))
    expect(raised).toMatchObject({
      elapsedMs: 9 * HOUR,
      budgetMs: 40 * HOUR,
      runningSince: at('2026-03-10T10:00'),
      startedAt: started.startedAt,
    })
    expect(london(raised.dueAt)).toBe('2026-03-13T17:00+00:00')
  })

  test('a budget smaller than the time used breaches at once', () => {
    const firstResponse = startClock('first_response', normal, policy, at('2026-03-09T09:00'))
    const urgentNow = rebudgetClock(firstResponse, urgent, policy, at('2026-03-09T14:00'))
    expect(urgentNow).toMatchObject({ calendar: '24x7', elapsedMs: 5 * HOUR, budgetMs: HOUR })
    expect(clockState(urgentNow, at('2026-03-09T14:00'))).toBe('breached')
  })

  test('switching to 24x7 counts the rest around the clock', () => {
    const firstResponse = startClock('first_response', normal, policy, at('2026-03-06T16:45'))
    const urgentNow = rebudgetClock(firstResponse, urgent, policy, at('2026-03-06T18:00'))
    // 15 business minutes used before closing; 45 left, counted from 18:00 on a Friday evening.
    expect(urgentNow.elapsedMs).toBe(15 * MINUTE)
    expect(london(urgentNow.dueAt)).toBe('2026-03-06T18:45+00:00')
  })

  test('a paused clock takes the new budget and stays paused; a met one is left alone', () => {
    const paused = pauseClock(started, policy, at('2026-03-10T10:00'))
    const raised = rebudgetClock(paused, high, policy, at('2026-03-11T10:00'))
    expect(raised).toMatchObject({ budgetMs: 40 * HOUR, elapsedMs: 9 * HOUR, runningSince: null, dueAt: null })
    const met = stopClock(started, policy, at('2026-03-10T10:00'))
    expect(rebudgetClock(met, high, policy, at('2026-03-11T10:00'))).toBe(met)
  })
})

describe('ticketSlaState', () => {
  const now = at('2026-03-09T15:00')
  // Built to be in a given state at `now`.
  const onTrack = startClock('resolution', normal, policy, at('2026-03-09T14:00'))
  const atRisk = startClock('first_response', normal, policy, at('2026-03-09T09:00'))
  const breached = startClock('next_response', { ...normal, nextResponseMinutes: 60 }, policy, at('2026-03-09T09:00'))
  const paused = pauseClock(onTrack, policy, now)
  const met = stopClock(onTrack, policy, now)
  const metLate = stopClock(breached, policy, now)

  test('the fixtures are in the states their names say', () => {
    expect([onTrack, atRisk, breached, paused, met, metLate].map((clock) => clockState(clock, now))).toEqual([
      'on_track',
      'at_risk',
      'breached',
      'paused',
      'met',
      'breached',
    ])
  })

  test.each<[string, SlaClock[], SlaState]>([
    ['breached beats at risk', [onTrack, atRisk, breached], 'breached'],
    ['at risk beats on track', [onTrack, atRisk, met], 'at_risk'],
    ['a running target beats a paused one', [paused, onTrack], 'on_track'],
    ['nothing running, something paused', [paused, met], 'paused'],
    ['a target met late no longer counts', [metLate, onTrack], 'on_track'],
    ['all met', [met, metLate], 'met'],
    ['no targets', [], 'met'],
  ])('%s', (_, clocks, state) => {
    expect(ticketSlaState(clocks, now)).toBe(state)
  })

  test('the next transition is the earliest of the running clocks', () => {
    expect(ticketNextTransitionAt([onTrack, atRisk, breached, paused, met], now)).toBe(atRisk.dueAt)
    expect(ticketNextTransitionAt([paused, met], now)).toBeNull()
  })
})

describe('clocks survive JSON', () => {
  test('a clock is plain data', () => {
    const clock = pauseClock(startClock('resolution', normal, policy, at('2026-03-09T09:00')), policy, at('2026-03-10T10:00'))
    expect(JSON.parse(JSON.stringify(clock))).toEqual(clock)
  })
})

// ---------------------------------------------------------------------------
// Properties

const FROM = at('2026-01-01T00:00')
const targetArb: fc.Arbitrary<SlaTarget> = fc.record({
  firstResponseMinutes: fc.integer({ min: 1, max: 5 * 480 }),
  nextResponseMinutes: fc.integer({ min: 1, max: 5 * 480 }),
  resolutionMinutes: fc.integer({ min: 1, max: 20 * 480 }),
  calendar: fc.constantFrom('business' as const, '24x7' as const),
})
const kindArb = fc.constantFrom(...SLA_KINDS)
/** Gaps between events, up to four days, so runs cross nights, weekends and holidays. */
const gapsArb = fc.array(fc.integer({ min: 0, max: 4 * 24 * HOUR }), { minLength: 1, maxLength: 12 })
const shareArb = fc.constantFrom(0, 0.1, 0.25, 1 / 3, 0.5, 1)

function calendarFor(clock: SlaClock) {
  return clock.calendar === '24x7' ? ('24x7' as const) : policy.calendar
}

describe('properties', () => {
  test('pausing and resuming never change the budget, and only running time is used', () => {
    fc.assert(
      fc.property(kindArb, targetArb, gapsArb, (kind, target, gaps) => {
        let now = FROM
        let clock = startClock(kind, target, policy, now)
        let used = 0
        for (const gap of gaps) {
          const next = now + gap
          if (clock.runningSince !== null) used += businessMsBetween(calendarFor(clock), now, next)
          clock = clock.runningSince === null ? resumeClock(clock, policy, next) : pauseClock(clock, policy, next)
          now = next
          expect(clock.budgetMs).toBe(startClock(kind, target, policy, FROM).budgetMs)
          expect(clock.elapsedMs).toBe(used)
          expect(remainingMs(clock, policy, now)).toBe(clock.budgetMs - used)
        }
      }),
    )
  })

  test('a running clock is due exactly when its running time reaches the budget', () => {
    fc.assert(
      fc.property(kindArb, targetArb, gapsArb, (kind, target, gaps) => {
        let now = FROM
        let clock = startClock(kind, target, policy, now)
        for (const gap of gaps) {
          now += gap
          clock = clock.runningSince === null ? resumeClock(clock, policy, now) : pauseClock(clock, policy, now)
        }
        if (clock.runningSince === null || clock.dueAt === null) return
        const left = Math.max(0, clock.budgetMs - clock.elapsedMs)
        expect(businessMsBetween(calendarFor(clock), clock.runningSince, clock.dueAt)).toBe(left)
        expect(remainingMs(clock, policy, clock.dueAt)).toBe(Math.min(0, clock.budgetMs - clock.elapsedMs))
      }),
    )
  })

  test('rebudgeting keeps the time used', () => {
    fc.assert(
      fc.property(kindArb, targetArb, targetArb, gapsArb, fc.boolean(), (kind, before, after, gaps, pauseFirst) => {
        let now = FROM
        let clock = startClock(kind, before, policy, now)
        for (const gap of gaps) now += gap
        if (pauseFirst) clock = pauseClock(clock, policy, now)
        const used = clock.budgetMs - remainingMs(clock, policy, now)
        const rebudgeted = rebudgetClock(clock, after, policy, now)
        expect(rebudgeted.elapsedMs).toBe(used)
        expect(rebudgeted.startedAt).toBe(FROM)
        expect(remainingMs(rebudgeted, policy, now)).toBe(rebudgeted.budgetMs - used)
      }),
    )
  })

  test('the state agrees with the business time left, and changes exactly at nextTransitionAt', () => {
    fc.assert(
      fc.property(
        kindArb,
        targetArb,
        shareArb,
        fc.integer({ min: 0, max: 60 * 24 * HOUR }),
        fc.integer({ min: 0, max: 30 * 24 * HOUR }),
        (kind, target, atRiskShare, startOffset, age) => {
          const shared = { ...policy, atRiskShare }
          const clock = startClock(kind, target, shared, FROM + startOffset)
          const now = clock.startedAt + age
          const left = remainingMs(clock, shared, now)
          const expected: SlaState = left <= 0 ? 'breached' : left <= Math.floor(clock.budgetMs * atRiskShare) ? 'at_risk' : 'on_track'
          expect(clockState(clock, now)).toBe(expected)

          const next = nextTransitionAt(clock, now)
          if (next === null) {
            expect(clockState(clock, now)).toBe('breached')
          } else {
            expect(next).toBeGreaterThan(now)
            expect(clockState(clock, next - 1)).toBe(clockState(clock, now))
            expect(clockState(clock, next)).not.toBe(clockState(clock, now))
          }
        },
      ),
    )
  })
})
