/**
 * Commands to one ticket over HTTP: status, assignment, priority, department,
 * the case link and the local authority's response. Each goes to the ticket's workflow, which
 * applies it or refuses it with a reason (409, 403, 422).
 */
import {
  assign,
  changeDepartment,
  changePriority,
  changeStatus,
  linkCase,
  postMessage,
  recordLaResponse,
} from '../../services/ticket-commands.server.ts'
import { openWorkOn } from '../../services/resolve-checks.server.ts'
import { ApiError } from './errors.ts'
import { defineRoute } from './route.ts'
import {
  AssignBody,
  ChangeDepartmentBody,
  ChangePriorityBody,
  ChangeStatusBody,
  LaResponseBody,
  LinkCaseBody,
  TicketNumberParams,
} from './schemas.ts'
import {
  actorFor,
  commandAnswer,
  COMMAND_ERRORS,
  findTicket,
  requiredActor,
  staffMember,
  ticketAnswerLinks,
  ticketAnswers,
  unprocessable,
  UNAVAILABLE_RETRY_AFTER_S,
} from './ticket-steps.ts'
import { throughTicketGate } from './ticket-gate.ts'

const changeStatusRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/status',
  operationId: 'changeStatus',
  tag: 'Tickets',
  summary: 'Change a ticket’s status',
  description:
    'The same rules as the portal: only the transitions the ticket allows now (409 with the reason otherwise). ' +
    'With `pending_la`, `laDeadline` records when the local authority must answer. ' +
    'Resolving a ticket whose checklist has items not done yet is refused with 409 `checklist_incomplete`, and one with open tasks ' +
    'with 409 `tasks_open`, unless the body sends `force: true`.',
  params: TicketNumberParams,
  body: ChangeStatusBody,
  responses: ticketAnswers,
  links: ticketAnswerLinks,
  errors: { ...COMMAND_ERRORS, 409: [...COMMAND_ERRORS[409], 'checklist_incomplete', 'tasks_open'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, body.actor)
    if (body.status === 'resolved' && !body.force) {
      const open = await openWorkOn(ctx.db, row.id)
      if (open?.checklistItems)
        throw new ApiError(
          409,
          'checklist_incomplete',
          `${open.checklistItems} of the ticket’s checklist items are not done; send force: true to resolve it anyway.`,
        )
      if (open?.tasks)
        throw new ApiError(409, 'tasks_open', `${open.tasks} of the ticket’s tasks are not done; send force: true to resolve it anyway.`)
    }
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
  description:
    'A new ticket moves to in progress when assigned. An assignment that would open a new case for an assignee at their capacity is refused with 409 `at_capacity`, unless an admin `actor` sends `override: true`. ' +
    'An `actor` who only covers the ticket’s case is refused with 403 `cover_only`.',
  params: TicketNumberParams,
  body: AssignBody,
  responses: ticketAnswers,
  links: ticketAnswerLinks,
  errors: { ...COMMAND_ERRORS, 403: ['cover_only'], 409: [...COMMAND_ERRORS[409], 'at_capacity'] },
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const assignee = await staffMember(ctx, body.assignee.email, 'body.assignee.email')
    const actor = await requiredActor(ctx, row, body.actor)
    const result = await throughTicketGate(row.id, () =>
      assign(ctx, { ticket: row, actor, assigneeId: assignee.id, override: body.override, via: 'api' }),
    )
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
  links: ticketAnswerLinks,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, body.actor)
    const result = await throughTicketGate(row.id, () => changePriority(ctx, { ticket: row, actor, priority: body.priority }))
    return commandAnswer(ctx, row, result)
  },
})

const changeDepartmentRoute = defineRoute({
  method: 'post',
  path: '/tickets/{number}/department',
  operationId: 'changeDepartment',
  tag: 'Tickets',
  summary: 'Move a ticket to another department',
  description:
    'Who may see the ticket changes with it: the department’s staff, unrestricted staff, admins and its assignee. ' +
    '422 for a department the organisation does not have or has archived, 409 when the ticket is already there.',
  params: TicketNumberParams,
  body: ChangeDepartmentBody,
  responses: ticketAnswers,
  links: ticketAnswerLinks,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await requiredActor(ctx, row, body.actor)
    const department = await ctx.db.department.findUnique({
      where: { orgId_slug: { orgId: ctx.principal.orgId, slug: body.department } },
      select: { id: true },
    })
    if (!department) throw unprocessable('body.department', `This organisation has no department "${body.department}".`)
    const result = await throughTicketGate(row.id, () => changeDepartment(ctx, { ticket: row, actor, departmentId: department.id }))
    // The answer names the department the ticket is in now.
    return commandAnswer(ctx, result.status === 'applied' ? await findTicket(ctx, row.number) : row, result)
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
  links: ticketAnswerLinks,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
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
  links: ticketAnswerLinks,
  errors: COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findTicket(ctx, params.number)
    const actor = await actorFor(ctx, row, body.actor)
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

export const commandRoutes = [changeStatusRoute, assignRoute, changePriorityRoute, changeDepartmentRoute, linkCaseRoute, laResponseRoute]
