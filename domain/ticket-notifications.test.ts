import { describe, expect, test } from 'vitest'
import { checklistNotification, isFamilyMessage, notificationsFor } from './ticket-notifications.ts'
import { applyCommand } from './ticket-commands.ts'
import { initialTicketState, type TicketEvent } from './ticket-state.ts'
import {
  NOW,
  OTHER_STAFF,
  REQUESTER,
  STAFF,
  opening,
  ticket,
  familyMessage,
  staffReply,
  internalNote,
  assignTo,
} from './ticket-fixtures.ts'

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

  test('every assignment tells the family who their advocate is, and the new assignee unless they took it, in runs that tell them', () => {
    let state = ticket()
    const events: TicketEvent[] = []
    // Sam (STAFF) takes the ticket, then hands it to a colleague.
    for (const command of [assignTo(STAFF), assignTo(OTHER_STAFF)]) {
      const result = applyCommand(state, command, NOW)
      if (!result.ok) throw new Error(result.reason)
      state = result.state
      events.push(...result.events.filter((event) => event.kind === 'assigned'))
    }
    const [taken, handedOver] = events.map((event) => `ticket:ticket-1:event:${event.seq}`)
    expect(notificationsFor(state, events, { assignments: true })).toEqual([
      { dedupeKey: `${taken}:family`, ticketId: 'ticket-1', kind: 'ticket_assigned', assigneeId: STAFF, recipientIds: [REQUESTER] },
      {
        dedupeKey: `${handedOver}:family`,
        ticketId: 'ticket-1',
        kind: 'ticket_assigned',
        assigneeId: OTHER_STAFF,
        recipientIds: [REQUESTER],
      },
      { dedupeKey: `${handedOver}:assignee`, ticketId: 'ticket-1', kind: 'assigned_to_you', actorId: STAFF, recipientIds: [OTHER_STAFF] },
    ])
    // Runs recorded before this replay as they ran: the portal wrote these notices then.
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

  test('the family hears of a checklist step once per item and change, whoever made it', () => {
    const state = ticket()
    expect(checklistNotification(state, { itemId: 'item-1', change: 'ticked', actorId: STAFF })).toEqual({
      kind: 'checklist_changed',
      itemId: 'item-1',
      change: 'ticked',
      actorId: STAFF,
      ticketId: 'ticket-1',
      recipientIds: [REQUESTER],
      dedupeKey: 'ticket:ticket-1:checklist:item-1:ticked',
    })
    expect(checklistNotification(state, { itemId: 'item-1', change: 'ticked', actorId: null }).dedupeKey).toBe(
      'ticket:ticket-1:checklist:item-1:ticked',
    )
  })
})
