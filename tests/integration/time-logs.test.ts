/**
 * Time logs on the real stack: logged on the ticket page ("1h 30m"), totals
 * per ticket and per advocate, edited or deleted by the author or an admin
 * only, audited and on the timeline, the API's operations, who may do what for
 * each kind of person, and that families never see time.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { logTime, timeByAdvocate } from '../../services/time-entries.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import * as timeReport from '../../web/app/routes/staff.time.tsx'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createDepartmentsWithRestrictedAdvocate, createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { PortalClient, signInOver } from '../support/portal-client.ts'
import { routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'
import { apiClient } from '../support/api-client.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let keyA: string
let keyB: string
let ticket: { id: string; orgId: string; number: number }
let restricted: { id: string; email: string }

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const departments = await createDepartmentsWithRestrictedAdvocate(stack.db, a.org)
  const { tribunals } = departments
  restricted = departments.restricted
  ticket = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    departmentId: tribunals.id,
    type: 'tribunal',
    subject: 'Hearing bundle',
    body: 'Our hearing is in May.',
  })
  keyA = (await createApiKey(stack.db, { orgId: a.org.id, name: 'Time', createdById: a.admin.id, via: 'cli' })).key
  keyB = (await createApiKey(stack.db, { orgId: b.org.id, name: 'Time', createdById: b.admin.id, via: 'cli' })).key
}, 120_000)
afterAll(async () => {
  await stack?.close()
})

const page = () => `/tickets/${a.org.slug}/${ticket.number}`
const params = () => ({ orgSlug: a.org.slug, number: String(ticket.number) })
type StaffTime = { time: { total: string; today: string; entries: { id: string; duration: string; canChange: boolean }[] } }
const staffTime = async (who: { id: string }) => ((await calls.load(ticketPage, who, page(), params())).data as StaffTime).time

const api = (...call: Parameters<ReturnType<typeof apiClient>>) => apiClient(stack.stack.webUrl)(...call)

describe('on the ticket page', () => {
  it('logs "1h 30m" for today, totals it, and says so on the timeline', async () => {
    const before = await staffTime(a.advocate)
    const logged = await calls.act(
      ticketPage,
      a.advocate,
      page(),
      { intent: 'log-time', duration: '1h 30m', workedOn: before.today, kind: 'call', note: 'Rang the school' },
      params(),
    )
    expect(logged.status).toBe(302)
    const after = await staffTime(a.advocate)
    expect(after.total).toBe('1h 30m')
    expect(after.entries).toEqual([expect.objectContaining({ duration: '1h 30m', canChange: true })])
    const timeline = ((await calls.load(ticketPage, a.advocate, page(), params())).data as { timeline: { text: string }[] }).timeline
    expect(timeline.map((l) => l.text)).toContain('Sam Advocate logged 1h 30m (call)')
    expect(await stack.db.auditEvent.count({ where: { orgId: a.org.id, action: 'time.logged' } })).toBe(1)
  })

  it('refuses what is not a duration or a day, with a message', async () => {
    for (const [duration, workedOn] of [
      ['soon', '2026-12-01'],
      ['25h', '2026-12-01'],
      ['30', '2026-02-30'],
    ] as const) {
      const answer = await calls.act(ticketPage, a.advocate, page(), { intent: 'log-time', duration, workedOn, kind: 'call' }, params())
      expect(answer.status).toBe(400)
    }
  })

  it('lets the author or an admin change an entry, nobody else', async () => {
    const [entry] = (await staffTime(a.advocate)).entries
    const { user: colleague } = await createUser(stack.db, {
      orgSlug: a.org.slug,
      role: 'staff',
      name: 'Cal Colleague',
      email: `cal-${randomUUID().slice(0, 8)}@test.example`,
      password: TEST_PASSWORD,
    })
    expect((await staffTime(colleague)).entries[0]!.canChange).toBe(false)
    const edit = { intent: 'edit-time', entryId: entry!.id, duration: '45', workedOn: '2026-12-01', kind: 'letter' }
    expect((await calls.act(ticketPage, colleague, page(), edit, params())).status).toBe(400)
    expect((await calls.act(ticketPage, a.admin, page(), edit, params())).status).toBe(302)
    expect((await staffTime(a.advocate)).total).toBe('45m')
    expect((await calls.act(ticketPage, colleague, page(), { intent: 'delete-time', entryId: entry!.id }, params())).status).toBe(400)
  })
})

describe('per advocate', () => {
  it('totals a range for each advocate in one indexed query; staff see only their own', async () => {
    await logTime(stack.db, {
      ticket,
      userId: a.admin.id,
      entry: { minutes: 120, workedOn: '2026-11-03', kind: 'research' },
      actorId: a.admin.id,
      via: 'cli',
    })
    const totals = await timeByAdvocate(stack.db, { orgId: a.org.id, from: '2026-11-01', to: '2026-12-31' })
    expect(totals.map((t) => [t.name, t.minutes])).toEqual([
      ['Ada Admin', 120],
      ['Sam Advocate', 45],
    ])
    // On a table this small the planner may rightly prefer a scan; with scans priced out it
    // shows whether an index serves the report (without one, the plan is still a Seq Scan).
    const plan = await stack.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off')
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT "userId", sum(minutes) FROM "TimeEntry" WHERE "orgId" = $1::uuid AND "workedOn" BETWEEN '2026-01-01' AND '2026-12-31' GROUP BY "userId"`,
        a.org.id,
      )
    })
    expect(plan.map((l) => l['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on "TimeEntry"/)
    const admin = (await calls.load(timeReport, a.admin, `/staff/time?from=2026-11-01&to=2026-12-31`)).data as { rows: { name: string }[] }
    expect(admin.rows.map((r) => r.name)).toEqual(['Ada Admin', 'Sam Advocate'])
    const staff = (await calls.load(timeReport, a.advocate, `/staff/time?from=2026-11-01&to=2026-12-31`)).data as {
      rows: { name: string }[]
    }
    expect(staff.rows.map((r) => r.name)).toEqual(['Sam Advocate'])
    expect((await calls.load(timeReport, a.family, '/staff/time')).status).toBe(403)
  })
})

type Who = 'family' | 'advocate' | 'restricted' | 'admin' | 'otherOrganisation'
const WHO: readonly Who[] = ['family', 'advocate', 'restricted', 'admin', 'otherOrganisation']
const person = (who: Who) =>
  ({ family: a.family, advocate: a.advocate, restricted, admin: a.admin, otherOrganisation: b.admin })[who] as { id: string; email: string }

describe.each(WHO)('permissions: %s', (who) => {
  it('logs time on the ticket page only when they may', async () => {
    const form = { intent: 'log-time', duration: '10m', workedOn: '2026-12-01', kind: 'other' }
    const expected = { family: 403, advocate: 302, restricted: 404, admin: 302, otherOrganisation: 404 }[who]
    expect((await calls.act(ticketPage, person(who), page(), form, params())).status).toBe(expected)
  })

  it('logs, changes and deletes time through the API as actor only when they may', async () => {
    const actor = { email: person(who).email }
    const expected = { family: 422, advocate: 201, restricted: 404, admin: 201, otherOrganisation: 422 }[who]
    const made = await api(keyA, 'POST', `/tickets/${ticket.number}/time-entries`, {
      minutes: 15,
      workedOn: '2026-12-01',
      kind: 'call',
      actor,
    })
    expect(made.status).toBe(expected)
    if (made.status === 201) {
      const id = made.body.timeEntry.id
      expect(
        (await api(keyA, 'PATCH', `/tickets/${ticket.number}/time-entries/${id}`, { minutes: 20, actor })).body.timeEntry.minutes,
      ).toBe(20)
      expect((await api(keyB, 'PATCH', `/tickets/${ticket.number}/time-entries/${id}`, { minutes: 20 })).status).toBe(404)
      expect((await api(keyA, 'DELETE', `/tickets/${ticket.number}/time-entries/${id}?actor=${actor.email}`)).status).toBe(200)
    }
    expect((await api(keyB, 'GET', `/tickets/${ticket.number}/time-entries`)).status).toBe(404)
  })
})

describe('the API', () => {
  it('lists the ticket’s entries with their total; another advocate may not change one (403)', async () => {
    const listed = await api(keyA, 'GET', `/tickets/${ticket.number}/time-entries`)
    expect(listed.status).toBe(200)
    expect(listed.body.totalMinutes).toBe(listed.body.timeEntries.reduce((s: number, e: { minutes: number }) => s + e.minutes, 0))
    const mine = listed.body.timeEntries.find((e: { person: { email: string } }) => e.person.email === a.advocate.email)
    const { user: other } = await createUser(stack.db, {
      orgSlug: a.org.slug,
      role: 'staff',
      name: 'Olga Other',
      email: `olga-${randomUUID().slice(0, 8)}@test.example`,
      password: TEST_PASSWORD,
    })
    const otherEmail = (await stack.db.user.findUniqueOrThrow({ where: { id: other.id } })).email
    expect(
      (await api(keyA, 'PATCH', `/tickets/${ticket.number}/time-entries/${mine.id}`, { minutes: 5, actor: { email: otherEmail } })).status,
    ).toBe(403)
    expect(
      (await api(keyA, 'POST', `/tickets/${ticket.number}/time-entries`, { minutes: 0, workedOn: '2026-12-01', kind: 'call' })).status,
    ).toBe(400)
  })
})

describe('families', () => {
  it('never see time: not in their page’s HTML, not in their loader data', async () => {
    const client = new PortalClient(stack.stack.webUrl)
    expect((await signInOver(client, a.family.email, TEST_PASSWORD)).status).toBe(302)
    const html = (await client.get(page())).body
    expect(html).toContain('Hearing bundle')
    expect(html).not.toMatch(/Rang the school|Time spent|Log time|45m/)
    const data = (await calls.load(ticketPage, a.family, page(), params())).data as Record<string, unknown>
    expect(JSON.stringify(data)).not.toMatch(/"time"|minutes|Rang the school/)
  })
})
