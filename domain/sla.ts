/**
 * Service level targets and the clocks that track them, after Zendesk, Freshdesk and
 * Jira Service Management: first response, next response and resolution targets per
 * priority (optionally per ticket type), counted in business hours or around the
 * clock, pausable while the ticket waits on someone else.
 *
 * Pure: every instant is epoch milliseconds passed in, and a clock is a plain
 * JSON-safe object, so it lives in the workflow's state across continue-as-new.
 */
import { DateTime } from 'luxon'
import {
  DEFAULT_TIMEZONE,
  MINUTE_MS,
  addBusinessMs,
  addWorkingDays,
  businessMsBetween,
  type BusinessCalendar,
  type BusinessHoursCalendar,
} from './business-calendar.ts'
import type { SlaPolicyJson, SlaTarget } from './sla-schemas.ts'
import type { Priority, TicketStatus, TicketType } from './ticket.ts'

export type { SlaPolicyJson, SlaTarget } from './sla-schemas.ts'

export const SLA_KINDS = ['first_response', 'next_response', 'resolution'] as const
export type SlaKind = (typeof SLA_KINDS)[number]

/** Which hours a target counts: the policy's business hours, or every hour. */
export const TARGET_CALENDARS = ['business', '24x7'] as const
export type TargetCalendar = (typeof TARGET_CALENDARS)[number]

/**
 * `breached` outranks everything: it stays once a target's budget is spent, even
 * while paused or after the target is met late, because a breach happened.
 */
export const SLA_STATES = ['on_track', 'at_risk', 'breached', 'met', 'paused'] as const
export type SlaState = (typeof SLA_STATES)[number]
/** The states a queue filters on: a ticket's worst running target. */
export const SLA_FILTER_STATES = ['on_track', 'at_risk', 'breached', 'paused'] as const satisfies readonly SlaState[]

// ---------------------------------------------------------------------------
// Policy

/** The policy as the rules use it: zone, hours and holidays gathered into one calendar. */
export type SlaPolicy = {
  calendar: BusinessHoursCalendar
  /** A running target is at risk once its remaining business time is at most this share of its budget. */
  atRiskShare: number
  targets: Record<Priority, SlaTarget>
  typeOverrides: Partial<Record<TicketType, Partial<Record<Priority, SlaTarget>>>>
  pendingFamily: {
    /** Working days waiting on the family before they are reminded. */
    reminderDays: number
    /** Calendar days waiting on the family before the ticket closes itself. */
    autoCloseDays: number
  }
  /** Calendar days after resolution in which a family reply reopens the ticket rather than starting a new one. */
  reopenWindowDays: number
}

export function slaPolicyFromJson(json: SlaPolicyJson): SlaPolicy {
  const { timezone, businessHours, holidays, ...rest } = json
  return { calendar: { timezone, ...businessHours, holidays }, ...rest }
}

export function slaPolicyToJson(policy: SlaPolicy): SlaPolicyJson {
  const { calendar, ...rest } = policy
  const { timezone, days, start, end, holidays } = calendar
  return { timezone, businessHours: { days, start, end }, holidays, ...rest }
}

const WORKING_DAY_MINUTES = 8 * 60

/**
 * "Within one working day" for ordinary requests, on a 09:00–17:00 Monday–Friday week
 * in Europe/London (one working day = 8 business hours):
 *
 * | priority | first response   | next response    | resolution         | counted   |
 * | urgent   | 1 hour           | 4 hours          | 2 days (48 hours)  | 24x7      |
 * | high     | 4 business hours | 4 business hours | 5 working days     | business  |
 * | normal   | 1 working day    | 1 working day    | 10 working days    | business  |
 * | low      | 2 working days   | 2 working days   | 20 working days    | business  |
 *
 * Urgent runs around the clock because urgent means a family at risk, not one
 * that can wait for Monday. Families are reminded after 5 working days of silence
 * and the ticket closes after 14 calendar days; a reply within 7 days of
 * resolution reopens it. No ticket type overrides by default, and no holidays:
 * an organisation enters its own bank holidays. The hours are kept in the
 * organisation's time zone.
 */
