/**
 * Departments through the API: the list an integration files tickets by, and a
 * ticket created with a department by slug, by id, or with none (the default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let org: Awaited<ReturnType<typeof createTestOrganisation>>
let key: string

const api = (path: string, body?: unknown) =>
  fetch(new URL(`/api/v1${path}`, stack.stack.webUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

beforeAll(async () => {
  stack = await connectToStack()
  org = await createTestOrganisation(stack.db)
  key = (await createApiKey(stack.db, { orgId: org.org.id, name: 'departments', createdById: org.admin.id, via: 'cli' })).key
  await stack.db.department.create({ data: { orgId: org.org.id, slug: 'tribunals', name: 'Tribunals' } })
})

afterAll(async () => {
  await stack?.close()
})

describe('departments through the API', () => {
  it('lists them, and files a ticket by slug, by id, or in the default', async () => {
    const listed = await api('/departments')
    expect(listed.status).toBe(200)
    const { departments } = (await listed.json()) as { departments: { id: string; slug: string; isDefault: boolean }[] }
    expect(departments.map((d) => d.slug).sort()).toEqual(['general', 'tribunals'])
    const tribunals = departments.find((d) => d.slug === 'tribunals')!
    const create = (department?: string) =>
      api('/tickets', {
        requester: { email: org.family.email, name: 'Fran Family' },
        subject: 'Help',
        type: 'tribunal',
        body: 'Please help.',
        ...(department === undefined ? {} : { department }),
      })
    for (const [department, slug] of [
      ['tribunals', 'tribunals'],
      [tribunals.id, 'tribunals'],
      [undefined, 'general'],
    ] as const) {
      const answer = await create(department)
      expect(answer.status).toBe(201)
      expect(((await answer.json()) as { ticket: { department: string } }).ticket.department).toBe(slug)
    }
    const unknown = await create('no-such-team')
    expect(unknown.status).toBe(422)
  })
})
