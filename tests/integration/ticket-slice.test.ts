/**
 * The foundation slice against the real stack: a family's request becomes a
 * numbered ticket and a running workflow; a staff reply reaches the workflow as an
 * update and the read model follows; killing the worker loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeStatus, getTicketLiveView, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { messagePostedSignal, searchAttributes, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

function request(subject: string, requesterId = people.family.id) {
  return createTicket(stack.context, {
    orgId: people.org.id,
    requesterId,
    subject,
    type: 'ehcp',
    body: `The body of "${subject}" stays in the database.`,
  })
}

describe('the health check', () => {
  it('reports the database and Temporal as up', async () => {
    const response = await fetch(`${stack.stack.webUrl}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ database: 'up', temporal: 'up' })
  })
})

describe('creating a ticket', () => {
  it('numbers tickets per organisation, without gaps or repeats under concurrent submissions', async () => {
    const other = await createTestOrganisation(stack.db)
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        createTicket(stack.context, {
          orgId: other.org.id,
          requesterId: i % 2 ? other.family.id : other.otherFamily.id,
          subject: `Concurrent request ${i}`,
          type: 'general',
          body: 'Please help',
        }),
      ),
    )
    expect(created.map((t) => t.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
  })

  it('starts the ticket workflow with ids only and records its state through activities', async () => {
    const ticket = await request('Starting school in September')
    const handle = stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id))
    const description = await handle.describe()
    expect(description.status.name).toBe('RUNNING')
    expect(description.typedSearchAttributes.get(searchAttributes.ticketNumber)).toBe(ticket.number)
    expect(description.typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('new')

    const history = JSON.stringify((await handle.fetchHistory()).events)
    expect(history).not.toContain('stays in the database')

    const row = await eventually(async () => {
      const saved = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(saved.stateVersion).toBeGreaterThan(0)
      return saved
    })
    expect(row).toMatchObject({ status: 'new', awaiting: 'staff', number: ticket.number })
  })
})

describe('a staff reply', () => {
  it('moves a new ticket to in progress, awaiting the family, who is told of the reply once and who their advocate is', async () => {
    const ticket = await request('Annual review is overdue')
    const result = await postMessage(stack.context, {
      ticket,
      author: people.advocate,
      role: 'staff',
      body: 'Thanks for getting in touch: could you send the last EHCP?',
      visibility: 'public',
    })
    expect(result.status).toBe('applied')
    if (result.status !== 'applied') return
    expect(result.view).toMatchObject({ status: 'in_progress', awaiting: 'family' })

    const live = await getTicketLiveView(stack.context, ticket)
    expect(live).toMatchObject({ status: 'ok', view: { status: 'in_progress', awaiting: 'family' } })

    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row).toMatchObject({ status: 'in_progress', awaiting: 'family' })
      const notifications = await stack.db.notification.findMany({ where: { ticketId: ticket.id, userId: people.family.id } })
      // The first reply assigned its author (the organisation's assignOnFirstReply), and every assignment tells the family.
      expect(notifications.map((n) => n.kind).sort()).toEqual(['staff_replied', 'ticket_assigned'])
    })
    const description = await stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).describe()
    expect(description.typedSearchAttributes.get(searchAttributes.ticketStatus)).toBe('in_progress')
  })

  it('refuses an internal note from a family and keeps no message row', async () => {
    const ticket = await request('Internal notes are for staff')
    const before = await stack.db.message.count({ where: { ticketId: ticket.id } })
    const result = await postMessage(stack.context, {
      ticket,
      author: people.family,
      role: 'family',
      body: 'A note to myself',
      visibility: 'internal',
    })
    expect(result.status).toBe('refused')
    expect(await stack.db.message.count({ where: { ticketId: ticket.id } })).toBe(before)
  })

  it('refuses an invalid transition with the reason and removes the message', async () => {
    const ticket = await request('Closed means closed')
    expect((await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'closed' })).status).toBe('applied')
    const reply = await postMessage(stack.context, {
      ticket,
      author: people.advocate,
      role: 'staff',
      body: 'Too late',
      visibility: 'public',
    })
    expect(reply.status).toBe('refused')
    expect(await stack.db.message.count({ where: { ticketId: ticket.id, body: 'Too late' } })).toBe(0)
  })
})

describe('durability', () => {
  it('loses nothing when the worker is killed with SIGKILL mid-way', async () => {
    const ticket = await request('The worker will be killed')
    process.kill(stack.stack.workerPid, 'SIGKILL')
    // While no worker runs, an integration's signal is durably queued in Temporal;
    // the stack restarts the worker, which replays the workflow and applies it.
    const message = await stack.db.message.create({
      data: { ticketId: ticket.id, authorId: people.advocate.id, body: 'Sent while the worker was down', visibility: 'public' },
    })
    await stack.temporal.workflow
      .getHandle(ticketWorkflowId(ticket.id))
      .signal(messagePostedSignal, { messageId: message.id, authorId: people.advocate.id, authorRole: 'staff', visibility: 'public' })
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row).toMatchObject({ status: 'in_progress', awaiting: 'family' })
    }, 120_000)
  })
})
