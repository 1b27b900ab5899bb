/**
 * Who sees a ticket, route by route and operation by operation, for each kind
 * of person: the organisation's admin, unrestricted staff, staff of the
 * ticket's department, staff of another department, the ticket's assignee
 * from another department, its family and another organisation's staff.
 * Staff who may not see it are told it is not there (404), everywhere: its
 * page, its files, every action, every API command naming them as actor; and
 * their queue, its counts, search, the landing panel and notifications leave
 * it out. Then the ticket moves department through its workflow, and who sees
 * it moves with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as notifications from '../../web/app/routes/notifications.tsx'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import * as attachmentFile from '../../web/app/routes/tickets.$orgSlug.$number_.attachments.$attachmentId.ts'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls, type Person } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string
const departments = { tribunals: '', reviews: '' }
/** The ticket the table is about: in Tribunals, assigned to someone restricted to Annual reviews. */
let ticket: { id: string; orgId: string; number: number }
/** An unassigned Annual reviews ticket, for the landing panel. */
let unassignedReview: { id: string; number: number }
let fileId: string

type Who = 'admin' | 'unrestricted' | 'department' | 'otherDepartment' | 'assignee' | 'family' | 'otherOrganisation'
const people = {} as Record<Who, { id: string; email: string }>
const STAFF_WHO_SEE: readonly Who[] = ['admin', 'unrestricted', 'department', 'assignee']
const WHO: readonly Who[] = ['admin', 'unrestricted', 'department', 'otherDepartment', 'assignee', 'family', 'otherOrganisation']

