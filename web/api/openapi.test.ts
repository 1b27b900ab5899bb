/**
 * The OpenAPI document says exactly what the handlers accept: for generated
 * values, a JSON Schema validator reading the document (Ajv, as integrators'
 * tools do) and the zod schema the router parses with agree. And its links lead
 * somewhere real.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { SUBJECT_MAX } from '../../domain/limits.ts'
import { buildOpenApiDocument } from './openapi.ts'
import type { ApiLink } from './route.ts'
import { apiRoutes } from './routes.ts'
import { ChangeStatusBody, CreateTicketBody, ListTicketsQuery, SlaPolicyBody, TicketNumberParams } from './schemas.ts'

// As it is served: JSON.
const document = JSON.parse(JSON.stringify(buildOpenApiDocument(apiRoutes))) as ReturnType<typeof buildOpenApiDocument>
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats.default(ajv)
ajv.addSchema({ ...document, $id: 'openapi.json' })

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/** The documented JSON Schema of one request body (or a field of it, `requester.email`), or of one parameter. */
function documented(path: string, method: string, where: { body: string } | { parameter: string }) {
  const operation = document.paths[path]![method]! as { parameters?: { name: string }[] }
  const location =
    'body' in where
      ? [
          ...['paths', path, method, 'requestBody', 'content', 'application/json', 'schema'],
          ...(where.body ? where.body.split('.').flatMap((field) => ['properties', field]) : []),
        ]
      : ['paths', path, method, 'parameters', String(operation.parameters!.findIndex((p) => p.name === where.parameter)), 'schema']
  const ref = `openapi.json#/${pointer(...location)}`
  return ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
}

/** Characters where the rules have edges: what trim removes and what it keeps, control characters, line breaks, beyond the BMP. */
const edgy = fc.constantFrom(
  ...' \t\n\r\v\f\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u0085\u180e\u200b',
  ...'\u0000\u0001\u001f\u007f\u0080\u009f',
  ...'aZ09.-_@+é中',
  '🙂',
)
const text = fc.string({ unit: edgy, maxLength: 40 })

function agree<T>(arbitrary: fc.Arbitrary<T>, zodSchema: z.ZodType, validate: (value: T) => boolean) {
  fc.assert(
    fc.property(arbitrary, (value) => {
      expect(validate(value), JSON.stringify(value)).toBe(zodSchema.safeParse(value).success)
    }),
    { numRuns: 2_000 },
  )
}

