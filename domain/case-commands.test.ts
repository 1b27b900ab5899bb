import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { CASE_STATUSES, OPEN_CASE_STATUSES, type CaseStatus } from './case.ts'
import { applyCaseCommand, type CaseCommand } from './case-commands.ts'
import { applyCaseDeadlines, caseNotificationsFor, nextCaseDeadlineMs } from './case-deadlines.ts'
import { initialCaseState, toCaseSnapshot, type CaseState } from './case-state.ts'

const OPENED = '2026-01-05T09:00:00.000Z'
const LATER = '2026-01-05T10:00:00.000Z'
const ADVOCATE = 'advocate-1'
const OWNER = 'owner-1'

function opened(): CaseState {
  return initialCaseState({ caseId: 'case-1', orgId: 'org-1', number: 1, caseRef: 'CASE-1', openedAt: OPENED })
}

function apply(state: CaseState, command: CaseCommand, now = LATER): CaseState {
  const result = applyCaseCommand(state, command, now)
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result.state
}

const addAction = (actionId: string, dueAt: string | null): CaseCommand => ({
  kind: 'addAction',
  actionId,
  ownerId: OWNER,
  dueAt,
  actorId: ADVOCATE,
})

describe('opening', () => {
  test('a new case is at intake with its opening on the timeline', () => {
    const state = opened()
    expect(state).toMatchObject({ status: 'intake', version: 1, closedAt: null })
    expect(state.pendingEvents).toEqual([{ seq: 1, kind: 'opened', actorId: null, at: OPENED, data: { caseRef: 'CASE-1' } }])
  })

  test('a case the migration made closed starts closed, and can be reopened to intake', () => {
    const state = initialCaseState({
      caseId: 'c',
      orgId: 'o',
      number: 2,
      caseRef: 'X-1',
      openedAt: OPENED,
      status: 'closed',
      closedAt: LATER,
    })
    expect(state).toMatchObject({ status: 'closed', closedAt: LATER })
    expect(apply(state, { kind: 'reopen', actorId: ADVOCATE, hasOpenTickets: true }).status).toBe('intake')
  })
})

describe('status', () => {
  test('any open status may follow any other, and each change is one event', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...OPEN_CASE_STATUSES), { maxLength: 8 }), (statuses) => {
        let state = opened()
        for (const status of statuses) {
          const result = applyCaseCommand(state, { kind: 'setStatus', status, actorId: ADVOCATE }, LATER)
          if (status === state.status) {
            expect(result).toMatchObject({ ok: false, code: 'no_change' })
            continue
          }
          expect(result.ok).toBe(true)
          if (!result.ok) return
          expect(result.state.version).toBe(state.version + 1)
          expect(result.state.pendingEvents.at(-1)).toMatchObject({ kind: 'status_changed', data: { from: state.status, to: status } })
          state = result.state
        }
      }),
    )
  })

  test('closed is reached by closing only', () => {
    expect(applyCaseCommand(opened(), { kind: 'setStatus', status: 'closed', actorId: ADVOCATE }, LATER)).toMatchObject({
      ok: false,
      code: 'invalid_transition',
    })
    expect(applyCaseCommand(opened(), { kind: 'setStatus', status: 'nonsense' as CaseStatus, actorId: ADVOCATE }, LATER)).toMatchObject({
      ok: false,
      code: 'invalid_input',
    })
  })
})

