/**
 * The case resource of the integration API on the real stack: listing (keyset
 * pages, filters), reading a case with its statutory timeline, refusals in
 * the error shape, and isolation: another organisation's case is not there (404).
 */
import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { recordCaseStage } from '../../services/case-commands.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { CaseActionListSchema, CaseEnvelope, CaseListSchema } from '../../web/api/case-schemas.ts'
import { ErrorSchema } from '../../web/api/errors.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let api: (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; json: any; headers: Headers }>
let otherApi: typeof api

function clientFor(key: string): typeof api {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers }
  }
}

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  const other = await createTestOrganisation(stack.db)
  api = clientFor((await createApiKey(stack.db, { orgId: people.org.id, name: 'CMS', createdById: people.admin.id, via: 'cli' })).key)
  otherApi = clientFor((await createApiKey(stack.db, { orgId: other.org.id, name: 'CMS', createdById: other.admin.id, via: 'cli' })).key)
})
afterAll(async () => {
  await stack?.close()
})

/** A case opened by assigning a ticket to the advocate. */
async function openedCase(childName: string) {
  const ticket = await createTicket(stack.context, {
    orgId: people.org.id,
    requesterId: people.family.id,
    subject: `Help for ${childName}`,
    type: 'ehcp',
    body: 'Please help.',
    childName,
  })
  await assign(stack.context, { ticket, actor: people.admin, assigneeId: people.advocate.id })
  return await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({
      where: { id: ticket.id },
      select: { number: true, case: { select: { caseRef: true } } },
    })
    expect(row.case).not.toBeNull()
    return { caseRef: row.case!.caseRef, ticketNumber: row.number }
  })
}

function expectError(answer: { status: number; json: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status)
  expect(ErrorSchema.parse(answer.json).error.code).toBe(code)
}

describe('opening cases', () => {
  it('opens a case for a family in its advocate’s name; the same Idempotency-Key answers the same case, another body 422', async () => {
    const key = randomUUID()
    const body = { family: { email: people.family.email }, childName: 'Kit', advocate: { email: people.advocate.email } }
    const first = await api('POST', '/cases', body, { 'Idempotency-Key': key })
    expect(first.status).toBe(201)
    const { case: opened } = CaseEnvelope.parse(first.json)
    expect(opened).toMatchObject({
      status: 'intake',
      childName: 'Kit',
      family: { email: people.family.email },
      advocate: { email: people.advocate.email },
      tickets: [],
    })
    expect(opened.caseRef).toBe(`CASE-${opened.number}`)
    // Written keys in another order are the same request.
    const retried = await api(
      'POST',
      '/cases',
      { advocate: body.advocate, childName: 'Kit', family: body.family },
      { 'Idempotency-Key': key },
    )
    expect(retried.status).toBe(201)
    expect(retried.headers.get('idempotent-replayed')).toBe('true')
    expect(retried.json.case.caseRef).toBe(opened.caseRef)
    expectError(await api('POST', '/cases', { ...body, childName: 'Kat' }, { 'Idempotency-Key': key }), 422, 'idempotency_key_reused')
    // The key named a case: sent to another operation it is another request.
    const ticket = { requester: { email: people.family.email, name: 'Fran' }, subject: 'Kit', body: 'Help', type: 'ehcp' }
    expectError(await api('POST', '/tickets', ticket, { 'Idempotency-Key': key }), 422, 'idempotency_key_reused')
    expect(await stack.db.case.count({ where: { orgId: people.org.id, childName: { in: ['Kit', 'Kat'] } } })).toBe(1)
    // Its workflow saved it.
    await eventually(async () => {
      const row = await stack.db.case.findUniqueOrThrow({
        where: { orgId_caseRef: { orgId: people.org.id, caseRef: opened.caseRef } },
        select: { stateVersion: true },
      })
      expect(row.stateVersion).toBeGreaterThan(0)
    })
  })

  it('opens one case from two concurrent requests with one Idempotency-Key', async () => {
    const body = { family: { email: people.family.email }, childName: 'Twin', caseRef: `EXT-${randomUUID().slice(0, 8)}` }
    const key = randomUUID()
    const answers = await Promise.all([1, 2].map(() => api('POST', '/cases', body, { 'Idempotency-Key': key })))
    expect(answers.map((answer) => answer.status)).toEqual([201, 201])
    expect(answers.map((answer) => answer.json.case.caseRef)).toEqual([body.caseRef, body.caseRef])
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(1)
    expect(await stack.db.case.count({ where: { orgId: people.org.id, caseRef: body.caseRef } })).toBe(1)
    // Without a key a second request is a second case, and a reference in use is refused.
    expectError(await api('POST', '/cases', body), 422, 'unprocessable')
  })

  it('refuses a family of another organisation, a staff member opening a colleague’s case, and bad input', async () => {
    const family = { email: people.family.email }
    expectError(await api('POST', '/cases', { family: { email: people.advocate.email } }), 422, 'unprocessable')
    expectError(await otherApi('POST', '/cases', { family }), 422, 'unprocessable')
    expectError(
      await api('POST', '/cases', { family, advocate: { email: people.admin.email }, actor: { email: people.advocate.email } }),
      403,
      'forbidden',
    )
    expectError(await api('POST', '/cases', { family, colour: 'red' }), 400, 'invalid_request')
    expectError(await api('POST', '/cases', { family }, { 'Idempotency-Key': 'no spaces' }), 400, 'invalid_request')
    const own = await api('POST', '/cases', { family, childName: 'Own', actor: { email: people.advocate.email } })
    expect(own.status).toBe(201)
    expect(own.json.case.advocate.email).toBe(people.advocate.email)
  })
})

