/**
 * The ticket lifecycle against the real stack: the workflow's activities write
 * what the queue and the family see (waits and their dates, case closure,
 * notifications in words), a broken stored policy falls back to the default,
 * an admin's new policy reaches running tickets, `npm run reconcile` finds and
 * repairs a row that drifted from its workflow, and a family writing on a closed
 * ticket starts a follow-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultSlaPolicy, slaPolicyToJson } from '../../domain/sla.ts'
import { assign, changeStatus, postMessageOrFollowUp } from '../../services/ticket-commands.server.ts'
import { createTicket, type CreatedTicket } from '../../services/ticket-creation.server.ts'
import {
  applySlaPolicyUpdate,
  caseClosedSignal,
  changeStatusUpdate,
  laRespondedSignal,
  linkCaseUpdate,
  ticketViewQuery,
  ticketWorkflowId,
} from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { reconcile } from '../support/scripts.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

const DAY = 24 * 3_600_000

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

function request(subject: string, orgId = people.org.id, requesterId = people.family.id) {
  return createTicket(stack.context, { orgId, requesterId, subject, type: 'ehcp', body: `About: ${subject}` })
}

function handleOf(ticket: CreatedTicket) {
  return stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.id))
}

/** The row once the workflow's save of its current state has landed. */
async function savedRow(ticket: CreatedTicket) {
  const view = await handleOf(ticket).query(ticketViewQuery)
  return await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
    expect(row.stateVersion).toBeGreaterThanOrEqual(view.version)
    return row
  })
}

describe('waiting on the family', () => {
  it('saves when the ticket will close and tells the family, with the date', async () => {
    const ticket = await request('Waiting for the EHCP draft')
    const result = await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'pending_family' })
    expect(result.status).toBe('applied')
    const row = await savedRow(ticket)
    expect(row.status).toBe('pending_family')
    expect(row.autoCloseAt!.getTime() - row.pendingSince!.getTime()).toBeGreaterThanOrEqual(14 * DAY - 3_600_000)
    // Resolution waits; first response is still owed (nobody has replied yet).
    expect(row.slaState).toBe('on_track')
    expect(row.slaTargets).toEqual([
      expect.objectContaining({ kind: 'first_response', state: 'on_track' }),
      { kind: 'resolution', dueAt: null, state: 'paused' },
    ])
    const notice = await eventually(async () =>
      stack.db.notification.findFirstOrThrow({ where: { ticketId: ticket.id, kind: 'awaiting_family', userId: people.family.id } }),
    )
    expect(notice.text).toContain(`request #${ticket.number}`)
    expect(notice.text).toContain(String(row.autoCloseAt!.getUTCFullYear()))
  })
})

describe('the local authority', () => {
  it('saves the deadline, and the reported response ends the wait', async () => {
    const ticket = await request('EHC needs assessment requested')
    const laDeadline = new Date(Date.now() + 42 * DAY).toISOString()
    await handleOf(ticket).executeUpdate(changeStatusUpdate, {
      args: [{ status: 'pending_la', actorId: people.advocate.id, laDeadline }],
    })
    expect((await savedRow(ticket)).laDeadline?.toISOString()).toBe(laDeadline)
    await handleOf(ticket).signal(laRespondedSignal, { actorId: null, commandId: `la-${ticket.id}` })
    await eventually(async () => {
      const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(row).toMatchObject({ status: 'in_progress', awaiting: 'staff', laDeadline: null, pendingSince: null })
    })
  })
})

describe('case closure', () => {
  it('resolves the ticket with "case closed", opens the reopen window and tells the family why', async () => {
    const ticket = await request('Tribunal bundle')
    await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
    await handleOf(ticket).executeUpdate(linkCaseUpdate, { args: [{ caseRef: 'EHCP-77', actorId: people.advocate.id }] })
    await handleOf(ticket).signal(caseClosedSignal, { caseRef: 'EHCP-77', commandId: 'cms-close-77' })
    await handleOf(ticket).signal(caseClosedSignal, { caseRef: 'EHCP-77', commandId: 'cms-close-77' })
    const row = await eventually(async () => {
      const saved = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
      expect(saved).toMatchObject({ status: 'resolved', caseRef: 'EHCP-77', awaiting: null })
      return saved
    })
    expect(row.reopenUntil!.getTime() - row.resolvedAt!.getTime()).toBeGreaterThanOrEqual(7 * DAY - 3_600_000)
    const events = await stack.db.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: { seq: 'asc' } })
    expect(events.at(-1)).toMatchObject({ kind: 'status_changed', actorId: null, data: { to: 'resolved', reason: 'case closed' } })
    const notices = await eventually(async () => {
      const found = await stack.db.notification.findMany({ where: { ticketId: ticket.id, kind: 'ticket_resolved' } })
      expect(found).toHaveLength(1)
      return found
    })
    expect(notices[0]).toMatchObject({ userId: people.family.id })
    expect(notices[0]!.text).toContain('because its case was closed')
  })
})

