/**
 * A case's statutory timeline: the stage dates staff record and the exceptions
 * they note, the LA deadlines that follow from them (statutory-periods.ts), and
 * what time does to those deadlines: a duty whose day passes is flagged overdue,
 * a family's window ends, once each. Held by the case workflow in its state.
 */
import { DateTime } from 'luxon'
import {
  endOfDayIn,
  isCalendarDate,
  isTimeZone,
  lastDayOf,
  periodInForce,
  STATUTORY_DEADLINE_KEYS,
  STATUTORY_EXCEPTION_REASONS,
  STATUTORY_PERIODS,
  STATUTORY_STAGES,
  type PeriodLength,
  type StatutoryDeadlineKey,
  type StatutoryExceptionReason,
  type StatutoryPeriod,
  type StatutoryStage,
} from './statutory-periods.ts'

export interface StatutoryState {
  /** The organisation's zone: dates are counted, and deadlines end, there. */
  timezone: string
  /** The day each stage began (YYYY-MM-DD). */
  stages: Partial<Record<StatutoryStage, string>>
  exceptions: Partial<Record<StatutoryDeadlineKey, StatutoryExceptionReason>>
  /** The due instant each deadline was flagged at: flagged once, and a moved deadline is watched afresh. */
  flagged: Partial<Record<StatutoryDeadlineKey, string>>
}

export const STATUTORY_DEADLINE_STATES = ['due', 'met', 'overdue', 'ended', 'exception'] as const
export type StatutoryDeadlineState = (typeof STATUTORY_DEADLINE_STATES)[number]

export interface StatutoryDeadline {
  key: StatutoryDeadlineKey
  kind: StatutoryPeriod['kind']
  regulation: string
  description: string
  from: StatutoryStage
  /** The stage date it counts from. */
  startDate: string
  length: PeriodLength
  /** Its last day (YYYY-MM-DD) and the instant that day ends in the organisation's zone. */
  dueDate: string
  dueAt: string
  state: StatutoryDeadlineState
  reason: StatutoryExceptionReason | null
}

export type StatutoryEventBody =
  | { kind: 'stage_recorded'; data: { stage: StatutoryStage; date: string; from: string | null } }
  | { kind: 'deadline_exception'; data: { key: StatutoryDeadlineKey; reason: StatutoryExceptionReason } }
  | { kind: 'la_deadline_overdue'; data: { key: StatutoryDeadlineKey; dueAt: string } }
  | { kind: 'statutory_window_ended'; data: { key: StatutoryDeadlineKey; dueAt: string } }

export type StatutoryChange =
  { ok: true; statutory: StatutoryState; event: StatutoryEventBody } | { ok: false; reason: string; code: 'invalid_input' | 'no_change' }

export function emptyStatutoryState(timezone: string): StatutoryState {
  return { timezone, stages: {}, exceptions: {}, flagged: {} }
}

/**
 * Every deadline the recorded stages give, in due order. Where several entries
 * share a key (the appeal window from a decision letter or from a mediation
 * certificate), the later deadline is the one that counts.
 */
export function statutoryDeadlines(
  statutory: StatutoryState | undefined,
  periods: readonly StatutoryPeriod[] = STATUTORY_PERIODS,
): StatutoryDeadline[] {
  if (!statutory) return []
  const deadlines = STATUTORY_DEADLINE_KEYS.flatMap((key) => {
    const candidates = STATUTORY_STAGES.flatMap((from) => {
      const startDate = statutory.stages[from]
      const period = startDate ? periodInForce(key, from, startDate, periods) : null
      return period && startDate ? [{ period, startDate, dueDate: lastDayOf(startDate, period.length) }] : []
    })
    const latest = candidates.reduce<(typeof candidates)[number] | null>((best, c) => (best && best.dueDate >= c.dueDate ? best : c), null)
    return latest ? [deadlineOf(statutory, latest.period, latest.startDate, latest.dueDate)] : []
  })
  return deadlines.sort((a, b) => a.dueDate.localeCompare(b.dueDate))
}

function deadlineOf(statutory: StatutoryState, period: StatutoryPeriod, startDate: string, dueDate: string): StatutoryDeadline {
  const dueAt = endOfDayIn(dueDate, statutory.timezone)
  const reason = statutory.exceptions[period.key] ?? null
  const met = period.metBy.some((stage) => (statutory.stages[stage] ?? '') >= startDate)
  const flagged = statutory.flagged[period.key] === dueAt
  const state: StatutoryDeadlineState = reason
    ? 'exception'
    : met
      ? 'met'
      : flagged
        ? period.kind === 'duty'
          ? 'overdue'
          : 'ended'
        : 'due'
  const { key, kind, regulation, description, from, length } = period
  return { key, kind, regulation, description, from, startDate, length, dueDate, dueAt, state, reason }
}

