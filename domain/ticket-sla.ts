/**
 * One ticket's service level targets: which clocks run when, as the ticket moves.
 * The clock arithmetic is in sla.ts; this module decides, for a ticket, when each
 * target starts, pauses, resumes, stops or is rebudgeted, and what the queue
 * shows (each target's state and due time) after the last evaluation.
 *
 * - first response: from creation to the first public staff reply.
 * - next response: from a family message (once the first response was given) to
 *   the next public staff reply; each such wait is a new cycle.
 * - resolution: from creation to resolved; paused while pending the family or
 *   the local authority; a reopened ticket continues it from the time used.
 * Resolving or closing stops every target. Pure and JSON-safe, like sla.ts.
 */
import {
  SLA_KINDS,
  clockPausedIn,
  clockState,
  pauseClock,
  pausedMsAt,
  rebudgetClock,
  remainingMs,
  restartClock,
  resumeClock,
  startClock,
  stopClock,
  ticketNextTransitionAt,
  ticketSlaState,
  type SlaClock,
  type SlaKind,
  type SlaPolicy,
  type SlaState,
  type SlaTarget,
  type TargetCalendar,
} from './sla.ts'
import type { TicketStatus } from './ticket.ts'

export type SlaTargetRecord = {
  kind: SlaKind
  /** 1 for first response and resolution; next response counts each wait for a reply. */
  cycle: number
  clock: SlaClock
  /** The state at the last evaluation: what the database, the queue and the query show. */
  state: SlaState
  /** When the breach was recorded (and notified); null until then. */
  breachedAt: number | null
}

export type TicketSla = {
  /** The current cycle of each target that has begun, in SLA_KINDS order. */
  targets: SlaTargetRecord[]
  /** The ticket's state at the last evaluation: the worst running target, or paused, or met. */
  state: SlaState
}

/** The queue's chip for one target, as the Ticket row's slaTargets column stores it. */
export type SlaChip = { kind: SlaKind; dueAt: string | null; state: SlaState }

/** What happened to a ticket before its SLA began: enough to start its clocks late. */
export interface SlaHistory {
  status: TicketStatus
  createdAtMs: number
  firstStaffReplyAtMs: number | null
  /** A family message is waiting for a staff reply. */
  awaitingStaff: boolean
  /** Staff started the ticket (a conversation): no first response is owed. */
  startedByStaff?: boolean
}

/** A new ticket: first response and resolution run from its creation. */
export function startTicketSla(policy: SlaPolicy, target: SlaTarget, createdAtMs: number): TicketSla {
  return {
    targets: [
      record('first_response', 1, startClock('first_response', target, policy, createdAtMs)),
      record('resolution', 1, startClock('resolution', target, policy, createdAtMs)),
    ],
    state: 'on_track',
  }
}

/**
 * Clocks for a ticket that began before SLAs existed. Its past is known only in
 * part: first response counts from creation to the first staff reply; resolution
 * counts from creation (pauses before now are unknown) and is paused or stopped
 * as the status says; a family still waiting for a reply starts a next response
 * wait now.
 */
export function adoptTicketSla(policy: SlaPolicy, target: SlaTarget, history: SlaHistory, nowMs: number): TicketSla {
  const { status, createdAtMs, firstStaffReplyAtMs } = history
  let sla = startTicketSla(policy, target, createdAtMs)
  if (history.startedByStaff) return statusChanged(withoutFirstResponse(sla), policy, 'in_progress', status, nowMs)
  if (firstStaffReplyAtMs !== null) {
    sla = mapTargets(sla, (existing) =>
      existing.kind === 'first_response' ? stopClock(existing.clock, policy, firstStaffReplyAtMs) : existing.clock,
    )
    if (history.awaitingStaff && status !== 'resolved' && status !== 'closed') sla = familyWrote(sla, policy, target, nowMs)
  }
  return statusChanged(sla, policy, 'in_progress', status, nowMs)
}

function withoutFirstResponse(sla: TicketSla): TicketSla {
  return { ...sla, targets: sla.targets.filter((existing) => existing.kind !== 'first_response') }
}

/** A public staff reply answers whatever response was owed. */
export function staffReplied(sla: TicketSla, policy: SlaPolicy, nowMs: number): TicketSla {
  return mapTargets(sla, (target) => (target.kind === 'resolution' ? target.clock : stopClock(target.clock, policy, nowMs)))
}

/**
 * A family message (or a family reopening the ticket) is owed a reply: a next
 * response wait begins, unless the first response or an earlier wait is still
 * running, which already covers it.
 */
export function familyWrote(sla: TicketSla, policy: SlaPolicy, target: SlaTarget, nowMs: number): TicketSla {
  const owed = sla.targets.some((existing) => existing.kind !== 'resolution' && existing.clock.stoppedAt === null)
  if (owed) return sla
  const previous = sla.targets.find((existing) => existing.kind === 'next_response')
  const next = record('next_response', (previous?.cycle ?? 0) + 1, startClock('next_response', target, policy, nowMs))
  return { ...sla, targets: sortTargets([...sla.targets.filter((existing) => existing.kind !== 'next_response'), next]) }
}

/**
 * Resolution pauses while the ticket waits on someone else and runs again after;
 * resolving or closing stops every target, and reopening continues resolution.
 */
