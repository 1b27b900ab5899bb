/**
 * Tickets, messages and case closure over HTTP. Each handler parses (the
 * router did, with the route's schemas), checks that the ticket is this key's
 * organisation's (404 otherwise: another organisation's ticket does not exist
 * here), calls the ticket service (web/app/services/tickets.server.ts, the
 * portal's own) and answers with the workflow's result or its refusal.
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { slaPolicyFromJson } from '../../domain/sla.ts'
import { isStaffRole, type Role } from '../../domain/ticket.ts'
import { adoptSlaPolicy, applyCommand, initialTicketState, toTicketView, type RefusalCode } from '../../domain/ticket-state.ts'
import { Prisma } from '../../generated/prisma/client.ts'
import {
  assign,
  changePriority,
  changeStatus,
  closeCase,
  createTicket,
  getTicketLiveView,
  linkCase,
  postMessage,
  postMessageOrFollowUp,
  recordLaResponse,
  TicketServiceError,
  type TicketCommandResult,
} from '../../services/tickets.server.ts'
import { attachmentDownload } from '../../services/attachments.server.ts'
import { organisationSlaPolicy } from '../../services/sla-policy.server.ts'
import { ApiError, invalidRequest, notFound, type ErrorCode } from './errors.ts'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  recordTicket,
  releaseIdempotencyKey,
  requestHash,
  type IdempotentTicket,
} from './idempotency.ts'
import {
  messageSelect,
  presentMessage,
  presentMessages,
  presentView,
  ticketFromRow,
  ticketFromView,
  ticketRowSelect,
  type TicketContent,
  type TicketRow,
} from './present.ts'
import { defineRoute, type ApiAnswer, type ApiContext } from './route.ts'
import {
  AssignBody,
  CaseClosedSchema,
  CaseRefParams,
  ChangePriorityBody,
  ChangeStatusBody,
  CreateTicketBody,
  IdempotencyKeyHeader,
  LaResponseBody,
  LinkCaseBody,
  LIST_LIMIT_MAX,
  ListTicketsQuery,
  AttachmentParams,
  MessageCreatedSchema,
  MessageListSchema,
  PendingTicketEnvelope,
  PostMessageBody,
  TicketEnvelope,
  TicketListSchema,
  TicketNumberParams,
} from './schemas.ts'
import { throughTicketGate } from './ticket-gate.ts'

/** How long a retry waits for the first request with its Idempotency-Key to finish. */
const IDEMPOTENCY_WAIT_MS = 15_000
const UNAVAILABLE_RETRY_AFTER_S = '5'

// ---------------------------------------------------------------------------
// Shared steps

async function findTicket(ctx: ApiContext, number: number): Promise<TicketRow> {
  const row = await ctx.db.ticket.findUnique({
    where: { orgId_number: { orgId: ctx.principal.orgId, number } },
    select: ticketRowSelect,
  })
  if (!row) throw notFound()
  return row
}

function unprocessable(path: string, message: string): ApiError {
  return new ApiError(422, 'unprocessable', message, [{ path, message }])
}

/** A member of the organisation's staff (or an admin), by email. */
async function staffMember(ctx: ApiContext, email: string, path: string): Promise<{ id: string; role: Role }> {
  const user = await ctx.db.user.findUnique({
    where: { email },
    select: { id: true, memberships: { where: { orgId: ctx.principal.orgId }, select: { role: true } } },
  })
  const role = user?.memberships[0]?.role
  if (!user || !role || !isStaffRole(role)) throw unprocessable(path, `${email} is not a member of this organisation’s staff.`)
  return { id: user.id, role }
}

/**
 * Who makes a change: `actor` when given, else the admin who created the key
 * (while still on the team). Status, assignment and priority changes are a
 * person's decision and need one; facts from integrations may have nobody.
 */
