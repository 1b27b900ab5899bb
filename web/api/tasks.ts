/**
 * Tasks over HTTP: a ticket's tasks (read; make one or link an existing one) and
 * one task changed (status, owner, due time, title). Plain records written by
 * the service with their audit records (services/tasks.server.ts); a case's next
 * action done, reopened or moved goes to its case workflow there. Another
 * organisation's task, or one the actor may not see, is not there (404).
 */
import {
  createTicketTask,
  findTask,
  linkTaskToTicket,
  ticketTasks,
  updateTask,
  type TaskResult,
  type TaskRow,
} from '../../services/tasks.server.ts'
import { ApiError, notFound } from './errors.ts'
import { idempotently } from './idempotency.ts'
import { defineRoute, type ApiContext } from './route.ts'
import { ChangeTaskBody, CreateTaskBody, TaskEnvelope, TaskListSchema, TaskParams, TicketTasksParams } from './task-schemas.ts'
import { ChecklistActorQuery } from './checklist-schemas.ts'
import { actorFor, findTicket, keyCreator, staffMember, TICKET_ERRORS, unprocessable } from './ticket-steps.ts'

const presentTask = (task: TaskRow) => ({
  id: task.id,
  title: task.title,
  status: task.status,
  owner: task.owner ? { email: task.owner.email, name: task.owner.name } : null,
  dueAt: task.dueAt?.toISOString() ?? null,
  overdue: task.overdue && task.status !== 'done',
  ticketNumber: task.ticket?.number ?? null,
  caseRef: task.case?.caseRef ?? null,
})

const ERRORS = { ...TICKET_ERRORS, 409: ['task_linked_elsewhere'], 415: ['unsupported_media_type'], 422: ['unprocessable'] } as const

/** The service's answer as the API's: the task, or the error it comes to. */
function taskAnswer(result: TaskResult, created = false) {
  switch (result.status) {
    case 'not_found':
      throw notFound()
    case 'refused':
      if (result.code === 'already_linked') throw new ApiError(409, 'task_linked_elsewhere', result.message)
      throw unprocessable(result.code === 'invalid_owner' ? 'body.owner.email' : 'body', result.message)
    default:
      return { status: created && result.status === 'changed' ? 201 : 200, body: { task: presentTask(result.task) } }
  }
}

async function ownerId(ctx: ApiContext, owner: { email: string } | null | undefined): Promise<string | null | undefined> {
  if (owner === undefined || owner === null) return owner
  return (await staffMember(ctx, owner.email, 'body.owner.email')).id
}

const listTicketTasksRoute = defineRoute({
  method: 'get',
  path: '/tickets/{number}/tasks',
  operationId: 'listTicketTasks',
  tag: 'Tickets',
  summary: 'Read a ticket’s tasks',
  params: TicketTasksParams,
  query: ChecklistActorQuery,
  responses: { 200: { description: 'The ticket’s tasks.', schema: TaskListSchema } },
  errors: { ...TICKET_ERRORS, 422: ['unprocessable'] },
  async handle(ctx, { params, query }) {
    const row = await findTicket(ctx, params.number)
    await actorFor(ctx, row, query.actor === undefined ? undefined : { email: query.actor })
    return { status: 200, body: { tasks: (await ticketTasks(ctx.db, row.id)).map(presentTask) } }
  },
})

const createTicketTaskRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/tasks',
  operationId: 'createTicketTask',
  tag: 'Tickets',
  summary: 'Give a ticket a task, new or existing',
  description:
    'With `title`, a new task on the ticket (201). With `taskId`, an open task of the organisation (a case’s next action, say) ' +
    'is linked to it (201; 200 when it already was; 409 `task_linked_elsewhere` when another ticket has it). Honours Idempotency-Key.',
  params: TicketTasksParams,
  body: CreateTaskBody,
  responses: {
    201: { description: 'The task, now on the ticket.', schema: TaskEnvelope },
    200: { description: 'The task was on the ticket already, or the Idempotency-Key was used before.', schema: TaskEnvelope },
  },
  errors: { ...ERRORS, 409: [...ERRORS[409], 'idempotency_in_progress'], 422: [...ERRORS[422], 'idempotency_key_reused'] },
  async handle(ctx, { params, body, rawBody, header }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
    const owner = 'title' in body ? await ownerId(ctx, body.owner) : undefined
    const who = { actorId: actor?.id ?? null, via: 'api' as const }
    return idempotently(ctx, {
      kind: 'task',
      operation: 'createTicketTask',
      params,
      rawBody,
      header,
      create: async (record) => {
        if ('taskId' in body) {
          const linked = await linkTaskToTicket(ctx, { ...who, ticket: row, taskId: body.taskId })
          if (linked.status !== 'not_found' && linked.status !== 'refused')
            await ctx.db.$transaction((tx) => record(tx, { taskId: linked.task.id }))
          return taskAnswer(linked, true)
        }
        const dueAt = body.dueAt ? new Date(body.dueAt) : null
        return taskAnswer(
          await createTicketTask(ctx, {
            ...who,
            ticket: row,
            title: body.title,
            ownerId: owner ?? null,
            dueAt,
            inTransaction: (tx, task) => record(tx, { taskId: task.id }),
          }),
          true,
        )
      },
      replay: async (resource) => {
        const task = await findTask(ctx.db, { orgId: row.orgId, taskId: resource.taskId, actorId: null })
        if (!task) throw notFound()
        return { status: 200, body: { task: presentTask(task) } }
      },
    })
  },
})

const changeTaskRoute = defineRoute({
  method: 'patch',
  path: '/tasks/{taskId}',
  operationId: 'changeTask',
  tag: 'Tickets',
  summary: 'Change a task’s status, owner, due time or title',
  description:
    'Idempotent: asking for what the task already is answers 200 and changes nothing. ' +
    'A case’s next action done, reopened or given a new due time goes to its case, which needs an `actor`.',
  params: TaskParams,
  body: ChangeTaskBody,
  responses: { 200: { description: 'The task as it is now.', schema: TaskEnvelope } },
  errors: { ...TICKET_ERRORS, 415: ['unsupported_media_type'], 422: ['unprocessable'] },
  async handle(ctx, { params, body }) {
    const actor = body.actor ? await staffMember(ctx, body.actor.email, 'body.actor.email') : await keyCreator(ctx)
    const result = await updateTask(ctx, {
      orgId: ctx.principal.orgId,
      taskId: params.taskId,
      actorId: actor?.id ?? null,
      via: 'api',
      change: {
        title: body.title,
        status: body.status,
        ownerId: await ownerId(ctx, body.owner),
        dueAt: body.dueAt === undefined ? undefined : body.dueAt === null ? null : new Date(body.dueAt),
      },
    })
    return taskAnswer(result)
  },
})

export const taskRoutes = [listTicketTasksRoute, createTicketTaskRoute, changeTaskRoute]
