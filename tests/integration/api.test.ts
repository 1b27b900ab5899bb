/**
 * The integration API against the real stack (the built web server, the
 * worker, the Temporal dev server, PostgreSQL), as an integrator calls it:
 * every endpoint, every error shape, organisations kept apart, idempotent
 * creation under concurrent retries, case closure, a burst of messages to one
 * ticket, and the OpenAPI document matching the router.
 */
import { randomUUID } from 'node:crypto'
import { execFile } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buildOpenApiDocument } from '../../web/api/openapi.ts'
import { createApiRouter, expressPath } from '../../web/api/router.ts'
import { apiRoutes } from '../../web/api/routes.ts'
import {
  CaseClosedSchema,
  MessageCreatedSchema,
  MessageListSchema,
  SlaPolicyEnvelope,
  SlaPolicySavedSchema,
  TicketEnvelope,
  TicketListSchema,
} from '../../web/api/schemas.ts'
import { ErrorSchema } from '../../web/api/errors.ts'
import { createApiKey, revokeApiKey } from '../../services/api-keys.server.ts'
import { queueEmail } from '../../services/outbox.server.ts'
import { MAX_FILE_BYTES, MAX_FILES } from '../../services/attachments.server.ts'
import { ticketViewQuery, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let api: Client
let apiKey: string

type Answer = { status: number; headers: Headers; json: any }
type Client = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>

function clientFor(baseUrl: string, key: string | null): Client {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(key ? { Authorization: `Bearer ${key}` } : {}),
        // fetch sets a multipart body's Content-Type itself, with its boundary.
        ...(body === undefined || body instanceof FormData ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof FormData
            ? body
            : body instanceof Uint8Array
              ? new Blob([new Uint8Array(body)])
              : JSON.stringify(body),
    })
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = { text }
    }
    return { status: response.status, headers: response.headers, json }
  }
}

async function orgWithKey(options: { creator?: boolean } = {}) {
  const org = await createTestOrganisation(stack.db)
  const { key } = await createApiKey(stack.db, {
    orgId: org.org.id,
    name: 'Test integration',
    createdById: options.creator === false ? null : org.admin.id,
    via: 'cli',
  })
  return { ...org, key, api: clientFor(stack.stack.webUrl, key) }
}

/** A family with no case yet: their request is not auto-assigned to an advocate they already have. */
const newFamily = () => ({ email: `family-${randomUUID().slice(0, 8)}@test.example`, name: 'Nia Newfamily' })

function newTicket(overrides: Record<string, unknown> = {}) {
  return {
    requester: { email: people.family.email, name: people.family.name },
    subject: 'EHCP assessment request',
    body: 'We asked the council for an assessment in March and have heard nothing.',
    type: 'ehcp',
    ...overrides,
  }
}

/** A failed answer in the one error shape, with the status and code expected. */
function expectError(answer: Answer, status: number, code: string) {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code })
  expect(ErrorSchema.safeParse(answer.json).success, JSON.stringify(answer.json)).toBe(true)
}

async function createTicket(client = api, overrides: Record<string, unknown> = {}) {
  const answer = await client('POST', '/tickets', newTicket(overrides))
  expect(answer.status, JSON.stringify(answer.json)).toBe(201)
  return TicketEnvelope.parse(answer.json).ticket
}

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  ;({ key: apiKey } = await createApiKey(stack.db, { orgId: people.org.id, name: 'CRM sync', createdById: people.admin.id, via: 'cli' }))
  api = clientFor(stack.stack.webUrl, apiKey)
})
afterAll(async () => {
  await stack?.close()
})

describe('authentication', () => {
  it('refuses requests without a key, with an unknown key, or with a revoked key', async () => {
    const anonymous = await clientFor(stack.stack.webUrl, null)('GET', '/tickets')
    expectError(anonymous, 401, 'unauthorized')
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/)
    expectError(await clientFor(stack.stack.webUrl, 'cwk_not-a-real-key')('GET', '/tickets'), 401, 'unauthorized')
    expectError(await api('GET', '/tickets', undefined, { Authorization: 'Basic Zm9vOmJhcg==' }), 401, 'unauthorized')

    const made = await createApiKey(stack.db, { orgId: people.org.id, name: 'Short-lived', via: 'cli' })
    const shortLived = clientFor(stack.stack.webUrl, made.key)
    expect((await shortLived('GET', '/tickets')).status).toBe(200)
    expect(await revokeApiKey(stack.db, { orgId: people.org.id, id: made.id, actorId: null, via: 'cli' })).toBe(true)
    const revoked = await shortLived('GET', '/tickets')
    expectError(revoked, 401, 'unauthorized')
    expect(revoked.json.error.message).toMatch(/revoked/)
  })

  it('stores keys hashed, shows each once and records when it was last used', async () => {
    const made = await createApiKey(stack.db, { orgId: people.org.id, name: 'Hashed', via: 'cli' })
    const row = await stack.db.apiKey.findUniqueOrThrow({ where: { id: made.id } })
    expect(made.key).toMatch(/^cwk_[\w-]{43}$/)
    expect(JSON.stringify(row)).not.toContain(made.key)
    expect(made.key.startsWith(row.prefix)).toBe(true)
    expect(row.lastUsedAt).toBeNull()
    await clientFor(stack.stack.webUrl, made.key)('GET', '/tickets')
    expect((await stack.db.apiKey.findUniqueOrThrow({ where: { id: made.id } })).lastUsedAt).not.toBeNull()
  })

  it('creates a key from the CLI and prints it alone on the last line; the CLI revokes it', async () => {
    const run = promisify(execFile)
    const env = { ...process.env, DATABASE_URL: stack.stack.databaseUrl }
    const created = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'apikey', 'create', '--org', people.org.slug, '--name', 'From the shell'],
      { env },
    )
    const key = created.stdout.trim().split('\n').pop()!
    expect(key).toMatch(/^cwk_[\w-]{43}$/)
    const fromShell = clientFor(stack.stack.webUrl, key)
    expect((await fromShell('GET', '/tickets')).status).toBe(200)
    await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'apikey', 'revoke', '--org', people.org.slug, '--prefix', key.slice(0, 12)],
      { env },
    )
    expectError(await fromShell('GET', '/tickets'), 401, 'unauthorized')
    // Both are in the organisation's audit trail, which the CLI reads too.
    const audit = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'audit', 'list', '--org', people.org.slug, '--limit', '2'],
      { env },
    )
    expect(
      audit.stdout
        .trim()
        .split('\n')
        .map((line) => line.replace(/^\S+ {2}/, '')),
    ).toEqual(['An operator revoked the key “From the shell” (via cli)', 'An operator made the key “From the shell” (via cli)'])
  })

  it('shows the outbox: the mail a local stack keeps instead of sending', async () => {
    const run = promisify(execFile)
    const env = { ...process.env, DATABASE_URL: stack.stack.databaseUrl }
    const to = `outbox-${Date.now()}@test.example`
    await queueEmail(
      { ...stack.context },
      { to, subject: 'Reset your Caseway password', text: 'Open https://caseway.test/reset?token=abc', dedupeKey: to },
    )
    const listed = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'outbox', 'list', '--to', to.toUpperCase()], { env })
    expect(listed.stdout).toContain(`to ${to}`)
    expect(listed.stdout).toContain('Subject: Reset your Caseway password')
    expect(listed.stdout).toContain('https://caseway.test/reset?token=abc')
    const none = await run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'outbox', 'list', '--to', `nobody-${to}`], { env })
    expect(none.stdout.trim()).toBe(`No mail to nobody-${to}`)
  })

  it('fails with a non-zero exit code and says why when the organisation does not exist', async () => {
    const run = promisify(execFile)
    const env = { ...process.env, DATABASE_URL: stack.stack.databaseUrl }
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'apikey', 'create', '--org', 'no-such-org', '--name', 'Nowhere'],
      { env },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toContain('No organisation with the slug "no-such-org"')
  })
})

