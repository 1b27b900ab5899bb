/**
 * A ticket's checklist over HTTP: read it, add a step, change one (title, done,
 * staff only) and remove one. Plain records written by the service with their
 * audit records (services/checklists.server.ts); with `notifyFamily` the service
 * asks the ticket workflow to tell the family of an added or ticked step. Another
 * ticket's item, or one the actor may not see, is not there (404).
 */
import {
  addChecklistItem,
  removeChecklistItem,
  ticketChecklist,
  updateChecklistItem,
  type ChecklistItemRow,
} from '../../services/checklists.server.ts'
import {
  AddChecklistItemBody,
  ChangeChecklistItemBody,
  ChecklistActorQuery,
  ChecklistItemEnvelope,
  ChecklistItemParams,
  ChecklistSchema,
} from './checklist-schemas.ts'
import { notFound } from './errors.ts'
import type { TicketRow } from './present.ts'
import { defineRoute, type ApiContext } from './route.ts'
import { TicketNumberParams } from './schemas.ts'
import { actorFor, findTicket, TICKET_ERRORS } from './ticket-steps.ts'

const presentItem = (item: ChecklistItemRow) => ({
  id: item.id,
  title: item.title,
  position: item.position,
  staffOnly: item.staffOnly,
  done: item.done,
  doneAt: item.doneAt?.toISOString() ?? null,
  doneBy: item.doneBy?.name ?? null,
})

async function checklistBody(ctx: ApiContext, row: TicketRow) {
  const { items, progress } = await ticketChecklist(ctx.db, row.id, 'staff')
  return { items: items.map(presentItem), progress }
}

const asActor = (email: string | undefined) => (email === undefined ? undefined : { email })
const ERRORS = { ...TICKET_ERRORS, 415: ['unsupported_media_type'], 422: ['unprocessable'] } as const

const getChecklistRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/checklist',
  operationId: 'getChecklist',
  tag: 'Tickets',
  summary: 'Read a ticket’s checklist',
  description: 'Every item in order, staff-only ones too, and how many are done.',
  params: TicketNumberParams,
  query: ChecklistActorQuery,
  responses: { 200: { description: 'The checklist.', schema: ChecklistSchema } },
  errors: { ...TICKET_ERRORS, 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    await actorFor(ctx, row, asActor(query.actor))
    return { status: 200, body: await checklistBody(ctx, row) }
  },
})

const itemLinks = {
  ChangeChecklistItem: {
    operationId: 'changeChecklistItem',
    description: 'The item just added: tick it, rename it or show it to the family.',
    parameters: { number: '$request.path.number', itemId: '$response.body#/item/id' },
  },
  RemoveChecklistItem: {
    operationId: 'removeChecklistItem',
    description: 'The item just added, removed again.',
    parameters: { number: '$request.path.number', itemId: '$response.body#/item/id' },
  },
}

const addChecklistItemRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/checklist',
  operationId: 'addChecklistItem',
  tag: 'Tickets',
  summary: 'Add a step to a ticket’s checklist',
  params: TicketNumberParams,
  body: AddChecklistItemBody,
  responses: { 201: { description: 'The item, at the end of the checklist.', schema: ChecklistItemEnvelope } },
  links: { 201: itemLinks },
  errors: ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
    const item = await addChecklistItem(ctx.db, {
      ticket: row,
      title: body.title,
      staffOnly: body.staffOnly,
      tellFamily: body.notifyFamily ? ctx : undefined,
      actorId: actor?.id ?? null,
      via: 'api',
    })
    if (!item) throw notFound()
    return { status: 201, body: { item: presentItem(item), checklist: await checklistBody(ctx, row) } }
  },
})

const changeChecklistItemRoute = defineRoute({
  method: 'patch',
  path: '/tickets/{number}/checklist/{itemId}',
  operationId: 'changeChecklistItem',
  tag: 'Tickets',
  summary: 'Tick, untick, rename or hide a checklist item',
  description: 'Idempotent: asking for what the item already is answers 200 and changes nothing.',
  params: ChecklistItemParams,
  body: ChangeChecklistItemBody,
  responses: { 200: { description: 'The item as it is now.', schema: ChecklistItemEnvelope } },
  errors: ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
    const result = await updateChecklistItem(ctx.db, {
      ticket: row,
      itemId: params.itemId,
      title: body.title,
      done: body.done,
      staffOnly: body.staffOnly,
      tellFamily: body.notifyFamily ? ctx : undefined,
      actorId: actor?.id ?? null,
      via: 'api',
    })
    if (result.status === 'not_found') throw notFound()
    return { status: 200, body: { item: presentItem(result.item), checklist: await checklistBody(ctx, row) } }
  },
})

const removeChecklistItemRoute = defineRoute({
  method: 'delete',
  path: '/tickets/{number}/checklist/{itemId}',
  operationId: 'removeChecklistItem',
  tag: 'Tickets',
  summary: 'Remove a checklist item',
  description: 'The items after it move up one.',
  params: ChecklistItemParams,
  query: ChecklistActorQuery,
  responses: { 200: { description: 'The checklist without it.', schema: ChecklistSchema } },
  errors: { ...TICKET_ERRORS, 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, asActor(query.actor))
    const result = await removeChecklistItem(ctx.db, { ticket: row, itemId: params.itemId, actorId: actor?.id ?? null, via: 'api' })
    if (result.status === 'not_found') throw notFound()
    return { status: 200, body: await checklistBody(ctx, row) }
  },
})

export const checklistRoutes = [getChecklistRoute, addChecklistItemRoute, changeChecklistItemRoute, removeChecklistItemRoute]
