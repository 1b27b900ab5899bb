import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ROLES, TICKET_STATUSES, VISIBILITIES, type TicketStatus } from './ticket.ts'
import {
  allowedTransitions,
  applyCommand,
  initialTicketState,
  notificationsFor,
  STATUS_TRANSITIONS,
  toTicketSnapshot,
  toTicketView,
  withEventsSaved,
  type TicketCommand,
  type TicketEvent,
  type TicketOpening,
  type TicketState,
} from './ticket-state.ts'

const OPENED_AT = '2026-11-23T09:00:00.000Z'
const NOW = '2026-11-23T10:00:00.000Z'
const REQUESTER = 'family-1'
const STAFF = 'staff-1'
const OTHER_STAFF = 'staff-2'

const opening: TicketOpening = {
  ticketId: 'ticket-1',
  orgId: 'org-1',
  number: 42,
  requesterId: REQUESTER,
  type: 'ehcp',
  priority: 'normal',
  createdAt: OPENED_AT,
}

/** A saved ticket (nothing pending) with the given lifecycle fields. */
function ticket(fields: Partial<TicketState> = {}): TicketState {
  return { ...initialTicketState(opening), pendingEvents: [], ...fields }
}

type PostMessage = Extract<TicketCommand, { kind: 'postMessage' }>

const familyMessage = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: REQUESTER,
  authorRole: 'family',
  visibility: 'public',
})
const staffReply = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: STAFF,
  authorRole: 'staff',
  visibility: 'public',
})
const internalNote = (messageId = 'message-1'): PostMessage => ({
  kind: 'postMessage',
  messageId,
  authorId: STAFF,
  authorRole: 'staff',
  visibility: 'internal',
})
const assignTo = (assigneeId: string): TicketCommand => ({ kind: 'assign', assigneeId, actorId: STAFF })
const moveTo = (status: TicketStatus, reason?: string): TicketCommand => ({
  kind: 'changeStatus',
  status,
  actorId: STAFF,
  reason,
})

describe('initialTicketState', () => {
  test('a new request waits on staff and records that it was opened', () => {
    const state = initialTicketState(opening)
    expect(toTicketView(state)).toEqual({
      ticketId: 'ticket-1',
      number: 42,
      type: 'ehcp',
      priority: 'normal',
      status: 'new',
      awaiting: 'staff',
      assigneeId: null,
      caseRef: null,
      createdAt: OPENED_AT,
      updatedAt: OPENED_AT,
      firstStaffReplyAt: null,
      version: 1,
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
})

describe('applyCommand refuses', () => {
  test.each<{ name: string; given: Partial<TicketState>; command: TicketCommand; reason: string }>([
    {
      name: 'a message on a closed ticket',
      given: { status: 'closed' },
      command: familyMessage(),
      reason: 'Ticket is closed',
    },
    {
      name: 'an internal note from the family',
      given: {},
      command: { ...internalNote(), authorId: REQUESTER, authorRole: 'family' },
      reason: 'Only staff can post internal notes',
    },
    {
      name: 'assigning a closed ticket',
      given: { status: 'closed' },
      command: assignTo(STAFF),
      reason: 'Ticket is closed',
    },
    {
      name: 'assigning to the current assignee',
      given: { status: 'in_progress', assigneeId: STAFF },
      command: assignTo(STAFF),
      reason: 'Ticket is already assigned to that person',
    },
    {
      name: 'reopening a closed ticket',
      given: { status: 'closed' },
      command: moveTo('in_progress'),
      reason: 'A ticket in Closed cannot move to In progress',
    },
    {
      name: 'pending the family from resolved',
      given: { status: 'resolved' },
      command: moveTo('pending_family'),
      reason: 'A ticket in Resolved cannot move to Pending family',
    },
    {
      name: 'moving back to new',
      given: { status: 'in_progress' },
      command: moveTo('new'),
      reason: 'A ticket in In progress cannot move to New',
    },
    {
      name: 'moving to the current status',
      given: { status: 'pending_la' },
      command: moveTo('pending_la'),
      reason: 'Ticket is already Pending LA',
    },
  ])('$name', ({ given, command, reason }) => {
    expect(applyCommand(ticket(given), command, NOW)).toEqual({ ok: false, reason })
  })
})

describe('saving', () => {
  test('the snapshot carries the lifecycle columns and the pending events', () => {
    const result = applyCommand(initialTicketState(opening), assignTo(STAFF), NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(toTicketSnapshot(result.state)).toEqual({
      ticketId: 'ticket-1',
      version: 2,
      status: 'in_progress',
      awaiting: 'staff',
      priority: 'normal',
      assigneeId: STAFF,
      updatedAt: NOW,
      events: result.state.pendingEvents,
    })
    expect(result.state.pendingEvents.map((event) => event.seq)).toEqual([1, 2, 3])
  })

  test('events appended while a save ran stay pending after it', () => {
    const saving = initialTicketState(opening)
    const result = applyCommand(saving, familyMessage(), NOW)
    if (!result.ok) throw new Error(result.reason)
    expect(withEventsSaved(result.state, saving.eventSeq).pendingEvents.map((event) => event.seq)).toEqual([2])
  })
})

describe('notificationsFor', () => {
  test('the family hears about public staff replies only, once per event', () => {
    let state = ticket()
    const events: TicketEvent[] = []
    for (const command of [familyMessage('m1'), internalNote('m2'), staffReply('m3'), assignTo(STAFF)]) {
      const result = applyCommand(state, command, NOW)
      if (!result.ok) throw new Error(result.reason)
      state = result.state
      events.push(...result.events)
    }
    expect(notificationsFor(state, events)).toEqual([
      {
        dedupeKey: 'ticket:ticket-1:event:4',
        ticketId: 'ticket-1',
        kind: 'staff_replied',
        actorId: STAFF,
        recipientIds: [REQUESTER],
      },
    ])
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