describe('POST /tickets', () => {
  it('creates the ticket, an account for a new family, and the workflow; answers with its SLA targets', async () => {
    const email = `new-family-${Date.now()}@test.example`
    const answer = await api(
      'POST',
      '/tickets',
      newTicket({ requester: { email: email.toUpperCase(), name: 'Nia New' }, priority: 'high', externalRef: 'CRM-42', childName: 'Tom' }),
    )
    expect(answer.status, JSON.stringify(answer.json)).toBe(201)
    const { ticket } = TicketEnvelope.parse(answer.json)
    expect(ticket).toMatchObject({
      subject: 'EHCP assessment request',
      type: 'ehcp',
      priority: 'high',
      status: 'new',
      awaiting: 'staff',
      assignee: null,
      requester: { email, name: 'Nia New' },
      caseRef: null,
      externalRef: 'CRM-42',
      childName: 'Tom',
    })
    expect(ticket.sla?.targets.map((t) => t.kind)).toEqual(['first_response', 'resolution'])
    expect(ticket.sla?.targets.every((t) => t.dueAt && Date.parse(t.dueAt) > Date.parse(ticket.createdAt))).toBe(true)

    const row = await stack.db.ticket.findUniqueOrThrow({ where: { orgId_number: { orgId: people.org.id, number: ticket.number } } })
    const description = await stack.temporal.workflow.getHandle(ticketWorkflowId(row.id)).describe()
    expect(description.status.name).toBe('RUNNING')
    const family = await stack.db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } })
    expect(family.passwordHash).toBeNull()
    expect(family.memberships).toMatchObject([{ orgId: people.org.id, role: 'family' }])

    // The answer is the view the workflow returned at creation: read at once, live,
    // the ticket agrees on every field that does not depend on the clock.
    const read = await api('GET', `/tickets/${ticket.number}`)
    expect(read.headers.get('caseway-state')).toBe('live')
    const withoutClock = (t: typeof ticket) => ({
      ...t,
      sla: t.sla && { ...t.sla, state: undefined, targets: t.sla.targets.map((target) => ({ ...target, state: undefined })) },
    })
    expect(withoutClock(TicketEnvelope.parse(read.json).ticket)).toEqual(withoutClock(ticket))
    const view = await stack.temporal.workflow.getHandle(ticketWorkflowId(row.id)).query(ticketViewQuery)
    expect(view).toMatchObject({ status: ticket.status, priority: ticket.priority, awaiting: ticket.awaiting, caseRef: ticket.caseRef })
    expect(view.sla?.targets.map((t) => t.dueAt)).toEqual(ticket.sla?.targets.map((t) => t.dueAt))
  })

  it('links a case and a department from the start', async () => {
    const org = await createTestOrganisation(stack.db)
    await stack.db.department.create({ data: { orgId: org.org.id, slug: 'tribunals', name: 'Tribunals' } })
    const { key } = await createApiKey(stack.db, { orgId: org.org.id, name: 'k', createdById: org.admin.id, via: 'cli' })
    const client = clientFor(stack.stack.webUrl, key)
    const ticket = await createTicket(client, {
      requester: { email: org.family.email, name: 'x' },
      department: 'tribunals',
      caseRef: 'CASE-1',
    })
    expect(ticket).toMatchObject({ department: 'tribunals', caseRef: 'CASE-1' })
    await eventually(async () => {
      const read = TicketEnvelope.parse((await client('GET', `/tickets/${ticket.number}`)).json).ticket
      expect(read.caseRef).toBe('CASE-1')
    })
    expectError(
      await client('POST', '/tickets', newTicket({ requester: { email: org.family.email, name: 'x' }, department: 'nope' })),
      422,
      'unprocessable',
    )
  })

  it('names every field problem in one 400 and writes nothing', async () => {
    const before = await stack.db.ticket.count({ where: { orgId: people.org.id } })
    const answer = await api('POST', '/tickets', { requester: { email: 'not-an-email' }, subject: '  ', type: 'parking', surprise: 1 })
    expectError(answer, 400, 'invalid_request')
    const paths = answer.json.error.details.map((d: { path: string }) => d.path)
    expect(paths).toEqual(
      expect.arrayContaining(['body.requester.email', 'body.requester.name', 'body.subject', 'body.body', 'body.type', 'body.surprise']),
    )
    expect(await stack.db.ticket.count({ where: { orgId: people.org.id } })).toBe(before)
  })

  it('refuses malformed JSON, other media types, huge or badly encoded bodies with a clear 4xx', async () => {
    const before = await stack.db.ticket.count({ where: { orgId: people.org.id } })
    expectError(await api('POST', '/tickets', '{"subject": '), 400, 'invalid_json')
    expectError(
      await api('POST', '/tickets', 'subject=hello', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    )
    expectError(await api('POST', '/tickets', JSON.stringify(newTicket()), { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type')
    expectError(await api('POST', '/tickets'), 400, 'invalid_request')
    expectError(await api('POST', '/tickets', '[1, 2]'), 400, 'invalid_request')
    expectError(await api('POST', '/tickets', '"just a string"'), 400, 'invalid_json')
    expectError(await api('POST', '/tickets', newTicket({ body: 'x'.repeat(400_000) })), 413, 'payload_too_large')
    expectError(await api('POST', '/tickets', newTicket({ body: 'x'.repeat(20_001) })), 400, 'invalid_request')
    // Invalid UTF-8 bytes, an unpaired surrogate, NUL and a line break in a one-line field.
    const invalidUtf8 = Buffer.concat([Buffer.from('{"subject": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])
    expectError(await api('POST', '/tickets', new Uint8Array(invalidUtf8)), 400, 'invalid_json')
    expectError(await api('POST', '/tickets', JSON.stringify(newTicket()).replace('EHCP', '\\ud800')), 400, 'invalid_request')
    expectError(await api('POST', '/tickets', newTicket({ body: 'null \u0000 byte' })), 400, 'invalid_request')
    expectError(await api('POST', '/tickets', newTicket({ subject: 'two\nlines' })), 400, 'invalid_request')
    expectError(await api('POST', '/tickets', newTicket({ priority: 7, type: null })), 400, 'invalid_request')
    expect(await stack.db.ticket.count({ where: { orgId: people.org.id } })).toBe(before)
  })

  it('refuses a member of staff as the requester', async () => {
    const answer = await api('POST', '/tickets', newTicket({ requester: { email: people.advocate.email, name: 'Sam' } }))
    expectError(answer, 422, 'unprocessable')
    expect(answer.json.error.details[0].path).toBe('body.requester.email')
  })
})

describe('Idempotency-Key', () => {
  it('answers a retry with the same ticket, and refuses the key with another body', async () => {
    const key = `retry-${Date.now()}`
    const first = await api('POST', '/tickets', newTicket({ subject: 'Retried once' }), { 'Idempotency-Key': key })
    expect(first.status).toBe(201)
    // The same JSON with keys in another order is the same body.
    const { subject, ...rest } = newTicket({ subject: 'Retried once' })
    const second = await api('POST', '/tickets', { subject, ...rest }, { 'Idempotency-Key': key })
    expect(second.status).toBe(201)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(second.json.ticket.number).toBe(first.json.ticket.number)
    expectError(
      await api('POST', '/tickets', newTicket({ subject: 'Something else' }), { 'Idempotency-Key': key }),
      422,
      'idempotency_key_reused',
    )
    expectError(await api('POST', '/tickets', newTicket(), { 'Idempotency-Key': 'no spaces allowed' }), 400, 'invalid_request')
    expect(await stack.db.ticket.count({ where: { orgId: people.org.id, subject: 'Retried once' } })).toBe(1)
  })

  it('makes one ticket and one workflow from 10 concurrent retries', async () => {
    const org = await orgWithKey()
    const body = newTicket({ requester: { email: org.family.email, name: 'Fran' }, subject: 'Ten at once' })
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => org.api('POST', '/tickets', body, { 'Idempotency-Key': 'same-key' })),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201))
    expect(new Set(answers.map((a) => a.json.ticket.number))).toEqual(new Set([1]))
    expect(await stack.db.ticket.count({ where: { orgId: org.org.id } })).toBe(1)
    await eventually(async () => {
      const { count } = await stack.temporal.workflow.count(`OrgId = "${org.org.id}"`)
      expect(count).toBe(1)
    })
    // Only the number it used is taken: the next ticket is number 2.
    expect((await createTicket(org.api, { requester: { email: org.family.email, name: 'Fran' } })).number).toBe(2)
  })
})

describe('reading tickets', () => {
  it('reads one ticket live, and 404s (or 400s) for numbers it does not have', async () => {
    const created = await createTicket()
    const answer = await api('GET', `/tickets/${created.number}`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('caseway-state')).toBe('live')
    expect(TicketEnvelope.parse(answer.json).ticket).toMatchObject({ number: created.number, status: 'new' })
    expectError(await api('GET', '/tickets/999999'), 404, 'not_found')
    expectError(await api('GET', '/tickets/abc'), 400, 'invalid_request')
    expectError(await api('GET', '/tickets/99999999999'), 400, 'invalid_request')
    expectError(await api('GET', '/tickets/0'), 400, 'invalid_request')
  })

  it('lists from the database with filters and a keyset cursor', async () => {
    const org = await orgWithKey()
    const family = { email: org.family.email, name: 'Fran' }
    const made = []
    for (const [i, type] of ['ehcp', 'dla', 'dla', 'tribunal', 'dla'].entries())
      made.push(await createTicket(org.api, { requester: family, type, subject: `Listed ${i}`, priority: i === 0 ? 'urgent' : 'normal' }))
    await org.api('POST', `/tickets/${made[0]!.number}/assign`, { assignee: { email: org.advocate.email } })

    const pages: number[] = []
    let cursor: string | null = null
    do {
      const answer = await org.api('GET', `/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(answer.status).toBe(200)
      const page = TicketListSchema.parse(answer.json)
      expect(page.tickets.length).toBeLessThanOrEqual(2)
      pages.push(...page.tickets.map((t) => t.number))
      cursor = page.nextCursor
    } while (cursor)
    expect(pages.sort()).toEqual([1, 2, 3, 4, 5])

    const numbers = async (query: string) =>
      TicketListSchema.parse((await org.api('GET', `/tickets?${query}`)).json)
        .tickets.map((t) => t.number)
        .sort()
    expect(await numbers('type=dla')).toEqual([2, 3, 5])
    expect(await numbers('priority=urgent')).toEqual([1])
    expect(await numbers(`assignee=${encodeURIComponent(org.advocate.email)}`)).toEqual([1])
    expect(await numbers('assignee=none')).toEqual([2, 3, 4, 5])
    expect(await numbers('status=in_progress')).toEqual([1])
    expect(await numbers('status=new&type=dla')).toEqual([2, 3, 5])
    expect(await numbers(`updatedSince=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([])
    expect(await numbers(`assignee=${encodeURIComponent('nobody@test.example')}`)).toEqual([])
    await eventually(async () => expect(await numbers('slaState=on_track')).toEqual([1, 2, 3, 4, 5]))

    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'status=open',
      'cursor=garbage',
      'color=red',
      'type=dla&type=ehcp',
      'updatedSince=yesterday',
    ])
      expectError(await org.api('GET', `/tickets?${query}`), 400, 'invalid_request')
  })

  it('keeps organisations apart: another organisation’s ticket does not exist', async () => {
    const ours = await createTicket()
    const other = await orgWithKey()
    for (const [method, path, body] of [
      ['GET', `/tickets/${ours.number}`],
      ['GET', `/tickets/${ours.number}/messages`],
      ['POST', `/tickets/${ours.number}/messages`, { author: { email: people.advocate.email }, body: 'Hello' }],
      ['POST', `/tickets/${ours.number}/status`, { status: 'resolved' }],
      ['POST', `/tickets/${ours.number}/assign`, { assignee: { email: other.advocate.email } }],
      ['POST', `/tickets/${ours.number}/priority`, { priority: 'low' }],
      ['POST', `/tickets/${ours.number}/case`, { caseRef: 'X' }],
      ['POST', `/tickets/${ours.number}/la-response`, {}],
    ] as const)
      expectError(await other.api(method, path, body), 404, 'not_found')
    expect(TicketListSchema.parse((await other.api('GET', '/tickets')).json).tickets).toEqual([])
    // Our staff are not theirs.
    const theirs = await createTicket(other.api, { requester: { email: other.family.email, name: 'x' } })
    expectError(
      await other.api('POST', `/tickets/${theirs.number}/assign`, { assignee: { email: people.advocate.email } }),
      422,
      'unprocessable',
    )
    // Closing a case closes only this organisation's tickets.
    await api('POST', `/tickets/${ours.number}/case`, { caseRef: 'SHARED-REF' })
    expect((await other.api('POST', '/cases/SHARED-REF/close')).json).toEqual({ resolved: [] })
    expect((await stack.db.ticket.findFirstOrThrow({ where: { orgId: people.org.id, number: ours.number } })).status).toBe('new')
  })
})

describe('messages', () => {
  it('a family message tells the assigned advocate, in the portal’s notifications', async () => {
    const ticket = await createTicket()
    expect((await api('POST', `/tickets/${ticket.number}/assign`, { assignee: { email: people.advocate.email } })).status).toBe(200)
    const reply = await api('POST', `/tickets/${ticket.number}/messages`, {
      author: { email: people.family.email },
      body: 'The letter came today',
    })
    expect(reply.status).toBe(201)
    const { id: ticketId } = await ticketRow(ticket.number)
    await eventually(async () => {
      const told = await stack.db.notification.findMany({
        where: { ticketId, kind: 'family_replied' },
        select: { userId: true, text: true },
      })
      expect(told).toEqual([{ userId: people.advocate.id, text: `${people.family.name} replied to request #${ticket.number}` }])
    })
  })

  it('lists the conversation, takes a staff reply and refuses what it must', async () => {
    const ticket = await createTicket()
    const listed = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json)
    expect(listed.messages).toMatchObject([{ author: { email: people.family.email, role: 'family' }, visibility: 'public' }])

    const reply = await api('POST', `/tickets/${ticket.number}/messages`, {
      author: { email: people.advocate.email },
      body: 'Could you send the refusal letter?',
    })
    expect(reply.status, JSON.stringify(reply.json)).toBe(201)
    const created = MessageCreatedSchema.parse(reply.json)
    expect(created.message).toMatchObject({ author: { email: people.advocate.email, role: 'staff' }, visibility: 'public' })
    expect(created.ticket).toMatchObject({ status: 'in_progress', awaiting: 'family' })

    const note = await api('POST', `/tickets/${ticket.number}/messages`, {
      author: { email: people.admin.email },
      body: 'Chase in a week',
      visibility: 'internal',
    })
    expect(note.status).toBe(201)
    expect(note.json.message.author.role).toBe('admin')

    const familyReply = await api('POST', `/tickets/${ticket.number}/messages`, {
      author: { email: people.family.email },
      body: 'Attached, thanks',
    })
    expect(familyReply.json.ticket).toMatchObject({ status: 'in_progress', awaiting: 'staff' })

    const count = await stack.db.message.count({ where: { ticketId: (await ticketRow(ticket.number)).id } })
    expectError(
      await api('POST', `/tickets/${ticket.number}/messages`, {
        author: { email: people.family.email },
        body: 'psst',
        visibility: 'internal',
      }),
      403,
      'forbidden',
    )
    expectError(
      await api('POST', `/tickets/${ticket.number}/messages`, { author: { email: people.otherFamily.email }, body: 'Not my ticket' }),
      422,
      'unprocessable',
    )
    expectError(
      await api('POST', `/tickets/${ticket.number}/messages`, { author: { email: 'stranger@test.example' }, body: 'Hi' }),
      422,
      'unprocessable',
    )
    expectError(
      await api('POST', `/tickets/${ticket.number}/messages`, { author: { email: people.advocate.email } }),
      400,
      'invalid_request',
    )

    expect((await api('POST', `/tickets/${ticket.number}/status`, { status: 'closed' })).status).toBe(200)
    expectError(
      await api('POST', `/tickets/${ticket.number}/messages`, { author: { email: people.advocate.email }, body: 'Too late' }),
      409,
      'ticket_closed',
    )
    expect(await stack.db.message.count({ where: { ticketId: (await ticketRow(ticket.number)).id } })).toBe(count)

    const all = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json).messages
    expect(all.map((m) => m.body)).toEqual([
      'We asked the council for an assessment in March and have heard nothing.',
      'Could you send the refusal letter?',
      'Chase in a week',
      'Attached, thanks',
    ])
  })

  it('starts a follow-up when the family writes on a closed ticket', async () => {
    const closed = await createTicket()
    expect((await api('POST', `/tickets/${closed.number}/status`, { status: 'closed' })).status).toBe(200)
    const answer = await api('POST', `/tickets/${closed.number}/messages`, {
      author: { email: people.family.email },
      body: 'It happened again',
    })
    expect(answer.status, JSON.stringify(answer.json)).toBe(201)
    const { message, ticket } = MessageCreatedSchema.parse(answer.json)
    expect(ticket).toMatchObject({ followUpOf: closed.number, type: closed.type, status: 'new', awaiting: 'staff' })
    expect(ticket.number).not.toBe(closed.number)
    expect(message).toMatchObject({ body: 'It happened again', author: { email: people.family.email, role: 'family' } })
    const followUp = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json).messages
    expect(followUp.map((m) => m.id)).toEqual([message.id])
    expect((await api('GET', `/tickets/${closed.number}`)).json.ticket).toMatchObject({ status: 'closed', followUpOf: null })
  })

  it('takes files with a message as multipart/form-data, lists them and serves them back', async () => {
    const ticket = await createTicket()
    const letter = new TextEncoder().encode('%PDF-1.4\n% the council’s refusal\n')
    const form = new FormData()
    form.append('payload', JSON.stringify({ author: { email: people.family.email }, body: 'The refusal letter is attached.' }))
    form.append('attachments', new Blob([letter], { type: 'application/octet-stream' }), 'refusal letter.pdf')
    form.append('attachments', new Blob(['Notes from the call']), 'notes.txt')
    const answer = await api('POST', `/tickets/${ticket.number}/messages`, form)
    expect(answer.status, JSON.stringify(answer.json)).toBe(201)
    const { message } = MessageCreatedSchema.parse(answer.json)
    expect(message.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size }))).toEqual([
      { filename: 'refusal letter.pdf', contentType: 'application/pdf', size: letter.byteLength },
      { filename: 'notes.txt', contentType: 'text/plain', size: 19 },
    ])
    const listed = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json).messages
    expect(listed.at(-1)!.attachments).toEqual(message.attachments)

    const download = await fetch(`${stack.stack.webUrl}${message.attachments[0]!.url}`, { headers: { Authorization: `Bearer ${apiKey}` } })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/pdf')
    expect(download.headers.get('content-disposition')).toContain('attachment;')
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(letter)
    const elsewhere = await orgWithKey()
    expectError(await elsewhere.api('GET', message.attachments[0]!.url.replace('/api/v1', '')), 404, 'not_found')
  })

  it('refuses bad uploads with a clear 4xx and records nothing', async () => {
    const ticket = await createTicket()
    const row = await ticketRow(ticket.number)
    const count = () => stack.db.message.count({ where: { ticketId: row.id } })
    const before = await count()
    const payload = JSON.stringify({ author: { email: people.family.email }, body: 'Files' })
    const withFiles = (files: [string, Uint8Array<ArrayBuffer> | string][], withPayload: string | null = payload) => {
      const form = new FormData()
      if (withPayload !== null) form.append('payload', withPayload)
      for (const [name, bytes] of files) form.append('attachments', new Blob([bytes]), name)
      return form
    }
    const path = `/tickets/${ticket.number}/messages`
    expectError(await api('POST', path, withFiles([['big.pdf', new Uint8Array(MAX_FILE_BYTES + 1).fill(0x25)]])), 413, 'payload_too_large')
    expectError(
      await api('POST', path, withFiles(Array.from({ length: MAX_FILES + 1 }, (_, i) => [`n${i}.txt`, 'note'] as [string, string]))),
      413,
      'payload_too_large',
    )
    expectError(await api('POST', path, withFiles([['run.exe', 'MZ']])), 422, 'unprocessable')
    expectError(await api('POST', path, withFiles([['fake.pdf', 'not a pdf']])), 422, 'unprocessable')
    expectError(await api('POST', path, withFiles([['a.txt', 'a']], null)), 400, 'invalid_request')
    expectError(await api('POST', path, withFiles([['a.txt', 'a']], '{"author":')), 400, 'invalid_json')
    expectError(await api('POST', path, withFiles([['a.txt', 'a']], JSON.stringify({ body: 'no author' }))), 400, 'invalid_request')
    // An attachment sent as text, not a file (found by Schemathesis), is refused, not dropped without a word.
    const textPart = withFiles([])
    textPart.append('attachments', '{}')
    expectError(await api('POST', path, textPart), 400, 'invalid_request')
    expect(await count()).toBe(before)
    expect(await stack.db.attachment.count({ where: { ticketId: row.id } })).toBe(0)
    // Only messages take files.
    const form = withFiles([['a.txt', 'a']], JSON.stringify({ status: 'in_progress' }))
    expectError(await api('POST', `/tickets/${ticket.number}/status`, form), 415, 'unsupported_media_type')
  })

  it('records 100 concurrent messages to one ticket, every one, in order', async () => {
    const ticket = await createTicket()
    const bodies = Array.from({ length: 100 }, (_, i) => `Message ${i}`)
    const answers = await Promise.all(
      bodies.map((body, i) =>
        api('POST', `/tickets/${ticket.number}/messages`, { author: { email: i % 2 ? people.advocate.email : people.family.email }, body }),
      ),
    )
    expect(answers.filter((a) => a.status !== 201).map((a) => a.json)).toEqual([])
    const messages = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json).messages
    expect(messages).toHaveLength(101)
    expect(new Set(messages.slice(1).map((m) => m.body))).toEqual(new Set(bodies))
    const times = messages.map((m) => Date.parse(m.createdAt))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    // The ticket's timeline holds each exactly once, numbered without gaps.
    const row = await ticketRow(ticket.number)
    await eventually(async () => {
      const events = await stack.db.ticketEvent.findMany({ where: { ticketId: row.id }, orderBy: { seq: 'asc' } })
      const posted = events.filter((e) => e.kind === 'message_posted').map((e) => (e.data as { messageId: string }).messageId)
      expect(new Set(posted)).toEqual(new Set(answers.map((a) => a.json.message.id)))
      expect(posted).toHaveLength(100)
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    })
  })
})

