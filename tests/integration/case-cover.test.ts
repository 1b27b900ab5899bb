/**
 * Cover on a case against the real stack: an admin adds a colleague from
 * another department as cover; they see the case and its ticket, reply and add
 * notes, hear the family's replies, but cannot change the case's status, close
 * it or assign its ticket; the family reads who is covering. After its end date
 * (or ended by hand) the access is gone, with no job to expire it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as casePage from '../../web/app/routes/staff.cases.$number.tsx'
import * as overview from '../../web/app/routes/staff.cases.$number._index.tsx'
import * as teamTab from '../../web/app/routes/staff.cases.$number.team.tsx'
import * as workspace from '../../web/app/routes/staff.cases._index.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { addCaseCover, coveredCaseIds } from '../../services/case-cover.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'
import { assign, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let alex: { id: string; email: string }
let sam: { id: string; email: string }

async function staff(name: string, only: string[]) {
  const email = `${name.split(' ')[0]!.toLowerCase()}-${org.org.slug}@test.example`
  const { user } = await createUser(stack.db, { orgSlug: org.org.slug, role: 'staff', name, email, password: TEST_PASSWORD })
  const membership = await stack.db.membership.findFirstOrThrow({ where: { userId: user.id, orgId: org.org.id }, select: { id: true } })
  await setMemberDepartments(stack.db, { orgId: org.org.id, membershipId: membership.id, departmentIds: only, actorId: null, via: 'cli' })
  return { id: user.id, email }
}

async function caseWithAlex(subject: string) {
  const ticket = await createTicket(stack.context, {
    orgId: org.org.id,
    requesterId: org.family.id,
    subject,
    type: 'ehcp',
    body: `${subject}.`,
  })
  expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: alex.id })).toMatchObject({ status: 'applied' })
  const row = await eventually(async () => {
    const found = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(found.caseId).not.toBeNull()
    return found
  })
  const kase = await stack.db.case.findUniqueOrThrow({ where: { id: row.caseId! }, select: { id: true, number: true } })
  return { ticket, kase }
}

const ticketParams = (number: number) => ({ orgSlug: org.org.slug, number: String(number) })
const ticketUrl = (number: number) => `/tickets/${org.org.slug}/${number}`

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  org = await createTestOrganisation(stack.db)
  const elsewhere = await stack.db.department.create({
    data: { orgId: org.org.id, slug: 'elsewhere', name: 'Elsewhere' },
    select: { id: true },
  })
  alex = await staff('Alex Away', [elsewhere.id])
  sam = await staff('Sam Cover', [elsewhere.id])
})

afterAll(async () => {
  await stack?.close()
})

describe('cover on a case', () => {
  it('lets the cover see, reply and note, hear the family, but not steer the case; the family is told', async () => {
    const { ticket, kase } = await caseWithAlex('Cover for Leo')
    const caseUrl = `/staff/cases/${kase.number}`
    const caseParams = { number: String(kase.number) }
    expect((await calls.load(ticketPage, sam, ticketUrl(ticket.number), ticketParams(ticket.number))).status).toBe(404)
    expect((await calls.load(overview, sam, caseUrl, caseParams)).status).toBe(404)

    // Only admins add cover, through the team tab.
    const form = { intent: 'add-cover', advocateId: sam.id, endsOn: '2099-12-14' }
    expect((await calls.act(teamTab, alex, `${caseUrl}/team`, form, caseParams)).status).toBe(403)
    expect((await calls.act(teamTab, org.admin, `${caseUrl}/team`, { ...form, endsOn: 'soon' }, caseParams)).status).toBe(400)
    expect((await calls.act(teamTab, org.admin, `${caseUrl}/team`, { ...form, advocateId: alex.id }, caseParams)).status).toBe(409)
    expect((await calls.act(teamTab, org.admin, `${caseUrl}/team`, form, caseParams)).status).toBe(302)
    const tab = await calls.load(teamTab, org.admin, `${caseUrl}/team`, caseParams)
    expect((tab.data as { covers: { name: string; active: boolean; period: string }[] }).covers[0]).toMatchObject({
      name: 'Sam Cover',
      active: true,
      period: expect.stringContaining('until 14 December 2099'),
    })

    // The case's header names who covers, and until when, next to its advocate.
    const header = await calls.load(casePage, org.admin, caseUrl, caseParams)
    expect(header.data).toMatchObject({ case: { advocate: 'Alex Away', cover: ['Sam Cover until 14 December 2099'] } })

    // Sam sees the case (marked Cover in My cases) and its ticket, but not the status or close controls.
    const page = await calls.load(overview, sam, caseUrl, caseParams)
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({ coverOnly: true })
    const mine = await calls.load(workspace, sam, '/staff/cases', {})
    expect((mine.data as { cases: { caseRef: string; cover: boolean }[] }).cases).toEqual([expect.objectContaining({ cover: true })])
    const staffTicket = await calls.load(ticketPage, sam, ticketUrl(ticket.number), ticketParams(ticket.number))
    expect(staffTicket.status).toBe(200)
    expect(staffTicket.data).toMatchObject({ permissions: { assignAny: false, assignSelf: false } })

    // Reply and note: allowed.
    for (const visibility of ['public', 'internal'])
      expect(
        (
          await calls.act(
            ticketPage,
            sam,
            ticketUrl(ticket.number),
            { intent: 'reply', body: `From Sam (${visibility})`, visibility },
            ticketParams(ticket.number),
          )
        ).status,
      ).toBe(302)
    expect(await stack.db.message.count({ where: { ticketId: ticket.id, authorId: sam.id } })).toBe(2)

    // Steering: refused on the server with a reason.
    for (const command of <Record<string, string>[]>[
      { intent: 'set-status', status: 'assessment_requested' },
      { intent: 'close-case', reason: 'Done' },
      { intent: 'reopen-case' },
    ]) {
      const refused = await calls.act(overview, sam, caseUrl, command, caseParams)
      expect(refused.status).toBe(403)
      expect(refused.data).toMatchObject({ formError: expect.stringContaining('You are covering this case') })
    }
    expect(
      (await calls.act(ticketPage, sam, ticketUrl(ticket.number), { intent: 'assign', assigneeId: sam.id }, ticketParams(ticket.number)))
        .status,
    ).toBe(403)
    expect((await calls.act(teamTab, sam, `${caseUrl}/team`, { intent: 'reassign', toId: sam.id }, caseParams)).status).toBe(403)
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ status: 'intake', advocateId: alex.id })

    // The family reads who is covering, and Sam hears their reply like a watcher.
    const family = await calls.load(ticketPage, org.family, ticketUrl(ticket.number), ticketParams(ticket.number))
    expect(family.data).toMatchObject({ ticket: { coverNotices: ['Sam Cover is covering for Alex Away until 14 December 2099.'] } })
    await postMessage(stack.context, { ticket, author: org.family, role: 'family', body: 'Thank you, Sam.', visibility: 'public' })
    await eventually(async () =>
      expect(await stack.db.notification.count({ where: { userId: sam.id, ticketId: ticket.id, kind: 'family_replied' } })).toBe(1),
    )
  })

  it('ends by hand, and by its end date passing with nothing to expire it', async () => {
    const { ticket, kase } = await caseWithAlex('Cover that ends')
    const caseParams = { number: String(kase.number) }
    const added = await addCaseCover(stack.db, {
      orgId: org.org.id,
      caseId: kase.id,
      actor: org.admin,
      via: 'portal',
      advocateId: sam.id,
      endsOn: null,
    })
    expect(added.status).toBe('done')
    expect((await calls.load(ticketPage, sam, ticketUrl(ticket.number), ticketParams(ticket.number))).status).toBe(200)
    // A day after a last day of today, the same row reads as past cover.
    const today = new Date().toISOString().slice(0, 10)
    await stack.db.caseCover.update({
      where: { id: added.status === 'done' ? added.id : '' },
      data: { endsOn: new Date(`${today}T00:00:00Z`) },
    })
    const tomorrow = Date.now() + 36 * 3600_000
    expect(await coveredCaseIds(stack.db, { orgId: org.org.id, userId: sam.id, nowMs: tomorrow })).not.toContain(kase.id)

    const coverId = added.status === 'done' ? added.id : ''
    expect(
      (await calls.act(teamTab, org.admin, `/staff/cases/${kase.number}/team`, { intent: 'end-cover', coverId }, caseParams)).status,
    ).toBe(302)
    expect((await calls.load(ticketPage, sam, ticketUrl(ticket.number), ticketParams(ticket.number))).status).toBe(404)
    expect((await calls.load(overview, sam, `/staff/cases/${kase.number}`, caseParams)).status).toBe(404)
    expect(
      await stack.db.auditEvent.count({ where: { orgId: org.org.id, action: { in: ['case.cover_added', 'case.cover_ended'] } } }),
    ).toBeGreaterThanOrEqual(3)
    const timeline = (await calls.load(overview, org.admin, `/staff/cases/${kase.number}`, caseParams)).data as {
      timeline: { text: string }[]
    }
    expect(timeline.timeline.map((e) => e.text)).toEqual(expect.arrayContaining(['Ended Sam Cover’s cover']))
    expect((await calls.load(casePage, org.admin, `/staff/cases/${kase.number}`, caseParams)).data).toMatchObject({ case: { cover: [] } })
  })
})
