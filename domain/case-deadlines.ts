/**
 * What time does to a case by itself: a next action whose due time passes is
 * flagged overdue, once, and its owner and the case's advocate are told; so is an
 * LA deadline of its statutory timeline (statutory-timeline.ts). The workflow
 * sleeps until `nextCaseDeadlineMs` and then applies `applyCaseDeadlines`.
 */
import { isOpenAction, withEvents, type CaseEvent, type CaseEventBody, type CaseState } from './case-state.ts'
import type { StatutoryDeadlineKey } from './statutory-periods.ts'
import { applyStatutoryDeadlines, nextStatutoryDeadlineMs } from './statutory-timeline.ts'

/** Open actions whose due time has come, not flagged yet; none while the case is closed. */
function actionsFallingDue(state: CaseState, nowMs: number) {
  if (state.status === 'closed') return []
  return state.actions.filter(
    (action) => isOpenAction(action) && !action.overdue && action.dueAt !== null && Date.parse(action.dueAt) <= nowMs,
  )
}

export function applyCaseDeadlines(state: CaseState, now: string): CaseState {
  const due = actionsFallingDue(state, Date.parse(now))
  const timeline =
    state.status === 'closed' ? { statutory: state.statutory, events: [] } : applyStatutoryDeadlines(state.statutory, Date.parse(now))
  if (due.length === 0 && timeline.events.length === 0) return state
  const ids = new Set(due.map((action) => action.actionId))
  const events = due.map((action): CaseEventBody => ({
    kind: 'action_overdue',
    data: { actionId: action.actionId, ownerId: action.ownerId, dueAt: action.dueAt! },
  }))
  const actions = state.actions.map((action) => (ids.has(action.actionId) ? { ...action, overdue: true } : action))
  const changed: CaseState = { ...state, actions, ...(timeline.statutory && { statutory: timeline.statutory }) }
  // Time passing is not activity on the case: lastActivityAt stays.
  return { ...withEvents(changed, [...events, ...timeline.events], null, now), lastActivityAt: state.lastActivityAt }
}

/**
 * When the next action or LA deadline falls due (epoch ms), or null: nothing to
 * wake for. `statutory` false: actions only, as workflows did before the timeline.
 */
export function nextCaseDeadlineMs(state: CaseState, { statutory }: { statutory: boolean }): number | null {
  const pending = actionsFallingDue(state, Number.POSITIVE_INFINITY).map((action) => Date.parse(action.dueAt!))
  const timeline = statutory && state.status !== 'closed' ? nextStatutoryDeadlineMs(state.statutory) : null
  if (timeline !== null) pending.push(timeline)
  return pending.length ? Math.min(...pending) : null
}

/** Someone to tell of a change: ids only; the activity adds the case's advocate and writes the words. */
export type CaseNotification = {
  caseId: string
  recipientIds: string[]
  /** The case's advocate is told too (read from the row: the advocate is content). */
  includeAdvocate: true
  dueAt: string
  /** Unique per effect: a retried activity notifies once. */
  dedupeKey: string
} & ({ kind: 'case_action_overdue'; actionId: string } | { kind: 'case_la_deadline_overdue'; key: StatutoryDeadlineKey })

export function caseNotificationsFor(state: Pick<CaseState, 'caseId'>, events: readonly CaseEvent[]): CaseNotification[] {
  return events.flatMap((event): CaseNotification[] =>
    event.kind === 'action_overdue'
      ? [
          {
            kind: 'case_action_overdue',
            caseId: state.caseId,
            actionId: event.data.actionId,
            recipientIds: event.data.ownerId ? [event.data.ownerId] : [],
            includeAdvocate: true,
            dueAt: event.data.dueAt,
            dedupeKey: `case:${state.caseId}:action:${event.data.actionId}:overdue:${event.data.dueAt}`,
          },
        ]
      : event.kind === 'la_deadline_overdue'
        ? [
            {
              kind: 'case_la_deadline_overdue',
              caseId: state.caseId,
              key: event.data.key,
              recipientIds: [],
              includeAdvocate: true,
              dueAt: event.data.dueAt,
              dedupeKey: `case:${state.caseId}:deadline:${event.data.key}:overdue:${event.data.dueAt}`,
            },
          ]
        : [],
  )
}
