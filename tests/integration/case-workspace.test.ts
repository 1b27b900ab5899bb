/**
 * The case workspace through its routes, on the real stack: who sees a case
 * (its advocate and admins; another advocate, a family and another organisation
 * are told it is not there, on the list, the case page, each tab and each
 * action), the team dashboard's filters (LA overdue among them), the last message written by a family's
 * reply, the advocate's visit, and closing from the Overview resolving the
 * case's tickets through the case workflow.
 */
import { DateTime } from 'luxon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as caseList from '../../web/app/routes/staff.cases._index.tsx'
import * as caseLayout from '../../web/app/routes/staff.cases.$number.tsx'
import * as caseOverview from '../../web/app/routes/staff.cases.$number._index.tsx'
import * as caseTicket from '../../web/app/routes/staff.cases.$number.tickets.$ticketNumber.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { addCaseAction, recordCaseStage, recordDeadlineException } from '../../services/case-commands.server.ts'
import { assign, postMessage } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls, type Person } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let otherAdvocate: { id: string }
let kase: { id: string; number: number }
let ticket: { id: string; number: number }

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  otherAdvocate = (
    await createUser(stack.db, {
      orgSlug: a.org.slug,
      role: 'staff',
      name: 'Olu Otheradvocate',
      email: `staff-olu-${a.org.slug}@test.example`,
      password: TEST_PASSWORD,
    })
  ).user
  ;({ ticket, kase } = await openCase('Help with the EHCP request', 'Leo'))
})
afterAll(async () => {
  await stack?.close()
})

async function openCase(subject: string, childName: string) {
  const created = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    subject,
    type: 'ehcp',
    body: subject,
    childName,
  })
  await assign(stack.context, { ticket: created, actor: a.admin, assigneeId: a.advocate.id })
  const row = await eventually(async () => {
    const t = await stack.db.ticket.findUniqueOrThrow({ where: { id: created.id }, select: { caseId: true } })
    expect(t.caseId).not.toBeNull()
    return t
  })
  const found = await stack.db.case.findUniqueOrThrow({ where: { id: row.caseId! }, select: { id: true, number: true } })
  return { ticket: { id: created.id, number: created.number }, kase: found }
}

const caseUrl = (number: number, tail = '') => `/staff/cases/${number}${tail}`

describe('who sees a case', () => {
  const routes = () => {
    const params = { number: String(kase.number) }
    const ticketParams = { ...params, ticketNumber: String(ticket.number) }
    return [
      { name: 'the case page', run: (p: Person) => calls.load(caseLayout, p, caseUrl(kase.number), params) },
      { name: 'the Overview', run: (p: Person) => calls.load(caseOverview, p, caseUrl(kase.number), params) },
      {
        name: 'the Ticket tab',
        run: (p: Person) => calls.load(caseTicket, p, caseUrl(kase.number, `/tickets/${ticket.number}`), ticketParams),
      },
      ...(['set-status', 'add-action', 'complete-action', 'reopen-action', 'change-due', 'close-case', 'reopen-case'] as const).map(
        (intent) => ({
          name: `the ${intent} action`,
          run: (p: Person) =>
            calls.act(
              caseOverview,
              p,
              caseUrl(kase.number),
              { intent, status: 'tribunal', title: 'x', ownerId: '', actionId: '00000000-0000-4000-8000-000000000000', reason: 'x' },
              params,
            ),
        }),
      ),
      {
        name: 'a reply from the Ticket tab',
        run: (p: Person) =>
          calls.act(
            caseTicket,
            p,
            caseUrl(kase.number, `/tickets/${ticket.number}`),
            { intent: 'reply', body: 'Hello', visibility: 'public' },
            ticketParams,
          ),
      },
    ]
  }

  it('another advocate, a family and another organisation’s admin are told it is not there (404), everywhere', async () => {
    for (const person of [otherAdvocate, a.family, b.admin, b.advocate])
      for (const route of routes())
        expect({ route: route.name, ...(await route.run(person)) }).toMatchObject({ route: route.name, status: 404 })
  })

  it('its advocate and the organisation’s admins see the case page, the Overview and the Ticket tab', async () => {
    for (const person of [a.advocate, a.admin])
      for (const route of routes().slice(0, 3)) expect({ route: route.name, ...(await route.run(person)) }).toMatchObject({ status: 200 })
  })

  it('lists: "My cases" holds only the advocate’s own; a family and another organisation get 404', async () => {
    const mine = await calls.load(caseList, a.advocate, '/staff/cases')
    expect(mine.status).toBe(200)
    const rows = (mine.data as { cases: { caseRef: string; advocate: string }[]; team: unknown }).cases
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((row) => row.advocate === 'Sam Advocate')).toBe(true)
    expect((mine.data as { team: unknown }).team).toBeNull()
    const theirs = await calls.load(caseList, otherAdvocate, '/staff/cases')
    expect((theirs.data as { cases: unknown[] }).cases).toEqual([])
    expect((await calls.load(caseList, a.family, '/staff/cases')).status).toBe(404)
    expect((await calls.load(caseList, a.advocate, `/staff/cases?org=${b.org.slug}`)).status).toBe(404)
    expect((await calls.load(caseList, a.admin, '/staff/cases?status=nonsense')).status).toBe(400)
  })
})