describe('opening a case for an advocate at capacity', () => {
  it('answers 409 at_capacity unless an admin actor says override: true, which the audit trail records', async () => {
    const { user: capped } = await createUser(stack.db, {
      orgSlug: people.org.slug,
      role: 'staff',
      name: 'Cy Capped',
      email: `staff-cy-${people.org.slug}@test.example`,
      password: TEST_PASSWORD,
    })
    await stack.db.membership.update({
      where: { orgId_userId: { orgId: people.org.id, userId: capped.id } },
      data: { caseCapacity: 1 },
    })
    const body = { family: { email: people.family.email }, advocate: { email: capped.email } }
    expect((await api('POST', '/cases', { ...body, childName: 'First' })).status).toBe(201)
    const refused = await api('POST', '/cases', { ...body, childName: 'Second' })
    expectError(refused, 409, 'at_capacity')
    expect(refused.json.error.message).toContain('Cy Capped is at capacity (1 of 1 case)')
    // Staff may not open a colleague’s case at all, and at their own capacity their override counts for nothing.
    expectError(
      await api('POST', '/cases', { ...body, childName: 'Second', override: true, actor: { email: people.advocate.email } }),
      403,
      'forbidden',
    )
    const { user: colleague } = await createUser(stack.db, {
      orgSlug: people.org.slug,
      role: 'staff',
      name: 'Di Colleague',
      email: `staff-di-${people.org.slug}@test.example`,
      password: TEST_PASSWORD,
    })
    await stack.db.membership.update({
      where: { orgId_userId: { orgId: people.org.id, userId: colleague.id } },
      data: { caseCapacity: 0 },
    })
    expectError(await api('POST', '/cases', { family: body.family, override: true, actor: { email: colleague.email } }), 409, 'at_capacity')
    expect(await stack.db.case.count({ where: { orgId: people.org.id, advocateId: { in: [capped.id, colleague.id] } } })).toBe(1)
    const overridden = await api('POST', '/cases', { ...body, childName: 'Second', override: true })
    expect(overridden.status).toBe(201)
    expect(
      await stack.db.auditEvent.findFirst({
        where: { orgId: people.org.id, action: 'team.capacity_overridden' },
        select: { actorId: true, via: true, data: true },
      }),
    ).toMatchObject({
      actorId: people.admin.id,
      via: 'api',
      data: { userId: capped.id, caseRef: overridden.json.case.caseRef, activeCases: 1, capacity: 1 },
    })
  })
})

describe('reading cases', () => {
  it('lists the organisation’s cases most recently active first, in keyset pages, filtered by status and advocate', async () => {
    const first = await openedCase('Ada')
    const second = await openedCase('Bo')
    const all = await api('GET', '/cases?limit=1')
    expect(all.status).toBe(200)
    expect(CaseListSchema.parse(all.json).cases).toHaveLength(1)
    expect(all.json.cases[0].caseRef).toBe(second.caseRef)
    const next = await api('GET', `/cases?limit=1&cursor=${all.json.nextCursor}`)
    expect(next.json.cases[0].caseRef).toBe(first.caseRef)
    const mine = await api('GET', `/cases?advocate=${encodeURIComponent(people.advocate.email)}&status=intake`)
    expect(mine.json.cases.map((kase: { caseRef: string }) => kase.caseRef)).toEqual(
      expect.arrayContaining([first.caseRef, second.caseRef]),
    )
    expect((await api('GET', '/cases?status=tribunal')).json.cases).toEqual([])
    expectError(await api('GET', '/cases?status=lost'), 400, 'invalid_request')
    expectError(await api('GET', `/cases?advocate=${encodeURIComponent(people.family.email)}`), 422, 'unprocessable')
  })

  it('reads one case with its linked tickets; another organisation’s key finds nothing', async () => {
    const { caseRef, ticketNumber } = await openedCase('Cy')
    const answer = await api('GET', `/cases/${caseRef}`)
    expect(answer.status).toBe(200)
    expect(CaseEnvelope.parse(answer.json).case).toMatchObject({
      caseRef,
      childName: 'Cy',
      status: 'intake',
      tickets: [ticketNumber],
      deadlines: [],
    })
    expectError(await otherApi('GET', `/cases/${caseRef}`), 404, 'not_found')
    expectError(await api('GET', '/cases/NO-SUCH-CASE'), 404, 'not_found')
  })
})

