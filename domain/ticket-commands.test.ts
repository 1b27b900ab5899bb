import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ROLES, TICKET_STATUSES, VISIBILITIES, type Priority } from './ticket.ts'
import { applyCommand, type TicketCommand } from './ticket-commands.ts'
import { initialTicketState, STATUS_TRANSITIONS, type RefusalCode, type TicketState } from './ticket-state.ts'
import {
  OPENED_AT,
  NOW,
  REQUESTER,
  STAFF,
  OTHER_STAFF,
  opening,
  ticket,
  type PostMessage,
  familyMessage,
  staffReply,
  internalNote,
  assignTo,
  moveTo,
} from './ticket-fixtures.ts'

describe('applyCommand accepts', () => {
  test.each<{
    name: string
    given: Partial<TicketState>
    command: TicketCommand
    expected: Partial<TicketState>
    kinds: string[]
  }>([
    {
      name: 'a family message on a new ticket: still waiting on staff',
      given: {},
      command: familyMessage(),
      expected: { status: 'new', awaiting: 'staff' },
      kinds: ['message_posted'],
    },
    {
      name: "staff's first public reply: work starts, the family is up, first reply time set",
      given: {},
      command: staffReply(),
      expected: { status: 'in_progress', awaiting: 'family', firstStaffReplyAt: NOW },
      kinds: ['message_posted', 'status_changed'],
    },
    {
      name: 'a later staff reply keeps the first reply time',
      given: { status: 'in_progress', awaiting: 'staff', firstStaffReplyAt: OPENED_AT },
      command: staffReply(),
      expected: { status: 'in_progress', awaiting: 'family', firstStaffReplyAt: OPENED_AT },
      kinds: ['message_posted'],
    },
    {
      name: 'an admin reply counts as staff',
      given: { status: 'in_progress' },
      command: { kind: 'postMessage', messageId: 'message-1', authorId: 'admin-1', authorRole: 'admin', visibility: 'public' },
      expected: { status: 'in_progress', awaiting: 'family' },
      kinds: ['message_posted'],
    },
    {
      name: 'an internal note changes neither status nor awaiting',
      given: { status: 'new', awaiting: 'staff' },
      command: internalNote(),
      expected: { status: 'new', awaiting: 'staff', firstStaffReplyAt: null },
      kinds: ['message_posted'],
    },
    {
      name: 'the family answering while pending them: back in progress, staff are up',
      given: { status: 'pending_family', awaiting: 'family' },
      command: familyMessage(),
      expected: { status: 'in_progress', awaiting: 'staff' },
      kinds: ['message_posted', 'status_changed'],
    },
    {
      name: 'the family writing on a resolved ticket reopens it',
      given: { status: 'resolved', awaiting: null },
      command: familyMessage(),
      expected: { status: 'in_progress', awaiting: 'staff' },
      kinds: ['message_posted', 'status_changed'],
    },
    {
      name: 'the family writing while pending the LA: still pending the LA, staff are up',
      given: { status: 'pending_la', awaiting: 'family' },
      command: familyMessage(),
      expected: { status: 'pending_la', awaiting: 'staff' },
      kinds: ['message_posted'],
    },
    {
      name: 'assigning a new ticket starts work on it',
      given: {},
      command: assignTo(STAFF),
      expected: { status: 'in_progress', assigneeId: STAFF, awaiting: 'staff' },
      kinds: ['assigned', 'status_changed'],
    },
    {
      name: 'reassigning keeps the status',
      given: { status: 'pending_family', assigneeId: STAFF },
      command: assignTo(OTHER_STAFF),
      expected: { status: 'pending_family', assigneeId: OTHER_STAFF },
      kinds: ['assigned'],
    },
    {
      name: 'pending the LA keeps whoever the ticket waits on',
      given: { status: 'in_progress', awaiting: 'family' },
      command: moveTo('pending_la'),
      expected: { status: 'pending_la', awaiting: 'family' },
      kinds: ['status_changed'],
    },
    {
      name: 'a resolved ticket waits on nobody',
      given: { status: 'in_progress', awaiting: 'staff' },
      command: moveTo('resolved'),
      expected: { status: 'resolved', awaiting: null },
      kinds: ['status_changed'],
    },
    {
      name: 'reopening a resolved ticket puts staff up',
      given: { status: 'resolved', awaiting: null },
      command: moveTo('in_progress'),
      expected: { status: 'in_progress', awaiting: 'staff' },
      kinds: ['status_changed'],
    },
    {
      name: 'closing straight from new',
      given: {},
      command: moveTo('closed', 'Duplicate request'),
      expected: { status: 'closed', awaiting: null },
      kinds: ['status_changed'],
    },
  ])('$name', ({ given, command, expected, kinds }) => {
    const before = ticket({ version: 5, eventSeq: 9, ...given })
    const result = applyCommand(before, command, NOW)
    if (!result.ok) throw new Error(`refused: ${result.reason}`)
    expect(result.state).toMatchObject({ ...expected, version: 6, updatedAt: NOW })
    expect(result.events.map((event) => event.kind)).toEqual(kinds)
    expect(result.events.map((event) => event.seq)).toEqual(kinds.map((_, index) => 10 + index))
    expect(result.state.eventSeq).toBe(9 + kinds.length)
    expect(result.state.pendingEvents).toEqual(result.events)
  })

  test('events say who did what, when', () => {
    const result = applyCommand(ticket(), staffReply('message-7'), NOW)
    expect(result).toMatchObject({
      ok: true,
      events: [
        {
          seq: 2,
          kind: 'message_posted',
          actorId: STAFF,
          data: { messageId: 'message-7', authorRole: 'staff', visibility: 'public' },
          at: NOW,
        },
        { seq: 3, kind: 'status_changed', actorId: STAFF, data: { from: 'new', to: 'in_progress', reason: null }, at: NOW },
      ],
    })
  })

  test('a message already recorded is accepted again without any change', () => {
    const once = applyCommand(ticket(), familyMessage('message-1'), NOW)
    if (!once.ok) throw new Error(once.reason)
    const twice = applyCommand(once.state, staffReply('message-1'), NOW)
    expect(twice).toEqual({ ok: true, state: once.state, events: [] })
  })

  test('a message already recorded is still accepted once the ticket has closed', () => {
    const once = applyCommand(ticket(), familyMessage('message-1'), NOW)
    if (!once.ok) throw new Error(once.reason)
    const closed = applyCommand(once.state, moveTo('closed', 'Resolved by phone'), NOW)
    if (!closed.ok) throw new Error(closed.reason)
    expect(applyCommand(closed.state, familyMessage('message-1'), NOW)).toEqual({ ok: true, state: closed.state, events: [] })
    expect(applyCommand(closed.state, familyMessage('message-2'), NOW)).toMatchObject({ ok: false, code: 'ticket_closed' })
  })
})

