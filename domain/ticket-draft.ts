/**
 * How a change to a ticket is built, shared by the commands and the deadlines: a
 * copy of the state changed in place, the one way a status moves (with the waits
 * it starts and ends), and `commit`, which seals the change. Internal to the
 * ticket's rules: only ticket-commands.ts and ticket-deadlines.ts use it.
 */
import type { TicketStatus } from './ticket.ts'
import { pendingFamilyAutoCloseAt, pendingFamilyReminderAt, reopenWindowEndsAt, resolveTargets, type SlaTarget } from './sla.ts'
import { evaluateSla, statusChanged, type SlaTargetRecord } from './ticket-sla.ts'
import { transitionRefusal, type TicketEvent, type TicketEventBody, type TicketState } from './ticket-state.ts'

type EventDraft = TicketEventBody & { actorId: string | null }

/** A change being built: a copy of the state, changed in place, and the events it makes. */
export type Draft = { state: TicketState; events: EventDraft[] }

export function draftOf(state: TicketState): Draft {
  return { state: { ...state }, events: [] }
}

/**
 * The one way a status changes: it checks the table, ends the old status's waits,
 * starts the new one's, moves the SLA clocks, and records why.
 */
export function moveTo(
  draft: Draft,
  to: TicketStatus,
  actorId: string | null,
  reason: string | null,
  nowMs: number,
  laDeadline: string | null = null,
): void {
  const next = draft.state
  const from = next.status
  if (from === to) return
  if (transitionRefusal(from, to)) throw new Error(`Bug: an automatic change broke the status table (${from} -> ${to})`)
  if (from === 'pending_family') Object.assign(next, { pendingSince: null, reminderAt: null, remindedAt: null, autoCloseAt: null })
  if (from === 'pending_la') Object.assign(next, { pendingSince: null, laDeadline: null, laOverdue: false })
  if (from === 'resolved') Object.assign(next, { resolvedAt: null, reopenUntil: null })

  const at = new Date(nowMs).toISOString()
  next.status = to
  next.statusReason = reason
  if (to === 'pending_family' || to === 'pending_la') next.pendingSince = at
  if (to === 'pending_la') next.laDeadline = laDeadline
  if (to === 'resolved') next.resolvedAt = at
  if (to === 'closed') next.closedAt = at
  setWaitDeadlines(next, nowMs)
  // A resolved or closed ticket waits on nobody; a reopened one waits on staff.
  if (to === 'resolved' || to === 'closed') next.awaiting = null
  else if (from === 'resolved') next.awaiting = 'staff'
  if (next.sla && next.policy) next.sla = statusChanged(next.sla, next.policy, from, to, nowMs)

  const data: Extract<TicketEventBody, { kind: 'status_changed' }>['data'] = { from, to, reason }
  if (to === 'pending_family') data.autoCloseAt = next.autoCloseAt
  if (to === 'resolved') data.reopenUntil = next.reopenUntil
  if (to === 'pending_la' && laDeadline !== null) data.laDeadline = laDeadline
  draft.events.push({ kind: 'status_changed', actorId, data })
}

/** The reminder, auto-close and reopen instants follow from when the wait began and the policy. */
export function setWaitDeadlines(next: TicketState, nowMs: number): void {
  const policy = next.policy
  if (policy === null) return
  if (next.status === 'pending_family') {
    const since = Date.parse((next.pendingSince ??= new Date(nowMs).toISOString()))
    next.reminderAt = new Date(pendingFamilyReminderAt(policy, since)).toISOString()
    next.autoCloseAt = new Date(pendingFamilyAutoCloseAt(policy, since)).toISOString()
  }
  if (next.status === 'pending_la') next.pendingSince ??= new Date(nowMs).toISOString()
  if (next.status === 'resolved') {
    const since = Date.parse((next.resolvedAt ??= new Date(nowMs).toISOString()))
    next.reopenUntil = new Date(reopenWindowEndsAt(policy, since)).toISOString()
  }
}

export function targetOf(state: TicketState): SlaTarget {
  return resolveTargets(state.policy!, state.type, state.priority)
}

export function slaHistoryOf(state: TicketState) {
  return {
    status: state.status,
    createdAtMs: Date.parse(state.createdAt),
    firstStaffReplyAtMs: state.firstStaffReplyAt === null ? null : Date.parse(state.firstStaffReplyAt),
    awaitingStaff: state.awaiting === 'staff',
    startedByStaff: state.conversation,
  }
}

/**
 * Seals a draft: SLA targets are evaluated at `now` (a breach the change caused
 * is recorded), events are numbered, and the version goes up. `activity: false`
 * keeps `updatedAt` (the queue's "last activity") for changes nobody made.
 */
export function commit(
  before: TicketState,
  draft: Draft,
  now: string,
  { activity = true } = {},
): { ok: true; state: TicketState; events: TicketEvent[] } {
  const next = draft.state
  const drafts = [...draft.events]
  if (next.sla) {
    const evaluated = evaluateSla(next.sla, Date.parse(now))
    next.sla = evaluated.sla
    drafts.push(...evaluated.breaches.map(breachEvent))
  }
  const events = drafts.map((event, index) => ({ ...event, seq: before.eventSeq + index + 1, at: now }) as TicketEvent)
  return {
    ok: true,
    events,
    state: {
      ...next,
      updatedAt: activity ? now : before.updatedAt,
      version: before.version + 1,
      eventSeq: before.eventSeq + events.length,
      pendingEvents: [...before.pendingEvents, ...events],
    },
  }
}

function breachEvent(target: SlaTargetRecord): EventDraft {
  const dueAt = target.clock.dueAt ?? target.breachedAt
  return {
    kind: 'sla_breached',
    actorId: null,
    data: { target: target.kind, cycle: target.cycle, dueAt: dueAt === null ? null : new Date(dueAt).toISOString() },
  }
}