async function staffIn(slug: string, name: string, only: string[]) {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${slug}@test.example`
  const { user } = await createUser(stack.db, { orgSlug: slug, role: 'staff', name, email, password: TEST_PASSWORD })
  const membership = await stack.db.membership.findFirstOrThrow({ where: { userId: user.id, org: { slug } }, select: { id: true } })
  await setMemberDepartments(stack.db, { orgId: a.org.id, membershipId: membership.id, departmentIds: only, actorId: null, via: 'cli' })
  return { id: user.id, email }
}

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  for (const [key, name, slug] of [
    ['tribunals', 'Tribunals', 'tribunals'],
    ['reviews', 'Annual reviews', 'annual-reviews'],
  ] as const)
    departments[key] = (await stack.db.department.create({ data: { orgId: a.org.id, slug, name }, select: { id: true } })).id
  Object.assign(people, {
    admin: a.admin,
    unrestricted: a.advocate,
    department: await staffIn(a.org.slug, 'Tess Tribunals', [departments.tribunals]),
    otherDepartment: await staffIn(a.org.slug, 'Rory Reviews', [departments.reviews]),
    assignee: await staffIn(a.org.slug, 'Asha Assigned', [departments.reviews]),
    family: a.family,
    otherOrganisation: b.advocate,
  })
  ticket = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    departmentId: departments.tribunals,
    subject: 'Access: tribunal bundle',
    type: 'tribunal',
    body: 'Our hearing is in May.',
    attachments: [{ filename: 'bundle.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 bundle') }],
  })
  expect((await assign(stack.context, { ticket, actor: a.admin, assigneeId: people.assignee.id })).status).toBe('applied')
  unassignedReview = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.otherFamily.id,
    departmentId: departments.reviews,
    subject: 'Access: annual review paperwork',
    type: 'annual_review',
    body: 'The school sent the forms.',
  })
  fileId = (await stack.db.attachment.findFirstOrThrow({ where: { ticketId: ticket.id }, select: { id: true } })).id
  ;({ key: apiKey } = await createApiKey(stack.db, { orgId: a.org.id, name: 'Access test', createdById: a.admin.id, via: 'cli' }))
  // Everyone on the team has heard of the ticket once.
  await stack.db.notification.createMany({
    data: WHO.map((who) => ({
      userId: people[who].id,
      ticketId: ticket.id,
      kind: 'test',
      text: `About the tribunal bundle, for ${who}`,
      dedupeKey: `access-${ticket.id}-${who}`,
    })),
  })
}, 120_000)

afterAll(async () => {
  await stack?.close()
})

const page = () => `/tickets/${a.org.slug}/${ticket.number}`
const params = () => ({ orgSlug: a.org.slug, number: String(ticket.number) })

/** The table's expectation for a staff-facing route: staff who see it get on, others 404; its family 403; outsiders 404. */
function expected(who: Who, sees: number | 'ok'): number | 'ok' {
  if (STAFF_WHO_SEE.includes(who)) return sees
  return who === 'family' ? 403 : 404
}
/** Done, or refused by the ticket's rules (409: it is already so): either way the person got through. */
const okOr = (status: number) => (status < 400 || status === 409 ? 'ok' : status)

// Each intent sent as it would leave the ticket as it is: the permission check comes first either way.
const INTENTS: Record<string, Record<string, string>> = {
  note: { intent: 'reply', visibility: 'internal', body: 'A note from the permission table.' },
  'change-status': { intent: 'change-status', status: 'in_progress' },
  'change-priority': { intent: 'change-priority', priority: 'normal' },
  'change-type': { intent: 'change-type', type: 'tribunal' },
  'change-department': { intent: 'change-department', departmentId: '' },
  'link-case': { intent: 'link-case', caseRef: '' },
  watch: { intent: 'watch', userId: '', watching: 'false' },
  'la-response': { intent: 'la-response' },
}

describe.each(WHO)('%s', (who) => {
  const person = (): Person => people[who]

  it('opens the ticket page and its files only when they may see it', async () => {
    const opened = await calls.load(ticketPage, person(), page(), params())
    // The family sees its own request (the family view); the others as the table says.
    expect(who === 'family' ? opened.status : okOr(opened.status)).toBe(who === 'family' ? 200 : expected(who, 'ok'))
    const file = await calls.load(attachmentFile, person(), `${page()}/attachments/${fileId}`, { ...params(), attachmentId: fileId })
    expect(file.status).toBe(who === 'family' || STAFF_WHO_SEE.includes(who) ? 200 : 404)
  })

  it.each(Object.keys(INTENTS))('acts on it (%s) only when they may see it', async (intent) => {
    const form = { ...INTENTS[intent]! }
    if (intent === 'change-department') form.departmentId = departments.tribunals
    if (intent === 'watch') form.userId = people[who].id
    const answer = await calls.act(ticketPage, person(), page(), form, params())
    expect(okOr(answer.status)).toBe(expected(who, 'ok'))
  })

  it('finds it in the queue, its counts and search only when they may see it', async () => {
    if (who === 'family' || who === 'otherOrganisation') {
      expect((await calls.load(queue, person(), `/staff/tickets?org=${a.org.slug}`)).status).toBe(who === 'family' ? 403 : 404)
      return
    }
    const sees = STAFF_WHO_SEE.includes(who)
    for (const search of ['view=all', `view=all&q=${ticket.number}`, 'view=all&type=tribunal']) {
      const answer = await calls.load(queue, person(), `/staff/tickets?${search}`)
      const data = answer.data as { tickets: { number: number }[]; tabs: { key: string; count: number }[] }
      expect(
        data.tickets.some((t) => t.number === ticket.number),
        search,
      ).toBe(sees)
      const shown = data.tickets.length
      // The open tab's count is what the list holds (all on one page here).
      expect(data.tabs.find((t) => t.key === 'open')!.count, search).toBe(shown)
    }
  })

  it('is shown an unassigned request on the landing panel only when they may see it', async () => {
    if (who === 'family' || who === 'otherOrganisation') return
    const answer = await calls.load(queue, person(), '/staff/tickets?view=all')
    const panel = (answer.data as { unassigned: { requests: { number: number }[]; count: number } | null }).unassigned!
    const seesReviews = who !== 'department'
    expect(panel.requests.some((r) => r.number === unassignedReview.number)).toBe(seesReviews)
    expect(panel.count).toBe(panel.requests.length)
  })

  it('reads notifications about it only when they may see it', async () => {
    const answer = await calls.load(notifications, person(), '/notifications')
    const data = answer.data as { notifications: { text: string }[]; unread: number }
    const sees = STAFF_WHO_SEE.includes(who) || who === 'family'
    expect(data.notifications.some((n) => n.text === `About the tribunal bundle, for ${who}`)).toBe(sees)
  })

  it('acts on it through the API as actor only when they may see it', async () => {
    const call = (path: string, body: unknown) =>
      fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status)
    const actor = { email: people[who].email }
    // Not on the organisation's staff at all: the actor is refused as such.
    const outsider = who === 'family' || who === 'otherOrganisation' ? 422 : null
    const sees = STAFF_WHO_SEE.includes(who)
    // Each sent as it would leave the ticket as it is (409 no_change, or 200 for a case link that is already so).
    for (const [path, body, seen] of [
      ['/status', { status: 'in_progress', actor }, 409],
      ['/priority', { priority: 'normal', actor }, 409],
      ['/department', { department: 'tribunals', actor }, 409],
      ['/assign', { assignee: { email: people.assignee.email }, actor }, 409],
      ['/case', { caseRef: null, actor }, 200],
      ['/la-response', { actor }, 409],
    ] as const)
      expect(await call(path, body), path).toBe(outsider ?? (sees ? seen : 404))
    const note = await call('/messages', { author: actor, body: 'From the API table.', visibility: 'internal' })
    // Its family is the author of its public messages only.
    expect(note).toBe(who === 'family' ? 403 : (outsider ?? (sees ? 201 : 404)))
    // The key itself is organisation-wide.
    const read = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}`, { headers: { Authorization: `Bearer ${apiKey}` } })
    expect(read.status).toBe(200)
  })
})

