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
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common'
import { isStaffRole, type Priority, type Role, type TicketType, type Visibility } from '../domain/ticket.ts'
import type { RefusalCode, TicketView } from '../domain/ticket-state.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import {
  assignTicketUpdate,
  caseClosedSignal,
  caseLinkedSignal,
  changePriorityUpdate,
  changeStatusUpdate,
  changeTypeUpdate,
  commandRefusedFailureType,
  linkCaseUpdate,
  postMessageUpdate,
  recordLaResponseUpdate,
  refusalDetailsOf,
  reopenTicketUpdate,
  searchAttributes,
  slaPolicyChangedSignal,
  ticketViewQuery,
  ticketWorkflowId,
  type LinkCaseInput,
  type TicketWorkflowInput,
} from '../workflows/ticket.messages.ts'
import type { ServiceContext } from './context.ts'
import { removeStoredFiles, storeUploads, type Upload } from './attachments.server.ts'
import {
  isTemporalUnreachable,
  rootMessage,
  TEMPORAL_COMMAND_TIMEOUT_MS,
  TEMPORAL_QUERY_TIMEOUT_MS,
  TEMPORAL_START_TIMEOUT_MS,
  withDeadline,
} from './temporal.server.ts'

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
 * - refused: the workflow (or a rule here) said no; `message` says why, `code`
 *   (when the workflow refused) what kind of no. Nothing changed.
 * - unavailable: Temporal did not answer before the change was accepted. Nothing changed.
 */