export function statusChanged(sla: TicketSla, policy: SlaPolicy, from: TicketStatus, to: TicketStatus, nowMs: number): TicketSla {
  if (from === to) return sla
  const done = to === 'resolved' || to === 'closed'
  return mapTargets(sla, ({ kind, clock }) => {
    if (done) return stopClock(clock, policy, nowMs)
    if (kind !== 'resolution') return clock
    if (clockPausedIn(kind, to)) return pauseClock(clock, policy, nowMs)
    return resumeClock(restartClock(clock, policy, nowMs), policy, nowMs)
  })
}

/**
 * New budgets after a change of priority, type or policy: the time used stays
 * used (measured on the previous policy's calendar when the policy changed).
 */
export function retargeted(
  sla: TicketSla,
  policy: SlaPolicy,
  target: SlaTarget,
  nowMs: number,
  previousPolicy: SlaPolicy = policy,
): TicketSla {
  return mapTargets(sla, ({ clock }) => rebudgetClock(clock, target, policy, nowMs, previousPolicy))
}

/**
 * Each target's state at `nowMs`. `breaches` are the targets found breached for
 * the first time (their breach is recorded now, so it is reported once);
 * `changed` says whether anything the queue shows is different.
 */
export function evaluateSla(sla: TicketSla, nowMs: number): { sla: TicketSla; changed: boolean; breaches: SlaTargetRecord[] } {
  const breaches: SlaTargetRecord[] = []
  let changed = false
  const targets = sla.targets.map((target) => {
    const state = clockState(target.clock, nowMs)
    const newlyBreached = state === 'breached' && target.breachedAt === null
    if (state === target.state && !newlyBreached) return target
    changed = true
    const next = { ...target, state, breachedAt: newlyBreached ? nowMs : target.breachedAt }
    if (newlyBreached) breaches.push(next)
    return next
  })
  const state = ticketSlaState(
    targets.map((target) => target.clock),
    nowMs,
  )
  if (state !== sla.state) changed = true
  return changed ? { sla: { targets, state }, changed, breaches } : { sla, changed, breaches }
}

/** The next instant any target changes state by itself, or null. */
export function slaNextChangeAt(sla: TicketSla, nowMs: number): number | null {
  return ticketNextTransitionAt(
    sla.targets.map((target) => target.clock),
    nowMs,
  )
}

export function slaChips(sla: TicketSla): SlaChip[] {
  return sla.targets.map((target) => ({ kind: target.kind, dueAt: iso(target.clock.dueAt), state: target.state }))
}

/** The earliest due time of the running targets: what the queue sorts by. */
export function slaDueAt(sla: TicketSla): string | null {
  const due = sla.targets.map((target) => target.clock.dueAt).filter((at) => at !== null)
  return due.length === 0 ? null : iso(Math.min(...due))
}

/** One target as the ticket page shows it. Business milliseconds are real ones on a 24x7 target. */
export interface SlaTargetView {
  kind: SlaKind
  cycle: number
  state: SlaState
  calendar: TargetCalendar
  startedAt: string
  /** Null while paused or once stopped. */
  dueAt: string | null
  atRiskAt: string | null
  /** Set once the target was met (on time or late) or the ticket resolved. */
  stoppedAt: string | null
  breachedAt: string | null
  budgetMs: number
  /** Business time used, as of the view's `asOf`. */
  elapsedMs: number
  /** Business time left as of `asOf`; negative once overdue. */
  remainingMs: number
  /** Business time the target stood still (pending the family or the LA), as of `asOf`. */
  pausedMs: number
  paused: boolean
}

export function slaTargetViews(sla: TicketSla, policy: SlaPolicy, nowMs: number): SlaTargetView[] {
  return sla.targets.map(({ kind, cycle, clock, state, breachedAt }) => {
    const left = remainingMs(clock, policy, nowMs)
    return {
      kind,
      cycle,
      state,
      calendar: clock.calendar,
      startedAt: iso(clock.startedAt)!,
      dueAt: iso(clock.dueAt),
      atRiskAt: iso(clock.atRiskAt),
      stoppedAt: iso(clock.stoppedAt),
      breachedAt: iso(breachedAt),
      budgetMs: clock.budgetMs,
      elapsedMs: clock.budgetMs - left,
      remainingMs: left,
      pausedMs: pausedMsAt(clock, policy, nowMs),
      paused: clock.runningSince === null && clock.stoppedAt === null,
    }
  })
}

// ---------------------------------------------------------------------------

function record(kind: SlaKind, cycle: number, clock: SlaClock): SlaTargetRecord {
  return { kind, cycle, clock, state: 'on_track', breachedAt: null }
}

function mapTargets(sla: TicketSla, change: (target: SlaTargetRecord) => SlaClock): TicketSla {
  let changed = false
  const targets = sla.targets.map((target) => {
    const clock = change(target)
    if (clock === target.clock) return target
    changed = true
    return { ...target, clock }
  })
  return changed ? { ...sla, targets } : sla
}

function sortTargets(targets: SlaTargetRecord[]): SlaTargetRecord[] {
  return [...targets].sort((a, b) => SLA_KINDS.indexOf(a.kind) - SLA_KINDS.indexOf(b.kind))
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}
