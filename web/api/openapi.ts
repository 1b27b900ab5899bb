/**
 * The OpenAPI 3.1 document of the API, generated from the route declarations
 * and their zod schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is
 * what z.toJSONSchema writes). Named schemas (`.meta({ id })`) become
 * components; requests are described as they are sent (io: 'input'), answers
 * as they come back (io: 'output').
 */
import { z } from 'zod'
import { ATTACHMENT_HINT, MAX_FILES } from '../../services/attachments.server.ts'
import { ERROR_CODES, ErrorSchema, type ErrorCode } from './errors.ts'
import type { ApiRoute } from './route.ts'
import { DOCUMENTED_REFINEMENTS } from './schemas.ts'

type Json = Record<string, unknown>

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  servers: { url: string; description?: string }[]
  security: Record<string, string[]>[]
  tags: { name: string; description: string }[]
  paths: Record<string, Record<string, Json>>
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json>; headers: Record<string, Json> }
}

const ErrorEnvelope = ErrorSchema.meta({ id: 'Error' })

const DESCRIPTION = `Case management systems, CRMs and scripts create tickets, read their live state and report
events (a case closed, the local authority responded) that each ticket's workflow acts on.

**Authentication.** Send an organisation's API key as \`Authorization: Bearer <key>\`. Admins make keys in the
portal (Settings → API keys) or with \`npm run cli -- apikey create --org <slug> --name <name>\`. A key sees only its
organisation: another organisation's ticket is a 404.

**Errors** are always \`{"error": {"code", "message", "details"?}}\`; \`details\` lists every field problem of a 400.
Codes: ${Object.entries(ERROR_CODES)
  .map(([code, meaning]) => `\`${code}\` (${meaning})`)
  .join('; ')}

**Commands** (status, assign, priority, case, messages) answer once the ticket's workflow has applied them (200 or
201), or 202 if it accepted them without confirming in time. Either way the change is never lost.

**Rate limits** are per key; a 429 carries \`Retry-After\` (seconds).`

const TAGS = [
  { name: 'Tickets', description: 'Create, read, list and change tickets.' },
  { name: 'Messages', description: 'The conversation with the family and staff’s internal notes.' },
  { name: 'Cases', description: 'Tickets linked to a case in your case management system.' },
  { name: 'Departments', description: 'The organisation’s departments, which decide who on the team sees a ticket.' },
  { name: 'Settings', description: 'The organisation’s SLA policy.' },
  { name: 'Tags', description: 'The team’s labels on tickets (never shown to families).' },
]

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is malformed; `details` names every problem.',
  401: 'No API key, or an unknown or revoked one.',
  403: 'Not allowed.',
  404: 'Not found in this organisation.',
  405: 'Method not allowed on this path.',
  409: 'Conflict: the ticket refused the change (the message is its reason), or an idempotent request is still running.',
  412: 'The resource changed since the revision named in `If-Match` was read: read it again, then retry.',
  413: 'The body, or a file in it, is too large, or it carries too many files.',
  415: 'The body is not JSON (or, where files are taken, multipart/form-data).',
  422: 'Well-formed, but refers to something that cannot be used.',
  429: 'Rate limited: retry after `Retry-After` seconds.',
  500: 'Our fault. Nothing is known to have changed.',
  503: 'The ticket service did not answer in time; nothing was changed. Retry after `Retry-After` seconds.',
}

