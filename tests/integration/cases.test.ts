/**
 * Cases on the real stack: assigning a ticket opens its family's case in the
 * advocate's name and links the ticket (the "Case open" chip); a later assignment
 * keeps the case; a ticket that comes with a reference joins that case; closing
 * the case, in the workspace or through the API, resolves its tickets through the
 * case workflow; the worker's sweep opens a case whose creator died before its
 * workflow saved it, and links an assigned ticket whose case was never linked;
 * `npm run reconcile` stays clean.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addCaseAction, closeCase, completeCaseAction, reopenCase, setCaseStatus } from '../../services/case-commands.server.ts'
import { getCasePage, listCases } from '../../services/case-reads.server.ts'
import { caseForReference, openCaseForTicket } from '../../services/cases.server.ts'
import { assign, getTicketLiveView } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { assignTicketUpdate, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { caseViewQuery, caseWorkflowId } from '../../workflows/case.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { reconcile } from '../support/scripts.ts'
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

function request(subject: string, extra: { caseRef?: string; childName?: string } = {}) {
  return createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject,
    type: 'ehcp',
    body: subject,
    ...extra,
  })
}

async function ticketRow(id: string) {
  return await stack.db.ticket.findUniqueOrThrow({
    where: { id },
    select: { caseRef: true, caseId: true, status: true, closeReason: true },
  })
}

async function caseOf(ticketId: string) {
  const { caseId } = await eventually(async () => {
    const row = await ticketRow(ticketId)
    expect(row.caseId).not.toBeNull()
    return row
  })
  return await stack.db.case.findUniqueOrThrow({ where: { id: caseId! } })
}

describe('assigning a ticket', () => {
  it('opens a case for the family in the advocate’s name, with the ticket linked and its "Case open" chip', async () => {
    const ticket = await request('Help with an EHCP request', { childName: 'Leo' })
    const result = await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
    expect(result).toMatchObject({ status: 'applied', view: { assigneeId: people.advocate.id, caseOpen: true } })
    const caseRef = result.status === 'applied' ? result.view.caseRef : null
    expect(caseRef).toMatch(/^CASE-\d+$/)

    const kase = await caseOf(ticket.id)
    expect(kase).toMatchObject({
      orgId: people.org.id,
      caseRef,
      number: Number(caseRef!.slice('CASE-'.length)),
      familyId: people.family.id,
      childName: 'Leo',
      advocateId: people.advocate.id,
      status: 'intake',
      stateVersion: 1,
    })
    expect(await ticketRow(ticket.id)).toMatchObject({ caseRef, caseId: kase.id })
    expect(await stack.temporal.workflow.getHandle(caseWorkflowId(kase.id)).query(caseViewQuery)).toMatchObject({
      caseRef,
      status: 'intake',
    })
    const events = await stack.db.caseEvent.findMany({ where: { caseId: kase.id } })
    expect(events).toEqual([expect.objectContaining({ seq: 1, kind: 'opened', data: { caseRef } })])
  })

  it('takes its case along on a later assignment (its only ticket), and opens another case for another ticket of the family', async () => {
    const ticket = await request('Transport to school')
    await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
    const kase = await caseOf(ticket.id)
    const again = await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.admin.id })
    expect(again).toMatchObject({ status: 'applied', view: { assigneeId: people.admin.id, caseRef: kase.caseRef } })
    expect(await stack.db.case.count({ where: { orgId: people.org.id, familyId: people.family.id, openedForTicketId: ticket.id } })).toBe(1)
    // Its case's only ticket takes the case to its new assignee (docs/decisions/014-a-ticket-takes-its-case.md).
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: people.admin.id })

    const other = await request('Annual review')
    await assign(stack.context, { ticket: other, actor: people.admin, assigneeId: people.advocate.id })
    expect((await caseOf(other.id)).id).not.toBe(kase.id)
  })

  it('joins the case of a reference the ticket came with, which takes its first advocate', async () => {
    const caseRef = `LA-${Date.now()}`
    const first = await request('From the case system', { caseRef })
    expect(first.view).toMatchObject({ caseRef, caseOpen: true })
    const kase = await caseOf(first.id)
    expect(kase).toMatchObject({ caseRef, familyId: people.family.id, advocateId: null, openedForTicketId: null })
    const second = await request('The same case again', { caseRef })
    expect((await caseOf(second.id)).id).toBe(kase.id)

    const result = await assign(stack.context, { ticket: first, actor: people.admin, assigneeId: people.advocate.id })
    expect(result).toMatchObject({ status: 'applied', view: { caseRef } })
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: people.advocate.id })
    await assign(stack.context, { ticket: second, actor: people.admin, assigneeId: people.admin.id })
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: people.advocate.id })
    expect(await stack.db.case.count({ where: { orgId: people.org.id, caseRef } })).toBe(1)
  })
})

describe('one case per reference', () => {
  it('gives concurrent callers one case, for a reference and for a ticket’s assignment alike', async () => {
    const caseRef = `RACE-${Date.now()}`
    const family = { orgId: people.org.id, caseRef, familyId: people.family.id }
    const opened = await Promise.all([1, 2, 3].map(() => caseForReference(stack.context, family)))
    expect(new Set(opened.map((kase) => kase.id)).size).toBe(1)
    expect(await stack.db.case.count({ where: { orgId: people.org.id, caseRef } })).toBe(1)

    // An outside system's reference that looks like ours: the number is skipped, not fought over.
    const { lastCaseNumber } = await stack.db.organisation.findUniqueOrThrow({ where: { id: people.org.id } })
    await request('Their reference looks like ours', { caseRef: `CASE-${lastCaseNumber + 2}` })
    const afterIt = await request('Assigned after it')
    const assigned = await assign(stack.context, { ticket: afterIt, actor: people.admin, assigneeId: people.advocate.id })
    expect(assigned).toMatchObject({ status: 'applied', view: { caseRef: `CASE-${lastCaseNumber + 3}` } })

    const ticket = await request('Assigned twice at once')
    const forTicket = await Promise.all([1, 2].map(() => openCaseForTicket(stack.context, ticket, people.advocate.id)))
    expect(forTicket[0]!.id).toBe(forTicket[1]!.id)
    expect(await stack.db.case.count({ where: { openedForTicketId: ticket.id } })).toBe(1)
  })
})

describe('working a case', () => {
  it('records next actions; one past its due time is flagged and its owner and the advocate told once', async () => {
    const ticket = await request('Needs assessment request', { childName: 'Mia' })
    await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
    const kase = await caseOf(ticket.id)
    expect(await setCaseStatus(stack.context, { case: kase, actor: people.advocate, status: 'assessment_requested' })).toMatchObject({
      status: 'applied',
      value: { status: 'assessment_requested' },
    })
    const soon = await addCaseAction(stack.context, {
      case: kase,
      actor: people.advocate,
      title: 'Chase the council for its decision',
      ownerId: people.admin.id,
      dueAt: new Date(Date.now() + 2_000),
    })
    expect(soon).toMatchObject({ status: 'applied', value: { overdueActions: 0 } })
    const later = await addCaseAction(stack.context, {
      case: kase,
      actor: people.advocate,
      title: 'Book the school visit',
      ownerId: null,
      dueAt: null,
    })
    expect(later.status).toBe('applied')
    const refused = await addCaseAction(stack.context, {
      case: kase,
      actor: people.advocate,
      title: 'x',
      ownerId: people.family.id,
      dueAt: null,
    })
    expect(refused).toMatchObject({ status: 'refused', code: 'invalid_input' })
    expect(await stack.db.task.count({ where: { caseId: kase.id } })).toBe(2)

    const overdue = await eventually(async () => {
      const row = await stack.db.case.findUniqueOrThrow({
        where: { id: kase.id },
        select: { overdueActions: true, actions: { where: { overdue: true } } },
      })
      expect(row.overdueActions).toBe(1)
      return row.actions[0]!
    })
    expect(overdue.title).toBe('Chase the council for its decision')
    const notices = await eventually(async () => {
      const found = await stack.db.notification.findMany({ where: { kind: 'case_action_overdue', text: { contains: kase.caseRef } } })
      expect(found).toHaveLength(2)
      return found
    })
    expect(notices.map((notice) => notice.userId).sort()).toEqual([people.admin.id, people.advocate.id].sort())
    expect(notices[0]!.text).toContain(
      `Overdue on case ${kase.caseRef} for Mia (Fran Family): “Chase the council for its decision” was due`,
    )

    expect(await completeCaseAction(stack.context, { case: kase, actor: people.advocate, actionId: overdue.id })).toMatchObject({
      status: 'applied',
      value: { overdueActions: 0 },
    })
    const page = await getCasePage(stack.context, { orgId: people.org.id, number: kase.number })
    expect(page).toMatchObject({ status: 'assessment_requested', family: { id: people.family.id }, tickets: [{ number: ticket.number }] })
    expect(page!.events.map((event) => event.kind)).toEqual([
      'opened',
      'status_changed',
      'action_added',
      'action_added',
      'action_overdue',
      'action_completed',
    ])
    expect(await getCasePage(stack.context, { orgId: randomUUID(), number: kase.number })).toBeNull()
  })

  it('lists "My cases" and every case, most recently active first, in keyset pages', async () => {
    const mine = await listCases(stack.context, { orgId: people.org.id, advocateId: people.advocate.id, limit: 2 })
    expect(mine.cases).toHaveLength(2)
    expect(mine.cases.every((row) => row.advocate?.id === people.advocate.id)).toBe(true)
    const seen = [...mine.cases]
    for (let next = mine.next; next;) {
      const page = await listCases(stack.context, { orgId: people.org.id, advocateId: people.advocate.id, after: next, limit: 2 })
      seen.push(...page.cases)
      next = page.next
    }
    const all = await stack.db.case.count({ where: { orgId: people.org.id, advocateId: people.advocate.id } })
    expect(seen.map((row) => row.id)).toHaveLength(all)
    expect(new Set(seen.map((row) => row.id)).size).toBe(all)
    const times = seen.map((row) => row.lastActivityAt.getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))
    // Admins' view: every case of the organisation, whoever its advocate.
    await stack.db.case.updateMany({ where: { id: seen[0]!.id }, data: { advocateId: people.admin.id } })
    const everyCase = await listCases(stack.context, { orgId: people.org.id, advocateId: null })
    expect(everyCase.cases).toHaveLength(await stack.db.case.count({ where: { orgId: people.org.id } }))
    expect(everyCase.cases.map((row) => row.id)).toContain(seen[0]!.id)
    expect((await listCases(stack.context, { orgId: people.org.id, advocateId: people.advocate.id })).cases).toHaveLength(all - 1)
    await stack.db.case.updateMany({ where: { id: seen[0]!.id }, data: { advocateId: people.advocate.id } })
    const withAction = seen.find((row) => row.nextAction?.title === 'Book the school visit')
    expect(withAction).toMatchObject({ childName: 'Mia', status: 'assessment_requested', family: { name: 'Fran Family' } })
  })
})

describe('closing a case', () => {
  it('in the workspace resolves its open tickets ("case closed") through the case workflow', async () => {
    const ticket = await request('To be closed with its case')
    await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
    const kase = await caseOf(ticket.id)
    const closed = await closeCase(stack.context, { case: kase, actor: people.advocate, reason: 'Final plan issued' })
    expect(closed).toMatchObject({ status: 'applied', value: { resolved: [ticket.number], view: { status: 'closed' } } })
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({
      status: 'closed',
      closeReason: 'Final plan issued',
    })
    await eventually(async () => expect(await ticketRow(ticket.id)).toMatchObject({ status: 'resolved' }))
    const again = await closeCase(stack.context, { case: kase, actor: people.advocate })
    expect(again).toMatchObject({ status: 'refused', code: 'case_closed' })
    // Its ticket is resolved, not closed: the case may be reopened.
    expect(await reopenCase(stack.context, { case: kase, actor: people.advocate })).toMatchObject({
      status: 'applied',
      value: { status: 'intake' },
    })
  })

  it('through the API answers the tickets it resolved, then nothing', async () => {
    const { key } = await createApiKey(stack.db, { orgId: people.org.id, name: 'cases', createdById: people.admin.id, via: 'cli' })
    const close = (caseRef: string) =>
      fetch(new URL(`/api/v1/cases/${encodeURIComponent(caseRef)}/close`, stack.stack.webUrl), {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}` },
      })
    const caseRef = `API-${Date.now()}`
    const tickets = [await request('One', { caseRef }), await request('Two', { caseRef })]
    const answer = await close(caseRef)
    expect(answer.status).toBe(202)
    expect(await answer.json()).toEqual({ resolved: tickets.map((ticket) => ticket.number).sort((a, b) => a - b) })
    const kase = await caseOf(tickets[0]!.id)
    expect(kase).toMatchObject({ status: 'closed', closeReason: 'case closed' })
    expect(await stack.db.caseEvent.findFirst({ where: { caseId: kase.id, kind: 'closed' } })).toMatchObject({ actorId: null })
    for (const ticket of tickets) await eventually(async () => expect(await ticketRow(ticket.id)).toMatchObject({ status: 'resolved' }))
    expect(await (await close(caseRef)).json()).toEqual({ resolved: [] })
    expect(await (await close('NO-SUCH-CASE')).json()).toEqual({ resolved: [] })
  })
})

describe('the worker’s sweep', () => {
  it('opens a case whose creator died before its workflow saved it', async () => {
    // What openCase leaves when it dies between its transaction and the workflow: a row at version 0.
    const orphan = await stack.db.case.create({
      data: { orgId: people.org.id, number: 900_000 + (Date.now() % 99_999), caseRef: `ORPHAN-${Date.now()}`, familyId: people.family.id },
    })
    await eventually(
      async () =>
        expect(await stack.db.case.findUniqueOrThrow({ where: { id: orphan.id } })).toMatchObject({ stateVersion: 1, status: 'intake' }),
      20_000,
    )
    expect(await stack.db.caseEvent.count({ where: { caseId: orphan.id, kind: 'opened' } })).toBe(1)
  })

  it('links an assigned ticket whose case was never linked (the assigning process died)', async () => {
    const ticket = await request('Assigned, then the web died')
    // The assignment alone, as the workflow applied it before the web could open the case.
    await stack.temporal.workflow
      .getHandle(ticketWorkflowId(ticket.id))
      .executeUpdate(assignTicketUpdate, { args: [{ assigneeId: people.advocate.id, actorId: people.admin.id }] })
    const kase = await eventually(async () => caseOf(ticket.id), 20_000)
    expect(kase).toMatchObject({ advocateId: people.advocate.id, openedForTicketId: ticket.id })
    const live = await getTicketLiveView(stack.context, ticket)
    expect(live).toMatchObject({ status: 'ok', view: { caseRef: kase.caseRef, caseOpen: true } })
  })
})

it('leaves reconcile clean', async () => {
  const report = await reconcile(stack.stack, ['--org', people.org.slug])
  expect(report.stdout).toMatch(/\b0 differ\b/)
  expect(report).toMatchObject({ code: 0 })
})
