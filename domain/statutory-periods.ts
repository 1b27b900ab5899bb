/**
 * The local authority's statutory periods as dated data: a change in the law is
 * a new entry with a `validFrom` (and the old one gains a `validTo`), never new
 * code. Dates are calendar dates in the organisation's time zone; a deadline is
 * the end of its last day there (docs/decisions/011-statutory-timeline.md).
 * Pure, so the case workflow can import it.
 */
import { DateTime, IANAZone } from 'luxon'

/** The dates staff record: the day each stage began. */
export const STATUTORY_STAGES = [
  'assessment_requested',
  'assessment_decided',
  'draft_plan_issued',
  'final_plan_issued',
  'annual_review_held',
  'decision_letter_received',
  'mediation_certificate_issued',
] as const
export type StatutoryStage = (typeof STATUTORY_STAGES)[number]

export const STATUTORY_STAGE_LABELS: Record<StatutoryStage, string> = {
  assessment_requested: 'Request for an EHC needs assessment made',
  assessment_decided: 'Council decided to assess',
  draft_plan_issued: 'Draft EHC plan issued',
  final_plan_issued: 'Final EHC plan issued',
  annual_review_held: 'Annual review meeting held',
  decision_letter_received: 'Decision letter received',
  mediation_certificate_issued: 'Mediation certificate issued',
}

export const STATUTORY_DEADLINE_KEYS = [
  'assessment_decision',
  'no_plan_notice',
  'final_plan',
  'draft_plan_comments',
  'annual_review_decision',
  'appeal_window',
] as const
export type StatutoryDeadlineKey = (typeof STATUTORY_DEADLINE_KEYS)[number]

/** Why the Regulations let a deadline pass (reg. 5(4), 10(4), 13(3)). */
export const STATUTORY_EXCEPTION_REASONS = [
  'school_closed',
  'family_away',
  'exceptional_circumstances',
  'parent_asked_later',
  'other',
] as const
export type StatutoryExceptionReason = (typeof STATUTORY_EXCEPTION_REASONS)[number]

export const STATUTORY_EXCEPTION_LABELS: Record<StatutoryExceptionReason, string> = {
  school_closed: 'The school was closed for 4 weeks or more',
  family_away: 'The family was away from the area for 4 weeks or more',
  exceptional_circumstances: 'Exceptional personal circumstances of the child or parent',
  parent_asked_later: 'The child’s parent asked for a later date',
  other: 'Another reason the Regulations allow',
}

export type PeriodLength = { weeks: number } | { days: number } | { months: number }

export interface StatutoryPeriod {
  key: StatutoryDeadlineKey
  /** Where the law says so, as staff cite it. */
  regulation: string
  /** What must happen, for staff. */
  description: string
  /** A duty of the council (overdue when it passes) or a window the family has (it ends). */
  kind: 'duty' | 'window'
  length: PeriodLength
  from: StatutoryStage
  /** Stages that, recorded on or after `from`'s date, mean the duty was done. */
  metBy: readonly StatutoryStage[]
  /** Whether the Regulations allow an exception to be recorded. */
  exceptionAllowed: boolean
  /** The first stage date (YYYY-MM-DD) the entry applies to; `validTo` the first it no longer does. */
  validFrom: string
  validTo?: string
}

const IN_FORCE = '2014-09-01'

