import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { defaultSlaPolicy, type SlaKind, type SlaPolicy } from './sla.ts'
import { PRIORITIES, ROLES, TICKET_STATUSES, VISIBILITIES, type TicketStatus } from './ticket.ts'
import { notificationsFor } from './ticket-notifications.ts'
import { toTicketRecord } from './ticket-record.ts'
import { applyCommand, type TicketCommand } from './ticket-commands.ts'
import { adoptSlaPolicy, applyDeadlines, nextDeadlineMs } from './ticket-deadlines.ts'
import {
  allowedTransitions,
  caseOpen,
  initialTicketState,
  upgradeTicketState,
  type CarriedTicketState,
  STATUS_TRANSITIONS,
  toTicketView,
  type TicketOpening,
  type TicketState,
} from './ticket-state.ts'
import {
  OPENED_AT,
  NOW,
  REQUESTER,
  STAFF,
  OTHER_STAFF,
  opening,
  ticket,
  familyMessage,
  staffReply,
  assignTo,
  moveTo,
} from './ticket-fixtures.ts'

describe('initialTicketState', () => {
  test('a new request waits on staff and records that it was opened', () => {
    const state = initialTicketState(opening)
    expect(toTicketView(state, NOW)).toEqual({
      ticketId: 'ticket-1',
      number: 42,
      type: 'ehcp',
      priority: 'normal',
      status: 'new',
      awaiting: 'staff',
      assigneeId: null,
      caseRef: null,
      caseOpen: false,
      createdAt: OPENED_AT,
      updatedAt: OPENED_AT,
      firstStaffReplyAt: null,
      version: 1,
      statusReason: null,
      reopenedByFamily: false,
      followUpOfId: null,
      pendingSince: null,
      reminderAt: null,
      remindedAt: null,
      autoCloseAt: null,
      laDeadline: null,
      laOverdue: false,
      resolvedAt: null,
      reopenUntil: null,
      closedAt: null,
      closeReason: null,
      sla: null,
      asOf: NOW,
    })
    expect(state.pendingEvents).toEqual([
      { seq: 1, kind: 'opened', actorId: REQUESTER, data: { type: 'ehcp', priority: 'normal' }, at: OPENED_AT },
    ])
  })
})

describe('status transitions', () => {
  test.each([
    ['new', ['in_progress', 'pending_family', 'pending_la', 'resolved', 'closed']],
    ['in_progress', ['pending_family', 'pending_la', 'resolved', 'closed']],
    ['pending_family', ['in_progress', 'pending_la', 'resolved', 'closed']],
    ['pending_la', ['in_progress', 'pending_family', 'resolved', 'closed']],
    ['resolved', ['in_progress', 'closed']],
    ['closed', []],
  ] as const)('%s may move to %j', (from, to) => {
    expect(allowedTransitions(from)).toEqual(to)
  })

  test('no status may move to new', () => {
    for (const status of TICKET_STATUSES) expect(allowedTransitions(status)).not.toContain('new')
  })
})

// ---------------------------------------------------------------------------
// The lifecycle with an SLA policy: clocks, waits and deadlines, on the default
// policy (09:00–17:00 Monday–Friday in London; GMT until 29 March 2026).

const policy = defaultSlaPolicy()
const MON = '2026-03-09T09:00:00.000Z'
const HOUR = 3_600_000

/** A normal EHCP ticket opened at `at`, its policy loaded at once. */
function opened(at = MON, fields: Partial<TicketOpening> = {}): TicketState {
  return withoutPending(adoptSlaPolicy(initialTicketState({ ...opening, createdAt: at, ...fields }), policy, at))
}

function withoutPending(state: TicketState): TicketState {
  return { ...state, pendingEvents: [] }
}

/** What the workflow does with a command at `at`: deadlines first, then the command. */
function act(state: TicketState, command: TicketCommand, at: string): TicketState {
  const result = applyCommand(applyDeadlines(state, at), command, at)
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result.state
}

