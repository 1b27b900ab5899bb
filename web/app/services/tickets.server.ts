/**
 * The one way in to tickets for the portal and the HTTP API. Content (the
 * ticket row, messages) is written here; every change to a ticket's lifecycle
 * goes to its workflow as an update, whose answer (the new TicketView, or the
 * refusal) is returned as it is. Lifecycle columns are written only by the
 * workflow's activities.
 */
import {
  ApplicationFailure,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowUpdateHandle,
} from '@temporalio/client'
import type { UpdateDefinition } from '@temporalio/common'
import { isStaffRole, type Priority, type Role, type TicketType, type Visibility } from '../../../domain/ticket.ts'
import type { TicketView } from '../../../domain/ticket-state.ts'
import {
  assignTicketUpdate,
  changeStatusUpdate,
  commandRefusedFailureType,
  postMessageUpdate,
  searchAttributes,
  ticketViewQuery,
  ticketWorkflowId,
  type TicketWorkflowInput,
} from '../../../workflows/ticket.messages.ts'
import type { CasewayContext } from '../context.ts'
import {
  isTemporalUnreachable,
  rootMessage,
  TEMPORAL_COMMAND_TIMEOUT_MS,
  TEMPORAL_QUERY_TIMEOUT_MS,
  TEMPORAL_START_TIMEOUT_MS,
  withDeadline,
} from '../utils/temporal.server.ts'

export type TicketContext = Pick<CasewayContext, 'db' | 'temporal' | 'env' | 'log'>

/** The workflow type registered by the worker (workflows/ticket.workflow.ts). */
export const TICKET_WORKFLOW_TYPE = 'ticketWorkflow'

export type TicketServiceErrorCode = 'not_accepting' | 'invalid' | 'unavailable'