describe('the first public staff reply, where the organisation assigns on it', () => {
  const firstReply = (fields: Partial<PostMessage> = {}): PostMessage => ({ ...staffReply(), assignOnFirstReply: true, ...fields })

  test('assigns an unassigned ticket to its author, on the timeline, and starts work', () => {
    const result = applyCommand(ticket(), firstReply(), NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(result.state).toMatchObject({ assigneeId: STAFF, status: 'in_progress', awaiting: 'family', firstStaffReplyAt: NOW })
    expect(result.events).toEqual([
      expect.objectContaining({ kind: 'message_posted', actorId: STAFF }),
      { seq: 3, kind: 'assigned', actorId: STAFF, data: { assigneeId: STAFF, previousAssigneeId: null, onFirstReply: true }, at: NOW },
      expect.objectContaining({ kind: 'status_changed', data: { from: 'new', to: 'in_progress', reason: null } }),
    ])
  })

  test.each<{ name: string; given: Partial<TicketState>; command: PostMessage; assigneeId: string | null }>([
    { name: 'not when the organisation turned it off', given: {}, command: firstReply({ assignOnFirstReply: false }), assigneeId: null },
    { name: 'not when the setting did not come with it (an integration)', given: {}, command: staffReply(), assigneeId: null },
    { name: 'not for an internal note', given: {}, command: firstReply({ visibility: 'internal' }), assigneeId: null },
    { name: 'not for a family message', given: {}, command: { ...familyMessage(), assignOnFirstReply: true }, assigneeId: null },
    {
      name: 'not when already assigned',
      given: { status: 'in_progress', assigneeId: OTHER_STAFF },
      command: firstReply(),
      assigneeId: OTHER_STAFF,
    },
    {
      name: 'not on a later reply (staff answered before, unassigned)',
      given: { status: 'in_progress', firstStaffReplyAt: OPENED_AT },
      command: firstReply(),
      assigneeId: null,
    },
  ])('$name', ({ given, command, assigneeId }) => {
    const result = applyCommand(ticket(given), command, NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(result.state.assigneeId).toBe(assigneeId)
    expect(result.events.map((event) => event.kind)).not.toContain('assigned')
  })
})

describe('a family pressing Reopen', () => {
  const resolved = () => ticket({ status: 'resolved', awaiting: null, resolvedAt: OPENED_AT, firstStaffReplyAt: OPENED_AT })
  const reopen = (actorRole: 'family' | 'staff'): TicketCommand => ({
    kind: 'reopen',
    actorId: actorRole === 'family' ? REQUESTER : STAFF,
    actorRole,
  })
  const apply = (state: TicketState, command: TicketCommand) => {
    const result = applyCommand(state, command, NOW)
    if (!result.ok) throw new Error(result.reason)
    return result.state
  }

  test('is told apart from a reply until someone writes publicly', () => {
    const reopened = apply(resolved(), reopen('family'))
    expect(reopened).toMatchObject({ status: 'in_progress', awaiting: 'staff', reopenedByFamily: true })
    expect(apply(reopened, internalNote('m2')).reopenedByFamily).toBe(true)
    expect(apply(reopened, familyMessage('m3'))).toMatchObject({ awaiting: 'staff', reopenedByFamily: false })
    expect(apply(reopened, staffReply('m4'))).toMatchObject({ awaiting: 'family', reopenedByFamily: false })
  })

  test('staff reopening it is not the family reopening it', () => {
    expect(apply({ ...resolved(), reopenedByFamily: true }, reopen('staff')).reopenedByFamily).toBe(false)
  })
})

describe('moving a ticket to another department', () => {
  test('changes its department alone, on the timeline with where it came from', () => {
    const given = ticket({ departmentId: 'general', status: 'in_progress', assigneeId: OTHER_STAFF })
    const result = applyCommand(given, { kind: 'changeDepartment', departmentId: 'tribunals', actorId: STAFF }, NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(result.state).toEqual({
      ...given,
      departmentId: 'tribunals',
      version: given.version + 1,
      updatedAt: NOW,
      eventSeq: given.eventSeq + 1,
      pendingEvents: result.state.pendingEvents,
    })
    expect(result.events).toEqual([
      { kind: 'department_changed', actorId: STAFF, data: { from: 'general', to: 'tribunals' }, seq: given.eventSeq + 1, at: NOW },
    ])
  })

  test('a run that never knew its department learns it from the move', () => {
    const result = applyCommand(
      ticket({ departmentId: null }),
      { kind: 'changeDepartment', departmentId: 'tribunals', actorId: STAFF },
      NOW,
    )
    if (!result.ok) throw new Error(result.reason)
    expect(result.events[0]).toMatchObject({ data: { from: null, to: 'tribunals' } })
  })
})

describe('applyCommand refuses', () => {
  test.each<{ name: string; given: Partial<TicketState>; command: TicketCommand; reason: string; code: RefusalCode }>([
    {
      name: 'a message on a closed ticket',
      given: { status: 'closed' },
      command: familyMessage(),
      reason: 'Ticket is closed',
      code: 'ticket_closed',
    },
    {
      name: 'an internal note from the family',
      given: {},
      command: { ...internalNote(), authorId: REQUESTER, authorRole: 'family' },
      reason: 'Only staff can post internal notes',
      code: 'not_allowed',
    },
    {
      name: 'assigning a closed ticket',
      given: { status: 'closed' },
      command: assignTo(STAFF),
      reason: 'Ticket is closed',
      code: 'ticket_closed',
    },
    {
      name: 'assigning to the current assignee',
      given: { status: 'in_progress', assigneeId: STAFF },
      command: assignTo(STAFF),
      reason: 'Ticket is already assigned to that person',
      code: 'no_change',
    },
    {
      name: 'reopening a closed ticket',
      given: { status: 'closed' },
      command: moveTo('in_progress'),
      reason: 'Ticket is closed',
      code: 'ticket_closed',
    },
    {
      name: 'pending the family from resolved',
      given: { status: 'resolved' },
      command: moveTo('pending_family'),
      reason: 'A ticket in Resolved cannot move to Pending family',
      code: 'invalid_transition',
    },
    {
      name: 'moving back to new',
      given: { status: 'in_progress' },
      command: moveTo('new'),
      reason: 'A ticket in In progress cannot move to New',
      code: 'invalid_transition',
    },
    {
      name: 'moving to the current status',
      given: { status: 'pending_la' },
      command: moveTo('pending_la'),
      reason: 'Ticket is already Pending LA',
      code: 'no_change',
    },
    {
      name: 'an LA deadline with another status',
      given: { status: 'in_progress' },
      command: { kind: 'changeStatus', status: 'pending_family', actorId: STAFF, laDeadline: '2026-12-01T12:00:00Z' },
      reason: 'An LA deadline can only be set with Pending LA',
      code: 'invalid_input',
    },
    {
      name: 'an LA deadline that is not an instant',
      given: { status: 'in_progress' },
      command: { kind: 'changeStatus', status: 'pending_la', actorId: STAFF, laDeadline: 'next Tuesday' },
      reason: 'The LA deadline must be a date and time',
      code: 'invalid_input',
    },
    {
      name: 'the same priority again',
      given: { priority: 'normal' },
      command: { kind: 'changePriority', priority: 'normal', actorId: STAFF },
      reason: 'Priority is already Normal',
      code: 'no_change',
    },
    {
      name: 'an unknown priority',
      given: {},
      command: { kind: 'changePriority', priority: 'critical' as Priority, actorId: STAFF },
      reason: 'Unknown priority "critical"',
      code: 'invalid_input',
    },
    {
      name: 'the same type again',
      given: {},
      command: { kind: 'changeType', type: 'ehcp', actorId: STAFF },
      reason: 'Type is already EHCP',
      code: 'no_change',
    },
    {
      name: 'moving to the department it is in',
      given: { departmentId: 'tribunals' },
      command: { kind: 'changeDepartment', departmentId: 'tribunals', actorId: STAFF },
      reason: 'The ticket is already in that department',
      code: 'no_change',
    },
    {
      name: 'moving a closed ticket',
      given: { status: 'closed', departmentId: 'general' },
      command: { kind: 'changeDepartment', departmentId: 'tribunals', actorId: STAFF },
      reason: 'Ticket is closed',
      code: 'ticket_closed',
    },
    {
      name: 'an empty case reference',
      given: {},
      command: { kind: 'linkCase', caseRef: '   ', actorId: STAFF },
      reason: 'A case reference is 1 to 100 characters',
      code: 'invalid_input',
    },
    {
      name: 'linking a closed ticket',
      given: { status: 'closed' },
      command: { kind: 'linkCase', caseRef: 'CASE-1', actorId: STAFF },
      reason: 'Ticket is closed',
      code: 'ticket_closed',
    },
    {
      name: 'reopening a ticket that is not resolved',
      given: { status: 'in_progress' },
      command: { kind: 'reopen', actorId: REQUESTER, actorRole: 'family' },
      reason: 'Only a resolved ticket can be reopened',
      code: 'invalid_transition',
    },
    {
      name: 'a family reopening after the window',
      given: { status: 'resolved', reopenUntil: '2026-11-23T09:59:00.000Z' },
      command: { kind: 'reopen', actorId: REQUESTER, actorRole: 'family' },
      reason: 'The time to reopen this request has passed',
      code: 'ticket_closed',
    },
    {
      name: "the LA's response when not waiting on it",
      given: { status: 'in_progress' },
      command: { kind: 'recordLaResponse', actorId: null },
      reason: 'The ticket is not waiting on the local authority',
      code: 'invalid_transition',
    },
    {
      name: "another case's closure",
      given: { status: 'in_progress', caseRef: 'CASE-1' },
      command: { kind: 'caseClosed', caseRef: 'CASE-2' },
      reason: 'This ticket is linked to case CASE-1, not CASE-2',
      code: 'invalid_input',
    },
  ])('$name', ({ given, command, reason, code }) => {
    expect(applyCommand(ticket(given), command, NOW)).toEqual({ ok: false, reason, code })
  })
})

describe('any sequence of commands', () => {
  const person = fc.constantFrom(REQUESTER, STAFF, OTHER_STAFF)
  const command: fc.Arbitrary<TicketCommand> = fc.oneof(
    fc.record({
      kind: fc.constant('postMessage' as const),
      // A small pool of ids, so repeats happen.
      messageId: fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'),
      authorId: person,
      authorRole: fc.constantFrom(...ROLES),
      visibility: fc.constantFrom(...VISIBILITIES),
      assignOnFirstReply: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('assign' as const), assigneeId: fc.constantFrom(STAFF, OTHER_STAFF), actorId: person }),
    fc.record({
      kind: fc.constant('changeStatus' as const),
      status: fc.constantFrom(...TICKET_STATUSES),
      actorId: person,
      reason: fc.constantFrom(undefined, 'Family asked'),
    }),
  )

  test('keeps to the status table, bumps the version once per change and stays JSON-safe', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        let state = initialTicketState(opening)
        commands.forEach((next, index) => {
          const now = new Date(Date.parse(OPENED_AT) + (index + 1) * 60_000).toISOString()
          const result = applyCommand(state, next, now)
          if (!result.ok) return
          if (result.events.length === 0) {
            expect(result.state).toBe(state)
            return
          }
          expect(state.status).not.toBe('closed')
          expect(result.state.version).toBe(state.version + 1)
          if (result.state.status !== state.status) expect(STATUS_TRANSITIONS[state.status]).toContain(result.state.status)
          for (const event of result.events)
            if (event.kind === 'status_changed') expect(STATUS_TRANSITIONS[event.data.from]).toContain(event.data.to)
          state = result.state
        })
        expect(state.pendingEvents.map((event) => event.seq)).toEqual(Array.from({ length: state.eventSeq }, (_, i) => i + 1))
        expect(JSON.parse(JSON.stringify(state))).toEqual(state)
      }),
      { numRuns: 500 },
    )
  })
})
