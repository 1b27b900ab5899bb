/**
 * A ticket number or id tells nobody whether it exists elsewhere. Every portal
 * route and API operation that takes one is walked, over HTTP on the test stack,
 * with another organisation's (or another family's) numbers and ids and with
 * ones that exist nowhere: each group of requests gets 404 (never 403) with the
 * same body, so the two cannot be told apart. New routes and operations that
 * take a number or an id fail the walk until they are added to it.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addCaseCover } from '../../services/case-cover.server.ts'
import type { ServiceContext } from '../../services/context.ts'
import { startBulkChange } from '../../services/bulk-changes.server.ts'
import { changeStatus } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { apiRoutes } from '../../web/api/routes.ts'
import { TicketActionSchema } from '../../web/app/utils/validation.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { PortalClient, signInOver, type PortalAnswer } from '../support/portal-client.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let context: ServiceContext
let dataDir: string
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string
/** A's tickets are #1 (with a file) and #2 (closed); B's are #1 to #3, so B's #3 exists only in B. */
const ONLY_IN_B = 3
const NOWHERE = 999_999
let bFile: string
let bCaseRef: string
let bCoverId: string
const signedIn = new Map<string, PortalClient>()

beforeAll(async () => {
  stack = await connectToStack()
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-enumeration-'))
  context = { ...stack.context, env: { ...stack.context.env, dataDir } }
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
  const file = () => [{ filename: 'letter.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 letter') }]
  const ticketOf = (org: typeof a, extra: { caseRef?: string; attachments?: ReturnType<typeof file> } = {}) =>
    createTicket(context, { orgId: org.org.id, requesterId: org.family.id, subject: 'Enumeration', type: 'ehcp', body: 'Help.', ...extra })
  await ticketOf(a, { attachments: file() })
  const closed = await ticketOf(a)
  expect((await changeStatus(context, { ticket: closed, actor: a.admin, status: 'closed' })).status).toBe('applied')
  bCaseRef = `B-${randomUUID().slice(0, 8)}`
  for (let i = 1; i <= ONLY_IN_B; i++) await ticketOf(b, i === ONLY_IN_B ? { caseRef: bCaseRef, attachments: file() } : {})
  bFile = (await stack.db.attachment.findFirstOrThrow({ where: { ticket: { orgId: b.org.id, number: ONLY_IN_B } } })).id
  const bCase = await eventually(() =>
    stack.db.case.findUniqueOrThrow({ where: { orgId_caseRef: { orgId: b.org.id, caseRef: bCaseRef } } }),
  )
  const covered = await addCaseCover(stack.db, {
    orgId: b.org.id,
    caseId: bCase.id,
    actor: b.admin,
    via: 'cli',
    advocateId: b.advocate.id,
    endsOn: null,
  })
  if (covered.status !== 'done') throw new Error(`B's cover was not added: ${covered.status}`)
  bCoverId = covered.id
  ;({ key: apiKey } = await createApiKey(stack.db, { orgId: a.org.id, name: 'Enumeration', createdById: a.admin.id, via: 'cli' }))
  for (const person of [a.admin, a.advocate, a.family, a.otherFamily]) {
    const client = new PortalClient(stack.stack.webUrl)
    expect((await signInOver(client, person.email, TEST_PASSWORD)).status).toBe(302)
    signedIn.set(person.id, client)
  }
  await eventually(async () => expect((await stack.db.ticket.findFirstOrThrow({ where: { id: closed.id } })).status).toBe('closed'))
})

