/**
 * The save activity's rule for which snapshot a ticket row takes. A worker
 * killed after its local save activity wrote the row, but before Temporal
 * recorded the workflow task, leaves a row whose version the task (run again by
 * another worker) recomputes at another moment: only that second snapshot is in
 * the history, so it must replace the row (the crash recovery test found rows
 * left with the dead worker's updatedAt). An older version never does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveTicketRecord } from '../../activities/index.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { ticketRecordQuery, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
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

async function savedTicket() {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: 'Saved twice',
    type: 'general',
    body: 'Please help',
  })
  const record = await stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).query(ticketRecordQuery)
  await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
    expect(row.stateVersion).toBe(record.version)
  })
  return record
}

describe('saving a ticket state', () => {
  it('takes the same version again: the snapshot of the task Temporal recorded replaces the dead worker’s', async () => {
    const record = await savedTicket()
    const later = new Date(Date.parse(record.updatedAt) + 12_000).toISOString()
    expect(await saveTicketRecord(stack.db, { ...record, updatedAt: later, events: [] })).toBe(true)
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: record.ticketId } })
    expect(row.updatedAt.toISOString()).toBe(later)
    expect(row.stateVersion).toBe(record.version)
  })

  it('never goes back to an older version (a late retry)', async () => {
    const record = await savedTicket()
    const older = { ...record, version: record.version - 1, priority: 'urgent' as const, events: [] }
    expect(await saveTicketRecord(stack.db, older)).toBe(false)
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: record.ticketId } })
    expect(row).toMatchObject({ stateVersion: record.version, priority: record.priority })
  })
})