export function buildOpenApiDocument(routes: readonly ApiRoute[]): OpenApiDocument {
  const schemas: Record<string, Json> = {}

  /** The schema as JSON Schema, its named parts moved into components. */
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const generated = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      // What a request must be, beyond what zod can say in JSON Schema itself.
      override: ({ zodSchema, jsonSchema }) => {
        if (io === 'input') Object.assign(jsonSchema, DOCUMENTED_REFINEMENTS.get(zodSchema))
      },
    }) as Json
    // As JSON: metadata that unsets a keyword (`maxLength: undefined`) leaves it out.
    const { $schema: _, $defs, ...root } = JSON.parse(JSON.stringify(generated)) as Json
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, Json>)) {
      const rewritten = rewriteRefs(definition) as Json
      const existing = schemas[id]
      if (existing && JSON.stringify(existing) !== JSON.stringify(rewritten))
        throw new Error(`Two different schemas are named ${id} in the OpenAPI document`)
      schemas[id] = rewritten
    }
    return rewriteRefs(root) as Json
  }
  const errorRef = schemaOf(ErrorEnvelope, 'output')
  const errorResponse = (status: number, codes?: readonly ErrorCode[]) => ({
    description: codes?.length
      ? `${STATUS_TEXT[status] ?? 'Error.'} Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`
      : (STATUS_TEXT[status] ?? 'Error.'),
    ...(status === 429 || status === 503 || status === 409
      ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } }
      : {}),
    content: { 'application/json': { schema: errorRef } },
  })

  const paths: OpenApiDocument['paths'] = {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        summary: 'This document',
        tags: [],
        security: [],
        responses: { 200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  }
  for (const route of routes) {
    const parameters = [
      ...parametersOf(route.params, 'path', schemaOf),
      ...parametersOf(route.query, 'query', schemaOf),
      ...(route.idempotent
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Makes retries safe: the same key and body answer with the first result. 1–255 printable ASCII characters.',
              schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
            },
          ]
        : []),
      ...(route.requestHeaders ?? []).map((header) => ({ ...header, in: 'header', required: false })),
    ]
    const responses: Record<string, Json> = {}
    for (const [status, answer] of Object.entries(route.responses)) {
      const headers = {
        ...(route.idempotent && status.startsWith('2')
          ? {
              'Idempotent-Replayed': {
                description: '`true` when this is the answer to an earlier request with the same key.',
                schema: { type: 'string', enum: ['true'] },
              },
            }
          : {}),
        ...route.answerHeaders,
      }
      const links = route.links?.[Number(status)]
      responses[status] = {
        description: answer.description,
        ...(Object.keys(headers).length ? { headers } : {}),
        content:
          'file' in answer
            ? Object.fromEntries(
                answer.file.map((type) => [type, { schema: { type: 'string', format: 'binary', contentMediaType: type } }]),
              )
            : { 'application/json': { schema: schemaOf(answer.schema, 'output') } },
        ...(links ? { links } : {}),
      }
    }
    const errorStatuses = new Set([...Object.keys(route.errors).map(Number), 401, 429, 500, ...(route.body ? [413] : [])])
    for (const status of [...errorStatuses].sort((a, b) => a - b)) responses[status] = errorResponse(status, route.errors[status])
    paths[route.path] ??= {}
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: {
                'application/json': { schema: schemaOf(route.body, 'input') },
                ...(route.uploads ? { 'multipart/form-data': multipartOf(schemaOf(route.body, 'input')) } : {}),
              },
            },
          }
        : {}),
      responses,
    }
  }

  checkLinks(routes)
  return {
    openapi: '3.1.0',
    info: { title: 'Caseway integration API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/api/v1', description: 'This Caseway server' }],
    security: [{ bearerAuth: [] }],
    tags: TAGS,
    paths,
    components: {
      schemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An organisation’s API key (`cwk_…`).' } },
      headers: {
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
      },
    },
  }
}

/** The names a request to this route may give: `path.number`, `query.limit`, `header.If-Match`, and `body` if it takes one. */
function requestParts(route: ApiRoute): Set<string> {
  const names = (schema: z.ZodType | undefined) => (schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [])
  return new Set([
    ...names(route.params).map((name) => `path.${name}`),
    ...names(route.query).map((name) => `query.${name}`),
    ...(route.idempotent ? ['header.Idempotency-Key'] : []),
    ...(route.requestHeaders ?? []).map((header) => `header.${header.name}`),
    ...(route.body ? ['body'] : []),
  ])
}

/** Every link names an operation of the document, only parameters that operation takes, and each of its path parameters. */
function checkLinks(routes: readonly ApiRoute[]): void {
  const byId = new Map(routes.map((route) => [route.operationId, route]))
  for (const route of routes)
    for (const [status, links] of Object.entries(route.links ?? {})) {
      if (!(status in route.responses)) throw new Error(`${route.operationId} links from ${status}, which it does not answer`)
      for (const [name, link] of Object.entries(links ?? {})) {
        const target = byId.get(link.operationId)
        if (!target) throw new Error(`${route.operationId}'s link ${name} names no operation: ${link.operationId}`)
        const parts = requestParts(target)
        const given = Object.keys(link.parameters ?? {}).map((parameter) => (parameter.includes('.') ? parameter : `path.${parameter}`))
        for (const part of [...given, ...(link.requestBody ? ['body'] : [])])
          if (!parts.has(part)) throw new Error(`${route.operationId}'s link ${name}: ${link.operationId} takes no ${part}`)
        for (const part of parts)
          if (part.startsWith('path.') && !given.includes(part))
            throw new Error(`${route.operationId}'s link ${name} leaves ${link.operationId}'s ${part} unsaid`)
      }
    }
}

/** The JSON body as a `payload` part, beside up to MAX_FILES files. */
function multipartOf(payload: Json): Json {
  return {
    schema: {
      type: 'object',
      required: ['payload'],
      properties: {
        payload: { ...payload, description: 'The same JSON as the `application/json` body.' },
        attachments: {
          type: 'array',
          maxItems: MAX_FILES,
          // `binary`: a client generating requests from the document sends files, not text.
          items: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream' },
          description: ATTACHMENT_HINT,
        },
      },
    },
    encoding: { payload: { contentType: 'application/json' } },
  }
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  schemaOf: (schema: z.ZodType, io: 'input' | 'output') => Json,
): Json[] {
  if (!(schema instanceof z.ZodObject)) return []
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...fieldSchema } = schemaOf(field, 'input') as Json & { description?: string }
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: fieldSchema,
    }
  })
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === '$ref' && typeof item === 'string' ? item.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(item),
      ]),
    )
  }
  return value
}