async function actorFor(ctx: ApiContext, actor: { email: string } | undefined): Promise<{ id: string; role: Role } | null> {
  if (actor) return staffMember(ctx, actor.email, 'body.actor.email')
  const creatorId = ctx.principal.createdById
  if (!creatorId) return null
  const membership = await ctx.db.membership.findUnique({
    where: { orgId_userId: { orgId: ctx.principal.orgId, userId: creatorId } },
    select: { role: true },
  })
  return membership && isStaffRole(membership.role) ? { id: creatorId, role: membership.role } : null
}

async function requiredActor(ctx: ApiContext, actor: { email: string } | undefined) {
  const found = await actorFor(ctx, actor)
  if (!found)
    throw unprocessable(
      'body.actor',
      'Say which member of staff makes this change in `actor.email`: this API key was not created by a member of staff.',
    )
  return found
}

const REFUSAL_ANSWERS: Record<RefusalCode, { status: number; code: ErrorCode }> = {
  invalid_transition: { status: 409, code: 'invalid_transition' },
  ticket_closed: { status: 409, code: 'ticket_closed' },
  no_change: { status: 409, code: 'no_change' },
  not_allowed: { status: 403, code: 'forbidden' },
  invalid_input: { status: 422, code: 'unprocessable' },
}

/** 200 with the ticket as the workflow left it; 202 when it accepted the change but had not confirmed it in time. */
async function commandAnswer(ctx: ApiContext, row: TicketRow, result: TicketCommandResult): Promise<ApiAnswer> {
  switch (result.status) {
    case 'applied':
      return { status: 200, body: { ticket: await presentView(ctx, row, result.view) } }
    case 'pending':
      return { status: 202, body: { ticket: ticketFromRow(await findTicket(ctx, row.number)), message: result.message } }
    case 'refused': {
      const answer = REFUSAL_ANSWERS[result.code ?? 'invalid_transition']
      throw new ApiError(answer.status, answer.code, result.message)
    }
    case 'unavailable':
      throw new ApiError(503, 'unavailable', result.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  }
}

const TICKET_ERRORS = { 400: ['invalid_request', 'invalid_json'], 404: ['not_found'] } as const
const COMMAND_ERRORS = {
  ...TICKET_ERRORS,
  409: ['invalid_transition', 'ticket_closed', 'no_change'],
  415: ['unsupported_media_type'],
  422: ['unprocessable'],
  503: ['unavailable'],
} as const

const ticketAnswers = {
  200: { description: 'The change reached the ticket; this is the ticket afterwards.', schema: TicketEnvelope },
  202: { description: 'The ticket accepted the change but did not confirm it in time; it will show shortly.', schema: PendingTicketEnvelope },
}

// ---------------------------------------------------------------------------
// Creating

type CreateBody = z.output<typeof CreateTicketBody>

async function requesterFor(
  ctx: ApiContext,
  requester: CreateBody['requester'],
): Promise<{ id: string; email: string; name: string; created: boolean }> {
  const select = {
    id: true,
    email: true,
    name: true,
    memberships: { where: { orgId: ctx.principal.orgId }, select: { role: true } },
  } as const
  let user = await ctx.db.user.findUnique({ where: { email: requester.email }, select })
  let created = false
  if (!user) {
    try {
      user = await ctx.db.user.create({ data: { email: requester.email, name: requester.name }, select })
      created = true
    } catch (error) {
      // Made a moment ago by a concurrent request for the same family.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error
      user = await ctx.db.user.findUniqueOrThrow({ where: { email: requester.email }, select })
    }
  }
  const role = user.memberships[0]?.role
  if (role && isStaffRole(role))
    throw unprocessable('body.requester.email', `${requester.email} is on this organisation’s staff; a ticket is requested by a family.`)
  return { id: user.id, email: user.email, name: user.name, created }
}

async function create(ctx: ApiContext, body: CreateBody, idempotencyRecordId?: string): Promise<ApiAnswer> {
  const orgId = ctx.principal.orgId
  const [department, policy] = await Promise.all([
    body.department === undefined
      ? null
      : ctx.db.department.findUnique({ where: { orgId_slug: { orgId, slug: body.department } }, select: { id: true } }),
    organisationSlaPolicy(ctx.db, orgId),
  ])
  if (body.department !== undefined && !department)
    throw unprocessable('body.department', `This organisation has no department "${body.department}".`)
  const requester = await requesterFor(ctx, body.requester)
  let created: { id: string; number: number; createdAt: Date } | undefined
  try {
    await createTicket(ctx, {
      orgId,
      requesterId: requester.id,
      subject: body.subject,
      type: body.type,
      body: body.body,
      childName: body.childName,
      departmentId: department?.id,
      priority: body.priority,
      externalRef: body.externalRef,
      caseRef: body.caseRef,
      inTransaction: async (tx, ticket) => {
        created = ticket
        if (idempotencyRecordId) await recordTicket(tx, idempotencyRecordId, { ticketId: ticket.id, number: ticket.number })
      },
    })
  } catch (error) {
    // An account made for this request alone goes with it.
    if (requester.created)
      await ctx.db.user.deleteMany({
        where: { id: requester.id, requested: { none: {} }, memberships: { none: {} }, messages: { none: {} } },
      })
    if (!(error instanceof TicketServiceError)) throw error
    if (error.code === 'unavailable')
      throw new ApiError(503, 'unavailable', error.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
    throw new ApiError(422, 'unprocessable', error.message)
  }
  if (!created) throw new Error('createTicket returned without running inTransaction')
  // The ticket as its workflow is starting it: the same rules, from the same
  // policy, so the answer already carries the SLA targets it will run.
  const now = new Date().toISOString()
  let state = initialTicketState({
    ticketId: created.id,
    orgId,
    number: created.number,
    requesterId: requester.id,
    type: body.type,
    priority: body.priority,
    createdAt: created.createdAt.toISOString(),
  })
  if (body.caseRef) {
    const linked = applyCommand(state, { kind: 'linkCase', caseRef: body.caseRef, actorId: null }, now)
    if (linked.ok) state = linked.state
  }
  state = adoptSlaPolicy(state, slaPolicyFromJson(policy.policy), now)
  const content: TicketContent = {
    number: created.number,
    subject: body.subject,
    type: body.type,
    requester: { email: requester.email, name: requester.name },
    department: body.department === undefined ? null : { slug: body.department },
    childName: body.childName ?? null,
    externalRef: body.externalRef ?? null,
    followUpOf: null,
    createdAt: created.createdAt,
    assigneeId: null,
    assignee: null,
  }
  return { status: 201, body: { ticket: ticketFromView(content, toTicketView(state, now), null) } }
}

async function replay(ctx: ApiContext, ticket: IdempotentTicket, status: number): Promise<ApiAnswer> {
  const answer = await readTicket(ctx, ticket.number)
  return { ...answer, status, headers: { ...answer.headers, 'Idempotent-Replayed': 'true' } }
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
  responses: { 201: { description: 'The new ticket (or, for a repeated Idempotency-Key, the ticket it made).', schema: TicketEnvelope } },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    409: ['idempotency_in_progress'],
    415: ['unsupported_media_type'],
    422: ['unprocessable', 'idempotency_key_reused'],
    503: ['unavailable'],
  },
  async handle(ctx, { body, rawBody, header }) {
    const key = header('idempotency-key')
    if (key === undefined) return create(ctx, body)
    const parsedKey = IdempotencyKeyHeader.safeParse(key)
    if (!parsedKey.success) throw invalidRequest('header', new z.ZodError(parsedKey.error.issues.map((i) => ({ ...i, path: ['Idempotency-Key'] }))))
    const claim = await claimIdempotencyKey(ctx.db, {
      orgId: ctx.principal.orgId,
      key: parsedKey.data,
      requestHash: requestHash(rawBody),
      waitMs: IDEMPOTENCY_WAIT_MS,
    })
    switch (claim.kind) {
      case 'mismatch':
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.')
      case 'in_progress':
        throw new ApiError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.', undefined, {
          'Retry-After': '1',
        })
      case 'done':
        return replay(ctx, claim.ticket, claim.status)
      case 'claimed': {
        let answer: ApiAnswer
        try {
          answer = await create(ctx, body, claim.recordId)
        } catch (error) {
          await releaseIdempotencyKey(ctx.db, claim.recordId)
          throw error
        }
        await completeIdempotencyKey(ctx.db, claim.recordId, answer.status)
        return answer
      }
    }
  },
})

