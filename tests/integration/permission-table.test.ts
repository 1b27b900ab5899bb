/**
 * The permission table of issue 14: every staff, ticket and case route of the
 * portal, and the API, for each kind of person around one ticket and its case.
 * The ticket is in Tribunals; its case was opened by Finn (restricted to Annual
 * reviews) and then reassigned to Asha (Annual reviews too); Cole covers it
 * today, Pat's cover ended; Tess is in Tribunals, Rory in Annual reviews only.
 * A route file that is neither in the table nor named as not being about
 * tickets or cases fails the first test, so a new route must take its place here.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as myTickets from '../../web/app/routes/my.tickets.tsx'
import * as caseLayout from '../../web/app/routes/staff.cases.$number.tsx'
import * as caseOverview from '../../web/app/routes/staff.cases.$number._index.tsx'
import * as caseDeadlines from '../../web/app/routes/staff.cases.$number.deadlines.tsx'
import * as caseTeam from '../../web/app/routes/staff.cases.$number.team.tsx'
import * as caseTicketTab from '../../web/app/routes/staff.cases.$number.tickets.$ticketNumber.tsx'
import * as workspace from '../../web/app/routes/staff.cases._index.tsx'
import * as queue from '../../web/app/routes/staff.tickets.tsx'
import * as triage from '../../web/app/routes/staff.triage.tsx'
import * as bulkChange from '../../web/app/routes/staff.bulk._index.tsx'
import * as bulkJob from '../../web/app/routes/staff.bulk.$jobId.tsx'
import * as attachmentFile from '../../web/app/routes/tickets.$orgSlug.$number_.attachments.$attachmentId.ts'
import * as originalMail from '../../web/app/routes/tickets.$orgSlug.$number_.messages.$messageId.original.ts'
import * as ticketPage from '../../web/app/routes/tickets.$orgSlug.$number/route.tsx'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { startBulkChange } from '../../services/bulk-changes.server.ts'
import { addCaseCover } from '../../services/case-cover.server.ts'
import { setMemberDepartments } from '../../services/departments.server.ts'
import { reassignCase } from '../../services/reassignment.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { routeCalls, type Outcome, type Route } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

/**
 * What each person gets. ok: done, or refused by the ticket's own rules (409:
 * it is so already), so the permission check let them through; yes/no: the list
 * shows the ticket or case; a number: the status answered; -: not theirs to try.
 *
 * page/file/mail: the ticket page, a file on a public message, an original mail;
 * reply/note/assign/status: a public reply, an internal note, assigning it to
 * its assignee, setting the status it has; case/tab/dates/team: the case page,
 * its ticket tab, its deadlines, its team tab; cases/queue/triage/my: the case
 * workspace, the staff queue, triage, my requests; api: a command as `actor`
 * with the organisation's key; key: GET of the ticket's number with the key of
 * the person's own organisation; bulk: the queue's change bar for the ticket
 * (job: a job started for it; none: no ticket of that number in their queue);
 * job: the page of an admin's bulk job that changed it.
 */
const TABLE = `
                   page file mail reply note assign status case tab  dates team cases queue triage my  api key bulk job
admin              200  200  200  ok    ok   ok     ok     200  200  200   200  yes   yes   200    no  ok  200  job  200
unrestricted       200  200  200  ok    ok   403    ok     404  404  404   404  no    yes   403    no  ok  200  job  200
department         200  200  200  ok    ok   403    ok     404  404  404   404  no    yes   403    no  ok  200  job  200
otherDepartment    404  404  404  404   404  404    404    404  404  404   404  no    no    403    no  404 200  none 200
assignee           200  200  200  ok    ok   ok     ok     200  200  200   200  yes   yes   403    no  ok  200  job  200
cover              200  200  200  ok    ok   403    ok     200  200  200   200  yes   yes   403    no  ok  200  job  200
pastCover          404  404  404  404   404  404    404    404  404  404   404  no    no    403    no  404 200  none 200
formerAdvocate     404  404  404  404   404  404    404    404  404  404   404  no    no    403    no  404 200  none 200
family             200  200  404  ok    403  403    403    404  404  404   404  404   403   403    yes 422 -  403  404
otherFamily        404  404  404  404   404  404    404    404  404  404   404  404   403   403    no  422 -  403  404
otherOrganisation  404  404  404  404   404  404    404    404  404  404   404  no    no    403    no  422 404  none 404
`