async function ticketRow(number: number, orgId = people.org.id) {
  return stack.db.ticket.findUniqueOrThrow({ where: { orgId_number: { orgId, number } } })
}

describe('commands', () => {
  it('changes status with the portal’s rules, and refuses with the workflow’s reason', async () => {
    const ticket = await createTicket()
    const deadline = new Date(Date.now() + 20 * 24 * 3600_000).toISOString()
    const pendingLa = await api('POST', `/tickets/${ticket.number}/status`, {
      status: 'pending_la',
      reason: 'Assessment requested',
      laDeadline: deadline,
    })
    expect(pendingLa.status, JSON.stringify(pendingLa.json)).toBe(200)
    expect(TicketEnvelope.parse(pendingLa.json).ticket).toMatchObject({
      status: 'pending_la',
      laDeadline: deadline,
      sla: { state: expect.any(String) },
    })

    const same = await api('POST', `/tickets/${ticket.number}/status`, { status: 'pending_la' })
    expectError(same, 409, 'no_change')
    await api('POST', `/tickets/${ticket.number}/status`, { status: 'closed' })
    expectError(await api('POST', `/tickets/${ticket.number}/status`, { status: 'in_progress' }), 409, 'ticket_closed')

    const other = await createTicket()
    await api('POST', `/tickets/${other.number}/status`, { status: 'resolved' })
    const invalid = await api('POST', `/tickets/${other.number}/status`, { status: 'pending_family' })
    expectError(invalid, 409, 'invalid_transition')
    expect(invalid.json.error.message).toBe('A ticket in Resolved cannot move to Pending family')
    expectError(await api('POST', `/tickets/${other.number}/status`, { status: 'lost' }), 400, 'invalid_request')
    expectError(
      await api('POST', `/tickets/${other.number}/status`, { status: 'closed', actor: { email: people.family.email } }),
      422,
      'unprocessable',
    )
  })

  it('needs a member of staff behind a change when the key was made without one', async () => {
    const org = await orgWithKey({ creator: false })
    const ticket = await createTicket(org.api, { requester: { email: org.family.email, name: 'x' } })
    const answer = await org.api('POST', `/tickets/${ticket.number}/status`, { status: 'in_progress' })
    expectError(answer, 422, 'unprocessable')
    expect(answer.json.error.details[0].path).toBe('body.actor')
    const withActor = await org.api('POST', `/tickets/${ticket.number}/status`, {
      status: 'in_progress',
      actor: { email: org.advocate.email },
    })
    expect(withActor.status).toBe(200)
  })

  it('assigns to a member of staff and changes priority, recomputing the SLA', async () => {
    const ticket = await createTicket(api, { priority: 'low', requester: newFamily() })
    const assigned = await api('POST', `/tickets/${ticket.number}/assign`, { assignee: { email: people.advocate.email.toUpperCase() } })
    expect(assigned.status).toBe(200)
    expect(assigned.json.ticket).toMatchObject({ status: 'in_progress', assignee: { email: people.advocate.email, name: 'Sam Advocate' } })
    expectError(await api('POST', `/tickets/${ticket.number}/assign`, { assignee: { email: people.advocate.email } }), 409, 'no_change')
    expectError(await api('POST', `/tickets/${ticket.number}/assign`, { assignee: { email: people.family.email } }), 422, 'unprocessable')

    const before = TicketEnvelope.parse((await api('GET', `/tickets/${ticket.number}`)).json).ticket
    const urgent = await api('POST', `/tickets/${ticket.number}/priority`, { priority: 'urgent' })
    expect(urgent.status).toBe(200)
    const after = TicketEnvelope.parse(urgent.json).ticket
    expect(after.priority).toBe('urgent')
    const due = (t: typeof after) => t.sla?.targets.find((target) => target.kind === 'resolution')?.dueAt
    expect(Date.parse(due(after)!)).toBeLessThan(Date.parse(due(before)!))
    expectError(await api('POST', `/tickets/${ticket.number}/priority`, { priority: 'urgent' }), 409, 'no_change')
  })

  it('ends a pending-LA wait when the local authority responds, keeping the note', async () => {
    const ticket = await createTicket()
    expectError(await api('POST', `/tickets/${ticket.number}/la-response`, {}), 409, 'invalid_transition')
    await api('POST', `/tickets/${ticket.number}/status`, { status: 'pending_la' })
    const answer = await api('POST', `/tickets/${ticket.number}/la-response`, {
      note: 'Assessment agreed',
      receivedAt: '2026-03-02T10:00:00Z',
    })
    expect(answer.status, JSON.stringify(answer.json)).toBe(200)
    expect(answer.json.ticket).toMatchObject({ status: 'in_progress', awaiting: 'staff' })
    const messages = MessageListSchema.parse((await api('GET', `/tickets/${ticket.number}/messages`)).json).messages
    expect(messages.at(-1)).toMatchObject({
      visibility: 'internal',
      author: { email: people.admin.email },
      body: expect.stringContaining('Assessment agreed'),
    })
  })
})