export function defaultSlaPolicy(timezone: string = DEFAULT_TIMEZONE): SlaPolicy {
  const business = (first: number, next: number, resolution: number): SlaTarget => ({
    firstResponseMinutes: first,
    nextResponseMinutes: next,
    resolutionMinutes: resolution,
    calendar: 'business',
  })
  return {
    calendar: { timezone, days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] },
    atRiskShare: 0.25,
    targets: {
      urgent: {
        firstResponseMinutes: 60,
        nextResponseMinutes: 4 * 60,
        resolutionMinutes: 2 * 24 * 60,
        calendar: '24x7',
      },
      high: business(4 * 60, 4 * 60, 5 * WORKING_DAY_MINUTES),
      normal: business(WORKING_DAY_MINUTES, WORKING_DAY_MINUTES, 10 * WORKING_DAY_MINUTES),
      low: business(2 * WORKING_DAY_MINUTES, 2 * WORKING_DAY_MINUTES, 20 * WORKING_DAY_MINUTES),
    },
    typeOverrides: {},
    pendingFamily: { reminderDays: 5, autoCloseDays: 14 },
    reopenWindowDays: 7,
  }
}

/** The targets for a ticket: its type's override for the priority, else the priority's. */
export function resolveTargets(policy: SlaPolicy, type: TicketType, priority: Priority): SlaTarget {
  return policy.typeOverrides[type]?.[priority] ?? policy.targets[priority]
}

/**
 * Resolution waits while the ticket waits on the family or the local authority:
 * staff cannot finish it then. Responses never pause; a response clock simply
 * isn't running when nobody is owed a reply.
 */
export function clockPausedIn(kind: SlaKind, status: TicketStatus): boolean {
  return kind === 'resolution' && (status === 'pending_family' || status === 'pending_la')
}

export function pendingFamilyReminderAt(policy: SlaPolicy, pendingSinceMs: number): number {
  return addWorkingDays(policy.calendar, pendingSinceMs, policy.pendingFamily.reminderDays)
}

export function pendingFamilyAutoCloseAt(policy: SlaPolicy, pendingSinceMs: number): number {
  return addCalendarDays(policy, pendingSinceMs, policy.pendingFamily.autoCloseDays)
}

export function reopenWindowEndsAt(policy: SlaPolicy, resolvedAtMs: number): number {
  return addCalendarDays(policy, resolvedAtMs, policy.reopenWindowDays)
}

// ---------------------------------------------------------------------------
// Clocks

/**
 * One target's clock. Budget and elapsed time are business milliseconds (real
 * milliseconds on a 24x7 target). `elapsedMs` is the time used in earlier runs;
 * the current run began at `runningSince`. While running, `atRiskAt` and `dueAt`
 * are the instants the state changes, fixed when the run began, so reading the
 * state needs no calendar and the workflow can set a timer for the exact moment.
 * A policy change reaches a running clock through `rebudgetClock`.
 *
 * running: runningSince, atRiskAt, dueAt set; stoppedAt null
 * paused:  runningSince, atRiskAt, dueAt null; stoppedAt null; pausedAt set
 * stopped: stoppedAt set (the target was met, on time or late); the rest null
 *
 * `pausedMs` is the business time spent in earlier pauses (the current one began
 * at `pausedAt`), so the ticket page can say how long the clock stood still.
 */
export type SlaClock = {
  kind: SlaKind
  calendar: TargetCalendar
  startedAt: number
  budgetMs: number
  elapsedMs: number
  runningSince: number | null
  atRiskAt: number | null
  dueAt: number | null
  stoppedAt: number | null
  pausedMs: number
  pausedAt: number | null
}

