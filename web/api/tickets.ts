/**
 * Tickets over HTTP: creating one (idempotently), reading one live, and listing
 * them to follow changes. Each handler parses (the router did, with the route's
 * schemas), keeps to the key's organisation (404 otherwise: another
 * organisation's ticket does not exist here) and calls the services.
 */
import { z } from 'zod'
import { tagKey } from '../../domain/tags.ts'
import { AccountError } from '../../services/accounts.server.ts'
import { assignToFamilysAdvocate } from '../../services/auto-assignment.server.ts'
import { createTicket, TicketServiceError, type CreatedTicket } from '../../services/ticket-creation.server.ts'
import { passagePieces, ticketListPage } from '../../services/ticket-search.server.ts'
import { ApiError, invalidRequest } from './errors.ts'
import { idempotently, type RecordResource } from './idempotency.ts'
import { presentView, ticketFromRow, ticketRowSelect } from './present.ts'
import { defineRoute, type ApiAnswer, type ApiContext } from './route.ts'
import {
  CreateTicketBody,
  LIST_LIMIT_MAX,
  ListTicketsQuery,
  PendingTicketEnvelope,
  TicketEnvelope,
  TicketListSchema,
  TicketNumberParams,
} from './schemas.ts'
import { closeCaseLink, findTicket, readTicket, ticketLinks, unprocessable, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'

type CreateBody = z.output<typeof CreateTicketBody>

async function create(ctx: ApiContext, body: CreateBody, record: RecordResource<'ticket'>): Promise<ApiAnswer> {
  const orgId = ctx.principal.orgId
  const department =
    body.department === undefined
      ? null
      : await ctx.db.department.findFirst({
          // By slug, or by id (a uuid is also a well-formed slug, so both are asked).
          where: {
            orgId,
            OR: [{ slug: body.department }, ...(z.uuid().safeParse(body.department).success ? [{ id: body.department }] : [])],
          },
          select: { id: true },
        })
  if (body.department !== undefined && !department)
    throw unprocessable('body.department', `This organisation has no department "${body.department}".`)
  let created: CreatedTicket
  try {
    created = await createTicket(ctx, {
      orgId,
      requester: body.requester,
      subject: body.subject,
      type: body.type,
      body: body.body,
      childName: body.childName,
      departmentId: department?.id,
      priority: body.priority,
      externalRef: body.externalRef,
      caseRef: body.caseRef,
      templateId: body.templateId,
      inTransaction: (tx, ticket) => record(tx, { ticketId: ticket.id, number: ticket.number }),
    })
  } catch (error) {
    if (error instanceof AccountError) throw unprocessable('body.requester.email', error.message)
    if (!(error instanceof TicketServiceError)) throw error
    if (error.code === 'unavailable')
      throw new ApiError(503, 'unavailable', error.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
    throw new ApiError(422, 'unprocessable', error.message)
  }
  const auto = await assignToFamilysAdvocate(ctx, created)
  const row = await findTicket(ctx, created.number)
  // The ticket as its workflow left it (assigned to the family's advocate, if it was): the SLA targets it runs.
  const view = auto.status === 'assigned' && auto.result.status === 'applied' ? auto.result.view : created.view
  if (view) return { status: 201, body: { ticket: await presentView(ctx, row, view) } }
  return {
    status: 202,
    body: {
      ticket: ticketFromRow(row),
      message: 'The ticket is saved; its workflow had not confirmed it in time, so its SLA targets show shortly.',
    },
  }
}

const createTicketRoute = defineRoute({
  method: 'post',
  path: '/tickets',
  operationId: 'createTicket',
  tag: 'Tickets',
  summary: 'Create a ticket for a family',
  description:
    'Creates the ticket and its first message and starts its workflow. A family new to Caseway gets an account. ' +
    'Send an `Idempotency-Key` header (a UUID) to retry safely: the same key and body answer with the same ticket ' +
    '(`Idempotent-Replayed: true`) and never create a second one, even when retries run at the same time; ' +
    'the same key with a different body is refused with 422.',
  body: CreateTicketBody,
  idempotent: true,
  responses: {
    201: {
      description: 'The new ticket as its workflow first saved it (or, for a repeated Idempotency-Key, the ticket it made).',
      schema: TicketEnvelope,
    },
    202: {
      description:
        'The ticket is saved, but its workflow did not confirm it in time (Temporal slow or unreachable): it shows its SLA targets shortly.',
      schema: PendingTicketEnvelope,
    },
  },
  links: { 201: { ...ticketLinks(), ...closeCaseLink }, 202: { ...ticketLinks(), ...closeCaseLink } },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    409: ['idempotency_in_progress'],
    415: ['unsupported_media_type'],
    422: ['unprocessable', 'idempotency_key_reused'],
    503: ['unavailable'],
  },
  async handle(ctx, { body, rawBody, header }) {
    return idempotently(ctx, {
      kind: 'ticket',
      operation: 'createTicket',
      rawBody,
      header,
      create: (record) => create(ctx, body, record),
      replay: (ticket) => readTicket(ctx, ticket.number),
    })
  },
})

const getTicketRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}',
  operationId: 'getTicket',
  tag: 'Tickets',
  summary: 'Read a ticket, live',
  description:
    'The ticket as its workflow holds it right now, SLA targets included (`Caseway-State: live`). If the workflow ' +
    'cannot be asked in time, the last saved state is returned instead (`Caseway-State: saved`).',
  params: TicketNumberParams,
  answerHeaders: {
    'Caseway-State': {
      description: '`live` from the workflow, or `saved` from the database when the workflow could not be asked.',
      schema: { type: 'string', enum: ['live', 'saved'] },
    },
  },
  responses: { 200: { description: 'The ticket.', schema: TicketEnvelope } },
  links: { 200: { ...ticketLinks(), ...closeCaseLink } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    return readTicket(ctx, params.number)
  },
})