/** A ticket could not be created; `message` is written for the person who tried. */
export class TicketServiceError extends Error {
  override name = 'TicketServiceError'
  constructor(
    readonly code: TicketServiceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * The answer to a command sent to a ticket's workflow:
 * - applied: the workflow made the change; `view` is the ticket afterwards.
 * - pending: the workflow accepted the change (it is in its history) but did not
 *   confirm it in time; it will show once processed.
 * - refused: the workflow (or a rule here) said no; `message` says why. Nothing changed.
 * - unavailable: Temporal did not answer before the change was accepted. Nothing changed.
 */
export type TicketCommandResult =
  | { status: 'applied'; view: TicketView }
  | { status: 'pending'; message: string }
  | { status: 'refused'; message: string }
  | { status: 'unavailable'; message: string }

export interface CreateTicketInput {
  orgId: string
  requesterId: string
  subject: string
  type: TicketType
  /** The family's first message. */
  body: string
  childName?: string
  departmentId?: string
  priority?: Priority
}

export interface CreatedTicket {
  id: string
  orgId: string
  number: number
}

/**
 * A new ticket: its number, row and first message in one transaction, then its
 * workflow. If the workflow cannot be started, the rows are deleted again (the
 * number stays used: numbers are never reused) and a TicketServiceError says so.
 */
export async function createTicket(ctx: TicketContext, input: CreateTicketInput): Promise<CreatedTicket> {
  const priority = input.priority ?? 'normal'
  const { ticket, joinedOrg } = await ctx.db.$transaction(async (tx) => {
    // The row lock taken by this UPDATE serialises concurrent submissions to one
    // organisation until the transaction ends, so each gets the next number.
    const [allocated] = await tx.$queryRaw<{ lastTicketNumber: number }[]>`
      UPDATE "Organisation" SET "lastTicketNumber" = "lastTicketNumber" + 1
      WHERE id = ${input.orgId}::uuid AND "acceptsRequests"
      RETURNING "lastTicketNumber"`
    if (!allocated) throw new TicketServiceError('not_accepting', 'This organisation is not accepting new requests at the moment.')
    if (input.departmentId) {
      const department = await tx.department.findFirst({ where: { id: input.departmentId, orgId: input.orgId }, select: { id: true } })
      if (!department) throw new TicketServiceError('invalid', 'That team is not part of this organisation.')
    }
    // A family becomes a client of the organisation with its first request.
    const joined = await tx.membership.createMany({
      data: [{ orgId: input.orgId, userId: input.requesterId, role: 'family' }],
      skipDuplicates: true,
    })
    const created = await tx.ticket.create({
      data: {
        orgId: input.orgId,
        number: allocated.lastTicketNumber,
        departmentId: input.departmentId ?? null,
        requesterId: input.requesterId,
        subject: input.subject,
        childName: input.childName ?? null,
        type: input.type,
        priority,
        messages: { create: { authorId: input.requesterId, body: input.body, visibility: 'public' } },
      },
      select: { id: true, orgId: true, number: true, createdAt: true },
    })
    return { ticket: created, joinedOrg: joined.count > 0 }
  })

  const workflowId = ticketWorkflowId(ticket.id)
  const workflowInput: TicketWorkflowInput = {
    ticketId: ticket.id,
    orgId: ticket.orgId,
    number: ticket.number,
    requesterId: input.requesterId,
    type: input.type,
    priority,
    createdAt: ticket.createdAt.toISOString(),
  }
  try {
    await withDeadline(ctx.temporal, TEMPORAL_START_TIMEOUT_MS, () =>
      ctx.temporal.workflow.start<(input: TicketWorkflowInput) => Promise<void>>(TICKET_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: ctx.env.TEMPORAL_TASK_QUEUE,
        args: [workflowInput],
        memo: { subject: input.subject },
        typedSearchAttributes: [
          { key: searchAttributes.ticketNumber, value: ticket.number },
          { key: searchAttributes.orgId, value: ticket.orgId },
          { key: searchAttributes.ticketStatus, value: 'new' },
          { key: searchAttributes.ticketPriority, value: priority },
          { key: searchAttributes.ticketType, value: input.type },
        ],
      }),
    )
  } catch (error) {
    ctx.log.error({ err: error, ticketId: ticket.id, workflowId }, 'starting the ticket workflow failed; removing the ticket')
    await ctx.db.ticket.delete({ where: { id: ticket.id } })
    if (joinedOrg) await ctx.db.membership.deleteMany({ where: { orgId: input.orgId, userId: input.requesterId, role: 'family' } })
    // A start that timed out may still have happened: stop that workflow too.
    if (isTemporalUnreachable(error)) await terminateQuietly(ctx, workflowId)
    throw new TicketServiceError(
      'unavailable',
      isTemporalUnreachable(error)
        ? 'We could not reach the ticket service, so your request was not sent. Please try again in a few minutes.'
        : `Your request could not be started, so it was not sent: ${rootMessage(error)}`,
      { cause: error },
    )
  }
  ctx.log.info({ ticketId: ticket.id, orgId: ticket.orgId, number: ticket.number }, 'ticket created')
  return { id: ticket.id, orgId: ticket.orgId, number: ticket.number }
}

async function terminateQuietly(ctx: TicketContext, workflowId: string) {
  try {
    await withDeadline(ctx.temporal, TEMPORAL_QUERY_TIMEOUT_MS, () =>
      ctx.temporal.workflow.getHandle(workflowId).terminate('ticket creation was rolled back'),
    )
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return
    ctx.log.error({ err: error, workflowId }, 'could not terminate the workflow of a rolled-back ticket; terminate it by hand')
  }
}

export interface PostMessageInput {
  ticket: { id: string }
  author: { id: string }
  /** The author's role towards this ticket. */
  role: Role
  body: string
  visibility: Visibility
}

/**
 * A reply (public) or an internal note. The message row is written first so the
 * workflow only ever carries its id; if the workflow refuses the message or
 * cannot be reached before accepting it, the row is deleted again.
 */
export async function postMessage(ctx: TicketContext, input: PostMessageInput): Promise<TicketCommandResult> {
  if (input.visibility === 'internal' && !isStaffRole(input.role)) {
    return { status: 'refused', message: 'Only staff can write internal notes.' }
  }
  const message = await ctx.db.message.create({
    data: { ticketId: input.ticket.id, authorId: input.author.id, body: input.body, visibility: input.visibility },
    select: { id: true },
  })
  const result = await sendUpdate(
    ctx,
    input.ticket.id,
    postMessageUpdate,
    { messageId: message.id, authorId: input.author.id, authorRole: input.role, visibility: input.visibility },
    // The same message is never applied twice, even if this call is retried.
    `message-${message.id}`,
  )
  if (result.status === 'refused' || result.status === 'unavailable') {
    await ctx.db.message.deleteMany({ where: { id: message.id } })
  }
  return result
}

export async function changeStatus(
  ctx: TicketContext,
  input: { ticket: { id: string }; actor: { id: string }; status: TicketView['status']; reason?: string },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changeStatusUpdate, {
    status: input.status,
    actorId: input.actor.id,
    reason: input.reason,
  })
}