describe('the team dashboard', () => {
  it('filters by advocate, status, overdue only and quiet days, and sums each advocate’s active cases', async () => {
    const second = await openCase('Transport to school', 'Mia')
    await stack.db.case.update({ where: { id: second.kase.id }, data: { advocateId: otherAdvocate.id } })
    await addCaseAction(stack.context, {
      case: kase,
      actor: a.advocate,
      title: 'Chase the council',
      ownerId: null,
      dueAt: new Date(Date.now() + 1500),
    })
    await eventually(
      async () => expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({ hasOverdue: true }),
      30_000,
    )
    const refs = async (query: string) => {
      const page = await calls.load(caseList, a.admin, `/staff/cases${query}`)
      expect(page.status).toBe(200)
      return (page.data as { cases: { caseRef: string }[] }).cases.map((c) => c.caseRef)
    }
    const first = `CASE-${kase.number}`
    const other = `CASE-${second.kase.number}`
    expect(await refs('')).toEqual(expect.arrayContaining([first, other]))
    expect(await refs(`?advocate=${otherAdvocate.id}`)).toEqual([other])
    expect(await refs('?overdue=1')).toEqual([first])
    expect(await refs('?status=tribunal')).toEqual([])
    expect(await refs('?status=intake')).toEqual(expect.arrayContaining([first, other]))
    expect(await refs('?quiet=1')).toEqual([])
    // Nothing for ten days, on the case and its tickets' messages alike.
    const longAgo = new Date(Date.now() - 10 * 86_400_000)
    await stack.db.case.update({ where: { id: second.kase.id }, data: { lastActivityAt: longAgo, lastMessageAt: longAgo } })
    expect(await refs('?quiet=7')).toEqual([other])

    const dashboard = await calls.load(caseList, a.admin, '/staff/cases')
    const caseloads = (dashboard.data as { team: { caseloads: { name: string; activeCases: number }[] } }).team.caseloads
    expect(caseloads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Sam Advocate', activeCases: 1 }),
        expect.objectContaining({ name: 'Olu Otheradvocate', activeCases: 1 }),
        expect.objectContaining({ name: 'Ada Admin', activeCases: 0 }),
      ]),
    )
  })

  it('flags a case whose LA deadline passed without an exception as LA overdue, in words and as a filter', async () => {
    const late = await openCase('The council has not decided', 'Noor')
    const onTime = await openCase('Assessment just asked for', 'Ola')
    const weeksAgo = (weeks: number) => DateTime.now().setZone(a.org.timezone).minus({ weeks }).toISODate()!
    const staged = await recordCaseStage(stack.context, {
      case: late.kase,
      actor: a.advocate,
      stage: 'assessment_requested',
      date: weeksAgo(7),
    })
    expect(staged.status).toBe('applied')
    await recordCaseStage(stack.context, { case: onTime.kase, actor: a.advocate, stage: 'assessment_requested', date: weeksAgo(1) })
    const rows = async (query: string) => {
      const page = await calls.load(caseList, a.admin, `/staff/cases${query}`)
      expect(page.status).toBe(200)
      return (page.data as { cases: { caseRef: string; laOverdue: boolean }[] }).cases
    }
    const lateRef = `CASE-${late.kase.number}`
    const onTimeRef = `CASE-${onTime.kase.number}`
    const all = await rows('')
    expect(all.find((c) => c.caseRef === lateRef)?.laOverdue).toBe(true)
    expect(all.find((c) => c.caseRef === onTimeRef)?.laOverdue).toBe(false)
    expect((await rows('?laOverdue=1')).map((c) => c.caseRef)).toEqual([lateRef])
    // Beside the overdue-actions filter: both at once is the cases with both.
    expect(await rows('?laOverdue=1&overdue=1')).toEqual([])
    expect((await calls.load(caseList, a.admin, '/staff/cases?laOverdue=yes')).status).toBe(400)
    // An exception the Regulations allow: the deadline reads "exception", not overdue.
    await recordDeadlineException(stack.context, {
      case: late.kase,
      actor: a.advocate,
      key: 'assessment_decision',
      reason: 'exceptional_circumstances',
    })
    expect(await rows('?laOverdue=1')).toEqual([])
  })

  it('shows the last message after a family reply, and when the advocate last opened the case (an admin’s visit does not count)', async () => {
    const before = await stack.db.case.findUniqueOrThrow({
      where: { id: kase.id },
      select: { lastMessageAt: true, advocateViewedAt: true },
    })
    const reply = await postMessage(stack.context, {
      ticket,
      author: a.family,
      role: 'family',
      body: 'Any news from the council?',
      visibility: 'public',
    })
    expect(reply.status).toBe('applied')
    const message = await stack.db.message.findFirstOrThrow({ where: { ticketId: ticket.id, body: 'Any news from the council?' } })
    await eventually(async () =>
      expect((await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).lastMessageAt).toEqual(message.createdAt),
    )
    expect(message.createdAt.getTime()).toBeGreaterThan(before.lastMessageAt?.getTime() ?? 0)

    await calls.load(caseLayout, a.admin, caseUrl(kase.number), { number: String(kase.number) })
    expect((await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).advocateViewedAt).toEqual(before.advocateViewedAt)
    await calls.load(caseLayout, a.advocate, caseUrl(kase.number), { number: String(kase.number) })
    const viewed = (await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).advocateViewedAt
    expect(viewed).not.toBeNull()
    expect(viewed!.getTime()).toBeGreaterThan(before.advocateViewedAt?.getTime() ?? 0)
  })
})

