import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, test } from 'vitest'
import { endOfDayIn, lastDayOf, periodInForce, STATUTORY_PERIODS, type StatutoryPeriod } from './statutory-periods.ts'
import {
  applyStatutoryDeadlines,
  nextStatutoryDeadlineMs,
  recordException,
  recordStage,
  statutoryDeadlines,
  type StatutoryState,
} from './statutory-timeline.ts'
import { describeDeadline } from './statutory-words.ts'

const LONDON = 'Europe/London'
const NOW = '2026-12-02T10:00:00.000Z'

function withStages(stages: StatutoryState['stages']): StatutoryState {
  return { timezone: LONDON, stages, exceptions: {}, flagged: {} }
}

const calendarDate = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10))

describe('the periods', () => {
  test('a request on 1 December 2026: decision by 12 January 2027, no-plan notice by 23 March, final plan by 20 April', () => {
    const deadlines = statutoryDeadlines(withStages({ assessment_requested: '2026-12-01' }))
    expect(deadlines.map(({ key, dueDate, state }) => [key, dueDate, state])).toEqual([
      ['assessment_decision', '2027-01-12', 'due'],
      ['no_plan_notice', '2027-03-23', 'due'],
      ['final_plan', '2027-04-20', 'due'],
    ])
    // The end of that day in London (GMT in January).
    expect(deadlines[0]!.dueAt).toBe('2027-01-12T23:59:59.999Z')
  })

  test('a deadline ends at the end of its day in the organisation’s zone, summer time included', () => {
    expect(endOfDayIn('2027-07-01', LONDON)).toBe('2027-07-01T22:59:59.999Z')
    expect(endOfDayIn('2027-07-01', 'America/New_York')).toBe('2027-07-02T03:59:59.999Z')
  })

  test('a month from the end of a month is the end of the next one', () => {
    expect(lastDayOf('2027-01-31', { months: 1 })).toBe('2027-02-28')
    expect(lastDayOf('2028-01-31', { months: 1 })).toBe('2028-02-29')
    expect(lastDayOf('2026-12-31', { months: 2 })).toBe('2027-02-28')
  })

  test('every deadline ends on or after the day its stage began, and months never run past the month', () => {
    fc.assert(
      fc.property(calendarDate, fc.constantFrom(...STATUTORY_PERIODS), (date, period) => {
        const last = lastDayOf(date, period.length)
        expect(last > date).toBe(true)
        if ('months' in period.length) {
          const start = DateTime.fromISO(date, { zone: 'utc' })
          const end = DateTime.fromISO(last, { zone: 'utc' })
          expect(end.month).toBe(((start.month - 1 + period.length.months) % 12) + 1)
        }
      }),
    )
  })

  test('a later entry wins for stage dates from its start, and the older one still counts before it', () => {
    const changed: StatutoryPeriod = { ...STATUTORY_PERIODS[0]!, length: { weeks: 8 }, validFrom: '2030-01-01' }
    const periods = [{ ...STATUTORY_PERIODS[0]!, validTo: '2030-01-01' }, changed, ...STATUTORY_PERIODS.slice(1)]
    fc.assert(
      fc.property(calendarDate, (date) => {
        const period = periodInForce('assessment_decision', 'assessment_requested', date, periods)
        expect(period?.length).toEqual(date >= '2030-01-01' ? { weeks: 8 } : { weeks: 6 })
        const [decision] = statutoryDeadlines(withStages({ assessment_requested: date }), periods)
        expect(decision!.dueDate).toBe(lastDayOf(date, period!.length))
      }),
    )
  })

  test('the appeal window runs to the later of 2 months from the decision letter and 1 month from mediation', () => {
    const letterOnly = statutoryDeadlines(withStages({ decision_letter_received: '2027-03-01' }))
    expect(letterOnly.find((d) => d.key === 'appeal_window')?.dueDate).toBe('2027-05-01')
    const early = statutoryDeadlines(withStages({ decision_letter_received: '2027-03-01', mediation_certificate_issued: '2027-03-20' }))
    expect(early.find((d) => d.key === 'appeal_window')).toMatchObject({ dueDate: '2027-05-01', from: 'decision_letter_received' })
    const late = statutoryDeadlines(withStages({ decision_letter_received: '2027-03-01', mediation_certificate_issued: '2027-04-15' }))
    expect(late.find((d) => d.key === 'appeal_window')).toMatchObject({ dueDate: '2027-05-15', from: 'mediation_certificate_issued' })
  })
})