function encodeCursor(row: { lastActivityAt: Date; number: number }): string {
  return Buffer.from(JSON.stringify([row.lastActivityAt.toISOString(), row.number])).toString('base64url')
}

function decodeCursor(cursor: string): { at: Date; number: number } {
  const refuse = () =>
    invalidRequest('query', new z.ZodError([{ code: 'custom', path: ['cursor'], message: 'Not a cursor from this API', input: cursor }]))
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw refuse()
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw refuse()
  const [at, number] = parsed as unknown[]
  if (typeof at !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(at) || Number.isNaN(Date.parse(at))) throw refuse()
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) throw refuse()
  return { at: new Date(at), number }
}

const listTicketsRoute = defineRoute({
  method: 'get',
  path: '/tickets',
  operationId: 'listTickets',
  tag: 'Tickets',
  summary: 'List and follow tickets',
  description:
    'Tickets from the database (the workflows keep it current within moments), oldest update first, so a client can ' +
    'follow changes: pass `updatedSince`, then each `nextCursor` until it is null. Filters combine with AND.',
  query: ListTicketsQuery,
  responses: { 200: { description: 'One page of tickets.', schema: TicketListSchema } },
  links: {
    200: {
      ...ticketLinks('/tickets/0/number'),
      NextPage: {
        operationId: 'listTickets',
        description: '`nextCursor` is the `cursor` of the next page.',
        parameters: { 'query.cursor': '$response.body#/nextCursor' },
      },
    },
  },
  errors: { 400: ['invalid_request'] },
  async handle(ctx, { query }) {
    const limit = query.limit ?? 50
    const orgId = ctx.principal.orgId
    let assigneeId: string | null | undefined
    if (query.assignee === 'none') assigneeId = null
    else if (query.assignee) {
      const assignee = await ctx.db.user.findUnique({ where: { email: query.assignee }, select: { id: true } })
      if (!assignee) return { status: 200, body: { tickets: [], nextCursor: null } }
      assigneeId = assignee.id
    }
    const hits = await ticketListPage(ctx, {
      orgId,
      filters: {
        status: query.status,
        slaState: query.slaState,
        type: query.type,
        priority: query.priority,
        tagKey: query.tag === undefined ? undefined : tagKey(query.tag),
        updatedSince: query.updatedSince === undefined ? undefined : new Date(query.updatedSince),
        assigneeId,
      },
      text: query.q,
      after: query.cursor ? decodeCursor(query.cursor) : null,
      take: Math.min(limit, LIST_LIMIT_MAX) + 1,
    })
    const pageHits = hits.slice(0, limit)
    const rows = await ctx.db.ticket.findMany({ where: { orgId, id: { in: pageHits.map((hit) => hit.id) } }, select: ticketRowSelect })
    const byId = new Map(rows.map((row) => [row.id, row]))
    const page = pageHits.flatMap((hit) => {
      const row = byId.get(hit.id)
      return row ? [{ row, passage: hit.passage }] : []
    })
    const last = page[page.length - 1]
    return {
      status: 200,
      body: {
        tickets: page.map(({ row, passage }) => ({
          ...ticketFromRow(row),
          ...(query.q === undefined ? {} : { passage: passage === null ? null : passagePieces(passage) }),
        })),
        nextCursor: hits.length > limit && last ? encodeCursor(last.row) : null,
      },
    }
  },
})

export const ticketRoutes = [createTicketRoute, listTicketsRoute, getTicketRoute]
