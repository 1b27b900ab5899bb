/**
 * Reassignment against the real stack: a case and its open tickets move to
 * another advocate (the case's timeline and each ticket's record it, the family
 * is told, the history stays), the outgoing advocate loses what the case alone
 * gave them, a handover note is on top of the team tab for the incoming one
 * (and notified), and "reassign everything" finishes after a crash midway.
 * Assigning one ticket of a case to someone else takes the case along when it is
 * the case's only open ticket, and otherwise moves that ticket alone to the new
 * advocate's case for the family and child (docs/decisions/014-a-ticket-takes-its-case.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as caseOverview from '../../web/app/routes/staff.cases.$number._index.tsx'
import * as caseTicketTab from '../../web/app/routes/staff.cases.$number.tickets.$ticketNumber.tsx'
import * as teamTab from '../../web/app/routes/staff.cases.$number.team.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { sendCaseReassignment } from '../../services/case-commands.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'
import { reassignCase, reassignEverything } from '../../services/reassignment.server.ts'
import { assign, linkCase, postMessage } from '../../services/ticket-commands.server.ts'
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
async function caseWithSam(subject: string, familyId = org.family.id, childName?: string) {
  const ticket = await createTicket(stack.context, {
    orgId: org.org.id,
    requesterId: familyId,
    subject,
    type: 'ehcp',
    body: `${subject}.`,
    childName,
  })
  expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: sam.id })).toMatchObject({ status: 'applied' })
  const kase = await stack.db.case.findUniqueOrThrow({
    where: { id: await caseIdOf(ticket) },
    select: { id: true, number: true, caseRef: true },
  })
  return { ticket, kase }
}

/** The ticket's case, once its workflow has saved the link. */
async function caseIdOf(ticket: { id: string }, not?: string) {
  return await eventually(async () => {
    const found = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(found.caseId).not.toBeNull()
    expect(found.caseId).not.toBe(not)
    return found.caseId!
  })
}

/** How many notices told the family of this ticket that `name` is their advocate now. */
async function toldOf(ticket: { id: string }, familyId: string, name: string) {
  const told = await stack.db.notification.findMany({ where: { userId: familyId, ticketId: ticket.id }, select: { text: true } })
  return told.filter((n) => n.text.includes(name)).length
}

const ticketUrl = (number: number) => `/tickets/${org.org.slug}/${number}`
const sees = async (person: { id: string }, ticket: { number: number }) =>
  (await calls.load(ticketPage, person, ticketUrl(ticket.number), { orgSlug: org.org.slug, number: String(ticket.number) })).status
const seesCase = async (person: { id: string }, kase: { number: number }) =>
  (await calls.load(caseOverview, person, `/staff/cases/${kase.number}`, { number: String(kase.number) })).status

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

describe('assigning one ticket of a case to someone else', () => {
  it('takes the case along when it is the case’s only open ticket, through the case’s reassignment; the family is told once', async () => {
    const { ticket, kase } = await caseWithSam('One ticket, one case')
    expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: priya.id })).toMatchObject({ status: 'applied' })

    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: priya.id })
    expect(await caseIdOf(ticket)).toBe(kase.id)
    await eventually(async () =>
      expect(await stack.db.caseEvent.findFirst({ where: { caseId: kase.id, kind: 'reassigned' } })).toMatchObject({
        data: { fromId: sam.id, toId: priya.id },
      }),
    )
    expect(
      await stack.db.auditEvent.count({
        where: { orgId: org.org.id, action: 'case.reassigned', data: { path: ['caseRef'], equals: kase.caseRef } },
      }),
    ).toBe(1)
    await eventually(async () => expect(await toldOf(ticket, org.family.id, 'Priya Incoming')).toBe(1))

    // Sam saw both only as the advocate: both gone. Priya has both.
    expect(await sees(sam, ticket)).toBe(404)
    expect(await seesCase(sam, kase)).toBe(404)
    expect(await sees(priya, ticket)).toBe(200)
    expect(await seesCase(priya, kase)).toBe(200)
    expect(await toldOf(ticket, org.family.id, 'Priya Incoming')).toBe(1)
  })

  it('moves that ticket alone to the new advocate’s case for the family and child when the case has others, opening it once', async () => {
    const family = (
      await createUser(stack.db, {
        orgSlug: org.org.slug,
        role: 'family',
        name: 'Kit Several',
        email: `kit-${org.org.slug}@test.example`,
        password: TEST_PASSWORD,
      })
    ).user
    const { ticket: stays, kase } = await caseWithSam('The plan', family.id, 'Ivy')
    const inCase = async (subject: string) => {
      const ticket = await createTicket(stack.context, {
        orgId: org.org.id,
        requesterId: family.id,
        subject,
        type: 'ehcp',
        body: `${subject}.`,
        childName: 'Ivy',
      })
      expect(await linkCase(stack.context, { ticket, actor: org.admin, caseRef: kase.caseRef })).toMatchObject({ status: 'applied' })
      expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: sam.id })).toMatchObject({ status: 'applied' })
      expect(await caseIdOf(ticket)).toBe(kase.id)
      return ticket
    }
    const leaves = await inCase('The transport')
    const followsIt = await inCase('The school visit')

    expect(await assign(stack.context, { ticket: leaves, actor: org.admin, assigneeId: priya.id })).toMatchObject({ status: 'applied' })
    const priyasCaseId = await caseIdOf(leaves, kase.id)
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: priyasCaseId } })).toMatchObject({
      advocateId: priya.id,
      familyId: family.id,
      childName: 'Ivy',
    })
    const priyasCase = await stack.db.case.findUniqueOrThrow({ where: { id: priyasCaseId }, select: { number: true } })
    // The old case keeps the others, and stays Sam's.
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ advocateId: sam.id })
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: stays.id } })).toMatchObject({ caseId: kase.id, assigneeId: sam.id })
    expect(await stack.db.caseEvent.count({ where: { caseId: kase.id, kind: 'reassigned' } })).toBe(0)

    // Sam loses the ticket that left (and its tab in his case), keeps the rest; Priya has it in her case, not Sam's.
    expect(await sees(sam, leaves)).toBe(404)
    const tab = (ticketNumber: number) =>
      calls.load(caseTicketTab, sam, `/staff/cases/${kase.number}/tickets/${ticketNumber}`, {
        number: String(kase.number),
        ticketNumber: String(ticketNumber),
      })
    expect((await tab(leaves.number)).status).toBe(404)
    expect((await tab(stays.number)).status).toBe(200)
    expect(await seesCase(sam, kase)).toBe(200)
    expect(await sees(priya, leaves)).toBe(200)
    expect(await seesCase(priya, priyasCase)).toBe(200)
    expect(await seesCase(priya, kase)).toBe(404)
    await eventually(async () => expect(await toldOf(leaves, family.id, 'Priya Incoming')).toBe(1))

    // A second ticket of the same child joins Priya's case rather than opening another.
    expect(await assign(stack.context, { ticket: followsIt, actor: org.admin, assigneeId: priya.id })).toMatchObject({ status: 'applied' })
    expect(await caseIdOf(followsIt, kase.id)).toBe(priyasCaseId)
    expect(await stack.db.case.count({ where: { orgId: org.org.id, familyId: family.id } })).toBe(2)
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: stays.id } })).toMatchObject({ caseId: kase.id, assigneeId: sam.id })
  })
})