/** Which columns ask each route file: every staff, ticket and case route is one of these or NOT_ABOUT_TICKETS_OR_CASES. */
const ROUTE_COLUMNS: Record<string, readonly string[]> = {
  'tickets.$orgSlug.$number': ['page', 'reply', 'note', 'assign', 'status'],
  'tickets.$orgSlug.$number_.attachments.$attachmentId.ts': ['file'],
  'tickets.$orgSlug.$number_.messages.$messageId.original.ts': ['mail'],
  'staff.cases.$number.tsx': ['case'],
  'staff.cases.$number._index.tsx': ['case'],
  'staff.cases.$number.tickets.$ticketNumber.tsx': ['tab'],
  'staff.cases.$number.deadlines.tsx': ['dates'],
  'staff.cases.$number.team.tsx': ['team'],
  'staff.cases._index.tsx': ['cases'],
  'staff.tickets.tsx': ['queue'],
  'staff.triage.tsx': ['triage'],
  'staff.bulk._index.tsx': ['bulk'],
  'staff.bulk.$jobId.tsx': ['job'],
  'my.tickets.tsx': ['my'],
}

/** Staff routes that name no ticket or case (portal-permissions.test.ts covers who opens them). */
const NOT_ABOUT_TICKETS_OR_CASES: Record<string, string> = {
  'staff.settings.tsx': 'the settings layout, admins only',
  'staff.settings._index.tsx': 'the settings menu',
  'staff.settings.api-keys.tsx': 'API keys',
  'staff.settings.departments.tsx': 'departments',
  'staff.settings.organisation.tsx': 'the organisation’s profile',
  'staff.settings.saved-replies.tsx': 'saved replies',
  'staff.settings.sla-policy.tsx': 'the SLA policy',
  'staff.settings.tags.tsx': 'tags',
  'staff.settings.team.tsx': 'the team and their departments',
  'staff.settings.templates.tsx': 'ticket templates, naming no ticket',
  'staff.time.tsx': 'time totals per advocate, naming no ticket',
  'staff.tasks.tsx': 'the signed-in person’s own tasks (portal-permissions.test.ts)',
  'staff.conversations.new.tsx': 'starting a conversation with a family, naming no ticket',
}

type Row = Record<string, string>
const [header, ...lines] = TABLE.trim().split('\n')
const COLUMNS = header!.trim().split(/\s+/)
const EXPECTED: Record<string, Row> = Object.fromEntries(
  lines.map((line) => {
    const [who, ...cells] = line.trim().split(/\s+/)
    return [who!, Object.fromEntries(COLUMNS.map((column, i) => [column, cells[i]!]))]
  }),
)

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
const keys = { a: '', b: '' }
type Who =
  | 'admin'
  | 'unrestricted'
  | 'department'
  | 'otherDepartment'
  | 'assignee'
  | 'cover'
  | 'pastCover'
  | 'formerAdvocate'
  | 'family'
  | 'otherFamily'
  | 'otherOrganisation'
const people = {} as Record<Who, { id: string; email: string }>
let ticket: { id: string; orgId: string; number: number }
let kase: { id: string; number: number; caseRef: string }
let fileId: string
let mailMessageId: string
let jobId: string