describe('the Overview', () => {
  it('adds a next action with an owner who may see the case, and refuses one who may not', async () => {
    const params = { number: String(kase.number) }
    const refused = await calls.act(
      caseOverview,
      a.advocate,
      caseUrl(kase.number),
      { intent: 'add-action', title: 'Ask the school', ownerId: otherAdvocate.id, due: '' },
      params,
    )
    expect(refused).toMatchObject({ status: 409, data: { formError: expect.stringContaining('cannot see this case') } })
    const invalid = await calls.act(
      caseOverview,
      a.advocate,
      caseUrl(kase.number),
      { intent: 'add-action', title: ' ', ownerId: '' },
      params,
    )
    expect(invalid).toMatchObject({ status: 400, data: { fieldErrors: { title: ['Say what needs doing'] } } })
    const added = await calls.act(
      caseOverview,
      a.advocate,
      caseUrl(kase.number),
      { intent: 'add-action', title: 'Ask the school', ownerId: a.admin.id, due: '2030-01-15T09:30' },
      params,
    )
    expect(added).toMatchObject({ status: 302, location: caseUrl(kase.number) })
    const action = await stack.db.task.findFirstOrThrow({ where: { caseId: kase.id, title: 'Ask the school' } })
    expect(action).toMatchObject({ ownerId: a.admin.id })
    expect(action.dueAt).not.toBeNull()
    const status = await calls.act(
      caseOverview,
      a.advocate,
      caseUrl(kase.number),
      { intent: 'set-status', status: 'assessment_requested' },
      params,
    )
    expect(status.status).toBe(302)
    expect((await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).status).toBe('assessment_requested')
  })

  it('closing the case resolves its tickets through closeCase, and a closed case refuses with its message', async () => {
    const params = { number: String(kase.number) }
    const closed = await calls.act(caseOverview, a.advocate, caseUrl(kase.number), { intent: 'close-case', reason: 'Plan agreed' }, params)
    expect(closed).toMatchObject({ status: 302 })
    expect(await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).toMatchObject({
      status: 'closed',
      closeReason: 'Plan agreed',
    })
    await eventually(async () =>
      expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
        status: 'resolved',
      }),
    )
    const again = await calls.act(caseOverview, a.advocate, caseUrl(kase.number), { intent: 'set-status', status: 'tribunal' }, params)
    expect(again).toMatchObject({ status: 409, data: { formError: expect.stringMatching(/^Not done: /) } })
    const reopened = await calls.act(caseOverview, a.advocate, caseUrl(kase.number), { intent: 'reopen-case' }, params)
    expect(reopened.status).toBe(302)
    expect((await stack.db.case.findUniqueOrThrow({ where: { id: kase.id } })).status).toBe('assessment_requested')
  })
})
