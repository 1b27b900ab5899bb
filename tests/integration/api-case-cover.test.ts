/**
 * Cover over the integration API, on the real stack: listing, adding (admins
 * only, idempotent by person) and ending a case's cover, with refusals in the
 * error shape and another organisation's case not there (404); and an `actor`
 * who only covers a case is refused (403 `cover_only`) what the portal
 * refuses them, its status, reopening and assigning its tickets, through the
 * same services, while what cover is for (next actions) goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addCaseCover } from '../../services/case-cover.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { CaseCoverEnvelope, CaseCoverListSchema } from '../../web/api/case-schemas.ts'
import { ErrorSchema } from '../../web/api/errors.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let cover: { id: string; email: string }
type Client = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>
let api: Client
let otherApi: Client

function clientFor(key: string): Client {
  return async (method, path, body) => {
    const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : null }
  }
}

beforeAll(async () => {
  stack = await connectToStack()
  org = await createTestOrganisation(stack.db)
  const { user } = await createUser(stack.db, {
    orgSlug: org.org.slug,
    role: 'staff',
    name: 'Cora Cover',
    email: `staff-cora-${org.org.slug}@test.example`,
    password: TEST_PASSWORD,
  })
  cover = { id: user.id, email: user.email }
  api = clientFor((await createApiKey(stack.db, { orgId: org.org.id, name: 'CMS', createdById: org.admin.id, via: 'cli' })).key)
  const other = await createTestOrganisation(stack.db)
  otherApi = clientFor((await createApiKey(stack.db, { orgId: other.org.id, name: 'CMS', createdById: other.admin.id, via: 'cli' })).key)
})
afterAll(async () => {
  await stack?.close()
})

/** A case of the organisation's advocate, opened by assigning a ticket to them. */
async function advocatesCase(childName: string) {
  const ticket = await createTicket(stack.context, {
    orgId: org.org.id,
    requesterId: org.family.id,
    subject: `Help for ${childName}`,
    type: 'ehcp',
    body: 'Please help.',
    childName,
  })
  expect(await assign(stack.context, { ticket, actor: org.admin, assigneeId: org.advocate.id })).toMatchObject({ status: 'applied' })
  return await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({
      where: { id: ticket.id },
      select: { number: true, case: { select: { id: true, caseRef: true } } },
    })
    expect(row.case).not.toBeNull()
    return { caseId: row.case!.id, caseRef: row.case!.caseRef, ticketNumber: row.number }
  })
}

function expectError(answer: { status: number; json: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status)
  expect(ErrorSchema.parse(answer.json).error.code).toBe(code)
}

describe('an actor who covers a case, over the API', () => {
  it('is refused its status, reopening and assigning its ticket (403 cover_only), but adds a next action', async () => {
    const { caseId, caseRef, ticketNumber } = await advocatesCase('Nia')
    const added = await addCaseCover(stack.db, {
      orgId: org.org.id,
      caseId,
      actor: org.admin,
      via: 'cli',
      advocateId: cover.id,
      endsOn: null,
    })
    expect(added.status).toBe('done')
    const actor = { email: cover.email }

    expectError(await api('POST', `/cases/${caseRef}/status`, { status: 'assessment_requested', actor }), 403, 'cover_only')
    expectError(await api('POST', `/cases/${caseRef}/reopen`, { actor }), 403, 'cover_only')
    expectError(await api('POST', `/tickets/${ticketNumber}/assign`, { assignee: actor, actor }), 403, 'cover_only')
    const kase = await api('GET', `/cases/${caseRef}`)
    expect(kase.json.case).toMatchObject({ status: 'intake', advocate: { email: org.advocate.email } })

    // What cover is for goes through; the case's own advocate still steers it.
    expect((await api('POST', `/cases/${caseRef}/actions`, { title: 'Ring the family back', actor })).status).toBe(200)
    const moved = await api('POST', `/cases/${caseRef}/status`, { status: 'assessment_requested', actor: { email: org.advocate.email } })
    expect(moved.status).toBe(200)
    expect(moved.json.case.status).toBe('assessment_requested')
  })
})