export type TicketCommandResult =
  | { status: 'applied'; view: TicketView }
  | { status: 'pending'; message: string }
  | { status: 'refused'; message: string; code?: RefusalCode }
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
  /** Files sent with the request (already checked: attachments.server.ts checkUpload). */
  attachments?: readonly Upload[]
  /** The closed ticket of the same family this request follows up. */
  followUpOfId?: string
  /** An integration's own reference for the ticket (content, kept as given). */
  externalRef?: string
  /** A case to link from the start: the workflow starts with the link (signal-with-start). */
  caseRef?: string
  /**
   * Runs inside the creating transaction, so what it writes commits or rolls back
   * with the ticket: the API's idempotency record points at the ticket this way.
   */
  inTransaction?: (tx: Prisma.TransactionClient, ticket: { id: string; number: number; createdAt: Date }) => Promise<void>
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
export async function createTicket(ctx: ServiceContext, input: CreateTicketInput): Promise<CreatedTicket> {
  const priority = input.priority ?? 'normal'
  // Bytes first, rows second: a row never points at a file that is not there.
  const files = await storeUploads(ctx, input.attachments ?? [])
  const { ticket, joinedOrg } = await ctx.db.$transaction(async (tx) => {
    if (input.departmentId) {
      const department = await tx.department.findFirst({ where: { id: input.departmentId, orgId: input.orgId }, select: { id: true } })
      if (!department) throw new TicketServiceError('invalid', 'That team is not part of this organisation.')
    }
    // A family becomes a client of the organisation with its first request.
    const joined = await tx.membership.createMany({
      data: [{ orgId: input.orgId, userId: input.requesterId, role: 'family' }],
      skipDuplicates: true,
    })
    if (input.followUpOfId) {
      const previous = await tx.ticket.findFirst({
        where: { id: input.followUpOfId, orgId: input.orgId, requesterId: input.requesterId },
        select: { id: true },
      })
      if (!previous) throw new TicketServiceError('invalid', 'The request this one follows up was not found.')
    }
    // The row lock taken by this UPDATE serialises concurrent submissions to one
    // organisation until the transaction ends, so each gets the next number. It
    // comes as late as it can: every statement after it is time no other
    // request of the organisation can be numbered.
    const [allocated] = await tx.$queryRaw<{ lastTicketNumber: number }[]>`
      UPDATE "Organisation" SET "lastTicketNumber" = "lastTicketNumber" + 1
      WHERE id = ${input.orgId}::uuid AND "acceptsRequests"
      RETURNING "lastTicketNumber"`
    if (!allocated) throw new TicketServiceError('not_accepting', 'This organisation is not accepting new requests at the moment.')
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
        followUpOfId: input.followUpOfId ?? null,
        externalRef: input.externalRef ?? null,
        // The workflow starts with this link (and saves it first): written now too, so
        // closing the case the moment the ticket is acknowledged finds it.
        caseRef: input.caseRef ?? null,
      },
      select: { id: true, orgId: true, number: true, createdAt: true },
    })
    const message = await tx.message.create({
      data: { ticketId: created.id, authorId: input.requesterId, body: input.body, visibility: 'public' },
      select: { id: true },
    })
    if (files.length)
      await tx.attachment.createMany({
        data: files.map((file) => ({ ...file, ticketId: created.id, messageId: message.id, uploaderId: input.requesterId })),
      })
    await input.inTransaction?.(tx, created)
    return { ticket: created, joinedOrg: joined.count > 0 }
  }).catch(async (error: unknown) => {
    await removeStoredFiles(ctx, files)
    throw error
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
    followUpOfId: input.followUpOfId ?? null,
  }
  const startOptions = {
    workflowId,
    taskQueue: ctx.env.TEMPORAL_TASK_QUEUE,
    args: [workflowInput] as [TicketWorkflowInput],
    memo: { subject: input.subject },
    typedSearchAttributes: [
      { key: searchAttributes.ticketNumber, value: ticket.number },
      { key: searchAttributes.orgId, value: ticket.orgId },
      { key: searchAttributes.ticketStatus, value: 'new' },
      { key: searchAttributes.ticketPriority, value: priority },
      { key: searchAttributes.ticketType, value: input.type },
    ],
  }
  const caseRef = input.caseRef
  try {
    await withDeadline(ctx.temporal, TEMPORAL_START_TIMEOUT_MS, async () => {
      type Workflow = (input: TicketWorkflowInput) => Promise<void>
      // One call: the workflow never exists without its case link.
      if (caseRef)
        await ctx.temporal.workflow.signalWithStart<Workflow, [LinkCaseInput]>(TICKET_WORKFLOW_TYPE, {
          ...startOptions,
          signal: caseLinkedSignal,
          signalArgs: [{ caseRef, actorId: null }],
        })
      else await ctx.temporal.workflow.start<Workflow>(TICKET_WORKFLOW_TYPE, startOptions)
    })
  } catch (error) {
    ctx.log.error({ err: error, ticketId: ticket.id, workflowId }, 'starting the ticket workflow failed; removing the ticket')
    await ctx.db.ticket.delete({ where: { id: ticket.id } })
    await removeStoredFiles(ctx, files)
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

async function terminateQuietly(ctx: ServiceContext, workflowId: string) {
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
  /** Files sent with the message (already checked: attachments.server.ts checkUpload). */
  attachments?: readonly Upload[]
  /** The new message's id, when the caller must name it in its answer (the API); otherwise one is made. */
  id?: string
}

/**
 * A reply (public) or an internal note. The message row is written first so the
 * workflow only ever carries its id; if the workflow refuses the message or
 * cannot be reached before accepting it, the row (and its attachments) is
 * deleted again.
 */
export async function postMessage(ctx: ServiceContext, input: PostMessageInput): Promise<TicketCommandResult> {
  if (input.visibility === 'internal' && !isStaffRole(input.role)) {
    return { status: 'refused', message: 'Only staff can write internal notes.' }
  }
  const files = await storeUploads(ctx, input.attachments ?? [])
  const message = await ctx.db
    .$transaction(async (tx) => {
      const created = await tx.message.create({
        data: { id: input.id, ticketId: input.ticket.id, authorId: input.author.id, body: input.body, visibility: input.visibility },
        select: { id: true },
      })
      if (files.length)
        await tx.attachment.createMany({
          data: files.map((file) => ({ ...file, ticketId: input.ticket.id, messageId: created.id, uploaderId: input.author.id })),
        })
      return created
    })
    .catch(async (error: unknown) => {
      await removeStoredFiles(ctx, files)
      throw error
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
    // Attachment rows outlive a deleted message (SET NULL), so they go first.
    await ctx.db.attachment.deleteMany({ where: { messageId: message.id } })
    await ctx.db.message.deleteMany({ where: { id: message.id } })
    await removeStoredFiles(ctx, files)
  }
  return result
}

export async function changeStatus(
  ctx: ServiceContext,
  input: {
    ticket: { id: string }
    actor: { id: string }
    status: TicketView['status']
    reason?: string
    /** With Pending LA: when the local authority must answer by. */
    laDeadline?: Date | null
  },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changeStatusUpdate, {
    status: input.status,
    actorId: input.actor.id,
    reason: input.reason,
    laDeadline: input.laDeadline ? input.laDeadline.toISOString() : undefined,
  })
}

export async function changePriority(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string }; priority: Priority },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changePriorityUpdate, { priority: input.priority, actorId: input.actor.id })
}

