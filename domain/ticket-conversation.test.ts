import { describe, expect, test } from 'vitest'
import { defaultSlaPolicy } from './sla.ts'
import { applyCommand } from './ticket-commands.ts'
import { adoptSlaPolicy } from './ticket-deadlines.ts'
import { familyMessage, OPENED_AT, opening, REQUESTER, STAFF } from './ticket-fixtures.ts'
import { notificationsFor } from './ticket-notifications.ts'
import { initialConversationState } from './ticket-state.ts'

const policy = defaultSlaPolicy()
const started = (awaitingFile: boolean) =>
  adoptSlaPolicy(initialConversationState(opening, { authorId: STAFF, awaitingFile }), policy, OPENED_AT)

describe('a conversation staff started', () => {
  test('is In progress, its author’s, awaiting the family, with resolution but no first-response target', () => {
    const state = started(false)
    expect(state).toMatchObject({ conversation: true, status: 'in_progress', awaiting: 'family', assigneeId: STAFF })
    expect(state.sla?.targets.map((t) => t.kind)).toEqual(['resolution'])
  })

  test('waits Pending family for a requested document, its resolution clock paused and its auto-close set', () => {
    const state = started(true)
    expect(state).toMatchObject({ status: 'pending_family', awaiting: 'family', pendingSince: OPENED_AT })
    expect(state.autoCloseAt).not.toBeNull()
    expect(state.sla?.targets[0]?.clock.pausedAt).not.toBeNull()
  })

  test('tells the family it began, and nobody of a new request', () => {
    const state = started(false)
    expect(notificationsFor(state, state.pendingEvents, { newRequests: true })).toEqual([
      expect.objectContaining({ kind: 'conversation_started', actorId: STAFF, recipientIds: [REQUESTER] }),
    ])
  })

  test('goes back to staff when the family replies, as any ticket does', () => {
    const result = applyCommand(started(true), familyMessage(), '2026-11-23T11:00:00.000Z')
    expect(result).toMatchObject({ ok: true, state: { status: 'in_progress', awaiting: 'staff' } })
  })
})