describe('cases', () => {
  it('resolves every open ticket linked to a closed case', async () => {
    const caseRef = `CASE/${Date.now()}`
    const fromStart = await createTicket(api, { caseRef })
    const linked = await createTicket()
    const alsoLinked = await createTicket()
    const done = await createTicket()
    const unrelated = await createTicket(api, { requester: newFamily() })
    for (const ticket of [linked, alsoLinked, done]) {
      const answer = await api('POST', `/tickets/${ticket.number}/case`, { caseRef })
      expect(answer.json.ticket.caseRef).toBe(caseRef)
    }
    await api('POST', `/tickets/${alsoLinked.number}/status`, { status: 'pending_family' })
    await api('POST', `/tickets/${done.number}/status`, { status: 'resolved' })
    await eventually(async () => expect((await ticketRow(fromStart.number)).caseRef).toBe(caseRef))

    const closed = await api('POST', `/cases/${encodeURIComponent(caseRef)}/close`)
    expect(closed.status).toBe(202)
    expect(CaseClosedSchema.parse(closed.json).resolved).toEqual([fromStart.number, linked.number, alsoLinked.number].sort((a, b) => a - b))
    for (const ticket of [fromStart, linked, alsoLinked])
      await eventually(async () => {
        const read = TicketEnvelope.parse((await api('GET', `/tickets/${ticket.number}`)).json).ticket
        expect(read.status).toBe('resolved')
      })
    expect((await api('GET', `/tickets/${unrelated.number}`)).json.ticket.status).toBe('new')
    await eventually(async () =>
      expect((await api('POST', `/cases/${encodeURIComponent(caseRef)}/close`, {})).json).toEqual({ resolved: [] }),
    )
    expect((await api('POST', '/cases/NO-SUCH-CASE/close')).json).toEqual({ resolved: [] })
    expectError(await api('POST', '/cases/X/close', { extra: true }), 400, 'invalid_request')
    expectError(await api('POST', `/cases/${'x'.repeat(101)}/close`), 400, 'invalid_request')
    expectError(await api('POST', '/cases/%E0%A4%A/close'), 400, 'invalid_request')
  })

  it('unlinks a case with null', async () => {
    const ticket = await createTicket(api, { caseRef: 'TO-UNLINK' })
    await eventually(async () => expect((await api('GET', `/tickets/${ticket.number}`)).json.ticket.caseRef).toBe('TO-UNLINK'))
    const answer = await api('POST', `/tickets/${ticket.number}/case`, { caseRef: null })
    expect(answer.json.ticket.caseRef).toBeNull()
    expectError(await api('POST', `/tickets/${ticket.number}/case`, {}), 400, 'invalid_request')
  })
})