export const STATUTORY_PERIODS: readonly StatutoryPeriod[] = [
  {
    key: 'assessment_decision',
    regulation: 'SEND Regulations 2014, reg. 5(1)',
    description: 'decide whether to carry out an EHC needs assessment',
    kind: 'duty',
    length: { weeks: 6 },
    from: 'assessment_requested',
    metBy: ['assessment_decided', 'decision_letter_received', 'draft_plan_issued', 'final_plan_issued'],
    exceptionAllowed: true,
    validFrom: IN_FORCE,
  },
  {
    key: 'no_plan_notice',
    regulation: 'SEND Regulations 2014, reg. 10(1)',
    description: 'say if it decides not to issue an EHC plan',
    kind: 'duty',
    length: { weeks: 16 },
    from: 'assessment_requested',
    metBy: ['draft_plan_issued', 'final_plan_issued', 'decision_letter_received'],
    exceptionAllowed: true,
    validFrom: IN_FORCE,
  },
  {
    key: 'final_plan',
    regulation: 'SEND Regulations 2014, reg. 13(2)',
    description: 'issue the final EHC plan',
    kind: 'duty',
    length: { weeks: 20 },
    from: 'assessment_requested',
    metBy: ['final_plan_issued'],
    exceptionAllowed: true,
    validFrom: IN_FORCE,
  },
  {
    key: 'draft_plan_comments',
    regulation: 'SEND Regulations 2014, reg. 13(1)(a); Children and Families Act 2014, s.38',
    description: 'give the family at least 15 days to comment on the draft plan',
    kind: 'window',
    length: { days: 15 },
    from: 'draft_plan_issued',
    metBy: [],
    exceptionAllowed: false,
    validFrom: IN_FORCE,
  },
  {
    key: 'annual_review_decision',
    regulation: 'SEND Regulations 2014, reg. 20(10)',
    description: 'decide what follows the annual review',
    kind: 'duty',
    length: { weeks: 4 },
    from: 'annual_review_held',
    metBy: ['decision_letter_received', 'draft_plan_issued'],
    exceptionAllowed: false,
    validFrom: IN_FORCE,
  },
  {
    key: 'appeal_window',
    regulation: 'Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008, r.20; SEND Regulations 2014, reg. 33',
    description: 'appeal to the tribunal',
    kind: 'window',
    length: { months: 2 },
    from: 'decision_letter_received',
    metBy: [],
    exceptionAllowed: false,
    validFrom: IN_FORCE,
  },
  {
    key: 'appeal_window',
    regulation: 'Tribunal Procedure (First-tier Tribunal) (HESC) Rules 2008, r.20; SEND Regulations 2014, regs. 33 and 45',
    description: 'appeal to the tribunal',
    kind: 'window',
    length: { months: 1 },
    from: 'mediation_certificate_issued',
    metBy: [],
    exceptionAllowed: false,
    validFrom: IN_FORCE,
  },
]

/** The deadlines that are the council's duties (the others are the family's windows). */
export const STATUTORY_DUTY_KEYS: readonly StatutoryDeadlineKey[] = STATUTORY_DEADLINE_KEYS.filter((key) =>
  STATUTORY_PERIODS.some((period) => period.key === key && period.kind === 'duty'),
)

/** A calendar date, YYYY-MM-DD, that exists. */
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\d$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid
}

export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && IANAZone.isValidZone(value)
}

/**
 * The entry in force for a stage that began on `date`: of those covering it, the
 * one with the latest `validFrom`, so a new entry replaces an old one from its start.
 */
export function periodInForce(
  key: StatutoryDeadlineKey,
  from: StatutoryStage,
  date: string,
  periods: readonly StatutoryPeriod[] = STATUTORY_PERIODS,
): StatutoryPeriod | null {
  const covering = periods.filter(
    (period) => period.key === key && period.from === from && period.validFrom <= date && (!period.validTo || date < period.validTo),
  )
  return covering.reduce<StatutoryPeriod | null>((best, period) => (best && best.validFrom >= period.validFrom ? best : period), null)
}

/**
 * The last day of a period that starts on `date`: calendar arithmetic, so a month
 * from 31 January is the last day of February (luxon keeps to the month's end).
 */
export function lastDayOf(date: string, length: PeriodLength): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus(length).toISODate()!
}

/** The end of `date` in `zone`, as an ISO instant: a deadline falls due once that day is over. */
export function endOfDayIn(date: string, zone: string): string {
  return DateTime.fromISO(date, { zone }).endOf('day').toUTC().toISO()!
}

/** "6 weeks", "15 days", "2 months": a period as people say it. */
export function describeLength(length: PeriodLength): string {
  const [unit, count] = Object.entries(length)[0] as [string, number]
  return `${count} ${count === 1 ? unit.slice(0, -1) : unit}`
}