afterAll(async () => {
  await stack?.close()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

/**
 * An answer as anyone could compare it: without what differs on every request
 * (nonces, one-time form tokens), and with `asked` (the path, when the page
 * repeats it) put aside.
 */
function comparable(answer: PortalAnswer, asked?: string) {
  let body = answer.body
    .replace(/nonce(="|-)[^"']+/g, 'nonce')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID')
  if (asked) body = body.replaceAll(asked, 'ASKED')
  return { status: answer.status, contentType: answer.headers['content-type'], body }
}

type Probe = { asked: string; send: () => Promise<PortalAnswer>; masked?: boolean }

/** Every request of a group answers as the first does, and that is a 404. */
async function expectAlike(probes: Probe[]) {
  const answers = []
  for (const probe of probes)
    answers.push({ asked: probe.asked, ...comparable(await probe.send(), probe.masked === false ? undefined : probe.asked) })
  expect(answers[0]!.status, answers[0]!.asked).toBe(404)
  for (const answer of answers.slice(1)) expect({ ...answer, asked: answers[0]!.asked }, answer.asked).toEqual(answers[0])
}

/** One valid form per intent of the ticket page, so each reaches the ticket check. */
const TICKET_FORMS: Record<string, Record<string, string>> = {
  reply: { intent: 'reply', body: 'Are you there?', visibility: 'public' },
  'change-status': { intent: 'change-status', status: 'resolved' },
  assign: { intent: 'assign', assigneeId: randomUUID() },
  'change-priority': { intent: 'change-priority', priority: 'urgent' },
  'change-type': { intent: 'change-type', type: 'dla' },
  'change-department': { intent: 'change-department', departmentId: randomUUID() },
  'link-case': { intent: 'link-case', caseRef: 'CASE-1' },
  reopen: { intent: 'reopen' },
  'la-response': { intent: 'la-response' },
  watch: { intent: 'watch', userId: randomUUID(), watching: 'true' },
  'add-tag': { intent: 'add-tag', name: 'Tribunal prep' },
  'remove-tag': { intent: 'remove-tag', tagId: randomUUID() },
  'log-time': { intent: 'log-time', duration: '30m', workedOn: '2026-12-01', kind: 'call', note: '' },
  'edit-time': { intent: 'edit-time', entryId: randomUUID(), duration: '30m', workedOn: '2026-12-01', kind: 'call', note: '' },
  'delete-time': { intent: 'delete-time', entryId: randomUUID() },
  'link-ticket': { intent: 'link-ticket', number: '1' },
  'unlink-ticket': { intent: 'unlink-ticket', number: '1' },
  'add-checklist-item': { intent: 'add-checklist-item', title: 'Request the draft', staffOnly: '1' },
  'rename-checklist-item': { intent: 'rename-checklist-item', itemId: randomUUID(), title: 'Request the draft' },
  'tick-checklist-item': { intent: 'tick-checklist-item', itemId: randomUUID(), done: '1' },
  'move-checklist-item': { intent: 'move-checklist-item', itemId: randomUUID(), direction: 'up' },
  'remove-checklist-item': { intent: 'remove-checklist-item', itemId: randomUUID() },
  'apply-template': { intent: 'apply-template', templateId: randomUUID() },
  'add-task': { intent: 'add-task', title: 'Ring the school', ownerId: '', due: '' },
  'link-task': { intent: 'link-task', taskId: randomUUID() },
  'task-status': { intent: 'task-status', taskId: randomUUID(), status: 'done' },
}

/** The portal's routes with a ticket number or id in their path, and what the walk below asks of each. */
const PORTAL_TICKET_ROUTES = [
  'tickets.$orgSlug.$number',
  'tickets.$orgSlug.$number_.attachments.$attachmentId.ts',
  'tickets.$orgSlug.$number_.messages.$messageId.original.ts',
]

/** The case page's routes (a case number in the path), walked by the case test below. */
const PORTAL_CASE_ROUTES = [
  'staff.cases.$number.tsx',
  'staff.cases.$number._index.tsx',
  'staff.cases.$number.deadlines.tsx',
  'staff.cases.$number.team.tsx',
  'staff.cases.$number.tickets.$ticketNumber.tsx',
]

describe('the portal', () => {
  it('walks every route that takes a ticket number or id', async () => {
    const routes = (await readdir(path.join(import.meta.dirname, '../../web/app/routes'))).filter((name) =>
      /\$(number|attachmentId)/.test(name),
    )
    expect(routes.sort()).toEqual([...PORTAL_TICKET_ROUTES, ...PORTAL_CASE_ROUTES].sort())
    expect(Object.keys(TICKET_FORMS).sort()).toEqual(TicketActionSchema.options.map((o) => o.shape.intent.value).sort())
  })

  it('answers another organisation’s ticket as one that does not exist, for reading and for every action', async () => {
    for (const person of [a.admin, a.family]) {
      const client = signedIn.get(person.id)!
      const paths = [
        `/tickets/${b.org.slug}/${ONLY_IN_B}`,
        `/tickets/${b.org.slug}/${NOWHERE}`,
        `/tickets/${a.org.slug}/${ONLY_IN_B}`,
        `/tickets/no-such-organisation/${ONLY_IN_B}`,
      ]
      await expectAlike(paths.map((asked) => ({ asked, send: () => client.get(asked) })))
      for (const form of Object.values(TICKET_FORMS))
        await expectAlike(paths.map((asked) => ({ asked, send: () => client.post(asked, form) })))
    }
  })

  it('answers another family’s ticket of the same organisation as one that does not exist', async () => {
    const client = signedIn.get(a.otherFamily.id)!
    const paths = [`/tickets/${a.org.slug}/1`, `/tickets/${a.org.slug}/${NOWHERE}`]
    await expectAlike(paths.map((asked) => ({ asked, send: () => client.get(asked) })))
    await expectAlike(paths.map((asked) => ({ asked, send: () => client.post(asked, TICKET_FORMS.reply!) })))
  })

  it('answers another organisation’s file as one that does not exist, under its ticket and under one’s own', async () => {
    for (const person of [a.admin, a.family]) {
      const client = signedIn.get(person.id)!
      const under = (ticket: string, file: string) => `${ticket}/attachments/${file}`
      const theirs = `/tickets/${b.org.slug}/${ONLY_IN_B}`
      const ours = `/tickets/${a.org.slug}/1`
      for (const group of [
        [under(theirs, bFile), under(theirs, randomUUID()), under(`/tickets/${b.org.slug}/${NOWHERE}`, bFile)],
        [under(ours, bFile), under(ours, randomUUID())],
      ])
        await expectAlike(group.map((asked) => ({ asked, send: () => client.get(asked) })))
    }
  })

  it('answers another organisation’s message original as one that does not exist', async () => {
    const client = signedIn.get(a.admin.id)!
    const message = await stack.db.message.findFirstOrThrow({ where: { ticket: { orgId: b.org.id, number: ONLY_IN_B } } })
    const original = (ticket: string, id: string) => `${ticket}/messages/${id}/original`
    for (const group of [
      [original(`/tickets/${b.org.slug}/${ONLY_IN_B}`, message.id), original(`/tickets/${b.org.slug}/${NOWHERE}`, message.id)],
      [original(`/tickets/${a.org.slug}/1`, message.id), original(`/tickets/${a.org.slug}/1`, randomUUID())],
    ])
      await expectAlike(group.map((asked) => ({ asked, send: () => client.get(asked) })))
  })

  it('answers another organisation’s case as one that does not exist, in every tab and action', async () => {
    const theirs = await stack.db.case.findUniqueOrThrow({ where: { orgId_caseRef: { orgId: b.org.id, caseRef: bCaseRef } } })
    expect(await stack.db.case.count({ where: { orgId: a.org.id, number: theirs.number } })).toBe(0)
    const client = signedIn.get(a.admin.id)!
    // The Team tab's cover forms name a real colleague and a real cover of theirs, so only the case check can refuse them.
    const coverForms: Record<string, string>[] = [
      { intent: 'add-cover', advocateId: b.advocate.id, endsOn: '' },
      { intent: 'end-cover', coverId: bCoverId },
    ]
    for (const tab of ['', '/deadlines', '/team', `/tickets/${ONLY_IN_B}`]) {
      const paths = [`/staff/cases/${theirs.number}${tab}`, `/staff/cases/${NOWHERE}${tab}`]
      await expectAlike(paths.map((asked) => ({ asked, send: () => client.get(asked) })))
      // The Overview's forms post to the index route.
      const posted = paths.map((asked) => (tab ? asked : `${asked}?index`))
      for (const form of [{ intent: 'close-case', reason: 'x' }, ...(tab === '/team' ? coverForms : [])])
        await expectAlike(posted.map((asked) => ({ asked, send: () => client.post(asked, form) })))
    }
    expect(await stack.db.caseCover.findUniqueOrThrow({ where: { id: bCoverId } })).toMatchObject({ endedAt: null })
    expect(await stack.db.caseCover.count({ where: { caseId: theirs.id } })).toBe(1)
  })

  it('triage takes only its own organisation’s ticket numbers', async () => {
    const client = signedIn.get(a.admin.id)!
    const triage = (number: number) =>
      client.post('/staff/triage', { intent: 'triage', number: String(number), assigneeId: a.advocate.id, priority: 'high' })
    await expectAlike([ONLY_IN_B, NOWHERE].map((number) => ({ asked: `#${number}`, send: () => triage(number), masked: false })))
  })

  it('a follow-up names only one’s own closed request: another family’s is ignored like a number that does not exist', async () => {
    const client = signedIn.get(a.otherFamily.id)!
    const page = (number: number) => client.get(`/orgs/${a.org.slug}/request?followUp=${number}`)
    const [theirs, nowhere] = [await page(2), await page(NOWHERE)]
    expect(theirs.status).toBe(200)
    const withoutNumber = (answer: PortalAnswer, number: number) => comparable(answer, `followUp=${number}`).body
    expect(withoutNumber(theirs, 2)).not.toContain('Enumeration')
    expect(withoutNumber(theirs, 2)).toBe(withoutNumber(nowhere, NOWHERE))
    // The family's own closed request is found, so the check above can tell.
    expect((await signedIn.get(a.family.id)!.get(`/orgs/${a.org.slug}/request?followUp=2`)).body).toContain('Enumeration')
  })
})

/** A body each operation accepts, so every request reaches the ticket lookup rather than a 400. */
const API_BODIES: Record<string, unknown> = {
  postMessage: { author: { email: 'someone@family.example' }, body: 'Hello' },
  changeStatus: { status: 'resolved' },
  assignTicket: { assignee: { email: 'someone@staff.example' } },
  changePriority: { priority: 'low' },
  changeDepartment: { department: 'general' },
  linkCase: { caseRef: 'CASE-1' },
  recordLaResponse: {},
  addTicketTag: { name: 'Tribunal prep' },
  addChecklistItem: { title: 'Ask the school' },
  changeChecklistItem: { done: true },
  createTicketTask: { title: 'Ring the school' },
  changeTask: { status: 'done' },
  createTimeEntry: { minutes: 30, workedOn: '2026-12-01', kind: 'call' },
  updateTimeEntry: { minutes: 30 },
  linkTicket: { ticket: 1 },
  setCaseStatus: { status: 'assessment_requested' },
  reopenCase: {},
  addCaseAction: { title: 'Chase the plan' },
  completeCaseAction: {},
  reopenCaseAction: {},
  changeCaseAction: { dueAt: null },
  recordCaseStage: { stage: 'assessment_requested', date: '2026-11-02' },
  recordDeadlineException: { key: 'final_plan', reason: 'other' },
  addCaseCover: { advocate: { email: 'someone@staff.example' } },
  endCaseCover: {},
  bulkChangeTickets: { tickets: [1], action: { kind: 'priority', priority: 'low' } },
  startConversation: { family: { email: 'someone@family.example', name: 'Someone' }, kind: 'general', subject: 'Hello', body: 'Hello' },
}

describe('the API', () => {
  const call = async (method: string, asked: string, body: unknown): Promise<PortalAnswer> => {
    const response = await fetch(`${stack.stack.webUrl}/api/v1${asked}`, {
      method: method.toUpperCase(),
      headers: { Authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, headers: Object.fromEntries(response.headers), setCookies: [], body: await response.text() }
  }

  it('answers another organisation’s ticket number as one that does not exist, in every operation that takes one', async () => {
    const operations = apiRoutes.filter((route) => route.path.includes('{number}'))
    expect(operations.length).toBeGreaterThan(5)
    for (const route of operations) {
      if (route.body) expect(API_BODIES, `a body for ${route.operationId}`).toHaveProperty(route.operationId)
      const body = route.body ? API_BODIES[route.operationId] : undefined
      const pathFor = (number: number, file: string = randomUUID()) =>
        route.path
          .replace('{number}', String(number))
          .replace('{attachmentId}', file)
          .replace('{tag}', 'Tribunal%20prep')
          .replace('{id}', randomUUID())
          .replace('{itemId}', randomUUID())
          .replace('{other}', '1')
      const groups = route.path.includes('{attachmentId}')
        ? [
            [pathFor(ONLY_IN_B, bFile), pathFor(NOWHERE, bFile), pathFor(ONLY_IN_B)],
            [pathFor(1, bFile), pathFor(1)],
          ]
        : [[pathFor(ONLY_IN_B), pathFor(NOWHERE)]]
      for (const group of groups) await expectAlike(group.map((asked) => ({ asked, send: () => call(route.method, asked, body) })))
    }
  })

  it('answers another organisation’s case reference as one that does not exist, in every operation on a case but its closure', async () => {
    const operations = apiRoutes.filter((route) => route.path.includes('{caseRef}') && route.operationId !== 'closeCase')
    expect(operations.length).toBeGreaterThan(5)
    for (const route of operations) {
      if (route.body) expect(API_BODIES, `a body for ${route.operationId}`).toHaveProperty(route.operationId)
      const body = route.body ? API_BODIES[route.operationId] : undefined
      const pathFor = (caseRef: string) =>
        route.path.replace('{caseRef}', caseRef).replace('{actionId}', randomUUID()).replace('{coverId}', randomUUID())
      await expectAlike(
        [bCaseRef, 'NO-SUCH-CASE'].map((caseRef) => ({ asked: caseRef, send: () => call(route.method, pathFor(caseRef), body) })),
      )
    }
  })

  it('answers another organisation’s bulk job, and its ticket numbers in a bulk change, as ones that do not exist', async () => {
    const theirs = await startBulkChange(context, {
      orgId: b.org.id,
      actor: b.admin,
      ticketNumbers: [ONLY_IN_B],
      action: { kind: 'tag', name: 'Enumeration' },
      via: 'portal',
    })
    if (theirs.status !== 'started') throw new Error(`b's bulk job did not start: ${theirs.status}`)
    await expectAlike([theirs.jobId, randomUUID()].map((id) => ({ asked: id, send: () => call('get', `/bulk-jobs/${id}`, undefined) })))
    const asked = async (number: number) => {
      const answer = await call('post', '/tickets/bulk', { tickets: [number], action: { kind: 'priority', priority: 'low' } })
      return { status: answer.status, body: answer.body.replaceAll(String(number), 'N') }
    }
    expect(await asked(ONLY_IN_B)).toEqual(await asked(NOWHERE))
    expect((await asked(NOWHERE)).status).toBe(422)
  })

  it('closes only its own organisation’s case: another’s case reference answers like an unknown one, and changes nothing', async () => {
    const [theirs, unknown] = [await call('post', `/cases/${bCaseRef}/close`, {}), await call('post', '/cases/NO-SUCH-CASE/close', {})]
    expect({ status: theirs.status, body: theirs.body }).toEqual({ status: 202, body: '{"resolved":[]}' })
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: 202, body: '{"resolved":[]}' })
    expect((await stack.db.ticket.findFirstOrThrow({ where: { orgId: b.org.id, number: ONLY_IN_B } })).status).toBe('new')
  })
})