describe('the SLA policy', () => {
  const minutePolicy = {
    timezone: 'Europe/London',
    businessHours: { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    holidays: ['2026-12-25'],
    atRiskShare: 0.25,
    targets: Object.fromEntries(
      ['urgent', 'high', 'normal', 'low'].map((p) => [
        p,
        { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 600, calendar: '24x7' },
      ]),
    ),
    typeOverrides: { tribunal: { urgent: { firstResponseMinutes: 5, nextResponseMinutes: 5, resolutionMinutes: 50, calendar: '24x7' } } },
    pendingFamily: { reminderDays: 3, autoCloseDays: 10 },
    reopenWindowDays: 5,
  }

  it('reads the default, refuses an invalid policy naming each problem, and stores a valid one for new tickets', async () => {
    const org = await orgWithKey()
    const family = { email: org.family.email, name: 'x' }
    const initial = SlaPolicyEnvelope.parse((await org.api('GET', '/settings/sla-policy')).json)
    expect(initial.isDefault).toBe(true)
    expect(initial.policy.timezone).toBe('Europe/London')
    const running = await createTicket(org.api, { requester: family })
    // A new ticket takes its policy when its workflow starts: let it have started.
    await eventually(async () => {
      const live = TicketEnvelope.parse((await org.api('GET', `/tickets/${running.number}`)).json).ticket
      expect(live.sla?.targets).toEqual(running.sla?.targets)
    })

    const invalid = await org.api('PUT', '/settings/sla-policy', {
      ...minutePolicy,
      timezone: 'Mars/Olympus',
      businessHours: { days: [8], start: '17:00', end: '09:00' },
      atRiskShare: 2,
      unknown: true,
    })
    expectError(invalid, 400, 'invalid_request')
    expect(invalid.json.error.details.map((d: { path: string }) => d.path)).toEqual(
      expect.arrayContaining(['body.timezone', 'body.businessHours.days.0', 'body.atRiskShare', 'body.unknown']),
    )
    expect((await org.api('GET', '/settings/sla-policy')).json.isDefault).toBe(true)

    const saved = await org.api('PUT', '/settings/sla-policy', minutePolicy)
    expect(saved.status, JSON.stringify(saved.json)).toBe(200)
    expect(SlaPolicySavedSchema.parse(saved.json)).toEqual({ policy: minutePolicy, appliedTo: [] })
    expect(SlaPolicyEnvelope.parse((await org.api('GET', '/settings/sla-policy')).json)).toEqual({ policy: minutePolicy, isDefault: false })

    const fresh = await createTicket(org.api, { requester: family, type: 'tribunal', priority: 'urgent' })
    const firstResponse = fresh.sla!.targets.find((t) => t.kind === 'first_response')!
    expect(Date.parse(firstResponse.dueAt!) - Date.parse(fresh.createdAt)).toBe(5 * 60_000)
    await eventually(async () => {
      const live = TicketEnvelope.parse((await org.api('GET', `/tickets/${fresh.number}`)).json).ticket
      expect(live.sla?.targets).toEqual(fresh.sla?.targets)
    })
    // The running ticket kept its policy.
    const unchanged = TicketEnvelope.parse((await org.api('GET', `/tickets/${running.number}`)).json).ticket
    expect(unchanged.sla?.targets).toEqual(running.sla?.targets)

    // Opting in applies it to running tickets too.
    const applied = await org.api('PUT', '/settings/sla-policy?applyToOpenTickets=true', minutePolicy)
    expect(applied.json.appliedTo).toEqual([running.number, fresh.number])
    // Time already used stays used: the new 600-minute budget runs from about now.
    await eventually(async () => {
      const live = TicketEnvelope.parse((await org.api('GET', `/tickets/${running.number}`)).json).ticket
      const resolution = live.sla!.targets.find((t) => t.kind === 'resolution')!
      expect(Math.abs(Date.parse(resolution.dueAt!) - (Date.now() + 600 * 60_000))).toBeLessThan(2 * 60_000)
    })
    expectError(await org.api('PUT', '/settings/sla-policy?applyToOpenTickets=yes', minutePolicy), 400, 'invalid_request')
    // ETag and If-Match: a save based on a stale read is refused and changes nothing.
    const read = await org.api('GET', '/settings/sla-policy')
    const etag = read.headers.get('etag')!
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/)
    const longer = { ...minutePolicy, reopenWindowDays: 9 }
    const guarded = await org.api('PUT', '/settings/sla-policy', longer, { 'If-Match': etag })
    expect(guarded.status).toBe(200)
    const newEtag = guarded.headers.get('etag')
    expect(newEtag).not.toBe(etag)
    expect((await org.api('GET', '/settings/sla-policy')).headers.get('etag')).toBe(newEtag)
    expectError(await org.api('PUT', '/settings/sla-policy', minutePolicy, { 'If-Match': etag }), 412, 'precondition_failed')
    expect(SlaPolicyEnvelope.parse((await org.api('GET', '/settings/sla-policy')).json).policy.reopenWindowDays).toBe(9)
    expect((await org.api('PUT', '/settings/sla-policy', minutePolicy, { 'If-Match': newEtag! })).status).toBe(200)

    // Each save and application is in the organisation's audit trail, made by the key's admin through the API.
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: org.org.id, action: { startsWith: 'sla_policy.' } },
      orderBy: { createdAt: 'asc' },
      select: { action: true, actorId: true, via: true },
    })
    expect(audit).toEqual([
      { action: 'sla_policy.saved', actorId: org.admin.id, via: 'api' },
      { action: 'sla_policy.saved', actorId: org.admin.id, via: 'api' },
      { action: 'sla_policy.applied', actorId: org.admin.id, via: 'api' },
      { action: 'sla_policy.saved', actorId: org.admin.id, via: 'api' },
      { action: 'sla_policy.saved', actorId: org.admin.id, via: 'api' },
    ])
  })
})

