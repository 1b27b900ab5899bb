/**
 * Time logs over HTTP: a ticket's entries and their total, logging time, and
 * changing or deleting an entry (its author or an admin, as `actor`). Plain
 * records written by the services with their audit record; no workflow is asked.
 */
import { deleteTimeEntry, logTime, ticketTimeEntries, updateTimeEntry, type TimeEntryRow } from '../../services/time-entries.server.ts'
import { ApiError, notFound } from './errors.ts'
import { defineRoute } from './route.ts'
import {
  CreateTimeEntryBody,
  TicketNumberParams,
  TimeEntryActorQuery,
  TimeEntryDeletedSchema,
  TimeEntryEnvelope,
  TimeEntryListSchema,
  TimeEntryParams,
  UpdateTimeEntryBody,
} from './schemas.ts'
import { findTicket, requiredActor, TICKET_ERRORS } from './ticket-steps.ts'

function present(entry: TimeEntryRow) {
  return {
    id: entry.id,
    person: { email: entry.user.email, name: entry.user.name },
    minutes: entry.minutes,
    workedOn: entry.workedOn.toISOString().slice(0, 10),
    kind: entry.kind,
    note: entry.note,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  }
}

const refused = (status: 'not_found' | 'not_allowed') =>
  status === 'not_found' ? notFound('Time entry') : new ApiError(403, 'forbidden', 'Only its author or an admin can change a time entry.')

const ENTRY_ERRORS = { ...TICKET_ERRORS, 403: ['forbidden'], 422: ['unprocessable'] } as const

const entryLinks = {
  UpdateTimeEntry: {
    operationId: 'updateTimeEntry',
    description: 'The entry’s `id` is the `id` of updateTimeEntry.',
    parameters: { number: '$request.path.number', id: '$response.body#/timeEntry/id' },
  },
  DeleteTimeEntry: {
    operationId: 'deleteTimeEntry',
    description: 'The entry’s `id` is the `id` of deleteTimeEntry.',
    parameters: { number: '$request.path.number', id: '$response.body#/timeEntry/id' },
  },
}

const listTimeEntriesRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/time-entries',
  operationId: 'listTimeEntries',
  tag: 'Tickets',
  summary: 'List the time logged on a ticket',
  params: TicketNumberParams,
  responses: { 200: { description: 'The ticket’s time entries and their total.', schema: TimeEntryListSchema } },
  errors: TICKET_ERRORS,
  async handle(ctx, { params }) {
    const row = await findTicket(ctx, params.number)
    const entries = await ticketTimeEntries(ctx.db, row.id)
    return {
      status: 200,
      body: { timeEntries: entries.map(present), totalMinutes: entries.reduce((sum, e) => sum + e.minutes, 0) },
    }
  },
})

const createTimeEntryRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/time-entries',
  operationId: 'createTimeEntry',
  tag: 'Tickets',
  summary: 'Log time on a ticket',
  description: 'The time is the `actor`’s: a member of staff who sees the ticket.',
  params: TicketNumberParams,
  body: CreateTimeEntryBody,
  responses: { 201: { description: 'The new entry.', schema: TimeEntryEnvelope } },
  links: { 201: entryLinks },
  errors: { ...ENTRY_ERRORS, 415: ['unsupported_media_type'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, body.actor)
    const entry = await logTime(ctx.db, {
      ticket: row,
      userId: actor.id,
      entry: { minutes: body.minutes, workedOn: body.workedOn, kind: body.kind, note: body.note || null },
      actorId: actor.id,
      via: 'api',
    })
    return { status: 201, body: { timeEntry: present(entry) } }
  },
})

const updateTimeEntryRoute = defineRoute({
  method: 'patch',
  path: '/tickets/{number}/time-entries/{id}',
  operationId: 'updateTimeEntry',
  tag: 'Tickets',
  summary: 'Change a time entry',
  description: 'Only its author or an admin (as `actor`) may change it (403 otherwise).',
  params: TimeEntryParams,
  body: UpdateTimeEntryBody,
  responses: { 200: { description: 'The entry afterwards.', schema: TimeEntryEnvelope } },
  links: { 200: entryLinks },
  errors: { ...ENTRY_ERRORS, 415: ['unsupported_media_type'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, body.actor)
    const { actor: _actor, note, ...fields } = body
    const changed = await updateTimeEntry(ctx.db, {
      ticket: row,
      id: params.id,
      person: actor,
      entry: { ...fields, ...(note === undefined ? {} : { note: note || null }) },
      actorId: actor.id,
      via: 'api',
    })
    if (changed.status !== 'changed') throw refused(changed.status)
    return { status: 200, body: { timeEntry: present(changed.entry) } }
  },
})

const deleteTimeEntryRoute = defineRoute({
  method: 'delete',
  path: '/tickets/{number}/time-entries/{id}',
  operationId: 'deleteTimeEntry',
  tag: 'Tickets',
  summary: 'Delete a time entry',
  description: 'Only its author or an admin (as `actor`) may delete it (403 otherwise).',
  params: TimeEntryParams,
  query: TimeEntryActorQuery,
  responses: { 200: { description: 'The entry is gone.', schema: TimeEntryDeletedSchema } },
  errors: ENTRY_ERRORS,
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, query.actor === undefined ? undefined : { email: query.actor })
    const outcome = await deleteTimeEntry(ctx.db, { ticket: row, id: params.id, person: actor, actorId: actor.id, via: 'api' })
    if (outcome !== 'deleted') throw refused(outcome)
    return { status: 200, body: { id: params.id, deleted: true } }
  },
})

export const timeEntryRoutes = [listTimeEntriesRoute, createTimeEntryRoute, updateTimeEntryRoute, deleteTimeEntryRoute]