/** Records (or corrects) the day a stage began; a day after today where the case is kept is refused. */
export function recordStage(
  statutory: StatutoryState | undefined,
  input: { stage: StatutoryStage; date: string; timezone: string },
  now: string,
): StatutoryChange {
  if (!STATUTORY_STAGES.includes(input.stage)) return { ok: false, reason: `Unknown stage "${input.stage}"`, code: 'invalid_input' }
  if (!isCalendarDate(input.date)) return { ok: false, reason: 'The stage date is not a valid date', code: 'invalid_input' }
  if (!isTimeZone(input.timezone)) return { ok: false, reason: `Unknown time zone "${input.timezone}"`, code: 'invalid_input' }
  const today = DateTime.fromISO(now, { zone: input.timezone }).toISODate()!
  if (input.date > today) return { ok: false, reason: 'A stage cannot begin after today', code: 'invalid_input' }
  const current = statutory ?? emptyStatutoryState(input.timezone)
  const previous = current.stages[input.stage] ?? null
  if (previous === input.date) return { ok: false, reason: 'That stage is already recorded on that date', code: 'no_change' }
  return {
    ok: true,
    statutory: { ...current, timezone: input.timezone, stages: { ...current.stages, [input.stage]: input.date } },
    event: { kind: 'stage_recorded', data: { stage: input.stage, date: input.date, from: previous } },
  }
}

/** Notes why a deadline the Regulations allow to pass may pass: it then reads "exception", not overdue. */
export function recordException(
  statutory: StatutoryState | undefined,
  input: { key: StatutoryDeadlineKey; reason: StatutoryExceptionReason },
): StatutoryChange {
  if (!STATUTORY_EXCEPTION_REASONS.includes(input.reason))
    return { ok: false, reason: 'Choose one of the listed reasons', code: 'invalid_input' }
  const deadline = statutoryDeadlines(statutory).find((candidate) => candidate.key === input.key)
  if (!statutory || !deadline)
    return { ok: false, reason: 'Record the date of the stage this deadline counts from first', code: 'invalid_input' }
  if (!periodAllowsException(input.key))
    return { ok: false, reason: 'The Regulations allow no exception to this deadline', code: 'invalid_input' }
  if (deadline.state === 'met') return { ok: false, reason: 'That deadline was met', code: 'no_change' }
  if (deadline.reason === input.reason) return { ok: false, reason: 'That exception is already recorded', code: 'no_change' }
  return {
    ok: true,
    statutory: { ...statutory, exceptions: { ...statutory.exceptions, [input.key]: input.reason } },
    event: { kind: 'deadline_exception', data: input },
  }
}

export function periodAllowsException(key: StatutoryDeadlineKey): boolean {
  return STATUTORY_PERIODS.some((period) => period.key === key && period.exceptionAllowed)
}

/** Deadlines whose last day is over and still due: flagged, each with its event. */
export function applyStatutoryDeadlines(
  statutory: StatutoryState | undefined,
  nowMs: number,
): { statutory: StatutoryState | undefined; events: StatutoryEventBody[] } {
  const passed = statutoryDeadlines(statutory).filter((deadline) => deadline.state === 'due' && Date.parse(deadline.dueAt) <= nowMs)
  if (!statutory || passed.length === 0) return { statutory, events: [] }
  const flagged = { ...statutory.flagged }
  for (const deadline of passed) flagged[deadline.key] = deadline.dueAt
  const events = passed.map(({ key, kind, dueAt }): StatutoryEventBody =>
    kind === 'duty' ? { kind: 'la_deadline_overdue', data: { key, dueAt } } : { kind: 'statutory_window_ended', data: { key, dueAt } },
  )
  return { statutory: { ...statutory, flagged }, events }
}

/** When the next deadline still due ends (epoch ms), or null. */
export function nextStatutoryDeadlineMs(statutory: StatutoryState | undefined): number | null {
  const due = statutoryDeadlines(statutory).filter((deadline) => deadline.state === 'due')
  return due.length ? Math.min(...due.map((deadline) => Date.parse(deadline.dueAt))) : null
}
