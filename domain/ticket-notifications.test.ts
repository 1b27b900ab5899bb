import { describe, expect, test } from 'vitest'
import { isFamilyMessage, notificationsFor } from './ticket-notifications.ts'
import { applyCommand, type TicketCommand } from './ticket-commands.ts'
import { initialTicketState, type TicketEvent, type TicketOpening, type TicketState } from './ticket-state.ts'

const OPENED_AT = '2026-11-23T09:00:00.000Z'
const NOW = '2026-11-23T10:00:00.000Z'
const REQUESTER = 'family-1'
const STAFF = 'staff-1'

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

  test('the assignee and watchers hear about family messages, in runs that tell them', () => {
    let state = ticket()
    const events: TicketEvent[] = []
    for (const command of [assignTo(STAFF), familyMessage('m1'), internalNote('m2')]) {
      const result = applyCommand(state, command, NOW)
      if (!result.ok) throw new Error(result.reason)
      state = result.state
      events.push(...result.events)
    }
    const familyEvent = events.find(isFamilyMessage)!
    expect(notificationsFor(state, events, { familyReplies: true })).toEqual([
      {
        dedupeKey: `ticket:ticket-1:event:${familyEvent.seq}`,
        ticketId: 'ticket-1',
        kind: 'family_replied',
        actorId: REQUESTER,
        recipientIds: [STAFF],
        include: ['watchers'],
      },
    ])
    // Runs recorded before this replay as they ran.
    expect(notificationsFor(state, events)).toEqual([])
  })

  test("the organisation's admins hear of a new request once, in runs that tell them", () => {
    const state = initialTicketState(opening)
    expect(notificationsFor(state, state.pendingEvents, { newRequests: true })).toEqual([
      { dedupeKey: 'ticket:ticket-1:event:1', ticketId: 'ticket-1', kind: 'new_request', recipientIds: [], include: ['admins'] },
    ])
    // Later changes are not new requests; runs recorded before this replay as they ran.
    const replied = applyCommand({ ...state, pendingEvents: [] }, staffReply('m1'), NOW)
    if (!replied.ok) throw new Error(replied.reason)
    expect(notificationsFor(replied.state, replied.events, { newRequests: true }).map((n) => n.kind)).toEqual(['staff_replied'])
    expect(notificationsFor(state, state.pendingEvents)).toEqual([])
  })
})