describe('a case’s cover over the API', () => {
  it('adds cover as an admin, idempotently by person, lists it active, and ends it', async () => {
    const { caseRef, caseId } = await advocatesCase('Otto')
    expect(CaseCoverListSchema.parse((await api('GET', `/cases/${caseRef}/cover`)).json).covers).toEqual([])

    const added = await api('POST', `/cases/${caseRef}/cover`, { advocate: { email: cover.email }, endsOn: '2099-01-12' })
    expect(added.status).toBe(201)
    const { cover: made } = CaseCoverEnvelope.parse(added.json)
    expect(made).toMatchObject({
      advocate: { email: cover.email, name: 'Cora Cover' },
      endsOn: '2099-01-12',
      active: true,
      endedAt: null,
      addedBy: { email: org.admin.email },
    })
    // The same person again, whatever the dates: their cover, unchanged, and no second row.
    const again = await api('POST', `/cases/${caseRef}/cover`, { advocate: { email: cover.email } })
    expect(again.status).toBe(200)
    expect(again.json.cover).toEqual(made)
    expect(await stack.db.caseCover.count({ where: { caseId } })).toBe(1)
    expect(await stack.db.auditEvent.count({ where: { orgId: org.org.id, action: 'case.cover_added' } })).toBeGreaterThanOrEqual(1)

    const ended = await api('POST', `/cases/${caseRef}/cover/${made.id}/end`)
    expect(ended.status).toBe(200)
    expect(CaseCoverEnvelope.parse(ended.json).cover).toMatchObject({ id: made.id, active: false, endedBy: { email: org.admin.email } })
    expect((await api('POST', `/cases/${caseRef}/cover/${made.id}/end`)).json.cover.endedAt).toBe(ended.json.cover.endedAt)
    // Ended, they no longer see the case as an actor.
    expectError(await api('POST', `/cases/${caseRef}/actions`, { title: 'Too late', actor: { email: cover.email } }), 404, 'not_found')
    const listed = CaseCoverListSchema.parse((await api('GET', `/cases/${caseRef}/cover`)).json).covers
    expect(listed.map((c) => [c.id, c.active])).toEqual([[made.id, false]])
  })

  it('refuses what only an admin may do, people and dates it cannot use, a closed case, and another organisation’s case', async () => {
    const { caseRef } = await advocatesCase('Pia')
    const body = { advocate: { email: cover.email } }
    expectError(await api('POST', `/cases/${caseRef}/cover`, { ...body, actor: { email: org.advocate.email } }), 403, 'forbidden')
    expectError(await api('POST', `/cases/${caseRef}/cover`, { advocate: { email: org.advocate.email } }), 422, 'unprocessable')
    expectError(await api('POST', `/cases/${caseRef}/cover`, { advocate: { email: org.family.email } }), 422, 'unprocessable')
    expectError(await api('POST', `/cases/${caseRef}/cover`, { ...body, endsOn: '2001-01-01' }), 422, 'unprocessable')
    expectError(await api('POST', `/cases/${caseRef}/cover`, { ...body, endsOn: '2099-02-30' }), 400, 'invalid_request')
    expectError(await api('POST', `/cases/${caseRef}/cover`, {}), 400, 'invalid_request')
    expectError(await otherApi('POST', `/cases/${caseRef}/cover`, body), 404, 'not_found')
    expectError(await otherApi('GET', `/cases/${caseRef}/cover`), 404, 'not_found')

    const { cover: made } = (await api('POST', `/cases/${caseRef}/cover`, body)).json
    expectError(await api('POST', `/cases/${caseRef}/cover/${made.id}/end`, { actor: { email: org.advocate.email } }), 403, 'forbidden')
    expectError(await otherApi('POST', `/cases/${caseRef}/cover/${made.id}/end`), 404, 'not_found')
    const another = await advocatesCase('Quin')
    expectError(await api('POST', `/cases/${another.caseRef}/cover/${made.id}/end`), 404, 'not_found')
    expect((await api('GET', `/cases/${caseRef}/cover`)).json.covers[0]).toMatchObject({ id: made.id, active: true })

    expect((await api('POST', `/cases/${another.caseRef}/close`)).status).toBe(202)
    await eventually(async () => expect((await api('GET', `/cases/${another.caseRef}`)).json.case.status).toBe('closed'))
    expectError(await api('POST', `/cases/${another.caseRef}/cover`, body), 409, 'case_closed')
  })
})