/** Assigns the ticket to a member of its organisation's team (staff or admin). */
export async function assign(
  ctx: TicketContext,
  input: { ticket: { id: string; orgId: string }; actor: { id: string }; assigneeId: string },
): Promise<TicketCommandResult> {
  const member = await ctx.db.membership.findFirst({
    where: { orgId: input.ticket.orgId, userId: input.assigneeId, role: { in: ['staff', 'admin'] } },
    select: { id: true },
  })
  if (!member) return { status: 'refused', message: 'That person is not on this organisation’s team.' }
  return sendUpdate(ctx, input.ticket.id, assignTicketUpdate, { assigneeId: input.assigneeId, actorId: input.actor.id })
}

export type LiveViewResult = { status: 'ok'; view: TicketView } | { status: 'unavailable'; message: string }

/** The ticket as its workflow sees it right now; the database row may lag behind by a moment. */
export async function getTicketLiveView(ctx: TicketContext, ticket: { id: string }): Promise<LiveViewResult> {
  try {
    const view = await withDeadline(ctx.temporal, TEMPORAL_QUERY_TIMEOUT_MS, () =>
      ctx.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).query(ticketViewQuery),
    )
    return { status: 'ok', view }
  } catch (error) {
    ctx.log.warn({ err: error, ticketId: ticket.id }, 'live ticket view unavailable')
    if (error instanceof WorkflowNotFoundError) {
      return { status: 'unavailable', message: 'This ticket has no running workflow, so there is no live state to show.' }
    }
    if (isTemporalUnreachable(error)) {
      return { status: 'unavailable', message: 'The ticket service did not answer in time; showing the last saved state.' }
    }
    return { status: 'unavailable', message: `The ticket service could not show the live state: ${rootMessage(error)}` }
  }
}

async function sendUpdate<Arg>(
  ctx: TicketContext,
  ticketId: string,
  update: UpdateDefinition<TicketView, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<TicketCommandResult> {
  const handle = ctx.temporal.workflow.getHandle(ticketWorkflowId(ticketId))
  // One deadline for the whole exchange: acceptance and result.
  const deadline = Date.now() + TEMPORAL_COMMAND_TIMEOUT_MS
  const remaining = () => Math.max(1, deadline - Date.now())
  let accepted: WorkflowUpdateHandle<TicketView>
  try {
    accepted = await withDeadline(ctx.temporal, remaining(), () =>
      handle.startUpdate(update, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId }),
    )
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return refused(ctx, ticketId, update.name, error)
    if (error instanceof WorkflowNotFoundError) {
      ctx.log.warn({ err: error, ticketId, update: update.name }, 'update refused: no running workflow')
      return { status: 'refused', message: 'This ticket is no longer open for changes (its workflow has finished).' }
    }
    if (isTemporalUnreachable(error)) {
      ctx.log.warn({ err: error, ticketId, update: update.name }, 'update not accepted in time')
      return {
        status: 'unavailable',
        message: 'The ticket service did not respond in time, so nothing was changed. Please try again in a moment.',
      }
    }
    throw error
  }
  try {
    const view = await withDeadline(ctx.temporal, remaining(), () => accepted.result())
    return { status: 'applied', view }
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return refused(ctx, ticketId, update.name, error)
    if (isTemporalUnreachable(error)) {
      ctx.log.warn({ err: error, ticketId, update: update.name }, 'update accepted but its result did not arrive in time')
      return { status: 'pending', message: 'The change was accepted and will show on the ticket shortly.' }
    }
    throw error
  }
}

function refused(ctx: TicketContext, ticketId: string, update: string, error: WorkflowUpdateFailedError): TicketCommandResult {
  // The workflow's own refusals carry a reason written for people; any other
  // failure (a missing handler, a bug) is logged and reported without details.
  if (error.cause instanceof ApplicationFailure && error.cause.type === commandRefusedFailureType) {
    ctx.log.info({ ticketId, update, reason: error.cause.message }, 'update refused by the ticket workflow')
    return { status: 'refused', message: error.cause.message }
  }
  ctx.log.error({ err: error, ticketId, update, cause: rootMessage(error) }, 'update failed in the ticket workflow')
  return { status: 'refused', message: 'The ticket could not make that change because of an unexpected error. Nothing was changed.' }
}