describe('the request schemas in the document', () => {
  const create = (field: string) => documented('/tickets', 'post', { body: field })
  const shape = CreateTicketBody.shape

  it('say what text is: a single line or paragraphs, not blank, without control characters', () => {
    agree(text, shape.subject, create('subject'))
    agree(text, shape.body, create('body'))
    agree(text, shape.childName.unwrap(), create('childName'))
    agree(text, shape.caseRef.unwrap(), create('caseRef'))
    agree(text, ChangeStatusBody.shape.reason.unwrap(), documented('/tickets/{number}/status', 'post', { body: 'reason' }))
    // The limit too, counted once trimmed. (The server counts a CR LF once and the document twice; JSON Schema counts
    // code points where zod counts UTF-16 units: they agree on text without CR LF within the BMP.)
    const long = (max: number) =>
      fc.string({ unit: fc.constantFrom('a', ' ', '\u00a0', '中', '\n'), minLength: max - 10, maxLength: max + 10 })
    agree(long(SUBJECT_MAX), shape.subject, create('subject'))
    agree(long(500), ChangeStatusBody.shape.reason.unwrap(), documented('/tickets/{number}/status', 'post', { body: 'reason' }))
  })

  it('say what an email address is (as the server reads it once trimmed)', () => {
    const part = fc.string({ unit: fc.constantFrom(..."aZ09.-_+'!#é@"), minLength: 1, maxLength: 12 })
    const email = fc.oneof(
      fc.tuple(part, part, fc.constantFrom('org', 'uk', 'x', '')).map(([local, domain, tld]) => `${local}@${domain}.${tld}`),
      part,
    )
    agree(email, shape.requester.shape.email, create('requester.email'))
  })

  it('say which numbers, page sizes and department slugs there are', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789-+. a'), maxLength: 12 })
    agree(digits, TicketNumberParams.shape.number, documented('/tickets/{number}', 'get', { parameter: 'number' }))
    agree(digits, ListTicketsQuery.shape.limit.unwrap(), documented('/tickets', 'get', { parameter: 'limit' }))
    for (const limit of ['1', '01', '001', '100', '0100', '0', '000', '101']) {
      expect(documented('/tickets', 'get', { parameter: 'limit' })(limit), limit).toBe(
        ListTicketsQuery.shape.limit.safeParse(limit).success,
      )
    }
    const slug = fc.string({ unit: fc.constantFrom(...'az09-A_'), maxLength: 55 })
    agree(slug, shape.department.unwrap(), create('department'))
  })

  it('say that an LA deadline goes only with Pending LA (a ticket rule the handler leaves to the workflow)', () => {
    const status = documented('/tickets/{number}/status', 'post', { body: '' })
    const laDeadline = '2026-05-01T09:30:00Z'
    expect(status({ status: 'pending_la', laDeadline })).toBe(true)
    expect(status({ status: 'in_progress', laDeadline })).toBe(false)
    expect(status({ status: 'in_progress' })).toBe(true)
  })

  it('say what an SLA policy may hold: a zone this server knows, each working day once', () => {
    const policy = SlaPolicyBody.parse((SlaPolicyBody.meta() as { examples: unknown[] }).examples[0])
    const put = documented('/settings/sla-policy', 'put', { body: '' })
    expect(put(policy)).toBe(true)
    for (const wrong of [
      { ...policy, timezone: 'Nowhere/Land' },
      { ...policy, businessHours: { ...policy.businessHours, days: [1, 1, 2] } },
    ]) {
      expect(put(wrong)).toBe(false)
      expect(SlaPolicyBody.safeParse(wrong).success).toBe(false)
    }
  })
})

describe('the document’s links', () => {
  it('lead from answers to the operations their values feed', () => {
    const links = (path: string, method: string, status: string) =>
      (document.paths[path]![method]!.responses as Record<string, { links?: Record<string, { operationId: string }> }>)[status]?.links ?? {}
    expect(Object.values(links('/tickets', 'post', '201')).map((link) => link.operationId)).toEqual(
      expect.arrayContaining([
        'getTicket',
        'listMessages',
        'postMessage',
        'changeStatus',
        'assignTicket',
        'changePriority',
        'changeDepartment',
        'linkCase',
        'recordLaResponse',
        'closeCase',
      ]),
    )
    expect(links('/tickets/{number}/messages', 'post', '201').DownloadAttachment).toMatchObject({
      operationId: 'downloadAttachment',
      parameters: { number: '$response.body#/ticket/number', attachmentId: '$response.body#/message/attachments/0/id' },
    })
    expect(links('/settings/sla-policy', 'get', '200').PutSlaPolicy).toMatchObject({ requestBody: '$response.body#/policy' })
  })

  it('cannot name an operation, or a parameter, that is not there', () => {
    const getTicket = apiRoutes.find((route) => route.operationId === 'getTicket')!
    const linking = (link: Omit<ApiLink, 'description'>) =>
      buildOpenApiDocument([
        ...apiRoutes,
        { ...getTicket, operationId: 'linking', path: '/linking', links: { 200: { Broken: { description: 'A link', ...link } } } },
      ])
    expect(() => linking({ operationId: 'getTicket', parameters: { number: '$response.body#/ticket/number' } })).not.toThrow()
    expect(() => linking({ operationId: 'nope' })).toThrow(/names no operation/)
    expect(() => linking({ operationId: 'getTicket', parameters: { number: '1', colour: 'red' } })).toThrow(/takes no path.colour/)
    expect(() => linking({ operationId: 'getTicket' })).toThrow(/leaves getTicket's path.number unsaid/)
  })
})
