/**
 * Conversations staff start with a family over HTTP (`POST /conversations`): the
 * portal's "Message a family", idempotently. The family is one of the
 * organisation's by id (404 otherwise, as for anything of another organisation)
 * or anyone by email (a new one gets an account and an invitation).
 */
import { z } from 'zod'
import { NAME_MAX, SUBJECT_MAX } from '../../domain/limits.ts'
import { CONVERSATION_KINDS, DOCUMENT_NAME_MAX } from '../../domain/conversations.ts'
import { startConversation, type ConversationFamily } from '../../services/conversations.server.ts'
import { ApiError, notFound } from './errors.ts'
import { idempotently, type RecordResource } from './idempotency.ts'
import { presentView, ticketFromRow } from './present.ts'
import { defineRoute, type ApiAnswer, type ApiContext } from './route.ts'
import { ActorField, Email, EXAMPLE_PEOPLE, line, MessageBody, PendingTicketEnvelope, TicketEnvelope } from './schemas.ts'
import {
  closeCaseLink,
  findTicket,
  keyCreator,
  readTicket,
  staffMember,
  ticketLinks,
  unprocessable,
  UNAVAILABLE_RETRY_AFTER_S,
} from './ticket-steps.ts'

export const StartConversationBody = z
  .strictObject({
    family: z
      .union([
        z.strictObject({ id: z.uuid().describe('A family of the organisation (a requester of its tickets).') }),
        z.strictObject({ email: Email.meta({ examples: [EXAMPLE_PEOPLE.family] }), name: line(NAME_MAX, ['Fran Family']) }),
      ])
      .describe(
        'Who the conversation is with: a family of the organisation by id, or by email (a new address gets an account and an invitation).',
      ),
    kind: z
      .enum(CONVERSATION_KINDS)
      .describe('`general`, or `document_request` (the family is asked for the document named in `document`).'),
    document: line(DOCUMENT_NAME_MAX, ['Latest EHCP draft'])
      .optional()
      .describe('The document a `document_request` asks for; required for one.'),
    subject: line(SUBJECT_MAX, ['Your annual review']),
    body: MessageBody.describe('The first message, from the member of staff to the family.'),
    actor: ActorField,
  })
  .describe('A conversation staff start with a family.')

type StartBody = z.output<typeof StartConversationBody>

async function start(ctx: ApiContext, body: StartBody, record: RecordResource<'ticket'>): Promise<ApiAnswer> {
  if (body.kind === 'document_request' && body.document === undefined)
    throw unprocessable('body.document', 'Name the document a document request asks for.')
  const author = body.actor ? await staffMember(ctx, body.actor.email, 'body.actor.email') : await keyCreator(ctx)
  if (!author)
    throw unprocessable(
      'body.actor',
      'Say which member of staff writes in `actor.email`: this API key was not created by a member of staff.',
    )
  const family: ConversationFamily = 'id' in body.family ? { id: body.family.id } : body.family
  const result = await startConversation(ctx, {
    orgId: ctx.principal.orgId,
    authorId: author.id,
    via: 'api',
    family,
    kind: body.kind,
    document: body.document,
    subject: body.subject,
    body: body.body,
    inTransaction: (tx, ticket) => record(tx, { ticketId: ticket.id, number: ticket.number }),
  })
  if (result.status === 'family_not_found') throw notFound('Family')
  if (result.status === 'unavailable')
    throw new ApiError(503, 'unavailable', result.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  if (result.status === 'refused') throw new ApiError(422, 'unprocessable', result.message)
  const row = await findTicket(ctx, result.ticket.number)
  if (result.ticket.view) return { status: 201, body: { ticket: await presentView(ctx, row, result.ticket.view) } }
  return {
    status: 202,
    body: {
      ticket: ticketFromRow(row),
      message: 'The conversation is saved; its workflow had not confirmed it in time, so it shows shortly.',
    },
  }
}

const startConversationRoute = defineRoute({
  method: 'post',
  path: '/conversations',
  operationId: 'startConversation',
  tag: 'Tickets',
  summary: 'Start a conversation with a family',
  description:
    'A member of staff (`actor`, else the key’s creator) writes first to a family: the conversation is a ticket, In progress ' +
    '(Pending family for a document request, whose checklist asks for the document), assigned to them, with no first-response target; ' +
    'the family is notified. Send an `Idempotency-Key` header (a UUID) to retry safely, as for createTicket.',
  body: StartConversationBody,
  idempotent: true,
  responses: {
    201: { description: 'The conversation as its workflow first saved it.', schema: TicketEnvelope },
    202: { description: 'The conversation is saved, but its workflow did not confirm it in time.', schema: PendingTicketEnvelope },
  },
  links: { 201: { ...ticketLinks(), ...closeCaseLink }, 202: { ...ticketLinks(), ...closeCaseLink } },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    404: ['not_found'],
    409: ['idempotency_in_progress'],
    415: ['unsupported_media_type'],
    422: ['unprocessable', 'idempotency_key_reused'],
    503: ['unavailable'],
  },
  async handle(ctx, { body, rawBody, header }) {
    return idempotently(ctx, {
      kind: 'ticket',
      operation: 'startConversation',
      rawBody,
      header,
      create: (record) => start(ctx, body, record),
      replay: (ticket) => readTicket(ctx, ticket.number),
    })
  },
})

export const conversationRoutes = [startConversationRoute]