async function staffIn(name: string, only: string[]) {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${a.org.slug}@test.example`
  const { user } = await createUser(stack.db, { orgSlug: a.org.slug, role: 'staff', name, email, password: TEST_PASSWORD })
  const membership = await stack.db.membership.findFirstOrThrow({ where: { userId: user.id, orgId: a.org.id }, select: { id: true } })
  await setMemberDepartments(stack.db, { orgId: a.org.id, membershipId: membership.id, departmentIds: only, actorId: null, via: 'cli' })
  return { id: user.id, email }
}

const ticketUrl = () => `/tickets/${a.org.slug}/${ticket.number}`
const ticketParams = () => ({ orgSlug: a.org.slug, number: String(ticket.number) })
const caseUrl = () => `/staff/cases/${kase.number}`
const caseParams = () => ({ number: String(kase.number) })

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const department = async (slug: string, name: string) =>
    (await stack.db.department.create({ data: { orgId: a.org.id, slug, name }, select: { id: true } })).id
  const tribunals = await department('tribunals', 'Tribunals')
  const reviews = await department('annual-reviews', 'Annual reviews')
  Object.assign(people, {
    admin: a.admin,
    unrestricted: a.advocate,
    department: await staffIn('Tess Tribunals', [tribunals]),
    otherDepartment: await staffIn('Rory Reviews', [reviews]),
    assignee: await staffIn('Asha Assigned', [reviews]),
    cover: await staffIn('Cole Cover', [reviews]),
    pastCover: await staffIn('Pat Past', [reviews]),
    formerAdvocate: await staffIn('Finn Former', [reviews]),
    family: a.family,
    otherFamily: a.otherFamily,
    otherOrganisation: b.advocate,
  })
  ticket = await createTicket(stack.context, {
    orgId: a.org.id,
    requesterId: a.family.id,
    departmentId: tribunals,
    subject: 'Permission table: tribunal bundle',
    type: 'tribunal',
    body: 'Our hearing is in May.',
    attachments: [{ filename: 'bundle.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 bundle') }],
  })
  const first = await stack.db.message.findFirstOrThrow({ where: { ticketId: ticket.id }, select: { id: true } })
  fileId = (await stack.db.attachment.findFirstOrThrow({ where: { ticketId: ticket.id }, select: { id: true } })).id
  // As if the request had come by mail, so its original can be asked for.
  mailMessageId = first.id
  await stack.db.inboundMail.create({
    data: {
      messageKey: `<permission-table-${ticket.id}@test.example>`,
      raw: Buffer.from('Subject: tribunal bundle\r\n\r\nOur hearing is in May.'),
      via: 'webhook',
      state: 'processed',
      ticketId: ticket.id,
      messageId: first.id,
    },
  })

  // Finn's case first, with Cole's cover and Pat's (since ended), then reassigned to Asha.
  expect(await assign(stack.context, { ticket, actor: a.admin, assigneeId: people.formerAdvocate.id })).toMatchObject({ status: 'applied' })
  const caseId = await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseId: true } })
    expect(row.caseId).not.toBeNull()
    return row.caseId!
  })
  kase = await stack.db.case.findUniqueOrThrow({ where: { id: caseId }, select: { id: true, number: true, caseRef: true } })
  for (const who of ['cover', 'pastCover'] as const)
    expect(
      await addCaseCover(stack.db, { orgId: a.org.id, caseId, actor: a.admin, via: 'portal', advocateId: people[who].id, endsOn: null }),
    ).toMatchObject({ status: 'done' })
  // Before the table's moment, the former advocate and the past cover did see it: what they lose is what the table checks.
  for (const who of ['formerAdvocate', 'pastCover'] as const) {
    expect((await calls.load(ticketPage, people[who], ticketUrl(), ticketParams())).status).toBe(200)
    expect((await calls.load(caseOverview, people[who], caseUrl(), caseParams())).status).toBe(200)
  }
  const threeDaysAgo = new Date(`${new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`)
  await stack.db.caseCover.updateMany({ where: { caseId, advocateId: people.pastCover.id }, data: { endsOn: threeDaysAgo } })
  expect(
    await reassignCase(stack.context, { orgId: a.org.id, caseId, toId: people.assignee.id, actor: a.admin, via: 'portal' }),
  ).toMatchObject({ status: 'reassigned', tickets: 1 })
  await eventually(async () =>
    expect(await stack.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ assigneeId: people.assignee.id }),
  )
  const job = await startBulkChange(stack.context, {
    orgId: a.org.id,
    actor: a.admin,
    ticketNumbers: [ticket.number],
    action: { kind: 'tag', name: 'Permission table' },
    via: 'portal',
  })
  if (job.status !== 'started') throw new Error(`the bulk job did not start: ${job.status}`)
  jobId = job.jobId
  ;({ key: keys.a } = await createApiKey(stack.db, { orgId: a.org.id, name: 'Permission table', createdById: a.admin.id, via: 'cli' }))
  ;({ key: keys.b } = await createApiKey(stack.db, { orgId: b.org.id, name: 'Permission table', createdById: b.admin.id, via: 'cli' }))
}, 180_000)

afterAll(async () => {
  await stack?.close()
})

/** Done, or refused by the ticket's rules (409: it is so already): either way the person got through. */
const okOr = (o: Outcome) => (o.status < 400 || o.status === 409 ? 'ok' : String(o.status))
const statusOf = (o: Outcome) => String(o.status)
/** job: a bulk job was started; none: sent back to the queue, no such ticket there; else the status. */
const bulkOf = (o: Outcome) =>
  o.location?.startsWith('/staff/bulk/') ? 'job' : o.status === 302 && o.location?.startsWith('/staff/tickets') ? 'none' : String(o.status)
/** yes/no when the list loads, else the status it answered. */
const listed = (o: Outcome, has: (data: never) => boolean) => (o.status === 200 ? (has(o.data as never) ? 'yes' : 'no') : String(o.status))

async function rowOf(who: Who): Promise<Row> {
  const person = people[who]
  const isFamily = who === 'family' || who === 'otherFamily'
  const act = (form: Record<string, string>) => calls.act(ticketPage, person, ticketUrl(), form, ticketParams())
  const caseLoad = async (route: Route, suffix = '', extra: Record<string, string> = {}) =>
    statusOf(await calls.load(route, person, `${caseUrl()}${suffix}`, { ...caseParams(), ...extra }))
  const api = (pathname: string, key: string, body?: unknown) =>
    fetch(`${stack.stack.webUrl}/api/v1/tickets/${ticket.number}${pathname}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
  const [layout, overview] = [await caseLoad(caseLayout), await caseLoad(caseOverview)]
  const row: Row = {
    page: statusOf(await calls.load(ticketPage, person, ticketUrl(), ticketParams())),
    file: statusOf(
      await calls.load(attachmentFile, person, `${ticketUrl()}/attachments/${fileId}`, { ...ticketParams(), attachmentId: fileId }),
    ),
    mail: statusOf(
      await calls.load(originalMail, person, `${ticketUrl()}/messages/${mailMessageId}/original`, {
        ...ticketParams(),
        messageId: mailMessageId,
      }),
    ),
    reply: okOr(await act({ intent: 'reply', visibility: 'public', body: `A reply from ${who}.` })),
    note: okOr(await act({ intent: 'reply', visibility: 'internal', body: `A note from ${who}.` })),
    assign: okOr(await act({ intent: 'assign', assigneeId: people.assignee.id })),
    status: okOr(await act({ intent: 'change-status', status: 'in_progress' })),
    // The layout and the overview answer alike, or the cell shows both.
    case: layout === overview ? overview : `${layout}/${overview}`,
    tab: await caseLoad(caseTicketTab, `/tickets/${ticket.number}`, { ticketNumber: String(ticket.number) }),
    dates: await caseLoad(caseDeadlines, '/deadlines'),
    team: await caseLoad(caseTeam, '/team'),
    cases: listed(await calls.load(workspace, person, '/staff/cases'), (d: { cases: { caseRef: string }[] }) =>
      d.cases.some((c) => c.caseRef === kase.caseRef),
    ),
    queue: listed(await calls.load(queue, person, '/staff/tickets?view=all'), (d: { tickets: { number: number }[] }) =>
      d.tickets.some((t) => t.number === ticket.number),
    ),
    triage: statusOf(await calls.load(triage, person, '/staff/triage')),
    my: listed(await calls.load(myTickets, person, '/my/tickets'), (d: { tickets: { href: string }[] }) =>
      d.tickets.some((t) => t.href === ticketUrl()),
    ),
    api: okOr({ status: (await api('/status', keys.a, { status: 'in_progress', actor: { email: person.email } })).status }),
    key: isFamily ? '-' : statusOf({ status: (await api('', who === 'otherOrganisation' ? keys.b : keys.a)).status }),
    bulk: bulkOf(await calls.act(bulkChange, person, '/staff/bulk', { ticket: String(ticket.number), change: 'status:in_progress' })),
    job: statusOf(await calls.load(bulkJob, person, `/staff/bulk/${jobId}`, { jobId })),
  }
  return row
}

describe('the permission table', () => {
  it('has a place for every staff, ticket and case route', async () => {
    const routes = (await readdir(path.join(import.meta.dirname, '../../web/app/routes'))).filter((name) =>
      /^(staff|tickets|my)\./.test(name),
    )
    const unplaced = routes.filter((name) => !(name in ROUTE_COLUMNS) && !(name in NOT_ABOUT_TICKETS_OR_CASES))
    expect(unplaced).toEqual([])
    expect(
      Object.values(ROUTE_COLUMNS)
        .flat()
        .every((column) => COLUMNS.includes(column)),
    ).toBe(true)
    // Each column is asked by a route, or by the API.
    expect(COLUMNS.filter((c) => !Object.values(ROUTE_COLUMNS).flat().includes(c))).toEqual(['api', 'key'])
    // A row per kind of person, each with a cell per column.
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(people).sort())
    for (const row of Object.values(EXPECTED)) expect(Object.values(row).every((cell) => cell !== undefined)).toBe(true)
  })

  it.each(Object.keys(EXPECTED) as Who[])('%s gets what the table says', async (who) => {
    expect(await rowOf(who)).toEqual(EXPECTED[who])
  })
})
