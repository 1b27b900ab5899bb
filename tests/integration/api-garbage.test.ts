/**
 * Generated garbage against every endpoint of the integration API: random
 * JSON, almost-valid bodies with one field gone wrong, unknown fields, bytes
 * that are not UTF-8, unpaired surrogates, NULs, odd paths and query strings.
 * Whatever arrives, the answer is never a 5xx, a refusal is always the error
 * envelope, and a refused request leaves nothing behind in the database.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorSchema } from '../../web/api/errors.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let key: string
let ticketNumber: number

const GARBAGE_DOMAIN = '@garbage.test.example'

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  key = (await createApiKey(stack.db, { orgId: people.org.id, name: 'Fuzzer', createdById: people.admin.id, via: 'cli' })).key
  const created = await send('POST', '/tickets', {
    json: { requester: { email: people.family.email, name: 'Fran' }, subject: 'Target', body: 'Garbage comes here', type: 'general' },
  })
  expect(created.status).toBe(201)
  ticketNumber = (created.body as { ticket: { number: number } }).ticket.number
  // Its workflow's first save lands a moment later; the footprint must be still before garbage arrives.
  await eventually(async () => {
    const row = await stack.db.ticket.findUniqueOrThrow({ where: { orgId_number: { orgId: people.org.id, number: ticketNumber } } })
    expect(row.slaState).not.toBeNull()
  })
})
afterAll(async () => {
  await stack?.close()
})

interface Sent {
  status: number
  body: unknown
}

async function send(
  method: string,
  path: string,
  options: { json?: unknown; raw?: Uint8Array | string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Sent> {
  const body = options.raw !== undefined ? options.raw : options.json !== undefined ? JSON.stringify(options.json) : undefined
  const response = await fetch(`${stack.stack.webUrl}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'Content-Type': options.contentType ?? 'application/json' }),
      ...options.headers,
    },
    body: body instanceof Uint8Array ? new Blob([new Uint8Array(body)]) : body,
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // Left as text: the assertion below says what it was.
  }
  return { status: response.status, body: parsed }
}

/** What a refused request must not have changed: everything of this organisation, and accounts made for garbage. */
async function footprint() {
  const orgId = people.org.id
  const [tickets, messages, users, idempotency, events, org] = await Promise.all([
    stack.db.ticket.count({ where: { orgId } }),
    stack.db.message.count({ where: { ticket: { orgId } } }),
    stack.db.user.count({ where: { email: { endsWith: GARBAGE_DOMAIN } } }),
    stack.db.idempotencyRecord.count({ where: { orgId } }),
    stack.db.ticketEvent.count({ where: { ticket: { orgId } } }),
    stack.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { slaPolicy: true, lastTicketNumber: true } }),
  ])
  return { tickets, messages, users, idempotency, events, org: JSON.stringify(org) }
}

// ---------------------------------------------------------------------------
// Generators

const nastyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u202e', '\n\n', 'ok', '🙂'.repeat(3), 'x'.repeat(300)),
)
const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  nastyText,
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.array(nastyText, { maxLength: 3 }),
)
const email = fc.oneof(
  fc.constantFrom(`fresh${GARBAGE_DOMAIN}`, 'not-an-email', 'stranger@test.example', `UPPER${GARBAGE_DOMAIN.toUpperCase()}`),
  fc.string({ maxLength: 12 }).map((local) => `${local}${GARBAGE_DOMAIN}`),
  nastyText,
)
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: garbageValue })

/** Valid-looking objects with some fields wrong, missing, or extra. */
function almost(fields: Record<string, fc.Arbitrary<unknown>>) {
  return fc
    .tuple(
      fc.record(Object.fromEntries(Object.entries(fields).map(([name, valid]) => [name, maybe(valid)])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 8 }), garbageValue, { maxKeys: 2 }),
      fc.boolean(),
    )
    .map(([body, extra, withExtra]) => (withExtra ? { ...body, ...extra } : body))
}