describe('a case’s statutory timeline', () => {
  it('reads the stage dates and the LA deadlines its workflow saved, a past one overdue', async () => {
    const { caseRef } = await openedCase('Dee')
    const kase = await stack.db.case.findUniqueOrThrow({
      where: { orgId_caseRef: { orgId: people.org.id, caseRef } },
      select: { id: true },
    })
    const date = DateTime.now().setZone('Europe/London').minus({ weeks: 7 }).toISODate()!
    await recordCaseStage(stack.context, { case: kase, actor: people.advocate, stage: 'assessment_requested', date })
    const answer = await api('GET', `/cases/${caseRef}`)
    const { case: read } = CaseEnvelope.parse(answer.json)
    expect(read.stages).toEqual({ assessment_requested: date })
    expect(read.deadlines.map((deadline) => [deadline.key, deadline.state])).toEqual([
      ['assessment_decision', 'overdue'],
      ['no_plan_notice', 'due'],
      ['final_plan', 'due'],
    ])
  })
})

describe('commands to a case', () => {
  it('changes its status as its advocate; another member of staff is told it is not there; a wrong move is refused', async () => {
    const { caseRef } = await openedCase('Eve')
    const moved = await api('POST', `/cases/${caseRef}/status`, { status: 'assessment_requested', actor: { email: people.advocate.email } })
    expect(moved.status).toBe(200)
    expect(CaseEnvelope.parse(moved.json).case.status).toBe('assessment_requested')
    const { user: colleague } = await createUser(stack.db, {
      orgSlug: people.org.slug,
      role: 'staff',
      name: 'Cal Colleague',
      email: `staff-cal-${people.org.slug}@test.example`,
      password: TEST_PASSWORD,
    })
    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'intake', actor: { email: colleague.email } }), 404, 'not_found')
    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'assessment_requested' }), 409, 'no_change')
    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'closed' }), 409, 'invalid_transition')
    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'lost' }), 400, 'invalid_request')
    expect((await api('GET', `/cases/${caseRef}`)).json.case.status).toBe('assessment_requested')
    expectError(await otherApi('POST', `/cases/${caseRef}/status`, { status: 'intake' }), 404, 'not_found')
  })

  it('closes and reopens a case while a ticket of it is open', async () => {
    const { caseRef } = await openedCase('Fay')
    expect((await api('POST', `/cases/${caseRef}/close`)).status).toBe(202)
    await eventually(async () => expect((await api('GET', `/cases/${caseRef}`)).json.case.status).toBe('closed'))
    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'assessment_requested' }), 409, 'case_closed')
    // Closing resolved its ticket, which is not closed yet: the case may reopen.
    const reopened = await api('POST', `/cases/${caseRef}/reopen`)
    expect(reopened.status).toBe(200)
    expect(reopened.json.case.status).toBe('intake')
    expectError(await api('POST', `/cases/${caseRef}/reopen`), 409, 'no_change')
  })

  it('adds a next action, completes, reopens it and changes its due time; another case’s action is not there', async () => {
    const { caseRef } = await openedCase('Gus')
    const due = '2026-12-24T12:00:00Z'
    const added = await api('POST', `/cases/${caseRef}/actions`, {
      title: 'Chase the draft plan',
      owner: { email: people.advocate.email },
      dueAt: due,
    })
    expect(added.status).toBe(200)
    const list = await api('GET', `/cases/${caseRef}/actions`)
    expect(CaseActionListSchema.parse(list.json).actions).toEqual([
      expect.objectContaining({
        title: 'Chase the draft plan',
        owner: { email: people.advocate.email, name: 'Sam Advocate' },
        dueAt: '2026-12-24T12:00:00.000Z',
        doneAt: null,
      }),
    ])
    const actionId = list.json.actions[0].id as string
    expect((await api('POST', `/cases/${caseRef}/actions/${actionId}/complete`)).status).toBe(200)
    expect((await api('GET', `/cases/${caseRef}/actions`)).json.actions[0].doneAt).not.toBeNull()
    expectError(await api('POST', `/cases/${caseRef}/actions/${actionId}/complete`), 409, 'no_change')
    expect((await api('POST', `/cases/${caseRef}/actions/${actionId}/reopen`)).status).toBe(200)
    expect((await api('PATCH', `/cases/${caseRef}/actions/${actionId}`, { dueAt: null })).status).toBe(200)
    expect((await api('GET', `/cases/${caseRef}/actions`)).json.actions[0]).toMatchObject({ doneAt: null, dueAt: null })
    const other = await openedCase('Hal')
    expectError(await api('POST', `/cases/${other.caseRef}/actions/${actionId}/complete`), 404, 'not_found')
    expectError(await otherApi('GET', `/cases/${caseRef}/actions`), 404, 'not_found')
    expectError(
      await api('POST', `/cases/${caseRef}/actions`, { title: 'For a family', owner: { email: people.family.email } }),
      422,
      'unprocessable',
    )
  })

  it('adds a next action once per Idempotency-Key, however often and however concurrently it is retried', async () => {
    const { caseRef } = await openedCase('Jo')
    const other = await openedCase('Jem')
    const key = randomUUID()
    const body = { title: 'Ask the school for the report', dueAt: '2026-12-24T12:00:00Z' }
    const first = await api('POST', `/cases/${caseRef}/actions`, body, { 'Idempotency-Key': key })
    expect(first.status).toBe(200)
    const retried = await api('POST', `/cases/${caseRef}/actions`, body, { 'Idempotency-Key': key })
    expect(retried.status).toBe(200)
    expect(retried.headers.get('idempotent-replayed')).toBe('true')
    expect(CaseEnvelope.parse(retried.json).case.caseRef).toBe(caseRef)
    expectError(
      await api('POST', `/cases/${caseRef}/actions`, { ...body, title: 'Something else' }, { 'Idempotency-Key': key }),
      422,
      'idempotency_key_reused',
    )
    expectError(await api('POST', `/cases/${other.caseRef}/actions`, body, { 'Idempotency-Key': key }), 422, 'idempotency_key_reused')
    const concurrentKey = randomUUID()
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => api('POST', `/cases/${caseRef}/actions`, { title: 'Book the meeting' }, { 'Idempotency-Key': concurrentKey })),
    )
    expect(concurrent.map((answer) => answer.status)).toEqual([200, 200, 200])
    const titles = CaseActionListSchema.parse((await api('GET', `/cases/${caseRef}/actions`)).json).actions.map((a) => a.title)
    expect(titles.sort()).toEqual(['Ask the school for the report', 'Book the meeting'])
    expect((await api('GET', `/cases/${other.caseRef}/actions`)).json.actions).toEqual([])
  })

  it('records a stage date, answering the LA deadlines it starts, and an exception to one', async () => {
    const { caseRef } = await openedCase('Ivy')
    const date = DateTime.now().setZone('Europe/London').minus({ weeks: 7 }).toISODate()!
    const staged = await api('POST', `/cases/${caseRef}/stages`, { stage: 'assessment_requested', date })
    expect(staged.status).toBe(200)
    const { case: read } = CaseEnvelope.parse(staged.json)
    expect(read.stages).toEqual({ assessment_requested: date })
    expect(read.deadlines.map((deadline) => [deadline.key, deadline.state])).toEqual([
      ['assessment_decision', 'overdue'],
      ['no_plan_notice', 'due'],
      ['final_plan', 'due'],
    ])
    expectError(
      await api('POST', `/cases/${caseRef}/stages`, { stage: 'assessment_requested', date: '2026-06-31' }),
      400,
      'invalid_request',
    )
    const excepted = await api('POST', `/cases/${caseRef}/exceptions`, { key: 'final_plan', reason: 'exceptional_circumstances' })
    expect(excepted.status).toBe(200)
    expect(excepted.json.case.deadlines.find((d: { key: string }) => d.key === 'final_plan')).toMatchObject({
      state: 'exception',
      reason: 'exceptional_circumstances',
    })
    expectError(await otherApi('POST', `/cases/${caseRef}/stages`, { stage: 'assessment_requested', date }), 404, 'not_found')
  })
})