export function startClock(kind: SlaKind, target: SlaTarget, policy: SlaPolicy, nowMs: number): SlaClock {
  const paused: SlaClock = {
    kind,
    calendar: target.calendar,
    startedAt: nowMs,
    budgetMs: budgetMs(target, kind),
    elapsedMs: 0,
    runningSince: null,
    atRiskAt: null,
    dueAt: null,
    stoppedAt: null,
    pausedMs: 0,
    pausedAt: null,
  }
  return run(paused, policy, nowMs)
}

/** Banks the business time of the current run. A paused or stopped clock is returned as it is. */
export function pauseClock(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  if (clock.runningSince === null) return clock
  return {
    ...clock,
    elapsedMs: elapsedMs(clock, policy, nowMs),
    runningSince: null,
    atRiskAt: null,
    dueAt: null,
    pausedAt: nowMs,
  }
}

/** Continues where the clock paused. A running or stopped clock is returned as it is. */
export function resumeClock(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  if (clock.runningSince !== null || clock.stoppedAt !== null) return clock
  return run(endPause(clock, policy, nowMs), policy, nowMs)
}

/**
 * A stopped target runs again from the time it had used, as the resolution
 * target does when a resolved ticket is reopened: a reopened request is the
 * same request, not a new one. A breach stays a breach. A running or paused
 * clock is returned as it is.
 */
export function restartClock(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  if (clock.stoppedAt === null) return clock
  return run({ ...clock, stoppedAt: null }, policy, nowMs)
}

/**
 * The target was achieved (a reply sent, the ticket resolved). It reports `met`,
 * or `breached` when its budget had already run out: a late reply does not undo
 * the breach. Either way `stoppedAt` is set and the ticket's state ignores it.
 * A stopped clock is returned as it is.
 */
export function stopClock(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  if (clock.stoppedAt !== null) return clock
  return {
    ...endPause(clock, policy, nowMs),
    elapsedMs: elapsedMs(clock, policy, nowMs),
    runningSince: null,
    atRiskAt: null,
    dueAt: null,
    stoppedAt: nowMs,
  }
}

/**
 * New targets after a change of priority, type or policy. Time already used is
 * kept (as Jira does), so the new budget counts from where the ticket is, not from
 * scratch; a budget smaller than the time used breaches at once. A met target
 * stays met. When the policy itself changes, the time used so far is measured on
 * the previous policy's calendar and the rest is counted on the new one.
 */
export function rebudgetClock(
  clock: SlaClock,
  target: SlaTarget,
  policy: SlaPolicy,
  nowMs: number,
  previousPolicy: SlaPolicy = policy,
): SlaClock {
  if (clock.stoppedAt !== null) return clock
  const rebudgeted: SlaClock = {
    ...clock,
    calendar: target.calendar,
    budgetMs: budgetMs(target, clock.kind),
    // Measured on the calendar the run used, before the target may switch it.
    elapsedMs: elapsedMs(clock, previousPolicy, nowMs),
    runningSince: null,
    atRiskAt: null,
    dueAt: null,
  }
  return clock.runningSince === null ? rebudgeted : run(rebudgeted, policy, nowMs)
}

/** Business time spent paused up to `nowMs`, the current pause included. */
export function pausedMsAt(clock: SlaClock, policy: SlaPolicy, nowMs: number): number {
  if (clock.pausedAt === null) return clock.pausedMs
  return clock.pausedMs + Math.max(0, businessMsBetween(calendarOf(clock, policy), clock.pausedAt, nowMs))
}

/** Business time left at `nowMs`; negative once overdue, by how much. */
export function remainingMs(clock: SlaClock, policy: SlaPolicy, nowMs: number): number {
  return clock.budgetMs - elapsedMs(clock, policy, nowMs)
}

export function clockState(clock: SlaClock, nowMs: number): SlaState {
  if (clock.runningSince === null || clock.atRiskAt === null || clock.dueAt === null) {
    if (clock.elapsedMs >= clock.budgetMs) return 'breached'
    return clock.stoppedAt === null ? 'paused' : 'met'
  }
  // Due means the budget is spent at that instant: a reply due at 17:00 on Friday is
  // breached from 17:00, not from the first business millisecond on Monday.
  if (nowMs >= clock.dueAt) return 'breached'
  if (nowMs >= clock.atRiskAt) return 'at_risk'
  return 'on_track'
}

