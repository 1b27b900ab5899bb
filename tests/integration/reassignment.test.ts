/**
 * Reassignment against the real stack: a case and its open tickets move to
 * another advocate (the case's timeline and each ticket's record it, the family
 * is told, the history stays), the outgoing advocate loses what the case alone
 * gave them, a handover note is on top of the team tab for the incoming one
 * (and notified), and "reassign everything" finishes after a crash midway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as teamTab from '../../web/app/routes/staff.cases.$number.team.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { sendCaseReassignment } from '../../services/case-commands.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'
import { reassignCase, reassignEverything } from '../../services/reassignment.server.ts'
import { assign, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let org: Awaited<ReturnType<typeof createTestOrganisation>>
/** Restricted to a department none of these tickets is in: they see them only as assignee. */
let sam: { id: string; email: string }
let priya: { id: string; email: string }

async function staff(name: string, only: string[]) {
  const email = `${name.split(' ')[0]!.toLowerCase()}-${org.org.slug}@test.example`
  const { user } = await createUser(stack.db, { orgSlug: org.org.slug, role: 'staff', name, email, password: TEST_PASSWORD })
  const membership = await stack.db.membership.findFirstOrThrow({ where: { userId: user.id, orgId: org.org.id }, select: { id: true } })
  await setMemberDepartments(stack.db, { orgId: org.org.id, membershipId: membership.id, departmentIds: only, actorId: null, via: 'cli' })
  return { id: user.id, email }
}

/** A family's case with Sam: a ticket assigned to him, which opens it. */
async function caseWithSam(subject: string, familyId = org.family.id) {
  const ticket = await createTicket(stack.context, { orgId: org.org.id, requesterId: familyId, subject, type: 'ehcp', body: `${subject}.` })
  expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: sam.id })).toMatchObject({ status: 'applied' })
  const row = await eventually(async () => {
    const found = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(found.caseId).not.toBeNull()
    return found
  })
  const kase = await stack.db.case.findUniqueOrThrow({ where: { id: row.caseId! }, select: { id: true, number: true, caseRef: true } })
  return { ticket, kase }
}

const ticketUrl = (number: number) => `/tickets/${org.org.slug}/${number}`

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  org = await createTestOrganisation(stack.db)
  const elsewhere = await stack.db.department.create({
    data: { orgId: org.org.id, slug: 'elsewhere', name: 'Elsewhere' },
    select: { id: true },
  })
  sam = await staff('Sam Outgoing', [elsewhere.id])
  priya = await staff('Priya Incoming', [elsewhere.id])
})

afterAll(async () => {
  await stack?.close()
})

