/**
 * An integrator's script written from the served OpenAPI document alone: it
 * knows operation ids, not routes or Caseway's code. Every request is built from
 * the document (method, path, parameters) and every answer must be a status the
 * document lists for that operation, with a body its schema accepts (JSON
 * Schema 2020-12, checked by Ajv). The script creates tickets, follows their
 * SLA, closes their case and sees them resolved; then it sends the bad requests
 * a new integrator sends, derived from the document, and each gets a clear 4xx.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiKey } from '../../services/api-keys.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

interface Operation {
  operationId: string
  security?: unknown[]
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>
}
interface Document {
  servers: { url: string }[]
  paths: Record<string, Record<string, Operation>>
}

let stack: StackConnection
let doc: Document
let key: string
let family: { email: string }
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)

beforeAll(async () => {
  stack = await connectToStack()
  const org = await createTestOrganisation(stack.db)
  family = org.family
  key = (await createApiKey(stack.db, { orgId: org.org.id, name: 'Integrator script', createdById: org.admin.id, via: 'cli' })).key
  // The one address an integrator is given.
  doc = (await (await fetch(`${stack.stack.webUrl}/api/v1/openapi.json`)).json()) as Document
  ajv.addSchema({ ...doc, $id: 'openapi.json' })
})
afterAll(async () => {
  await stack?.close()
})

function operation(operationId: string): { method: string; path: string; op: Operation } {
  for (const [path, operations] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(operations)) if (op.operationId === operationId) return { method, path, op }
  throw new Error(`The document has no operation ${operationId}`)
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

interface Call {
  params?: Record<string, string | number>
  query?: Record<string, string>
  body?: unknown
  /** Sent as it is, not as JSON: malformed bodies. */
  raw?: string
  headers?: Record<string, string>
  auth?: boolean
}

