/**
 * What happens to a ticket without anybody asking: it takes its first SLA
 * policy when its workflow starts, and its deadlines fall due (SLA targets, the
 * family's reminder and auto-close, the LA deadline, the end of the reopen
 * window). Apart from the commands because these change with the policy's rules
 * and the workflow's timers, not with what people may do; `nextDeadlineMs` must
 * agree with `applyDeadlines`, so they stay side by side.
 */
import type { SlaPolicy } from './sla.ts'
import { adoptTicketSla, evaluateSla, slaNextChangeAt } from './ticket-sla.ts'
import { STATUS_REASONS, type TicketState } from './ticket-state.ts'
import { commit, draftOf, moveTo, setWaitDeadlines, slaHistoryOf, targetOf } from './ticket-draft.ts'

/**
 * The ticket's first policy, loaded when its workflow starts (or when a run
 * older than SLAs takes one): clocks start from what the ticket's past says.
 * A ticket that already has a policy is returned as it is.
 */
export function adoptSlaPolicy(state: TicketState, policy: SlaPolicy, now: string): TicketState {
  if (state.policy !== null) return state
  const nowMs = Date.parse(now)
  const draft = draftOf(state)
  const next = draft.state
  next.policy = policy
  next.sla = adoptTicketSla(policy, targetOf(next), slaHistoryOf(state), nowMs)
  setWaitDeadlines(next, nowMs)
  // Nothing anybody did: the ticket's last activity stays as it was.
  return commit(state, draft, now, { activity: false }).state
}

/**
 * Everything due by `now` happens: SLA targets change state (a breach is
 * recorded once), the family is reminded, a pending_family ticket closes for no
 * response, an LA deadline turns overdue, a resolved ticket closes when its
 * reopen window ends. Returns the same state when nothing is due.
 */
export function applyDeadlines(state: TicketState, now: string): TicketState {
  if (state.policy === null || state.status === 'closed') return state
  const nowMs = Date.parse(now)
  const draft = draftOf(state)
  const next = draft.state
  const due = (at: string | null) => at !== null && nowMs >= Date.parse(at)

  if (next.status === 'pending_family' && due(next.autoCloseAt)) {
    moveTo(draft, 'closed', null, STATUS_REASONS.noResponse, nowMs)
  } else if (next.status === 'pending_family' && next.remindedAt === null && due(next.reminderAt)) {
    next.remindedAt = now
    draft.events.push({ kind: 'family_reminded', actorId: null, data: { autoCloseAt: next.autoCloseAt } })
  }
  if (next.status === 'pending_la' && !next.laOverdue && next.laDeadline !== null && due(next.laDeadline)) {
    next.laOverdue = true
    draft.events.push({ kind: 'la_overdue', actorId: null, data: { laDeadline: next.laDeadline } })
  }
  if (next.status === 'resolved' && due(next.reopenUntil)) moveTo(draft, 'closed', null, STATUS_REASONS.reopenWindowEnded, nowMs)

  const slaChanged = next.sla !== null && evaluateSla(next.sla, nowMs).changed
  if (draft.events.length === 0 && !slaChanged) return state
  return commit(state, draft, now, { activity: next.status !== state.status }).state
}

/** The next instant `applyDeadlines` would change the ticket, or null when only people can. */
export function nextDeadlineMs(state: TicketState, nowMs: number): number | null {
  if (state.policy === null || state.status === 'closed') return null
  const instants: (number | null)[] = [state.sla ? slaNextChangeAt(state.sla, nowMs) : null]
  const at = (iso: string | null) => (iso === null ? null : Date.parse(iso))
  if (state.status === 'pending_family') {
    if (state.remindedAt === null) instants.push(at(state.reminderAt))
    instants.push(at(state.autoCloseAt))
  }
  if (state.status === 'pending_la' && !state.laOverdue) instants.push(at(state.laDeadline))
  if (state.status === 'resolved') instants.push(at(state.reopenUntil))
  const future = instants.filter((instant) => instant !== null && instant > nowMs) as number[]
  return future.length === 0 ? null : Math.min(...future)
}