describe('reassigning a case', () => {
  it('moves the case and its tickets, tells the family, keeps the history, and the outgoing advocate loses access', async () => {
    const { ticket, kase } = await caseWithSam('Leo’s plan')
    await postMessage(stack.context, {
      ticket,
      author: { id: sam.id },
      role: 'staff',
      body: 'I have read the draft.',
      visibility: 'public',
    })
    expect(
      (await calls.load(ticketPage, sam, ticketUrl(ticket.number), { orgSlug: org.org.slug, number: String(ticket.number) })).status,
    ).toBe(200)
    expect((await calls.load(teamTab, sam, `/staff/cases/${kase.number}/team`, { number: String(kase.number) })).status).toBe(200)

    const moved = await reassignCase(stack.context, {
      orgId: org.org.id,
      caseId: kase.id,
      toId: priya.id,
      actor: org.admin,
      via: 'portal',
      note: 'Section F still needs the OT report.',
    })
    expect(moved).toMatchObject({ status: 'reassigned', tickets: 1, left: 0 })
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: priya.id })
    await eventually(async () =>
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ assigneeId: priya.id }),
    )
    await eventually(async () =>
      expect(await stack.db.caseEvent.findFirst({ where: { caseId: kase.id, kind: 'reassigned' } })).toMatchObject({
        data: { fromId: sam.id, toId: priya.id },
      }),
    )
    // The family is told who their advocate is now (the ticket workflow's assignment notice).
    await eventually(async () => {
      const told = await stack.db.notification.findMany({ where: { userId: org.family.id, ticketId: ticket.id } })
      expect(told.some((n) => n.text.includes('Priya Incoming'))).toBe(true)
    })
    // The history carries over: the earlier reply is still on the ticket.
    expect(await stack.db.message.count({ where: { ticketId: ticket.id, authorId: sam.id } })).toBe(1)

    // Sam saw them only through the case: gone, as if they did not exist. Priya sees them.
    expect(
      (await calls.load(ticketPage, sam, ticketUrl(ticket.number), { orgSlug: org.org.slug, number: String(ticket.number) })).status,
    ).toBe(404)
    expect((await calls.load(teamTab, sam, `/staff/cases/${kase.number}/team`, { number: String(kase.number) })).status).toBe(404)
    const tab = await calls.load(teamTab, priya, `/staff/cases/${kase.number}/team`, { number: String(kase.number) })
    expect(tab.status).toBe(200)
    expect((tab.data as { handovers: { note: string }[] }).handovers[0]).toMatchObject({ note: 'Section F still needs the OT report.' })
    expect(await stack.db.notification.count({ where: { userId: priya.id, kind: 'case_handover' } })).toBe(1)
  })

  it('is for admins only, and the team tab refuses anyone else: 404 for who may not see the case, 403 when its advocate tries to reassign', async () => {
    const { kase } = await caseWithSam('Admins only')
    expect(
      await reassignCase(stack.context, { orgId: org.org.id, caseId: kase.id, toId: priya.id, actor: { id: sam.id }, via: 'portal' }),
    ).toMatchObject({
      status: 'refused',
    })
    const url = `/staff/cases/${kase.number}/team`
    expect((await calls.act(teamTab, sam, url, { intent: 'reassign', toId: priya.id }, { number: String(kase.number) })).status).toBe(403)
    expect((await calls.act(teamTab, priya, url, { intent: 'handover', note: 'x' }, { number: String(kase.number) })).status).toBe(404)
    expect((await calls.load(teamTab, org.family, url, { number: String(kase.number) })).status).toBe(404)
    // The advocate may leave a note; an empty one is refused with a reason.
    expect((await calls.act(teamTab, sam, url, { intent: 'handover', note: '  ' }, { number: String(kase.number) })).status).toBe(400)
    expect(
      (await calls.act(teamTab, sam, url, { intent: 'handover', note: 'Away next week.' }, { number: String(kase.number) })).status,
    ).toBe(302)
  })
})

describe('reassigning everything an advocate holds', () => {
  it('finishes after a crash midway, recording each case’s move once', async () => {
    const family = (
      await createUser(stack.db, {
        orgSlug: org.org.slug,
        role: 'family',
        name: 'Bo Bulk',
        email: `bo-${org.org.slug}@test.example`,
        password: TEST_PASSWORD,
      })
    ).user
    const first = await caseWithSam('Bulk one', family.id)
    const second = await caseWithSam('Bulk two', family.id)
    // A crash midway: the first case fully moved, the second only in its workflow (the row and ticket not yet).
    expect(
      await reassignCase(stack.context, { orgId: org.org.id, caseId: first.kase.id, toId: priya.id, actor: org.admin, via: 'portal' }),
    ).toMatchObject({
      status: 'reassigned',
    })
    expect(
      await sendCaseReassignment(stack.context, { case: second.kase, actor: org.admin, fromId: sam.id, toId: priya.id }),
    ).toMatchObject({
      status: 'applied',
    })

    const result = await reassignEverything(stack.context, {
      orgId: org.org.id,
      fromId: sam.id,
      toId: priya.id,
      actor: org.admin,
      via: 'portal',
    })
    expect(result).toMatchObject({ status: 'done', casesLeft: 0, ticketsLeft: 0 })
    expect(await stack.db.case.count({ where: { orgId: org.org.id, advocateId: sam.id, status: { not: 'closed' } } })).toBe(0)
    expect(await stack.db.ticket.count({ where: { orgId: org.org.id, assigneeId: sam.id, status: { not: 'closed' } } })).toBe(0)
    for (const { kase, ticket } of [first, second]) {
      expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: priya.id })
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ assigneeId: priya.id })
      await eventually(async () => expect(await stack.db.caseEvent.count({ where: { caseId: kase.id, kind: 'reassigned' } })).toBe(1))
    }
    // Run again: nothing left, nothing recorded twice.
    expect(
      await reassignEverything(stack.context, { orgId: org.org.id, fromId: sam.id, toId: priya.id, actor: org.admin, via: 'portal' }),
    ).toMatchObject({
      status: 'done',
      cases: 0,
      tickets: 0,
    })
    expect(await stack.db.caseEvent.count({ where: { caseId: second.kase.id, kind: 'reassigned' } })).toBe(1)
  })
})