// ---------------------------------------------------------------------------
// Reading

/** The live ticket; the saved row when its workflow cannot be asked (the header says which). */
async function readTicket(ctx: ApiContext, number: number): Promise<ApiAnswer> {
  const row = await findTicket(ctx, number)
  const live = await getTicketLiveView(ctx, row)
  if (live.status === 'ok')
    return { status: 200, body: { ticket: await presentView(ctx, row, live.view) }, headers: { 'Caseway-State': 'live' } }
  return { status: 200, body: { ticket: ticketFromRow(row) }, headers: { 'Caseway-State': 'saved' } }
}

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
  errors: { 400: ['invalid_request'] },
  async handle(ctx, { query }) {
    const limit = query.limit ?? 50
    const where: Prisma.TicketWhereInput = { orgId: ctx.principal.orgId }
    if (query.status) where.status = query.status
    if (query.slaState) where.slaState = query.slaState
    if (query.type) where.type = query.type
    if (query.priority) where.priority = query.priority
    if (query.updatedSince) where.lastActivityAt = { gte: new Date(query.updatedSince) }
    if (query.assignee === 'none') where.assigneeId = null
    else if (query.assignee) {
      const assignee = await ctx.db.user.findUnique({ where: { email: query.assignee }, select: { id: true } })
      if (!assignee) return { status: 200, body: { tickets: [], nextCursor: null } }
      where.assigneeId = assignee.id
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor)
      where.OR = [{ lastActivityAt: { gt: after.at } }, { lastActivityAt: after.at, number: { gt: after.number } }]
    }
    const rows = await ctx.db.ticket.findMany({
      where,
      orderBy: [{ lastActivityAt: 'asc' }, { number: 'asc' }],
      take: Math.min(limit, LIST_LIMIT_MAX) + 1,
      select: ticketRowSelect,
    })
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    return {
      status: 200,
      body: { tickets: page.map(ticketFromRow), nextCursor: rows.length > limit && last ? encodeCursor(last) : null },
    }
  },
})