describe('SLA policies', () => {
  it('a stored policy that is not valid falls back to the default, in the organisation’s zone', async () => {
    const other = await createTestOrganisation(stack.db)
    await stack.db.organisation.update({ where: { id: other.org.id }, data: { slaPolicy: { targets: 'fast please' } } })
    const ticket = await request('Policy typo', other.org.id, other.family.id)
    const view = await eventually(async () => {
      const live = await handleOf(ticket).query(ticketViewQuery)
      expect(live.sla).not.toBeNull()
      return live
    })
    expect(view.sla!.targets.find((target) => target.kind === 'first_response')).toMatchObject({
      budgetMs: defaultSlaPolicy().targets.normal.firstResponseMinutes * 60_000,
      calendar: 'business',
    })
  })

  it("an admin's new policy reaches a running ticket when applied, counted from the time used", async () => {
    const other = await createTestOrganisation(stack.db)
    const ticket = await request('Policy change', other.org.id, other.family.id)
    await eventually(async () => expect((await handleOf(ticket).query(ticketViewQuery)).sla).not.toBeNull())
    const allDay = { firstResponseMinutes: 120, nextResponseMinutes: 120, resolutionMinutes: 600, calendar: '24x7' as const }
    const policy = slaPolicyToJson({ ...defaultSlaPolicy(), targets: { urgent: allDay, high: allDay, normal: allDay, low: allDay } })
    await stack.db.organisation.update({ where: { id: other.org.id }, data: { slaPolicy: policy } })
    const view = await handleOf(ticket).executeUpdate(applySlaPolicyUpdate, { args: [{ actorId: other.admin.id }] })
    const firstResponse = view.sla!.targets.find((target) => target.kind === 'first_response')!
    expect(firstResponse).toMatchObject({ calendar: '24x7', budgetMs: 120 * 60_000 })
    expect(Date.parse(firstResponse.dueAt!) - Date.parse(view.createdAt)).toBeGreaterThanOrEqual(120 * 60_000)
    const row = await savedRow(ticket)
    expect(row.slaDueAt?.toISOString()).toBe(view.sla!.dueAt)
  })
})

describe('npm run reconcile', () => {
  it('reports a row that drifted from its workflow (exit 1), and --repair makes it match again', async () => {
    const other = await createTestOrganisation(stack.db)
    const ticket = await request('Drifting row', other.org.id, other.family.id)
    await assign(stack.context, { ticket, actor: other.admin, assigneeId: other.advocate.id })
    const saved = await savedRow(ticket)
    expect(await reconcile(stack.stack, ['--org', other.org.slug])).toMatchObject({ code: 0 })

    // Someone "fixed" the row by hand.
    await stack.db.ticket.update({ where: { id: ticket.id }, data: { status: 'new', slaState: null, slaTargets: [] } })
    const report = await reconcile(stack.stack, ['--org', other.org.slug])
    expect(report.code).toBe(1)
    expect(report.stdout).toMatch(new RegExp(`${other.org.slug} #${ticket.number}\\s+status\\s+new\\s+in_progress`))
    expect(report.stdout).toContain('slaTargets')

    const repair = await reconcile(stack.stack, ['--org', other.org.slug, '--repair'])
    expect(repair.code).toBe(0)
    expect(repair.stdout).toContain(`${other.org.slug} #${ticket.number}: repaired`)
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })
    expect(row).toMatchObject({ status: 'in_progress', slaState: saved.slaState, slaTargets: saved.slaTargets })
    expect(await reconcile(stack.stack, ['--org', other.org.slug])).toMatchObject({ code: 0 })
  })
})

describe('a family writing on a closed ticket', () => {
  it('starts a follow-up ticket linked to it, carrying the message', async () => {
    const ticket = await request('Closed too soon')
    expect((await changeStatus(stack.context, { ticket, actor: people.advocate, status: 'closed' })).status).toBe('applied')
    await eventually(async () => expect((await handleOf(ticket).describe()).status.name).toBe('COMPLETED'))

    const result = await postMessageOrFollowUp(stack.context, {
      ticket,
      author: people.family,
      role: 'family',
      body: 'Sorry, one more question about the annual review.',
      visibility: 'public',
    })
    expect(result.status).toBe('followed_up')
    if (result.status !== 'followed_up') return
    const followUp = await stack.db.ticket.findUniqueOrThrow({
      where: { id: result.ticket.id },
      include: { messages: true },
    })
    expect(followUp).toMatchObject({
      followUpOfId: ticket.id,
      subject: `Follow-up to #${ticket.number}`,
      requesterId: people.family.id,
      number: result.ticket.number,
    })
    expect(followUp.messages.map((message) => message.body)).toEqual(['Sorry, one more question about the annual review.'])
    expect(await stack.db.message.count({ where: { ticketId: ticket.id, body: { startsWith: 'Sorry, one more' } } })).toBe(0)
    const live = await eventually(() => handleOf(result.ticket).query(ticketViewQuery))
    expect(live).toMatchObject({ status: 'new', followUpOfId: ticket.id })

    // Staff writing on a closed ticket are refused, as before.
    const staffReply = await postMessageOrFollowUp(stack.context, {
      ticket,
      author: people.advocate,
      role: 'staff',
      body: 'Too late',
      visibility: 'public',
    })
    expect(staffReply.status).toBe('refused')
  })
})
