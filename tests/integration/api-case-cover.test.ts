/**
 * Cover over the integration API, on the real stack: an `actor` who only covers
 * a case is refused (403 `cover_only`, the error shape) what the portal refuses
 * them, its status, reopening and assigning its tickets, through the same
 * services, while what cover is for (next actions) goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../services/accounts.server.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { addCaseCover } from '../../services/case-cover.server.ts'
import { assign } from '../../services/ticket-commands.server.ts'
import { createTicket } from '../../services/ticket-creation.server.ts'
import { ErrorSchema } from '../../web/api/errors.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation, TEST_PASSWORD } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let cover: { id: string; email: string }
let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>

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
  const { key } = await createApiKey(stack.db, { orgId: org.org.id, name: 'CMS', createdById: org.admin.id, via: 'cli' })
  api = async (method, path, body) => {
    const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : null }
  }
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