function target(state: TicketState, kind: SlaKind) {
  return state.sla?.targets.find((t) => t.kind === kind)
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

const newEvents = (before: TicketState, after: TicketState) => after.pendingEvents.filter((e) => e.seq > before.eventSeq)

describe('SLA targets on a ticket', () => {
  test('a new ticket runs first response and resolution from its creation; loading the policy is no activity', () => {
    const state = opened()
    expect(state).toMatchObject({ version: 2, updatedAt: MON })
    expect(toTicketRecord(state)).toMatchObject({
      slaState: 'on_track',
      slaDueAt: '2026-03-09T17:00:00.000Z',
      slaTargets: [
        { kind: 'first_response', dueAt: '2026-03-09T17:00:00.000Z', state: 'on_track' },
        { kind: 'resolution', dueAt: '2026-03-20T17:00:00.000Z', state: 'on_track' },
      ],
    })
    expect(iso(target(state, 'first_response')!.clock.atRiskAt)).toBe('2026-03-09T15:00:00.000Z')
    expect(iso(target(state, 'resolution')!.clock.atRiskAt)).toBe('2026-03-18T13:00:00.000Z')
    expect(iso(nextDeadlineMs(state, Date.parse(MON)))).toBe('2026-03-09T15:00:00.000Z')
  })

  test('turns at risk and breached at the exact instants; the breach is recorded and notified once', () => {
    const assigned = withoutPending(act(opened(), assignTo(STAFF), '2026-03-09T10:00:00.000Z'))
    expect(applyDeadlines(assigned, '2026-03-09T14:59:59.999Z')).toBe(assigned)

    const atRisk = applyDeadlines(assigned, '2026-03-09T15:00:00.000Z')
    expect(toTicketRecord(atRisk)).toMatchObject({ slaState: 'at_risk', version: assigned.version + 1 })
    expect(newEvents(assigned, atRisk)).toEqual([])
    // Nobody did anything: the queue's "last activity" stays.
    expect(atRisk.updatedAt).toBe(assigned.updatedAt)
    expect(iso(nextDeadlineMs(atRisk, Date.parse('2026-03-09T15:00:00.000Z')))).toBe('2026-03-09T17:00:00.000Z')

    const breached = applyDeadlines(atRisk, '2026-03-09T17:00:00.000Z')
    expect(toTicketRecord(breached).slaState).toBe('breached')
    const events = newEvents(atRisk, breached)
    expect(events).toEqual([
      {
        seq: atRisk.eventSeq + 1,
        kind: 'sla_breached',
        actorId: null,
        at: '2026-03-09T17:00:00.000Z',
        data: { target: 'first_response', cycle: 1, dueAt: '2026-03-09T17:00:00.000Z' },
      },
    ])
    expect(notificationsFor(breached, events)).toEqual([
      {
        dedupeKey: 'sla-breach:ticket-1:first_response:1',
        ticketId: 'ticket-1',
        kind: 'sla_breached',
        target: 'first_response',
        dueAt: '2026-03-09T17:00:00.000Z',
        recipientIds: [STAFF],
        include: ['watchers', 'admins'],
      },
    ])
    expect(applyDeadlines(breached, '2026-03-10T12:00:00.000Z')).toBe(breached)
    // A late reply stops the clock but does not undo the breach, nor report it again.
    const late = act(breached, staffReply('late'), '2026-03-10T12:00:00.000Z')
    expect(target(late, 'first_response')).toMatchObject({ state: 'breached', breachedAt: Date.parse('2026-03-09T17:00:00.000Z') })
    expect(newEvents(breached, late).map((e) => e.kind)).toEqual(['message_posted'])
  })

  test('a staff reply meets first response; a family message starts a next response wait, answered by the next reply', () => {
    let state = act(opened(), staffReply('m1'), '2026-03-09T10:00:00.000Z')
    expect(target(state, 'first_response')).toMatchObject({ state: 'met' })
    expect(target(state, 'next_response')).toBeUndefined()

    state = act(state, familyMessage('m2'), '2026-03-10T16:00:00.000Z')
    expect(target(state, 'next_response')).toMatchObject({ cycle: 1, state: 'on_track' })
    // One working day from Tuesday 16:00 is Wednesday 16:00.
    expect(iso(target(state, 'next_response')!.clock.dueAt)).toBe('2026-03-11T16:00:00.000Z')
    // A second message does not restart the wait: the reply is owed since the first.
    const again = act(state, familyMessage('m3'), '2026-03-11T09:30:00.000Z')
    expect(target(again, 'next_response')!.clock).toEqual(target(state, 'next_response')!.clock)

    state = act(again, staffReply('m4'), '2026-03-11T10:00:00.000Z')
    expect(target(state, 'next_response')).toMatchObject({ cycle: 1, state: 'met' })
    state = act(state, familyMessage('m5'), '2026-03-12T10:00:00.000Z')
    expect(target(state, 'next_response')).toMatchObject({ cycle: 2, state: 'on_track' })
    expect(toTicketRecord(state).slaTargets.map((chip) => chip.kind)).toEqual(['first_response', 'next_response', 'resolution'])
  })

  test('pending the family pauses resolution; it resumes where it stopped', () => {
    let state = act(opened(), staffReply('m1'), '2026-03-09T10:00:00.000Z')
    state = act(state, moveTo('pending_family'), '2026-03-09T13:00:00.000Z')
    expect(toTicketRecord(state)).toMatchObject({ slaState: 'paused', slaDueAt: null, pendingSince: '2026-03-09T13:00:00.000Z' })
    expect(toTicketView(state, '2026-03-10T13:00:00.000Z').sla?.targets.find((t) => t.kind === 'resolution')).toMatchObject({
      paused: true,
      dueAt: null,
      elapsedMs: 4 * HOUR,
      remainingMs: 76 * HOUR,
      pausedMs: 8 * HOUR,
    })

    state = act(state, familyMessage('m2'), '2026-03-11T13:00:00.000Z')
    expect(state).toMatchObject({ status: 'in_progress', statusReason: 'family replied', awaiting: 'staff', pendingSince: null })
    // 4 hours used before the wait, 16 business hours paused: two working days later than planned.
    expect(iso(target(state, 'resolution')!.clock.dueAt)).toBe('2026-03-24T17:00:00.000Z')
    expect(toTicketView(state, '2026-03-11T13:00:00.000Z').sla?.targets.find((t) => t.kind === 'resolution')).toMatchObject({
      paused: false,
      pausedMs: 16 * HOUR,
      elapsedMs: 4 * HOUR,
    })
  })

  test('a change of priority mid-clock keeps the time used', () => {
    const raised = act(opened(), { kind: 'changePriority', priority: 'high', actorId: STAFF }, '2026-03-09T11:00:00.000Z')
    expect(raised.priority).toBe('high')
    // High: first response within 4 business hours, 2 used; resolution within 5 working days, 2 hours used.
    expect(iso(target(raised, 'first_response')!.clock.dueAt)).toBe('2026-03-09T13:00:00.000Z')
    expect(iso(target(raised, 'resolution')!.clock.dueAt)).toBe('2026-03-13T17:00:00.000Z')
    expect(raised.pendingEvents.at(-1)).toMatchObject({ kind: 'priority_changed', data: { from: 'normal', to: 'high' } })

    // Urgent allows one hour, around the clock: two are used already, so it is breached at once.
    const urgent = act(opened(), { kind: 'changePriority', priority: 'urgent', actorId: STAFF }, '2026-03-09T11:00:00.000Z')
    expect(target(urgent, 'first_response')).toMatchObject({ state: 'breached' })
    expect(urgent.pendingEvents.map((e) => e.kind)).toEqual(['priority_changed', 'sla_breached'])
  })

  test("a change of type takes that type's override", () => {
    const tribunal = { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 480, calendar: 'business' as const }
    const withOverride = { ...policy, typeOverrides: { tribunal: { normal: tribunal } } }
    const start = withoutPending(adoptSlaPolicy(initialTicketState({ ...opening, createdAt: MON }), withOverride, MON))
    const changed = act(start, { kind: 'changeType', type: 'tribunal', actorId: STAFF }, '2026-03-09T09:30:00.000Z')
    expect(changed.type).toBe('tribunal')
    expect(iso(target(changed, 'first_response')!.clock.dueAt)).toBe('2026-03-09T10:00:00.000Z')
    expect(iso(target(changed, 'resolution')!.clock.dueAt)).toBe('2026-03-09T17:00:00.000Z')
  })

  test("applying the organisation's new policy rebudgets from the time used, and moves the wait deadlines", () => {
    let state = act(opened(), staffReply('m1'), '2026-03-09T10:00:00.000Z')
    state = act(state, moveTo('pending_family'), '2026-03-09T13:00:00.000Z')
    const quicker: SlaPolicy = {
      ...policy,
      targets: { ...policy.targets, normal: { ...policy.targets.normal, resolutionMinutes: 5 * 480 } },
      pendingFamily: { reminderDays: 2, autoCloseDays: 7 },
    }
    const applied = act(state, { kind: 'applySlaPolicy', policy: quicker, actorId: 'admin-1' }, '2026-03-10T09:00:00.000Z')
    expect(applied.policy).toEqual(quicker)
    expect(target(applied, 'resolution')!.clock).toMatchObject({ budgetMs: 40 * HOUR, elapsedMs: 4 * HOUR, dueAt: null })
    // Counted again from when the wait began.
    expect(applied).toMatchObject({ reminderAt: '2026-03-11T13:00:00.000Z', autoCloseAt: '2026-03-16T13:00:00.000Z' })
    expect(applied.pendingEvents.at(-1)).toMatchObject({ kind: 'sla_policy_applied', actorId: 'admin-1' })
  })

  test('a ticket from before SLAs takes the policy from what its past says', () => {
    // A state as the first version of the workflow carried it: none of the newer fields.
    const foundation = ticket({
      status: 'in_progress',
      awaiting: 'staff',
      createdAt: MON,
      firstStaffReplyAt: '2026-03-09T10:00:00.000Z',
    }) as Partial<TicketState>
    for (const field of ['policy', 'sla', 'statusReason', 'commandIds', 'laOverdue'] as const) delete foundation[field]
    const upgraded = upgradeTicketState(foundation as CarriedTicketState)
    expect(upgraded).toMatchObject({ policy: null, sla: null, commandIds: [], laOverdue: false, statusReason: null })

    const now = '2026-03-10T09:00:00.000Z'
    const adopted = adoptSlaPolicy(upgraded, policy, now)
    expect(target(adopted, 'first_response')).toMatchObject({ state: 'met' })
    expect(target(adopted, 'next_response')!.clock.startedAt).toBe(Date.parse(now))
    expect(target(adopted, 'resolution')!.clock).toMatchObject({ startedAt: Date.parse(MON), elapsedMs: 0, runningSince: Date.parse(MON) })
    expect(adoptSlaPolicy(adopted, policy, now)).toBe(adopted)
  })
})

describe('waiting on the family', () => {
  const waiting = () =>
    act(act(opened(), staffReply('m1'), '2026-03-09T10:00:00.000Z'), moveTo('pending_family'), '2026-03-09T13:00:00.000Z')

  test('the family is told when the ticket will close, reminded after 5 working days, and it closes after 14 days', () => {
    const state = waiting()
    expect(state).toMatchObject({
      pendingSince: '2026-03-09T13:00:00.000Z',
      reminderAt: '2026-03-16T13:00:00.000Z',
      autoCloseAt: '2026-03-23T13:00:00.000Z',
      remindedAt: null,
    })
    const entered = state.pendingEvents.filter((e) => e.kind === 'status_changed').at(-1)!
    expect(notificationsFor(state, [entered])).toEqual([
      expect.objectContaining({ kind: 'awaiting_family', autoCloseAt: '2026-03-23T13:00:00.000Z', recipientIds: [REQUESTER] }),
    ])
    expect(iso(nextDeadlineMs(state, Date.parse('2026-03-09T13:00:00.000Z')))).toBe('2026-03-16T13:00:00.000Z')

    const reminded = applyDeadlines(withoutPending(state), '2026-03-16T13:00:00.000Z')
    expect(reminded).toMatchObject({ status: 'pending_family', remindedAt: '2026-03-16T13:00:00.000Z' })
    expect(reminded.pendingEvents.map((e) => e.kind)).toEqual(['family_reminded'])
    expect(notificationsFor(reminded, reminded.pendingEvents)).toEqual([
      expect.objectContaining({ kind: 'family_reminder', autoCloseAt: '2026-03-23T13:00:00.000Z', recipientIds: [REQUESTER] }),
    ])
    expect(iso(nextDeadlineMs(reminded, Date.parse('2026-03-16T13:00:00.000Z')))).toBe('2026-03-23T13:00:00.000Z')

    const closed = applyDeadlines(withoutPending(reminded), '2026-03-23T13:00:00.000Z')
    expect(closed).toMatchObject({ status: 'closed', statusReason: 'no response', awaiting: null, closedAt: '2026-03-23T13:00:00.000Z' })
    expect(toTicketRecord(closed)).toMatchObject({ closeReason: 'no response', autoCloseAt: null, slaState: 'met' })
    expect(closed.pendingEvents).toEqual([
      expect.objectContaining({
        kind: 'status_changed',
        actorId: null,
        data: { from: 'pending_family', to: 'closed', reason: 'no response' },
      }),
    ])
    expect(nextDeadlineMs(closed, Date.parse('2026-03-23T13:00:00.000Z'))).toBeNull()
  })

  test('after a long outage the ticket closes without a late reminder', () => {
    const closed = applyDeadlines(waiting(), '2026-03-30T09:00:00.000Z')
    expect(closed.status).toBe('closed')
    expect(closed.pendingEvents.map((e) => e.kind)).not.toContain('family_reminded')
  })

  test('a family reply ends the wait before the auto-close', () => {
    const replied = act(waiting(), familyMessage('m2'), '2026-03-20T10:00:00.000Z')
    expect(replied).toMatchObject({
      status: 'in_progress',
      statusReason: 'family replied',
      awaiting: 'staff',
      pendingSince: null,
      reminderAt: null,
      remindedAt: null,
      autoCloseAt: null,
    })
    expect(target(replied, 'next_response')).toMatchObject({ cycle: 1 })
  })
})

describe('waiting on the local authority', () => {
  const deadline = '2026-04-10T16:00:00.000Z'
  const waiting = () =>
    act(
      act(act(opened(), assignTo(STAFF), '2026-03-09T09:30:00.000Z'), staffReply('m1'), '2026-03-09T10:00:00.000Z'),
      { kind: 'changeStatus', status: 'pending_la', actorId: STAFF, laDeadline: '2026-04-10T17:00:00+01:00' },
      '2026-03-09T13:00:00.000Z',
    )

  test('the deadline passing flags the ticket LA overdue and tells the assignee', () => {
    const state = waiting()
    expect(state).toMatchObject({ status: 'pending_la', laDeadline: deadline, laOverdue: false, pendingSince: '2026-03-09T13:00:00.000Z' })
    expect(state.pendingEvents.at(-1)).toMatchObject({ kind: 'status_changed', data: { to: 'pending_la', laDeadline: deadline } })
    expect(iso(nextDeadlineMs(state, Date.parse('2026-03-09T13:00:00.000Z')))).toBe(deadline)

    const overdue = applyDeadlines(withoutPending(state), deadline)
    expect(overdue).toMatchObject({ status: 'pending_la', laOverdue: true })
    expect(notificationsFor(overdue, overdue.pendingEvents)).toEqual([
      expect.objectContaining({ kind: 'la_overdue', laDeadline: deadline, recipientIds: [STAFF], include: [] }),
    ])
    expect(nextDeadlineMs(overdue, Date.parse(deadline))).toBeNull()

    const answered = act(overdue, { kind: 'recordLaResponse', actorId: null }, '2026-04-13T10:00:00.000Z')
    expect(answered).toMatchObject({
      status: 'in_progress',
      statusReason: 'LA responded',
      awaiting: 'staff',
      laDeadline: null,
      laOverdue: false,
      pendingSince: null,
    })
  })

  test('with nobody assigned, the admins hear that the LA is overdue', () => {
    const state = act(opened(), { kind: 'changeStatus', status: 'pending_la', actorId: STAFF, laDeadline: deadline }, MON)
    const overdue = applyDeadlines(withoutPending(state), deadline)
    // First response breached long ago too, which the admins also hear about.
    expect(notificationsFor(overdue, overdue.pendingEvents).filter((n) => n.kind === 'la_overdue')).toEqual([
      expect.objectContaining({ recipientIds: [], include: ['admins'] }),
    ])
  })

  test('staff can record or correct the deadline while the wait goes on', () => {
    const state = withoutPending(applyDeadlines(withoutPending(waiting()), deadline))
    const later = act(
      state,
      { kind: 'changeStatus', status: 'pending_la', actorId: STAFF, laDeadline: '2026-05-01T16:00:00.000Z' },
      '2026-04-11T09:00:00.000Z',
    )
    expect(later).toMatchObject({ laDeadline: '2026-05-01T16:00:00.000Z', laOverdue: false })
    expect(later.pendingEvents.map((e) => e.kind)).toEqual(['la_deadline_set'])
    expect(
      applyCommand(later, { kind: 'changeStatus', status: 'pending_la', actorId: STAFF, laDeadline: '2026-05-01T16:00:00.000Z' }, NOW),
    ).toEqual({ ok: true, state: later, events: [] })
  })
})

describe('resolution and reopening', () => {
  const resolvedAt = '2026-03-10T10:00:00.000Z'
  const resolved = () => act(act(opened(), staffReply('m1'), '2026-03-09T10:00:00.000Z'), moveTo('resolved'), resolvedAt)

  test('the family is told, with the date reopening ends', () => {
    const state = resolved()
    expect(state).toMatchObject({ status: 'resolved', resolvedAt, reopenUntil: '2026-03-17T10:00:00.000Z', awaiting: null })
    expect(toTicketRecord(state)).toMatchObject({ slaState: 'met', slaDueAt: null })
    const resolution = state.pendingEvents.at(-1)!
    expect(notificationsFor(state, [resolution])).toEqual([
      {
        dedupeKey: `ticket:ticket-1:event:${resolution.seq}`,
        ticketId: 'ticket-1',
        kind: 'ticket_resolved',
        reason: null,
        reopenUntil: '2026-03-17T10:00:00.000Z',
        recipientIds: [REQUESTER],
      },
    ])
  })

  test('a family reply inside the window reopens it, and resolution continues from the time it used', () => {
    const reopened = act(resolved(), familyMessage('m2'), '2026-03-16T10:00:00.000Z')
    expect(reopened).toMatchObject({
      status: 'in_progress',
      statusReason: 'family replied',
      awaiting: 'staff',
      resolvedAt: null,
      reopenUntil: null,
    })
    // 9 business hours used before it was resolved; 71 left from Monday 16 March 10:00:
    // 7 that day, 32 to Friday, 32 more to Thursday 26 March 17:00.
    expect(target(reopened, 'resolution')!.clock).toMatchObject({ elapsedMs: 9 * HOUR, stoppedAt: null })
    expect(iso(target(reopened, 'resolution')!.clock.dueAt)).toBe('2026-03-26T17:00:00.000Z')
  })

  test('pressing Reopen inside the window reopens it and owes the family a reply', () => {
    const reopened = act(resolved(), { kind: 'reopen', actorId: REQUESTER, actorRole: 'family' }, '2026-03-17T09:59:00.000Z')
    expect(reopened).toMatchObject({ status: 'in_progress', statusReason: 'reopened by the family', awaiting: 'staff' })
    expect(target(reopened, 'next_response')).toMatchObject({ cycle: 1, state: 'on_track' })
  })

  test('when the window ends it closes by itself, and a later message is refused as closed', () => {
    const state = resolved()
    expect(iso(nextDeadlineMs(state, Date.parse(resolvedAt)))).toBe('2026-03-17T10:00:00.000Z')
    const closed = applyDeadlines(state, '2026-03-17T10:00:00.000Z')
    expect(closed).toMatchObject({ status: 'closed', statusReason: 'reopen window ended', closedAt: '2026-03-17T10:00:00.000Z' })
    expect(applyCommand(closed, familyMessage('m3'), '2026-03-18T10:00:00.000Z')).toMatchObject({ ok: false, code: 'ticket_closed' })
  })
})

describe('case closure', () => {
  // Before first response is due, so nothing else is reported.
  const at = '2026-03-09T12:00:00.000Z'
  const inStatus: Record<Exclude<TicketStatus, 'closed'>, () => TicketState> = {
    new: () => opened(),
    in_progress: () => act(opened(), assignTo(STAFF), '2026-03-09T10:00:00.000Z'),
    pending_family: () => act(opened(), moveTo('pending_family'), '2026-03-09T10:00:00.000Z'),
    pending_la: () => act(opened(), moveTo('pending_la'), '2026-03-09T10:00:00.000Z'),
    resolved: () => act(opened(), { kind: 'caseClosed' }, '2026-03-09T10:00:00.000Z'),
  }

  test.each(['new', 'in_progress', 'pending_family', 'pending_la'] as const)(
    'resolves a ticket in %s with "case closed" and tells the family',
    (status) => {
      const before = withoutPending(
        act(inStatus[status](), { kind: 'linkCase', caseRef: 'CASE-7', actorId: STAFF }, '2026-03-09T11:00:00.000Z'),
      )
      expect(caseOpen(before)).toBe(true)
      const after = act(before, { kind: 'caseClosed', caseRef: 'CASE-7' }, at)
      expect(after).toMatchObject({ status: 'resolved', statusReason: 'case closed', awaiting: null, pendingSince: null })
      expect(caseOpen(after)).toBe(false)
      expect(notificationsFor(after, after.pendingEvents)).toEqual([
        expect.objectContaining({ kind: 'ticket_resolved', reason: 'case closed', recipientIds: [REQUESTER] }),
      ])
    },
  )

  test('is idempotent: a resolved or closed ticket is left as it is', () => {
    const resolved = inStatus.resolved()
    expect(resolved).toMatchObject({ status: 'resolved', statusReason: 'case closed' })
    expect(applyCommand(resolved, { kind: 'caseClosed' }, at)).toEqual({ ok: true, state: resolved, events: [] })
    const closed = act(resolved, moveTo('closed'), at)
    expect(applyCommand(closed, { kind: 'caseClosed' }, at)).toEqual({ ok: true, state: closed, events: [] })
  })

  test('a closure that arrives before the link links the case', () => {
    const closedFirst = act(opened(), { kind: 'caseClosed', caseRef: 'CASE-9' }, at)
    expect(closedFirst).toMatchObject({ status: 'resolved', caseRef: 'CASE-9' })
    expect(closedFirst.pendingEvents.map((e) => e.kind)).toEqual(['case_linked', 'status_changed'])
    // The link arriving late changes nothing.
    expect(applyCommand(closedFirst, { kind: 'linkCase', caseRef: 'CASE-9', actorId: null }, at)).toMatchObject({ ok: true, events: [] })
  })
})

describe('repeated commands', () => {
  test('a command id already applied changes nothing', () => {
    const command: TicketCommand = { kind: 'changePriority', priority: 'high', actorId: STAFF, commandId: 'cms-1' }
    const once = act(opened(), command, '2026-03-09T10:00:00.000Z')
    expect(once.commandIds).toEqual(['cms-1'])
    expect(applyCommand(once, command, '2026-03-09T10:05:00.000Z')).toEqual({ ok: true, state: once, events: [] })
    // Even when the same change would now be refused for another reason.
    const lowered = act(once, { kind: 'changePriority', priority: 'low', actorId: STAFF }, '2026-03-09T10:10:00.000Z')
    expect(applyCommand(lowered, command, '2026-03-09T10:15:00.000Z')).toEqual({ ok: true, state: lowered, events: [] })
  })
})

describe('any sequence of commands and deadlines', () => {
  const command: fc.Arbitrary<TicketCommand> = fc.oneof(
    fc.record({
      kind: fc.constant('postMessage' as const),
      messageId: fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5', 'm6'),
      authorId: fc.constantFrom(REQUESTER, STAFF),
      authorRole: fc.constantFrom(...ROLES),
      visibility: fc.constantFrom(...VISIBILITIES),
    }),
    fc.record({ kind: fc.constant('assign' as const), assigneeId: fc.constantFrom(STAFF, OTHER_STAFF), actorId: fc.constant(STAFF) }),
    fc.record({
      kind: fc.constant('changeStatus' as const),
      status: fc.constantFrom(...TICKET_STATUSES),
      actorId: fc.constant(STAFF),
      laDeadline: fc.constantFrom(undefined, '2026-03-20T12:00:00.000Z'),
    }),
    fc.record({ kind: fc.constant('changePriority' as const), priority: fc.constantFrom(...PRIORITIES), actorId: fc.constant(STAFF) }),
    fc.record({ kind: fc.constant('linkCase' as const), caseRef: fc.constantFrom('C-1', null), actorId: fc.constant(STAFF) }),
    fc.record({ kind: fc.constant('reopen' as const), actorId: fc.constant(REQUESTER), actorRole: fc.constantFrom(...ROLES) }),
    fc.record({ kind: fc.constant('recordLaResponse' as const), actorId: fc.constant(null) }),
    fc.record({ kind: fc.constant('caseClosed' as const) }),
  )
  /** Gaps up to nine days, so waits expire and targets breach. */
  const step = fc.record({ gap: fc.integer({ min: 0, max: 9 * 24 * HOUR }), command })

  test('keeps to the status table, never goes back in time, wakes in the future and stays JSON-safe', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let state = adoptSlaPolicy(initialTicketState({ ...opening, createdAt: MON }), policy, MON)
        let now = Date.parse(MON)
        for (const { gap, command } of steps) {
          now += gap
          const at = new Date(now).toISOString()
          const settled = applyDeadlines(state, at)
          expect(applyDeadlines(settled, at)).toBe(settled)
          const wake = nextDeadlineMs(settled, now)
          if (wake !== null) expect(wake).toBeGreaterThan(now)
          if (settled.status === 'closed') expect(wake).toBeNull()
          const result = applyCommand(settled, command, at)
          const next = result.ok ? result.state : settled
          for (const event of next.pendingEvents)
            if (event.kind === 'status_changed') expect(STATUS_TRANSITIONS[event.data.from]).toContain(event.data.to)
          expect(next.version).toBeGreaterThanOrEqual(state.version)
          if (next.status === 'pending_family') expect(next.autoCloseAt).not.toBeNull()
          if (next.status !== 'pending_family' && next.status !== 'pending_la') expect(next.pendingSince).toBeNull()
          if (next.status !== 'resolved') expect(next.reopenUntil).toBeNull()
          state = next
        }
        expect(state.pendingEvents.map((event) => event.seq)).toEqual(Array.from({ length: state.eventSeq }, (_, i) => i + 1))
        expect(JSON.parse(JSON.stringify(state))).toEqual(state)
      }),
      { numRuns: 300 },
    )
  })
})