describe('closing and reopening', () => {
  test('a closed case refuses every command but reopen, and reopens where it stood', () => {
    const drafted = apply(opened(), { kind: 'setStatus', status: 'draft_plan', actorId: ADVOCATE })
    const closed = apply(drafted, { kind: 'close', reason: '', actorId: null })
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'case closed', closedAt: LATER })
    expect(closed.pendingEvents.at(-1)).toMatchObject({
      kind: 'closed',
      actorId: null,
      data: { reason: 'case closed', from: 'draft_plan' },
    })
    for (const command of [
      { kind: 'setStatus', status: 'tribunal', actorId: ADVOCATE },
      addAction('a', null),
      { kind: 'close', reason: 'again', actorId: ADVOCATE },
    ] satisfies CaseCommand[])
      expect(applyCaseCommand(closed, command, LATER)).toMatchObject({ ok: false, code: 'case_closed' })
    const reopened = apply(closed, { kind: 'reopen', actorId: ADVOCATE, hasOpenTickets: true })
    expect(reopened).toMatchObject({ status: 'draft_plan', closedAt: null, closeReason: null })
  })

  test('reopening needs a ticket that is not closed, and an open case cannot be reopened', () => {
    const closed = apply(opened(), { kind: 'close', reason: 'Plan issued', actorId: ADVOCATE })
    expect(applyCaseCommand(closed, { kind: 'reopen', actorId: ADVOCATE, hasOpenTickets: false }, LATER)).toMatchObject({
      ok: false,
      code: 'tickets_closed',
    })
    expect(applyCaseCommand(opened(), { kind: 'reopen', actorId: ADVOCATE, hasOpenTickets: true }, LATER)).toMatchObject({
      ok: false,
      code: 'no_change',
    })
  })
})

describe('next actions', () => {
  const due = '2026-01-06T09:00:00.000Z'

  test('adding the same action again changes nothing (the service retries with the row id)', () => {
    const once = apply(opened(), addAction('a', due))
    expect(apply(once, addAction('a', due))).toBe(once)
    expect(toCaseSnapshot(once)).toMatchObject({ nextActionDueAt: due, overdueActions: 0 })
  })

  test('ticking off, reopening and changing the due date each record an event; repeats are refused', () => {
    let state = apply(opened(), addAction('a', due))
    state = apply(state, { kind: 'completeAction', actionId: 'a', actorId: ADVOCATE })
    expect(toCaseSnapshot(state).nextActionDueAt).toBeNull()
    expect(applyCaseCommand(state, { kind: 'completeAction', actionId: 'a', actorId: ADVOCATE }, LATER)).toMatchObject({
      code: 'no_change',
    })
    state = apply(state, { kind: 'reopenAction', actionId: 'a', actorId: ADVOCATE })
    state = apply(state, { kind: 'changeActionDue', actionId: 'a', dueAt: '2026-01-07T09:00:00.000Z', actorId: ADVOCATE })
    expect(state.pendingEvents.map((event) => event.kind)).toEqual([
      'opened',
      'action_added',
      'action_completed',
      'action_reopened',
      'action_due_changed',
    ])
    expect(applyCaseCommand(state, { kind: 'completeAction', actionId: 'missing', actorId: ADVOCATE }, LATER)).toMatchObject({
      code: 'not_found',
    })
    expect(applyCaseCommand(state, addAction('b', 'tomorrow'), LATER)).toMatchObject({ code: 'invalid_input' })
  })

  test('an action is flagged overdue once when its due time passes, and its owner and the advocate are told once', () => {
    const state = apply(opened(), addAction('a', due))
    expect(nextCaseDeadlineMs(state, { statutory: true })).toBe(Date.parse(due))
    expect(applyCaseDeadlines(state, '2026-01-06T08:59:59.999Z')).toBe(state)
    const flagged = applyCaseDeadlines(state, due)
    expect(flagged.actions[0]).toMatchObject({ overdue: true })
    expect(flagged.lastActivityAt).toBe(state.lastActivityAt)
    const events = flagged.pendingEvents.filter((event) => event.kind === 'action_overdue')
    expect(caseNotificationsFor(flagged, events)).toEqual([
      expect.objectContaining({ kind: 'case_action_overdue', actionId: 'a', recipientIds: [OWNER], includeAdvocate: true }),
    ])
    expect(applyCaseDeadlines(flagged, '2026-02-01T00:00:00.000Z')).toBe(flagged)
    expect(nextCaseDeadlineMs(flagged, { statutory: true })).toBeNull()
    expect(toCaseSnapshot(flagged)).toMatchObject({ overdueActions: 1 })
  })

  test('moving an overdue action later clears the flag until the new time passes', () => {
    const flagged = applyCaseDeadlines(apply(opened(), addAction('a', due)), due)
    const moved = apply(flagged, { kind: 'changeActionDue', actionId: 'a', dueAt: '2026-01-09T09:00:00.000Z', actorId: ADVOCATE }, due)
    expect(moved.actions[0]).toMatchObject({ overdue: false })
    expect(nextCaseDeadlineMs(moved, { statutory: true })).toBe(Date.parse('2026-01-09T09:00:00.000Z'))
  })

  test('a closed case has no deadlines: its actions are not flagged', () => {
    const closed = apply(apply(opened(), addAction('a', due)), { kind: 'close', reason: 'done', actorId: ADVOCATE })
    expect(nextCaseDeadlineMs(closed, { statutory: true })).toBeNull()
    expect(applyCaseDeadlines(closed, '2026-03-01T00:00:00.000Z')).toBe(closed)
  })

  test('whatever the commands, versions and seqs only grow and the timeline has one event per seq', () => {
    const command = fc.oneof(
      fc.constantFrom(...CASE_STATUSES).map((status): CaseCommand => ({ kind: 'setStatus', status, actorId: ADVOCATE })),
      fc.constantFrom('a', 'b').map((id) => addAction(id, due)),
      fc.constantFrom('a', 'b').map((actionId): CaseCommand => ({ kind: 'completeAction', actionId, actorId: ADVOCATE })),
      fc.constantFrom('a', 'b').map((actionId): CaseCommand => ({ kind: 'reopenAction', actionId, actorId: ADVOCATE })),
      fc.constant<CaseCommand>({ kind: 'close', reason: 'x', actorId: null }),
      fc.boolean().map((hasOpenTickets): CaseCommand => ({ kind: 'reopen', actorId: ADVOCATE, hasOpenTickets })),
    )
    fc.assert(
      fc.property(fc.array(command, { maxLength: 20 }), (commands) => {
        let state = opened()
        for (const next of commands) {
          const result = applyCaseCommand(applyCaseDeadlines(state, LATER), next, LATER)
          if (!result.ok) continue
          expect(result.state.version).toBeGreaterThanOrEqual(state.version)
          state = result.state
        }
        expect(state.pendingEvents.map((event) => event.seq)).toEqual(state.pendingEvents.map((_, index) => index + 1))
        expect(state.eventSeq).toBe(state.pendingEvents.length)
      }),
    )
  })
})

