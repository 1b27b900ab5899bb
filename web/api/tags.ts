/**
 * Tags over HTTP: the organisation's tags, and putting one on a ticket or
 * taking it off. Tags are plain records, not lifecycle: the services write them
 * and their audit record, no workflow is asked. A tag is named in any case or
 * spacing ("welsh la" is "Welsh LA"), so adding one twice changes nothing.
 */
import { addTicketTag, organisationTags, removeTicketTag, tagNamed, ticketTags } from '../../services/tags.server.ts'
import { defineRoute, type ApiContext } from './route.ts'
import { AddTagBody, RemoveTagQuery, TagListSchema, TicketNumberParams, TicketTagParams, TicketTagsSchema } from './schemas.ts'
import { actorFor, findTicket, TICKET_ERRORS } from './ticket-steps.ts'

const names = async (ctx: ApiContext, ticketId: string) => (await ticketTags(ctx.db, ticketId)).map((t) => t.name)

const listTagsRoute = defineRoute({
  method: 'get',
  path: '/tags',
  operationId: 'listTags',
  tag: 'Tags',
  summary: 'List the organisation’s tags',
  description: 'Every tag the team has used, A to Z, with how many tickets carry it.',
  responses: { 200: { description: 'The tags.', schema: TagListSchema } },
  errors: { 400: ['invalid_request'] },
  async handle(ctx) {
    const tags = await organisationTags(ctx.db, ctx.principal.orgId)
    return { status: 200, body: { tags: tags.map((t) => ({ name: t.name, tickets: t.tickets })) } }
  },
})

const removeTagLink = {
  RemoveTicketTag: {
    operationId: 'removeTicketTag',
    description: 'The tag just put on the ticket, taken off again.',
    parameters: { number: '$request.path.number', tag: '$response.body#/tag/name' },
  },
}

const addTicketTagRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/tags',
  operationId: 'addTicketTag',
  tag: 'Tags',
  summary: 'Tag a ticket',
  description:
    'Puts the tag of that name on the ticket, making the tag if the organisation has none of that name in any case. ' +
    'Idempotent by name: a tag the ticket already has answers 200 and changes nothing.',
  params: TicketNumberParams,
  body: AddTagBody,
  responses: {
    200: { description: 'The ticket already had the tag.', schema: TicketTagsSchema },
    201: { description: 'The tag is on the ticket now.', schema: TicketTagsSchema },
  },
  links: { 200: removeTagLink, 201: removeTagLink },
  errors: { ...TICKET_ERRORS, 415: ['unsupported_media_type'], 422: ['unprocessable'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
    const { tag, added } = await addTicketTag(ctx.db, { ticket: row, name: body.name, actorId: actor?.id ?? null, via: 'api' })
    return { status: added ? 201 : 200, body: { tag: { name: tag.name }, tags: await names(ctx, row.id) } }
  },
})

const removeTicketTagRoute = defineRoute({
  method: 'delete',
  path: '/tickets/{number}/tags/{tag}',
  operationId: 'removeTicketTag',
  tag: 'Tags',
  summary: 'Take a tag off a ticket',
  description: 'Idempotent: a tag the ticket does not have (or that does not exist) answers 200 and changes nothing.',
  params: TicketTagParams,
  query: RemoveTagQuery,
  responses: { 200: { description: 'The ticket without the tag.', schema: TicketTagsSchema } },
  errors: { ...TICKET_ERRORS, 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, query.actor === undefined ? undefined : { email: query.actor })
    const tag = await tagNamed(ctx.db, row.orgId, params.tag)
    if (tag) await removeTicketTag(ctx.db, { ticket: row, tagId: tag.id, actorId: actor?.id ?? null, via: 'api' })
    return { status: 200, body: { tag: { name: tag?.name ?? params.tag }, tags: await names(ctx, row.id) } }
  },
})

export const tagRoutes = [listTagsRoute, addTicketTagRoute, removeTicketTagRoute]
