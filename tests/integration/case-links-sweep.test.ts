/**
 * The worker's sweep that links assigned tickets to their case, against the real
 * stack: a ticket assigned behind the service's back (its case never opened) is
 * linked, and a ticket whose workflow is gone is set aside for the sweep to skip,
 * so a few dead tickets cannot load Temporal every round.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { linkAssignedTickets } from '../../services/case-links.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { assignTicketUpdate, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let org: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  org = await createTestOrganisation(stack.db)
})
afterAll(() => stack?.close())

/** A ticket assigned through its workflow alone, as a web process that died before opening the case leaves it. */
async function assignedWithoutCase(subject: string) {
  const ticket = await createTicket(stack.context, {
    orgId: org.org.id,
    requesterId: org.family.id,
    subject,
    type: 'ehcp',
    body: `${subject}.`,
  })
  await stack.temporal.workflow
    .getHandle(ticketWorkflowId(ticket.id))
    .executeUpdate(assignTicketUpdate, { args: [{ assigneeId: org.advocate.id, actorId: org.admin.id }] })
  return ticket
}

it('links an assigned ticket that has no case, and sets aside a ticket whose workflow is gone', async () => {
  const live = await assignedWithoutCase('Assigned while the web died')
  const gone = await assignedWithoutCase('Assigned, then its workflow ended')
  await stack.temporal.workflow.getHandle(ticketWorkflowId(gone.id)).terminate('the test ends this ticket’s workflow')

  const unlinkable = new Set<string>()
  await linkAssignedTickets(stack.context, { olderThanMs: 0, unlinkable })

  // The worker's own sweep may have linked it first; either way the ticket has its advocate's case.
  await eventually(async () => {
    const linked = await stack.db.ticket.findUniqueOrThrow({ where: { id: live.id }, select: { caseId: true } })
    expect(linked.caseId).not.toBeNull()
  })
  expect(unlinkable.has(gone.id)).toBe(true)
  expect(unlinkable.has(live.id)).toBe(false)
})
