/**
 * A message is never lost on its way to its ticket's workflow. When Temporal does
 * not confirm the update, the row stays and the worker's sweep delivers it; when
 * the workflow refuses it by then, a family's message becomes a follow-up ticket
 * and anyone else's comes back to its author as a notification.
 */
import { Client, Connection } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeStatus, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { ticketViewQuery, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { reconcile } from '../support/scripts.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let unreachable: Connection

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  // Nothing listens on port 1: every call fails as a Temporal outage does.
  unreachable = Connection.lazy({ address: '127.0.0.1:1' })
})
afterAll(async () => {
  await unreachable?.close()
  await stack?.close()
})

const request = (subject: string) =>
  createTicket(stack.context, { orgId: people.org.id, requesterId: people.family.id, subject, type: 'ehcp', body: 'Please help' })

/** A message row as postMessage writes it, left unrecorded: its update never arrived. */
async function strandedMessage(ticketId: string, authorId: string, visibility: 'public' | 'internal', body: string) {
  return stack.db.message.create({
    data: { ticketId, authorId, body, visibility, createdAt: new Date(Date.now() - 60_000) },
    select: { id: true },
  })
}

describe('a message whose update Temporal did not confirm', () => {
  it('is kept, answered as pending, and delivered by the sweep exactly once', async () => {
    const ticket = await request('Reply while Temporal is away')
    const away = { ...stack.context, temporal: new Client({ connection: unreachable, namespace: stack.stack.namespace }) }
    const result = await postMessage(away, { ticket, author: people.advocate, role: 'staff', body: 'We are on it.', visibility: 'public' })
    expect(result.status).toBe('pending')
    // The row stays (the sweep may have delivered it already: the answer came after Temporal's timeout).
    const message = await stack.db.message.findFirstOrThrow({ where: { ticketId: ticket.id, body: 'We are on it.' } })

    await eventually(async () => {
      const row = await stack.db.message.findUniqueOrThrow({ where: { id: message.id } })
      expect(row.recordedAt).not.toBeNull()
    }, 30_000)
    const view = await stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).query(ticketViewQuery)
    expect(view).toMatchObject({ status: 'in_progress', awaiting: 'family', assigneeId: people.advocate.id })
    const posted = await stack.db.ticketEvent.count({ where: { ticketId: ticket.id, kind: 'message_posted' } })
    expect(posted).toBe(1)
    expect(await reconcile(stack.stack, ['--org', people.org.slug])).toMatchObject({ code: 0 })
  })
})

describe('a message its workflow refuses by the time the sweep sends it', () => {
  it('from the family, on their closed ticket: starts a follow-up with it', async () => {
    const ticket = await request('Closed before the message arrived')
    expect((await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'closed' })).status).toBe('applied')
    const message = await strandedMessage(ticket.id, people.family.id, 'public', 'One more question about the review.')

    const followUp = await eventually(
      () => stack.db.ticket.findFirstOrThrow({ where: { followUpOfId: ticket.id }, select: { id: true, stateVersion: true } }),
      30_000,
    )
    const first = await stack.db.message.findFirstOrThrow({ where: { ticketId: followUp.id }, select: { body: true } })
    expect(first.body).toBe('One more question about the review.')
    await eventually(async () => expect(await stack.db.message.count({ where: { id: message.id } })).toBe(0), 10_000)
  })

  it('from staff: comes back to its author with its opening words, and is removed', async () => {
    const ticket = await request('Closed before the note arrived')
    expect((await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'closed' })).status).toBe('applied')
    const message = await strandedMessage(ticket.id, people.advocate.id, 'internal', 'Called the school about transport.')

    const notice = await eventually(
      () =>
        stack.db.notification.findFirstOrThrow({ where: { userId: people.advocate.id, kind: 'message_not_added', ticketId: ticket.id } }),
      30_000,
    )
    expect(notice.text).toContain(`#${ticket.number}`)
    expect(notice.text).toContain('Called the school about transport.')
    await eventually(async () => expect(await stack.db.message.count({ where: { id: message.id } })).toBe(0), 10_000)
  })
})