/**
 * The instant this clock's state will next change if nothing else happens, or null
 * (paused, stopped, already breached): the workflow sleeps until then.
 */
export function nextTransitionAt(clock: SlaClock, nowMs: number): number | null {
  if (clock.runningSince === null || clock.atRiskAt === null || clock.dueAt === null) return null
  if (nowMs < clock.atRiskAt) return clock.atRiskAt
  if (nowMs < clock.dueAt) return clock.dueAt
  return null
}

const TICKET_STATE_RANK: Record<SlaState, number> = { breached: 4, at_risk: 3, on_track: 2, paused: 1, met: 0 }

/**
 * The ticket's SLA state for queues and the `SlaState` search attribute: the worst of
 * its unstopped targets, breached > at_risk > on_track > paused. Met targets (even
 * met late) no longer count; a paused target that had already breached still
 * shows `breached`. With every target met (or none) the ticket is `met`.
 */
export function ticketSlaState(clocks: readonly SlaClock[], nowMs: number): SlaState {
  let worst: SlaState = 'met'
  for (const clock of clocks) {
    if (clock.stoppedAt !== null) continue
    const state = clockState(clock, nowMs)
    if (TICKET_STATE_RANK[state] > TICKET_STATE_RANK[worst]) worst = state
  }
  return worst
}

/** The earliest instant any of the ticket's clocks changes state, or null. */
export function ticketNextTransitionAt(clocks: readonly SlaClock[], nowMs: number): number | null {
  const instants = clocks.map((clock) => nextTransitionAt(clock, nowMs)).filter((at) => at !== null)
  return instants.length === 0 ? null : Math.min(...instants)
}

// ---------------------------------------------------------------------------
// Internals

function budgetMs(target: SlaTarget, kind: SlaKind): number {
  const minutes = {
    first_response: target.firstResponseMinutes,
    next_response: target.nextResponseMinutes,
    resolution: target.resolutionMinutes,
  }[kind]
  return minutes * MINUTE_MS
}

function calendarOf(clock: SlaClock, policy: SlaPolicy): BusinessCalendar {
  return clock.calendar === '24x7' ? '24x7' : policy.calendar
}

/** Business time used up to `nowMs`, the current run included. */
function elapsedMs(clock: SlaClock, policy: SlaPolicy, nowMs: number): number {
  if (clock.runningSince === null) return clock.elapsedMs
  // Workflow time never runs backwards, but an earlier `nowMs` must not hand budget back.
  const currentRun = Math.max(0, businessMsBetween(calendarOf(clock, policy), clock.runningSince, nowMs))
  return clock.elapsedMs + currentRun
}

/** Banks the current pause, if any, into `pausedMs`. */
function endPause(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  if (clock.pausedAt === null) return clock
  return { ...clock, pausedMs: pausedMsAt(clock, policy, nowMs), pausedAt: null }
}

/** Starts a run at `nowMs` and fixes when it turns at risk and when it is due. */
function run(clock: SlaClock, policy: SlaPolicy, nowMs: number): SlaClock {
  const calendar = calendarOf(clock, policy)
  const left = Math.max(0, clock.budgetMs - clock.elapsedMs)
  // At risk once at most this much is left. Whole milliseconds keep the instants exact.
  const atRiskWithin = Math.floor(clock.budgetMs * policy.atRiskShare)
  return {
    ...clock,
    runningSince: nowMs,
    atRiskAt: addBusinessMs(calendar, nowMs, Math.max(0, left - atRiskWithin)),
    dueAt: addBusinessMs(calendar, nowMs, left),
  }
}

/** Same wall-clock time `days` local dates later, so a DST change doesn't shift it by an hour. */
function addCalendarDays(policy: SlaPolicy, fromMs: number, days: number): number {
  return DateTime.fromMillis(fromMs, { zone: policy.calendar.timezone }).plus({ days }).toMillis()
}