describe('reassigning', () => {
  const reassign = (fromId: string | null, toId: string): CaseCommand => ({ kind: 'reassign', fromId, toId, actorId: ADVOCATE })

  test('records who it went from and to; the same move again (a retry after a crash) is done already, with no second event', () => {
    const moved = apply(opened(), reassign(ADVOCATE, 'priya'))
    expect(moved.pendingEvents.at(-1)).toMatchObject({ kind: 'reassigned', data: { fromId: ADVOCATE, toId: 'priya' } })
    expect(apply(moved, reassign(ADVOCATE, 'priya'))).toBe(moved)
    // And back again is a move of its own.
    expect(apply(moved, reassign('priya', ADVOCATE)).pendingEvents.at(-1)).toMatchObject({ data: { fromId: 'priya', toId: ADVOCATE } })
  })

  test('is refused to the advocate it has, and once closed', () => {
    expect(applyCaseCommand(opened(), reassign(ADVOCATE, ADVOCATE), LATER)).toMatchObject({ ok: false, code: 'no_change' })
    const closed = apply(opened(), { kind: 'close', reason: 'x', actorId: null })
    expect(applyCaseCommand(closed, reassign(ADVOCATE, 'priya'), LATER)).toMatchObject({ ok: false, code: 'case_closed' })
  })
})
