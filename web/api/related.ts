/**
 * Related tickets over HTTP: a ticket's related tickets (links and follow-ups,
 * with their status), linking another by number and unlinking it. Plain records
 * written by the service with their audit records; no workflow is asked. Linking
 * is idempotent by pair: a pair already related answers 200 and changes nothing.
 * A ticket the actor may not see, on either side, is not there (404).
 */
import { linkTickets, relatedTickets, unlinkTickets } from '../../services/ticket-links.server.ts'
import { ApiError, notFound } from './errors.ts'
import { LinkTicketBody, RelatedActorQuery, RelatedTicketParams, RelatedTicketsSchema } from './related-schemas.ts'
import { defineRoute, type ApiContext } from './route.ts'
import { TicketNumberParams } from './schemas.ts'
import { actorFor, findTicket, TICKET_ERRORS, unprocessable } from './ticket-steps.ts'
import type { TicketRow } from './present.ts'

async function relatedBody(ctx: ApiContext, row: TicketRow, viewerId: string | null) {
  const related = await relatedTickets(ctx.db, { ticket: row, viewerId })
  return {
    related: related.map((t) => ({
      number: t.number,
      subject: t.subject,
      status: t.status,
      relation: t.relation,
      linkedAt: t.linkedAt?.toISOString() ?? null,
    })),
  }
}

const asActor = (email: string | undefined) => (email === undefined ? undefined : { email })

const listRelatedRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/related',
  operationId: 'listRelatedTickets',
  tag: 'Tickets',
  summary: 'List a ticket’s related tickets',
  description: 'Tickets linked to it, the ticket it follows up and those that follow it up, each with its status.',
  params: TicketNumberParams,
  query: RelatedActorQuery,
  responses: { 200: { description: 'The related tickets.', schema: RelatedTicketsSchema } },
  errors: { ...TICKET_ERRORS, 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, asActor(query.actor))
    return { status: 200, body: await relatedBody(ctx, row, actor?.id ?? null) }
  },
})

const unlinkLink = {
  UnlinkTicket: {
    operationId: 'unlinkTicket',
    description: 'The ticket just linked, unlinked again.',
    parameters: { number: '$request.path.number', other: '$request.body#/ticket' },
  },
}

const linkTicketRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/related',
  operationId: 'linkTicket',
  tag: 'Tickets',
  summary: 'Link a related ticket',
  description:
    'Relates another ticket of the organisation, by number; the link shows on both. Idempotent by pair: tickets already ' +
    'related (linked, or one following the other up) answer 200 and change nothing. A ticket cannot be linked to itself (422).',
  params: TicketNumberParams,
  body: LinkTicketBody,
  responses: {
    200: { description: 'The tickets were already related.', schema: RelatedTicketsSchema },
    201: { description: 'The tickets are linked now.', schema: RelatedTicketsSchema },
  },
  links: { 200: unlinkLink, 201: unlinkLink },
  errors: { ...TICKET_ERRORS, 415: ['unsupported_media_type'], 422: ['unprocessable'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
    const linked = await linkTickets(ctx.db, { ticket: row, otherNumber: body.ticket, actorId: actor?.id ?? null, via: 'api' })
    if (linked.status === 'self') throw unprocessable('body.ticket', 'A ticket cannot be linked to itself.')
    if (linked.status === 'not_found') throw notFound()
    return { status: linked.status === 'linked' ? 201 : 200, body: await relatedBody(ctx, row, actor?.id ?? null) }
  },
})

const unlinkTicketRoute = defineRoute({
  method: 'delete',
  path: '/tickets/{number}/related/{other}',
  operationId: 'unlinkTicket',
  tag: 'Tickets',
  summary: 'Unlink a related ticket',
  description:
    'Idempotent: tickets that are not linked answer 200 and change nothing. A follow-up stays related to the ticket it ' +
    'follows up (409 `no_change`).',
  params: RelatedTicketParams,
  query: RelatedActorQuery,
  responses: { 200: { description: 'The related tickets afterwards.', schema: RelatedTicketsSchema } },
  errors: { ...TICKET_ERRORS, 409: ['no_change'], 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, asActor(query.actor))
    const unlinked = await unlinkTickets(ctx.db, { ticket: row, otherNumber: params.other, actorId: actor?.id ?? null, via: 'api' })
    if (unlinked.status === 'not_found') throw notFound()
    if (unlinked.status === 'follow_up')
      throw new ApiError(409, 'no_change', `A follow-up stays related to the ticket it follows up (#${unlinked.other.number}).`)
    return { status: 200, body: await relatedBody(ctx, row, actor?.id ?? null) }
  },
})

export const relatedRoutes = [listRelatedRoute, linkTicketRoute, unlinkTicketRoute]