export async function changeType(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string }; type: TicketType },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changeTypeUpdate, { type: input.type, actorId: input.actor.id })
}

/** Links the ticket to a case (the "Case open" badge), or unlinks it with null. A null actor is an integration. */
export async function linkCase(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string } | null; caseRef: string | null },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, linkCaseUpdate, { caseRef: input.caseRef, actorId: input.actor?.id ?? null })
}

/** A resolved ticket back in progress: a family within the reopen window, staff at any time. */
export async function reopenTicket(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string }; role: Role },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, reopenTicketUpdate, { actorId: input.actor.id, actorRole: input.role })
}

/** The local authority answered: a Pending LA ticket goes back to In progress. A null actor is an integration. */
export async function recordLaResponse(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string } | null },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, recordLaResponseUpdate, { actorId: input.actor?.id ?? null })
}

/** Assigns the ticket to a member of its organisation's team (staff or admin). */
export async function assign(
  ctx: ServiceContext,
  input: { ticket: { id: string; orgId: string }; actor: { id: string }; assigneeId: string },
): Promise<TicketCommandResult> {
  const member = await ctx.db.membership.findFirst({
    where: { orgId: input.ticket.orgId, userId: input.assigneeId, role: { in: ['staff', 'admin'] } },
    select: { id: true },
  })
  if (!member) return { status: 'refused', message: 'That person is not on this organisation’s team.' }
  const result = await sendUpdate(ctx, input.ticket.id, assignTicketUpdate, { assigneeId: input.assigneeId, actorId: input.actor.id })
  if (result.status === 'applied') await notifyAssignment(ctx, input.ticket.id, result.view, input.actor.id)
  return result
}

/**
 * The family is told who their advocate is, and the advocate that the ticket is
 * theirs (unless they took it themselves). The workflow's notifications do not
 * cover assignment yet, so the portal writes these, keyed on the ticket's state
 * version: a retried call cannot notify twice.
 */
async function notifyAssignment(ctx: ServiceContext, ticketId: string, view: TicketView, actorId: string): Promise<void> {
  if (!view.assigneeId) return
  try {
    const ticket = await ctx.db.ticket.findUnique({
      where: { id: ticketId },
      select: { number: true, requesterId: true, subject: true, org: { select: { name: true } } },
    })
    const assignee = await ctx.db.user.findUnique({ where: { id: view.assigneeId }, select: { id: true, name: true } })
    if (!ticket || !assignee) return
    const key = `ticket:${ticketId}:assigned:v${view.version}`
    const data = [
      {
        userId: ticket.requesterId,
        ticketId,
        kind: 'ticket_assigned',
        text: `${assignee.name} from ${ticket.org.name} is now looking after your request #${ticket.number} and will be in touch.`,
        dedupeKey: `${key}:user:${ticket.requesterId}`,
      },
    ]
    if (assignee.id !== actorId)
      data.push({
        userId: assignee.id,
        ticketId,
        kind: 'assigned_to_you',
        text: `Ticket #${ticket.number} “${ticket.subject}” was assigned to you.`,
        dedupeKey: `${key}:user:${assignee.id}`,
      })
    await ctx.db.notification.createMany({ data, skipDuplicates: true })
  } catch (error) {
    // The assignment stands; a missed notification is logged, not reported as a failure.
    ctx.log.error({ err: error, ticketId }, 'could not notify the assignment')
  }
}

export type LiveViewResult = { status: 'ok'; view: TicketView } | { status: 'unavailable'; message: string }

/** The ticket as its workflow sees it right now; the database row may lag behind by a moment. */
export async function getTicketLiveView(ctx: ServiceContext, ticket: { id: string }): Promise<LiveViewResult> {
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

/**
 * The case system closed a case: every open ticket linked to it is resolved
 * ("case closed"). Sent as signals, which Temporal records before answering, so
 * an acknowledged closure is never lost, even while no worker runs. Answers the
 * numbers of the tickets it was sent to; repeating it changes nothing.
 */
export async function closeCase(ctx: ServiceContext, input: { orgId: string; caseRef: string }): Promise<number[]> {
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, caseRef: input.caseRef, status: { notIn: ['resolved', 'closed'] } },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
  })
  return signalEach(ctx, tickets, caseClosedSignal, { caseRef: input.caseRef })
}