describe('moving the ticket to another department', () => {
  it('through the API: the workflow records it, and who sees it moves with it', async () => {
    const answer = await fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}/department`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ department: 'annual-reviews', actor: { email: people.unrestricted.email } }),
    })
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { ticket: { department: string } }).ticket.department).toBe('annual-reviews')
    const row = await stack.db.ticket.findUniqueOrThrow({
      where: { id: ticket.id },
      select: { departmentId: true, events: { where: { kind: 'department_changed' }, select: { data: true, actorId: true } } },
    })
    expect(row.departmentId).toBe(departments.reviews)
    expect(row.events).toEqual([{ actorId: people.unrestricted.id, data: { from: departments.tribunals, to: departments.reviews } }])
    expect((await calls.load(ticketPage, people.department, page(), params())).status).toBe(404)
    expect((await calls.load(ticketPage, people.otherDepartment, page(), params())).status).toBe(200)
    const timeline = (await calls.load(ticketPage, people.admin, page(), params())).data as { timeline: { text: string }[] }
    expect(timeline.timeline.map((e) => e.text)).toContain('Moved from Tribunals to Annual reviews')
  })

  it('an archived or unknown department is refused, and a move to where it is says so', async () => {
    const archived = await stack.db.department.create({
      data: { orgId: a.org.id, slug: 'closed-team', name: 'Closed team', archivedAt: new Date() },
      select: { id: true },
    })
    const move = (department: string) =>
      fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}/department`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ department }),
      }).then((r) => r.status)
    expect(await move('closed-team')).toBe(422)
    expect(await move('no-such-team')).toBe(422)
    expect(await move('annual-reviews')).toBe(409)
    expect(
      (await calls.act(ticketPage, people.admin, page(), { intent: 'change-department', departmentId: archived.id }, params())).status,
    ).toBe(409)
  })

  it('from the ticket page: staff who move it out of their departments are sent to their queue, and no longer see it', async () => {
    const moved = await calls.act(
      ticketPage,
      people.otherDepartment,
      page(),
      { intent: 'change-department', departmentId: departments.tribunals },
      params(),
    )
    expect(moved).toMatchObject({ status: 302, location: '/staff/tickets' })
    expect((await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).departmentId).toBe(departments.tribunals)
    expect((await calls.load(ticketPage, people.otherDepartment, page(), params())).status).toBe(404)
    expect((await calls.load(ticketPage, people.department, page(), params())).status).toBe(200)
    // Its assignee, in neither, sees it throughout.
    expect((await calls.load(ticketPage, people.assignee, page(), params())).status).toBe(200)
  })
})