// ---------------------------------------------------------------------------
// Messages

const listMessagesRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/messages',
  operationId: 'listMessages',
  tag: 'Messages',
  summary: 'Read a ticket’s conversation and internal notes',
  params: TicketNumberParams,
  responses: { 200: { description: 'Every message, oldest first.', schema: MessageListSchema } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findTicket(ctx, params.number)
    const messages = await ctx.db.message.findMany({
      where: { ticketId: row.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: messageSelect,
    })
    return { status: 200, body: { messages: await presentMessages(ctx, row, messages) } }
  },
})

/** The family of this ticket, or a member of its organisation's staff. */
async function authorFor(ctx: ApiContext, row: TicketRow, email: string): Promise<{ id: string; role: Role }> {
  const user = await ctx.db.user.findUnique({
    where: { email },
    select: { id: true, memberships: { where: { orgId: ctx.principal.orgId }, select: { role: true } } },
  })
  const role = user?.memberships[0]?.role
  if (user && role && isStaffRole(role)) return { id: user.id, role }
  if (user && user.id === row.requesterId) return { id: user.id, role: 'family' }
  throw unprocessable('body.author.email', `${email} is neither this ticket’s family nor on this organisation’s staff.`)
}

const postMessageRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/messages',
  operationId: 'postMessage',
  tag: 'Messages',
  summary: 'Add a reply or an internal note',
  description:
    'A message from the ticket’s family or from a member of staff. A public staff reply answers the family (a new ' +
    'ticket moves to in progress and awaits the family); a family message puts the ticket back with staff. Only ' +
    'staff may write internal notes (403). A family message on a closed ticket starts a new ticket that follows it ' +
    'up: the answer’s `ticket` is that new ticket, its `followUpOf` the closed one’s number. To attach files, send ' +
    '`multipart/form-data`: this JSON as a `payload` part and each file as an `attachments` part.',
  params: TicketNumberParams,
  body: PostMessageBody,
  responses: {
    201: { description: 'The message, recorded by the ticket, and the ticket afterwards.', schema: MessageCreatedSchema },
    202: { description: 'The ticket accepted the message but did not confirm it in time.', schema: MessageCreatedSchema },
  },
  errors: { ...COMMAND_ERRORS, 403: ['forbidden'] },
  uploads: true,
  async handle(ctx, { params, body, uploads }) {
    const row = await findTicket(ctx, params.number)
    const author = await authorFor(ctx, row, body.author.email)
    if (body.visibility === 'internal' && !isStaffRole(author.role))
      throw new ApiError(403, 'forbidden', 'Only staff can write internal notes.')
    const id = randomUUID()
    const result = await throughTicketGate(row.id, () =>
      postMessageOrFollowUp(ctx, { ticket: row, author, role: author.role, body: body.body, visibility: body.visibility, id, attachments: uploads }),
    )
    if (result.status === 'followed_up') {
      const [message] = await ctx.db.message.findMany({
        where: { ticketId: result.ticket.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 1,
        select: messageSelect,
      })
      const answer = await readTicket(ctx, result.ticket.number)
      return {
        ...answer,
        status: 201,
        body: { message: presentMessage(result.ticket.number, message!, author.role), ticket: (answer.body as { ticket: unknown }).ticket },
      }
    }
    const answer = await commandAnswer(ctx, row, result)
    const message = await ctx.db.message.findUniqueOrThrow({ where: { id }, select: messageSelect })
    const ticket = (answer.body as { ticket: unknown }).ticket
    return { status: answer.status === 200 ? 201 : answer.status, body: { message: presentMessage(row.number, message, author.role), ticket } }
  },
})

const downloadAttachmentRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/attachments/{attachmentId}',
  operationId: 'downloadAttachment',
  tag: 'Messages',
  summary: 'Download a file attached to a message',
  description: 'The bytes, as a download (`Content-Disposition: attachment`), with the type the server decided on upload.',
  params: AttachmentParams,
  responses: { 200: { description: 'The file.', file: true } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findTicket(ctx, params.number)
    const attachment = await ctx.db.attachment.findFirst({
      where: { id: params.attachmentId, ticketId: row.id },
      select: { filename: true, contentType: true, size: true, storageKey: true },
    })
    if (!attachment) throw notFound('Attachment')
    const response = await attachmentDownload(ctx, attachment)
    if (!response) {
      ctx.log.error({ storageKey: attachment.storageKey, ticketId: row.id }, 'attachment row without its file')
      throw notFound('Attachment')
    }
    return { status: 200, response }
  },
})

// ---------------------------------------------------------------------------
// Commands

const changeStatusRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/status',
  operationId: 'changeStatus',
  tag: 'Tickets',
  summary: 'Change a ticket’s status',
  description:
    'The same rules as the portal: only the transitions the ticket allows now (409 with the reason otherwise). ' +
    'With `pending_la`, `laDeadline` records when the local authority must answer.',
  params: TicketNumberParams,
  body: ChangeStatusBody,
  responses: ticketAnswers,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, body.actor)
    const laDeadline = body.laDeadline === undefined ? undefined : new Date(body.laDeadline)
    const result = await throughTicketGate(row.id, () =>
      changeStatus(ctx, { ticket: row, actor, status: body.status, reason: body.reason, laDeadline }),
    )
    return commandAnswer(ctx, row, result)
  },
})

const assignRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/assign',
  operationId: 'assignTicket',
  tag: 'Tickets',
  summary: 'Assign a ticket to a member of staff',
  description: 'A new ticket moves to in progress when assigned.',
  params: TicketNumberParams,
  body: AssignBody,
  responses: ticketAnswers,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const assignee = await staffMember(ctx, body.assignee.email, 'body.assignee.email')
    const actor = await requiredActor(ctx, body.actor)
    const result = await throughTicketGate(row.id, () => assign(ctx, { ticket: row, actor, assigneeId: assignee.id }))
    return commandAnswer(ctx, row, result)
  },
})

const changePriorityRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/priority',
  operationId: 'changePriority',
  tag: 'Tickets',
  summary: 'Change a ticket’s priority',
  description: 'SLA due times are recomputed from the business time already used, not from scratch.',
  params: TicketNumberParams,
  body: ChangePriorityBody,
  responses: ticketAnswers,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, body.actor)
    const result = await throughTicketGate(row.id, () => changePriority(ctx, { ticket: row, actor, priority: body.priority }))
    return commandAnswer(ctx, row, result)
  },
})

const linkCaseRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/case',
  operationId: 'linkCase',
  tag: 'Cases',
  summary: 'Link a ticket to a case (or unlink it)',
  description: 'Closing the case later (`POST /cases/{caseRef}/close`) resolves every open ticket linked to it.',
  params: TicketNumberParams,
  body: LinkCaseBody,
  responses: ticketAnswers,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, body.actor)
    const result = await throughTicketGate(row.id, () => linkCase(ctx, { ticket: row, actor, caseRef: body.caseRef }))
    return commandAnswer(ctx, row, result)
  },
})

const laResponseRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/la-response',
  operationId: 'recordLaResponse',
  tag: 'Tickets',
  summary: 'Report that the local authority responded',
  description:
    'Ends a pending-LA wait: the ticket goes back to in progress, awaiting staff. 409 when the ticket is not ' +
    'waiting on the local authority. A `note` is kept as an internal note.',
  params: TicketNumberParams,
  body: LaResponseBody,
  bodyOptional: true,
  responses: ticketAnswers,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, body.actor)
    const note =
      body.note === undefined && body.receivedAt === undefined
        ? null
        : [`Local authority response${body.receivedAt ? ` received ${body.receivedAt}` : ''}.`, body.note].filter(Boolean).join('\n\n')
    if (note !== null && actor === null)
      throw unprocessable('body.actor', 'The note needs an author: say which member of staff records it in `actor.email`.')
    return throughTicketGate(row.id, async () => {
      const answer = await commandAnswer(ctx, row, await recordLaResponse(ctx, { ticket: row, actor }))
      if (note === null || actor === null) return answer
      const noted = await postMessage(ctx, { ticket: row, author: actor, role: actor.role, body: note, visibility: 'internal' })
      if (noted.status === 'applied' || noted.status === 'pending') return commandAnswer(ctx, row, noted)
      ctx.log.warn({ ticketId: row.id, outcome: noted.status }, 'LA response recorded but its note was not')
      throw new ApiError(
        503,
        'unavailable',
        'The local authority’s response was recorded, but its note was not saved: send the note again as an internal message.',
        undefined,
        { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S },
      )
    })
  },
})

const closeCaseRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/close',
  operationId: 'closeCase',
  tag: 'Cases',
  summary: 'Report that a case was closed',
  description:
    'Every open ticket linked to the case is resolved ("case closed") and its family told. The closure is recorded ' +
    'by each ticket’s workflow before this answers, and applied moments later. An unknown or already closed case ' +
    'answers with an empty list. Repeating it is harmless.',
  params: CaseRefParams,
  body: z.strictObject({}),
  bodyOptional: true,
  responses: { 202: { description: 'The tickets the closure was sent to.', schema: CaseClosedSchema } },
  errors: { 400: ['invalid_request', 'invalid_json'], 415: ['unsupported_media_type'], 503: ['unavailable'] },
  async handle(ctx, { params }) {
    const resolved = await closeCase(ctx, { orgId: ctx.principal.orgId, caseRef: params.caseRef })
    return { status: 202, body: { resolved } }
  },
})

export const ticketRoutes = [
  createTicketRoute,
  listTicketsRoute,
  getTicketRoute,
  listMessagesRoute,
  postMessageRoute,
  downloadAttachmentRoute,
  changeStatusRoute,
  assignRoute,
  changePriorityRoute,
  linkCaseRoute,
  laResponseRoute,
  closeCaseRoute,
]