const anyBody = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    almost(fields).map((json) => ({ json })),
    garbageValue.map((json) => ({ json })),
    fc.uint8Array({ maxLength: 64 }).map((raw) => ({ raw })),
    fc.string({ maxLength: 40 }).map((raw) => ({ raw })),
    fc.constantFrom(
      { raw: '{"a":' },
      { raw: '{"__proto__": {"admin": true}}' },
      { raw: 'null' },
      { raw: '' },
      { raw: '{}', contentType: 'text/plain' },
      { raw: '{}', contentType: 'application/json; charset=latin1' },
      { raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    ),
  )

const statuses = fc.constantFrom('new', 'in_progress', 'pending_family', 'pending_la', 'resolved', 'closed', 'open', 'NEW')
const priorities = fc.constantFrom('urgent', 'high', 'normal', 'low', 'critical')
const types = fc.constantFrom('ehcp', 'dla', 'tribunal', 'annual_review', 'la_refusal', 'general', 'EHCP')
const person = almost({ email })
const instant = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  nastyText,
)

/** A path segment: mostly odd numbers, sometimes raw junk (including invalid percent-encoding). */
const segment = fc.oneof(
  fc.constant(() => String(ticketNumber)),
  fc
    .oneof(fc.integer(), fc.bigInt(), nastyText, fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '0', '-1', '1e3', ' 1'))
    .map((value) => () => (typeof value === 'string' && value.startsWith('%') ? value : pathSegment(String(value)))),
)

/** Percent-encoded; an unpaired surrogate (which encodeURIComponent refuses) goes as the bytes of one, which are not UTF-8. */
function pathSegment(text: string): string {
  return [...text].map((char) => (/[\ud800-\udfff]/.test(char) ? '%ED%A0%80' : encodeURIComponent(char))).join('')
}