/** Calls an operation as the document describes it; the answer must be one the document promises. */
async function call(operationId: string, input: Call = {}): Promise<{ status: number; json: any }> {
  const { method, path, op } = operation(operationId)
  const url = new URL(
    `${stack.stack.webUrl}${doc.servers[0]!.url}${path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(input.params?.[name])))}`,
  )
  for (const [name, value] of Object.entries(input.query ?? {})) url.searchParams.set(name, value)
  const body = input.raw ?? (input.body === undefined ? undefined : JSON.stringify(input.body))
  const response = await fetch(url, {
    method: method.toUpperCase(),
    headers: {
      ...(input.auth === false ? {} : { Authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...input.headers,
    },
    body,
  })
  const text = await response.text()
  const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text
  const documented = op.responses[String(response.status)]
  expect(documented, `${operationId} answered ${response.status}, which the document does not list: ${text}`).toBeDefined()
  if (documented?.content?.['application/json']) {
    const ref = `openapi.json#/${pointer('paths', path, method, 'responses', String(response.status), 'content', 'application/json', 'schema')}`
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
    expect(validate(json), `${operationId} ${response.status} does not match its schema: ${ajv.errorsText(validate.errors)}\n${text}`).toBe(
      true,
    )
  }
  return { status: response.status, json }
}

describe('an integrator working from the OpenAPI document', () => {
  it('creates tickets, follows their SLA, closes their case and sees them resolved', async () => {
    const caseRef = `INT-${Date.now()}`
    const request = {
      requester: { email: family.email, name: 'Fran Family' },
      subject: 'Appeal bundle',
      body: 'The hearing is listed.',
      type: 'tribunal',
      priority: 'high',
      caseRef,
    }
    const first = await call('createTicket', { body: request, headers: { 'Idempotency-Key': `${caseRef}-1` } })
    expect(first.status).toBe(201)
    // A retry of the same request is the same ticket.
    const retried = await call('createTicket', { body: request, headers: { 'Idempotency-Key': `${caseRef}-1` } })
    expect(retried.json.ticket.number).toBe(first.json.ticket.number)

    // The SLA: every target with its due time, on track for a ticket just made.
    const live = await call('getTicket', { params: { number: first.json.ticket.number } })
    expect(live.json.ticket.sla.state).toBe('on_track')
    const kinds = live.json.ticket.sla.targets.map((t: { kind: string }) => t.kind)
    expect(kinds).toEqual(expect.arrayContaining(['first_response', 'resolution']))
    for (const target of live.json.ticket.sla.targets)
      expect(Date.parse(target.dueAt)).toBeGreaterThan(Date.parse(live.json.ticket.createdAt))
    // Lists come from the read model, which the workflows write a moment after they start.
    await eventually(async () => {
      const onTrack = await call('listTickets', { query: { slaState: 'on_track', type: 'tribunal' } })
      expect(onTrack.json.tickets.map((t: { number: number }) => t.number)).toContain(first.json.ticket.number)
    })

    // A second ticket for the case, and the case closes the moment it is acknowledged: both are resolved.
    const second = await call('createTicket', {
      body: { ...request, subject: 'Working document' },
      headers: { 'Idempotency-Key': `${caseRef}-2` },
    })
    const numbers = [first.json.ticket.number, second.json.ticket.number] as number[]

    const closed = await call('closeCase', { params: { caseRef } })
    expect(closed).toMatchObject({ status: 202, json: { resolved: [...numbers].sort((a, b) => a - b) } })
    // 202: the closure reached each workflow, which resolves its ticket a moment later.
    await eventually(async () => {
      for (const number of numbers) {
        const ticket = await call('getTicket', { params: { number } })
        expect(ticket.json.ticket).toMatchObject({ status: 'resolved', caseRef })
      }
    })
    await eventually(async () => {
      const resolved = await call('listTickets', { query: { status: 'resolved', type: 'tribunal' } })
      expect(resolved.json.tickets.map((t: { number: number }) => t.number)).toEqual(expect.arrayContaining(numbers))
    })
    // Closing it again finds nothing left to resolve.
    expect((await call('closeCase', { params: { caseRef } })).json).toEqual({ resolved: [] })
  })

  it('gets a clear, documented 4xx for every kind of bad request, on every operation', async () => {
    const ticket = await call('createTicket', {
      body: { requester: { email: family.email, name: 'Fran Family' }, subject: 'Target', body: 'Bad requests come here', type: 'general' },
    })
    const existing = { number: ticket.json.ticket.number, caseRef: 'NO-SUCH-CASE', attachmentId: '00000000-0000-4000-8000-000000000000' }
    const refusals: { operationId: string; what: string; status: number; code: string }[] = []
    const refused = async (operationId: string, what: string, input: Call) => {
      const answer = await call(operationId, input)
      expect(answer.status, `${operationId}, ${what}: ${JSON.stringify(answer.json)}`).toBeGreaterThanOrEqual(400)
      expect(answer.status, `${operationId}, ${what}`).toBeLessThan(500)
      expect(answer.json.error.message.length).toBeGreaterThan(10)
      refusals.push({ operationId, what, status: answer.status, code: answer.json.error.code })
      return answer
    }

    for (const operations of Object.values(doc.paths))
      for (const op of Object.values(operations)) {
        const params = existing
        if (op.security?.length !== 0) await refused(op.operationId, 'no key', { params, auth: false })
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path')
        if (pathParams.some((p) => p.name === 'number')) {
          const body = op.requestBody ? {} : undefined
          await refused(op.operationId, 'unknown ticket', { params: { ...params, number: 987654 }, body })
          await refused(op.operationId, 'not a number', { params: { ...params, number: 'abc' }, body })
        }
        const json = op.requestBody?.content['application/json']?.schema as { required?: string[] } | undefined
        if (!json) continue
        await refused(op.operationId, 'malformed JSON', { params, raw: '{"subject": ' })
        await refused(op.operationId, 'an array for an object', { params, body: [] })
        await refused(op.operationId, 'an unknown field', { params, body: { surprise: true } })
        if (json.required?.length) {
          const missing = await refused(op.operationId, 'required fields missing', { params, body: {} })
          expect(missing.status).toBe(400)
          // Every missing field is named.
          const named = JSON.stringify(missing.json.error.details)
          for (const field of json.required) expect(named, `${op.operationId} does not name ${field}`).toContain(field)
        }
      }
    await refused('listTickets', 'an unknown status', { query: { status: 'sleeping' } })
    await refused('listTickets', 'a huge page', { query: { limit: '100000' } })
    await refused('listTickets', 'a forged cursor', { query: { cursor: 'not-a-cursor' } })
    await refused('changeStatus', 'the status the ticket already has', { params: existing, body: { status: 'new' } })
    const once = await call('createTicket', {
      body: { requester: { email: family.email, name: 'Fran' }, subject: 'One', body: 'x', type: 'general' },
      headers: { 'Idempotency-Key': 'reused' },
    })
    expect(once.status).toBe(201)
    await refused('createTicket', 'an idempotency key reused for another body', {
      body: { requester: { email: family.email, name: 'Fran' }, subject: 'Two', body: 'x', type: 'general' },
      headers: { 'Idempotency-Key': 'reused' },
    })
    expect(refusals.length).toBeGreaterThan(40)
    expect(new Set(refusals.map((r) => r.code))).toEqual(
      new Set(['unauthorized', 'not_found', 'invalid_request', 'invalid_json', 'no_change', 'idempotency_key_reused']),
    )
  })
})