describe('the error envelope', () => {
  it('answers unknown paths with 404 and known ones with the wrong method with 405', async () => {
    expectError(await api('GET', '/nothing-here'), 404, 'not_found')
    const wrongMethod = await api('DELETE', '/tickets/1')
    expectError(wrongMethod, 405, 'method_not_allowed')
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD')
    expectError(await api('GET', '/tickets/1/messages?x=1'), 400, 'invalid_request')
  })

  it('limits each key’s requests with 429 and Retry-After', async () => {
    const app = express()
    app.use((req, _res, next) => {
      ;(req as unknown as { log: unknown }).log = stack.context.log
      next()
    })
    app.use('/api/v1', createApiRouter({ ...stack.context, limits: { requests: 3, windowMs: 60_000 } }))
    const server = http.createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const org = await orgWithKey()
      const limited = clientFor(base, org.key)
      const answers = []
      for (let i = 0; i < 4; i++) answers.push(await limited('GET', '/tickets'))
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429])
      expectError(answers[3]!, 429, 'rate_limited')
      expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0)
      // Another key has its own allowance.
      expect((await clientFor(base, (await orgWithKey()).key)('GET', '/tickets')).status).toBe(200)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('the OpenAPI document', () => {
  it('is served without a key and describes every route the router serves', async () => {
    const answer = await clientFor(stack.stack.webUrl, null)('GET', '/openapi.json')
    expect(answer.status).toBe(200)
    const doc = answer.json
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(apiRoutes))))

    // What the Express router actually mounted, against the document.
    const router = createApiRouter({ ...stack.context })
    const mounted = new Set<string>()
    for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
      if (!layer.route) continue
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') mounted.add(`${method} ${layer.route.path}`)
    }
    const documented = new Set<string>()
    for (const [path, operations] of Object.entries(doc.paths as Record<string, object>))
      for (const method of Object.keys(operations)) documented.add(`${method} ${expressPath(path)}`)
    expect([...mounted].sort()).toEqual([...documented].sort())
  })

  it('is a structurally valid OpenAPI 3.1 document', async () => {
    const doc = (await clientFor(stack.stack.webUrl, null)('GET', '/openapi.json')).json
    const Operation = z.object({
      operationId: z.string().regex(/^\w+$/),
      summary: z.string().min(1),
      tags: z.array(z.string()),
      parameters: z
        .array(
          z.object({
            name: z.string(),
            in: z.enum(['path', 'query', 'header', 'cookie']),
            required: z.boolean(),
            schema: z.object({}).loose(),
          }),
        )
        .optional(),
      requestBody: z
        .object({ required: z.boolean(), content: z.record(z.string(), z.object({ schema: z.object({}).loose() })) })
        .optional(),
      responses: z.record(
        z.string().regex(/^[1-5]\d\d$/),
        z.object({ description: z.string().min(1), content: z.record(z.string(), z.object({ schema: z.object({}).loose() })).optional() }),
      ),
    })
    const Document = z.object({
      openapi: z.string().regex(/^3\.1\.\d+$/),
      info: z.object({ title: z.string().min(1), version: z.string().min(1) }),
      servers: z.array(z.object({ url: z.string() })),
      paths: z.record(
        z.string().regex(/^\//),
        z.partialRecord(z.enum(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']), Operation),
      ),
      components: z.object({
        schemas: z.record(z.string().regex(/^[\w.-]+$/), z.object({}).loose()),
        securitySchemes: z.record(z.string(), z.object({ type: z.string() }).loose()),
      }),
    })
    const parsed = Document.parse(doc)

    const operationIds = Object.values(parsed.paths).flatMap((ops) => Object.values(ops).map((op) => op!.operationId))
    expect(new Set(operationIds).size).toBe(operationIds.length)
    for (const [path, operations] of Object.entries(parsed.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      for (const operation of Object.values(operations)) {
        if (!operation) continue
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path')
        expect(declared.map((p) => p.name).sort()).toEqual(templated.sort())
        expect(declared.every((p) => p.required)).toBe(true)
      }
    }
    // Every $ref points at something that exists; every security requirement at a scheme.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThan(10)
    for (const ref of refs) {
      expect(ref).toMatch(/^#\//)
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc)
      expect(target, ref).toBeDefined()
    }
    for (const requirement of doc.security as Record<string, unknown>[])
      for (const scheme of Object.keys(requirement)) expect(parsed.components.securitySchemes[scheme]).toBeDefined()
    expect(JSON.stringify(doc)).not.toContain('$defs')
  })
})