const endpoints: { name: string; request: fc.Arbitrary<() => Promise<Sent>> }[] = [
  {
    name: 'POST /tickets',
    request: fc
      .tuple(
        anyBody({
          requester: almost({ email, name: fc.oneof(fc.constant('Nia'), nastyText) }),
          subject: fc.oneof(fc.constant('Help'), nastyText),
          body: fc.oneof(fc.constant('Please help'), nastyText),
          type: types,
          priority: priorities,
          department: nastyText,
          childName: nastyText,
          externalRef: nastyText,
          caseRef: nastyText,
        }),
        fc.option(fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((k) => k.replace(/[^\x21-\x7e]/g, ''))),
      )
      .map(
        ([body, idempotencyKey]) =>
          () =>
            send('POST', '/tickets', { ...body, headers: idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey } }),
      ),
  },
  {
    name: 'GET /tickets',
    request: fc
      .dictionary(
        fc.oneof(
          fc.constantFrom('status', 'slaState', 'assignee', 'type', 'priority', 'updatedSince', 'cursor', 'limit'),
          fc.string({ maxLength: 6 }),
        ),
        fc.oneof(statuses, types, priorities, nastyText, fc.integer().map(String), instant),
        { maxKeys: 4 },
      )
      .map((query) => () => send('GET', `/tickets?${new URLSearchParams(query as Record<string, string>)}`)),
  },
  { name: 'GET /tickets/{number}', request: segment.map((n) => () => send('GET', `/tickets/${n()}`)) },
  { name: 'GET /tickets/{number}/messages', request: segment.map((n) => () => send('GET', `/tickets/${n()}/messages`)) },
  {
    name: 'POST /tickets/{number}/messages',
    request: fc
      .tuple(
        segment,
        anyBody({
          author: person,
          body: fc.oneof(fc.constant('Hello'), nastyText),
          visibility: fc.constantFrom('public', 'internal', 'secret'),
        }),
      )
      .map(
        ([n, body]) =>
          () =>
            send('POST', `/tickets/${n()}/messages`, body),
      ),
  },
  {
    name: 'POST /tickets/{number}/status',
    request: fc.tuple(segment, anyBody({ status: statuses, reason: nastyText, laDeadline: instant, actor: person })).map(
      ([n, body]) =>
        () =>
          send('POST', `/tickets/${n()}/status`, body),
    ),
  },
  {
    name: 'POST /tickets/{number}/assign',
    request: fc.tuple(segment, anyBody({ assignee: person, actor: person })).map(
      ([n, body]) =>
        () =>
          send('POST', `/tickets/${n()}/assign`, body),
    ),
  },
  {
    name: 'POST /tickets/{number}/priority',
    request: fc.tuple(segment, anyBody({ priority: priorities, actor: person })).map(
      ([n, body]) =>
        () =>
          send('POST', `/tickets/${n()}/priority`, body),
    ),
  },
  {
    name: 'POST /tickets/{number}/case',
    request: fc.tuple(segment, anyBody({ caseRef: fc.oneof(nastyText, fc.constant(null)), actor: person })).map(
      ([n, body]) =>
        () =>
          send('POST', `/tickets/${n()}/case`, body),
    ),
  },
  {
    name: 'POST /tickets/{number}/la-response',
    request: fc.tuple(segment, anyBody({ note: nastyText, receivedAt: instant, actor: person })).map(
      ([n, body]) =>
        () =>
          send('POST', `/tickets/${n()}/la-response`, body),
    ),
  },
  {
    name: 'POST /cases/{caseRef}/close',
    request: fc.tuple(segment, fc.oneof(fc.constant({}), anyBody({}))).map(
      ([ref, body]) =>
        () =>
          send('POST', `/cases/${ref()}/close`, body),
    ),
  },
  {
    name: 'PUT /settings/sla-policy',
    request: fc
      .tuple(
        anyBody({
          timezone: fc.constantFrom('Europe/London', 'Nowhere/Land'),
          businessHours: almost({
            days: fc.array(fc.integer({ min: -1, max: 9 }), { maxLength: 8 }),
            start: fc.constantFrom('09:00', '25:00'),
            end: nastyText,
          }),
          holidays: fc.array(fc.oneof(fc.constant('2026-12-25'), fc.constant('2026-02-30'), nastyText), { maxLength: 3 }),
          atRiskShare: fc.double(),
          targets: fc.dictionary(
            priorities,
            almost({
              firstResponseMinutes: fc.integer(),
              nextResponseMinutes: fc.integer(),
              resolutionMinutes: fc.integer(),
              calendar: fc.constantFrom('business', '24x7', 'lunar'),
            }),
          ),
          typeOverrides: fc.dictionary(types, garbageValue),
          pendingFamily: almost({ reminderDays: fc.integer(), autoCloseDays: fc.integer() }),
          reopenWindowDays: fc.integer(),
        }),
        fc.constantFrom('', '?applyToOpenTickets=true', '?applyToOpenTickets=1', '?x=y'),
      )
      .map(
        ([body, query]) =>
          () =>
            send('PUT', `/settings/sla-policy${query}`, body),
      ),
  },
]

describe('generated garbage', () => {
  it('gets a clear 4xx from every endpoint, never a 5xx, and leaves nothing half-written', { timeout: 120_000 }, async () => {
    const counts: Record<string, Record<number, number>> = {}
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(endpoint.request, async (request) => {
          const before = await footprint()
          const answer = await request()
          ;(counts[endpoint.name] ??= {})[answer.status] = ((counts[endpoint.name] ??= {})[answer.status] ?? 0) + 1
          expect(answer.status, `${endpoint.name}: ${JSON.stringify(answer.body)}`).toBeLessThan(500)
          if (answer.status >= 400) {
            expect(ErrorSchema.safeParse(answer.body).success, JSON.stringify(answer.body)).toBe(true)
            expect(await footprint()).toEqual(before)
          }
        }),
        { numRuns: 30, endOnFailure: true },
      )
    }
    // Each endpoint was reached, and mostly refused.
    for (const endpoint of endpoints) expect(Object.keys(counts[endpoint.name] ?? {}).length).toBeGreaterThan(0)
  })
})