describe('recording and time', () => {
  test('a stage date after today is refused, a repeat is no change, a correction says what it was', () => {
    expect(recordStage(undefined, { stage: 'assessment_requested', date: '2026-12-03', timezone: LONDON }, NOW)).toMatchObject({
      ok: false,
      code: 'invalid_input',
    })
    expect(recordStage(undefined, { stage: 'assessment_requested', date: '2026-02-30', timezone: LONDON }, NOW)).toMatchObject({
      ok: false,
    })
    const first = recordStage(undefined, { stage: 'assessment_requested', date: '2026-11-01', timezone: LONDON }, NOW)
    if (!first.ok) throw new Error(first.reason)
    expect(recordStage(first.statutory, { stage: 'assessment_requested', date: '2026-11-01', timezone: LONDON }, NOW)).toMatchObject({
      code: 'no_change',
    })
    expect(recordStage(first.statutory, { stage: 'assessment_requested', date: '2026-11-02', timezone: LONDON }, NOW)).toMatchObject({
      ok: true,
      event: { kind: 'stage_recorded', data: { from: '2026-11-01', date: '2026-11-02' } },
    })
  })

  test('a duty whose day passes is flagged overdue once; a window ends; a moved date is watched afresh', () => {
    const state = withStages({ assessment_requested: '2026-10-01', mediation_certificate_issued: '2026-10-20' })
    const [decision] = statutoryDeadlines(state)
    expect(nextStatutoryDeadlineMs(state)).toBe(Date.parse(decision!.dueAt))
    expect(applyStatutoryDeadlines(state, Date.parse(decision!.dueAt) - 1).events).toEqual([])
    const flagged = applyStatutoryDeadlines(state, Date.parse(NOW))
    expect(flagged.events).toEqual([
      { kind: 'la_deadline_overdue', data: { key: 'assessment_decision', dueAt: decision!.dueAt } },
      { kind: 'statutory_window_ended', data: { key: 'appeal_window', dueAt: '2026-11-20T23:59:59.999Z' } },
    ])
    expect(applyStatutoryDeadlines(flagged.statutory, Date.parse(NOW)).events).toEqual([])
    expect(statutoryDeadlines(flagged.statutory).map((d) => d.state)).toEqual(['overdue', 'ended', 'due', 'due'])
    const moved = recordStage(flagged.statutory, { stage: 'assessment_requested', date: '2026-11-25', timezone: LONDON }, NOW)
    if (!moved.ok) throw new Error(moved.reason)
    expect(statutoryDeadlines(moved.statutory).find((d) => d.key === 'assessment_decision')?.state).toBe('due')
  })

  test('a later stage meets a duty; an exception turns it to "exception" where the Regulations allow one', () => {
    const requested = withStages({ assessment_requested: '2026-10-01' })
    const decided = withStages({ assessment_requested: '2026-10-01', assessment_decided: '2026-11-01' })
    expect(statutoryDeadlines(decided)[0]).toMatchObject({ key: 'assessment_decision', state: 'met' })
    expect(recordException(decided, { key: 'assessment_decision', reason: 'school_closed' })).toMatchObject({ code: 'no_change' })
    const excepted = recordException(requested, { key: 'assessment_decision', reason: 'family_away' })
    if (!excepted.ok) throw new Error(excepted.reason)
    expect(statutoryDeadlines(excepted.statutory)[0]).toMatchObject({ state: 'exception', reason: 'family_away' })
    expect(applyStatutoryDeadlines(excepted.statutory, Date.parse(NOW)).events).toEqual([])
    const review = withStages({ annual_review_held: '2026-11-01' })
    expect(recordException(review, { key: 'annual_review_decision', reason: 'other' })).toMatchObject({ ok: false, code: 'invalid_input' })
    expect(recordException(review, { key: 'final_plan', reason: 'other' })).toMatchObject({ ok: false, code: 'invalid_input' })
  })
})

describe('in plain words', () => {
  const [decision] = statutoryDeadlines(withStages({ assessment_requested: '2026-12-01' }))

  test('for the advocate, with the period and the regulation', () => {
    expect(describeDeadline(decision!, 'Leo', 'staff')).toBe(
      'The council must decide whether to assess Leo by 12 January 2027 (6 weeks from the request on 1 December 2026; SEND Regulations 2014, reg. 5(1)).',
    )
  })

  test('for the family, what the council owes them', () => {
    expect(describeDeadline(decision!, 'Leo', 'family')).toBe('The council must tell you whether it will assess Leo by 12 January 2027.')
    expect(describeDeadline(decision!, null, 'family')).toBe(
      'The council must tell you whether it will assess your child by 12 January 2027.',
    )
  })
})