/**
 * Running tickets keep the SLA policy they started with; this tells every ticket
 * of the organisation that is not closed to take its current one. Answers the
 * numbers of the tickets told.
 */
export async function applySlaPolicyToOpenTickets(
  ctx: ServiceContext,
  input: { orgId: string; actor: { id: string } | null },
): Promise<number[]> {
  const tickets = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, status: { not: 'closed' } },
    select: { id: true, number: true },
    orderBy: { number: 'asc' },
  })
  return signalEach(ctx, tickets, slaPolicyChangedSignal, { actorId: input.actor?.id ?? null })
}

/** A few signals at a time; a ticket whose workflow has already finished is left out of the answer. */
async function signalEach<Arg>(
  ctx: ServiceContext,
  tickets: { id: string; number: number }[],
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<number[]> {
  const sent: number[] = []
  for (let i = 0; i < tickets.length; i += SIGNAL_BATCH) {
    await Promise.all(
      tickets.slice(i, i + SIGNAL_BATCH).map(async (ticket) => {
        try {
          await withDeadline(ctx.temporal, TEMPORAL_COMMAND_TIMEOUT_MS, () =>
            ctx.temporal.workflow.getHandle(ticketWorkflowId(ticket.id)).signal(signal, arg),
          )
          sent.push(ticket.number)
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error
          ctx.log.info({ ticketId: ticket.id, signal: signal.name }, 'signal not sent: the ticket workflow has finished')
        }
      }),
    )
  }
  return sent.sort((a, b) => a - b)
}

const SIGNAL_BATCH = 16

async function sendUpdate<Arg>(
  ctx: ServiceContext,
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
      return {
        status: 'refused',
        message: 'This ticket is no longer open for changes (its workflow has finished).',
        code: 'ticket_closed',
      }
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

function refused(ctx: ServiceContext, ticketId: string, update: string, error: WorkflowUpdateFailedError): TicketCommandResult {
  // The workflow's own refusals carry a reason written for people; any other
  // failure (a missing handler, a bug) is logged and reported without details.
  if (error.cause instanceof ApplicationFailure && error.cause.type === commandRefusedFailureType) {
    ctx.log.info({ ticketId, update, reason: error.cause.message }, 'update refused by the ticket workflow')
    return { status: 'refused', message: error.cause.message, code: refusalDetailsOf(error.cause)?.code }
  }
  ctx.log.error({ err: error, ticketId, update, cause: rootMessage(error) }, 'update failed in the ticket workflow')
  return { status: 'refused', message: 'The ticket could not make that change because of an unexpected error. Nothing was changed.' }
}

/**
 * A message, as postMessage sends it; but when the family writes on a ticket
 * that is closed (the workflow refuses with `ticket_closed`, or has already
 * finished), their message starts a new ticket instead: "Follow-up to #N",
 * linked to the closed one through followUpOfId, with the message as its first
 * message. Staff on a closed ticket are refused as before. Throws
 * TicketServiceError as createTicket does (the organisation stopped accepting
 * requests, or Temporal is unreachable).
 */
export async function postMessageOrFollowUp(
  ctx: ServiceContext,
  input: PostMessageInput,
): Promise<TicketCommandResult | { status: 'followed_up'; ticket: CreatedTicket }> {
  const result = await postMessage(ctx, input)
  if (result.status !== 'refused' || isStaffRole(input.role)) return result
  if (result.code !== undefined && result.code !== 'ticket_closed') return result
  const closed = await ctx.db.ticket.findUnique({
    where: { id: input.ticket.id },
    select: { id: true, orgId: true, number: true, type: true, status: true, requesterId: true, departmentId: true },
  })
  // Only the family who asked follows up their own closed request.
  if (!closed || closed.status !== 'closed' || closed.requesterId !== input.author.id) return result
  const ticket = await createTicket(ctx, {
    orgId: closed.orgId,
    requesterId: closed.requesterId,
    subject: `Follow-up to #${closed.number}`,
    type: closed.type,
    body: input.body,
    departmentId: closed.departmentId ?? undefined,
    attachments: input.attachments,
    followUpOfId: closed.id,
  })
  ctx.log.info({ ticketId: ticket.id, followUpOfId: closed.id }, 'family wrote on a closed ticket: follow-up started')
  return { status: 'followed_up', ticket }
}
