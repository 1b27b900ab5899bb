/**
 * Commands to one ticket, for the portal and the HTTP API. Content (a message
 * row, its files) is written here; every change to the ticket's lifecycle goes
 * to its workflow as an update, whose answer (the new TicketView, or the
 * refusal) is returned as it is. Lifecycle columns are written only by the
 * workflow's activities.
 */
import { WorkflowNotFoundError } from '@temporalio/client'
import type { UpdateDefinition } from '@temporalio/common'
import { isStaffRole, type Priority, type Role, type TicketType, type Visibility } from '../domain/ticket.ts'
import type { RefusalCode, TicketView } from '../domain/ticket-state.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import {
  assignTicketUpdate,
  changeDepartmentUpdate,
  changePriorityUpdate,
  changeStatusUpdate,
  changeTypeUpdate,
  commandRefusedFailureType,
  linkCaseUpdate,
  postMessageUpdate,
  recordLaResponseUpdate,
  refusalDetailsOf,
  reopenTicketUpdate,
  ticketViewQuery,
  ticketWorkflowId,
} from '../workflows/ticket.messages.ts'
import { removeStoredFiles, storeUploads, type Upload } from './attachments.server.ts'
import { tickAwaitedFileItems } from './checklists.server.ts'
import type { AuditVia } from './audit.server.ts'
import { checkCapacity, recordCapacityOverride } from './capacity.server.ts'
import { isTicketCoverOnly } from './case-access.server.ts'
import { caseForReference, openCaseForTicket } from './cases.server.ts'
import { caseFollowsItsTicket } from './reassignment.server.ts'
import { STATUTORY_DUTY_KEYS } from '../domain/statutory-periods.ts'
import type { ServiceContext } from './context.ts'
import { createTicket, type CreatedTicket } from './ticket-creation.server.ts'
import { isTemporalUnreachable, rootMessage, TEMPORAL_QUERY_TIMEOUT_MS, withDeadline } from './temporal.server.ts'
import { sendWorkflowUpdate } from './workflow-updates.server.ts'

/**
 * The answer to a command sent to a ticket's workflow:
 * - applied: the workflow made the change; `view` is the ticket afterwards.
 * - pending: the workflow accepted the change (it is in its history) but did not
 *   confirm it in time; it will show once processed.
 * - refused: the workflow (or a rule here) said no; `message` says why, `code`
 *   (when the workflow refused) what kind of no. Nothing changed.
 * - unavailable: Temporal did not answer before the change was accepted. It has
 *   not been made, though Temporal may still hand it to the workflow once a worker
 *   runs (a message is therefore kept and delivered by the sweep: postMessage).
 */
export type TicketCommandResult =
  | { status: 'applied'; view: TicketView }
  | { status: 'pending'; message: string }
  | { status: 'refused'; message: string; code?: TicketRefusalCode }
  | { status: 'unavailable'; message: string }

/**
 * The workflow's refusal codes, and the service's own: an advocate at capacity
 * (services/capacity.server.ts), an actor who only covers the ticket's case.
 */
export type TicketRefusalCode = RefusalCode | 'at_capacity' | 'cover_only'

/**
 * A caller that may send the same command again (a bulk change's retried
 * activity) names it: the workflow applies an update of one id once, and
 * answers a repeat with the first answer.
 */
export interface RetrySafe {
  updateId?: string
}

export interface NewMessage {
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
 * workflow only ever carries its id. If the workflow refuses it, the row (and its
 * attachments) is deleted again; if Temporal does not answer in time, the update
 * may still be applied later, so the row stays and the worker's sweep delivers it
 * (services/message-delivery.server.ts): the answer is then `pending`.
 */
export async function postMessage(ctx: ServiceContext, input: NewMessage): Promise<TicketCommandResult> {
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
  const result = await sendMessageUpdate(ctx, {
    ticket: input.ticket,
    message: { id: message.id, authorId: input.author.id, visibility: input.visibility },
    role: input.role,
  })
  if (result.status === 'refused') await removeMessage(ctx, message.id, files)
  else if (files.length && !isStaffRole(input.role)) await tickItemsAwaitingFile(ctx, input.ticket.id, input.author.id)
  if (result.status === 'unavailable') {
    ctx.log.warn({ ticketId: input.ticket.id, messageId: message.id }, 'message kept for the sweep: its update was not confirmed')
    return { status: 'pending', message: 'Your message is saved and will show on the ticket shortly.' }
  }
  // A first reply that assigned its author opens their case, as assigning by hand does.
  if (result.status === 'applied' && result.view.assigneeId === input.author.id && result.view.caseRef === null && isStaffRole(input.role))
    await linkTicketToItsCase(ctx, input.ticket, input.author.id, input.author)
  return result
}

/** The family's file arrived: a document request's item is ticked by them (audited in checklists.server.ts). */
async function tickItemsAwaitingFile(ctx: ServiceContext, ticketId: string, familyId: string): Promise<void> {
  const ticket = await ctx.db.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { id: true, orgId: true, number: true } })
  await tickAwaitedFileItems(ctx.db, { ticket, actorId: familyId, via: 'portal' })
}

/**
 * Tells the ticket's workflow about a message row. A staff reply carries the
 * organisation's assignOnFirstReply: the workflow decides whether it assigns the
 * ticket. The update's id is the message's, so sending it again (a retry, the
 * sweep) never applies it twice.
 */
export async function sendMessageUpdate(
  ctx: ServiceContext,
  input: { ticket: { id: string }; message: { id: string; authorId: string; visibility: Visibility }; role: Role },
): Promise<TicketCommandResult> {
  const { ticket, message, role } = input
  const assignOnFirstReply = isStaffRole(role) && message.visibility === 'public' ? await assignsOnFirstReply(ctx, ticket) : undefined
  return sendUpdate(
    ctx,
    ticket.id,
    postMessageUpdate,
    { messageId: message.id, authorId: message.authorId, authorRole: role, visibility: message.visibility, assignOnFirstReply },
    `message-${message.id}`,
  )
}

/** A message its workflow refused: the row, its attachment rows and their files go. */
export async function removeMessage(ctx: ServiceContext, messageId: string, files: readonly { storageKey: string }[]): Promise<void> {
  await ctx.db.$transaction((tx) => deleteMessageRows(tx, messageId))
  await removeStoredFiles(ctx, files)
}

async function deleteMessageRows(tx: Prisma.TransactionClient, messageId: string): Promise<void> {
  // Attachment rows outlive a deleted message (SET NULL), so they go first.
  await tx.attachment.deleteMany({ where: { messageId } })
  await tx.message.deleteMany({ where: { id: messageId } })
}

/** Whether the ticket's organisation wants a first staff reply to assign the ticket (Organisation.assignOnFirstReply). */
async function assignsOnFirstReply(ctx: ServiceContext, ticket: { id: string }): Promise<boolean> {
  const row = await ctx.db.ticket.findUnique({ where: { id: ticket.id }, select: { org: { select: { assignOnFirstReply: true } } } })
  return row?.org.assignOnFirstReply ?? false
}

export async function changeStatus(
  ctx: ServiceContext,
  input: {
    ticket: { id: string }
    actor: { id: string }
    status: TicketView['status']
    reason?: string
    /** With Pending LA: when the local authority must answer by; without one, the case's next LA deadline, if any. */
    laDeadline?: Date | null
  } & RetrySafe,
): Promise<TicketCommandResult> {
  const laDeadline = input.laDeadline ?? (input.status === 'pending_la' ? await nextLaDeadlineOfCase(ctx, input.ticket) : null)
  return sendUpdate(
    ctx,
    input.ticket.id,
    changeStatusUpdate,
    { status: input.status, actorId: input.actor.id, reason: input.reason, laDeadline: laDeadline ? laDeadline.toISOString() : undefined },
    input.updateId,
  )
}

/** The earliest council duty of the ticket's case still to come, as its workflow last saved the timeline. */
async function nextLaDeadlineOfCase(ctx: ServiceContext, ticket: { id: string }): Promise<Date | null> {
  const row = await ctx.db.ticket.findUnique({ where: { id: ticket.id }, select: { caseId: true } })
  if (!row?.caseId) return null
  const next = await ctx.db.caseDeadline.findFirst({
    where: { caseId: row.caseId, state: 'due', key: { in: [...STATUTORY_DUTY_KEYS] }, dueAt: { gt: new Date() } },
    orderBy: { dueAt: 'asc' },
    select: { dueAt: true },
  })
  return next?.dueAt ?? null
}

export async function changePriority(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string }; priority: Priority } & RetrySafe,
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changePriorityUpdate, { priority: input.priority, actorId: input.actor.id }, input.updateId)
}

export async function changeType(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string }; type: TicketType },
): Promise<TicketCommandResult> {
  return sendUpdate(ctx, input.ticket.id, changeTypeUpdate, { type: input.type, actorId: input.actor.id })
}

/**
 * Moves the ticket to another of its organisation's active departments, which
 * changes who may see it. The workflow knows no departments, so they are
 * checked here; a run begun before it knew its own department learns it here.
 */
export async function changeDepartment(
  ctx: ServiceContext,
  input: { ticket: { id: string; orgId: string }; actor: { id: string }; departmentId: string },
): Promise<TicketCommandResult> {
  const [department, row] = await Promise.all([
    ctx.db.department.findFirst({ where: { id: input.departmentId, orgId: input.ticket.orgId }, select: { name: true, archivedAt: true } }),
    ctx.db.ticket.findUnique({ where: { id: input.ticket.id }, select: { departmentId: true } }),
  ])
  if (!department) return { status: 'refused', message: 'That department is not part of this organisation.', code: 'invalid_input' }
  if (department.archivedAt)
    return { status: 'refused', message: `${department.name} is archived: choose an open department.`, code: 'invalid_input' }
  if (row?.departmentId === input.departmentId)
    return { status: 'refused', message: `The ticket is already in ${department.name}.`, code: 'no_change' }
  return sendUpdate(ctx, input.ticket.id, changeDepartmentUpdate, { departmentId: input.departmentId, actorId: input.actor.id })
}

/**
 * Links the ticket to a case (the "Case open" badge), or unlinks it with null. A
 * null actor is an integration. The case with that reference is opened, or
 * joined, first (for the ticket's family, in its assignee's name).
 */
export async function linkCase(
  ctx: ServiceContext,
  input: { ticket: { id: string }; actor: { id: string } | null; caseRef: string | null },
): Promise<TicketCommandResult> {
  if (input.caseRef !== null) {
    const ticket = await ctx.db.ticket.findUniqueOrThrow({
      where: { id: input.ticket.id },
      select: { orgId: true, requesterId: true, childName: true, assigneeId: true },
    })
    await caseForReference(ctx, {
      orgId: ticket.orgId,
      caseRef: input.caseRef,
      familyId: ticket.requesterId,
      childName: ticket.childName,
      advocateId: ticket.assigneeId,
    })
  }
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

/**
 * Assigns the ticket to a member of its organisation's team (staff or admin).
 * An actor who only covers its case is refused with `cover_only`. One that
 * would open a new case for an advocate at capacity is refused with
 * `at_capacity`, unless an admin asks to `override` it (audited).
 */
export async function assign(
  ctx: ServiceContext,
  input: {
    ticket: { id: string; orgId: string }
    actor: { id: string }
    assigneeId: string
    override?: boolean
    via?: AuditVia
    /** Auto-assignment (services/auto-assignment.server.ts): the timeline says so. */
    familysAdvocate?: true
  } & RetrySafe,
): Promise<TicketCommandResult> {
  const member = await ctx.db.membership.findFirst({
    where: { orgId: input.ticket.orgId, userId: input.assigneeId, role: { in: ['staff', 'admin'] } },
    select: { id: true },
  })
  if (!member) return { status: 'refused', message: 'That person is not on this organisation’s team.' }
  const row = await ctx.db.ticket.findUniqueOrThrow({ where: { id: input.ticket.id }, select: { assigneeId: true, caseId: true } })
  if (await isTicketCoverOnly(ctx.db, { ticket: { ...row, orgId: input.ticket.orgId }, userId: input.actor.id }))
    return {
      status: 'refused',
      message: 'Only the case’s advocate or an admin assigns its tickets; cover replies and adds notes.',
      code: 'cover_only',
    }
  const capacity = await checkCapacity(ctx.db, {
    orgId: input.ticket.orgId,
    opening: { ticket: input.ticket },
    advocateId: input.assigneeId,
    actorId: input.actor.id,
    override: input.override ?? false,
  })
  if (capacity.status === 'at_capacity') return { status: 'refused', message: capacity.message, code: 'at_capacity' }
  // The workflow tells the family who their advocate is, and the assignee that the ticket is theirs.
  const result = await sendUpdate(
    ctx,
    input.ticket.id,
    assignTicketUpdate,
    { assigneeId: input.assigneeId, actorId: input.actor.id, ...(input.familysAdvocate ? { familysAdvocate: true as const } : {}) },
    input.updateId,
  )
  if (result.status !== 'applied') return result
  if (capacity.status === 'overridden')
    await recordCapacityOverride(ctx.db, {
      orgId: input.ticket.orgId,
      actorId: input.actor.id,
      via: input.via ?? 'portal',
      opened: { ticketNumber: result.view.number },
      load: capacity.load,
    })
  return (await linkTicketToItsCase(ctx, input.ticket, input.assigneeId, input.actor, input.via)) ?? result
}

/**
 * An assigned ticket belongs to its advocate's case: the one its reference names,
 * or one opened now for its family in the advocate's name, linked through the
 * ticket's workflow. A ticket whose case is someone else's takes its case along,
 * or leaves it for the advocate's own (services/reassignment.server.ts
 * caseFollowsItsTicket); the worker's sweep (no actor) only links. Answers the
 * link's result, or null when the ticket was linked already. A failure here
 * leaves the assignment standing: the worker's sweep links assigned tickets that
 * have no case.
 */
export async function linkTicketToItsCase(
  ctx: ServiceContext,
  ticket: { id: string },
  advocateId: string,
  actor: { id: string } | null,
  via: AuditVia = 'portal',
): Promise<TicketCommandResult | null> {
  try {
    const linked = await ctx.db.ticket.findUniqueOrThrow({ where: { id: ticket.id }, select: { caseRef: true } })
    const kase = await openCaseForTicket(ctx, ticket, advocateId)
    if (actor && kase.advocateId !== advocateId)
      return await caseFollowsItsTicket(ctx, { orgId: kase.orgId, ticket, caseId: kase.id, toId: advocateId, actor, via })
    if (linked.caseRef === kase.caseRef) return null
    return await sendUpdate(ctx, ticket.id, linkCaseUpdate, { caseRef: kase.caseRef, actorId: actor?.id ?? null })
  } catch (error) {
    ctx.log.error({ err: error, ticketId: ticket.id }, 'could not open the assigned ticket’s case; the sweep links it later')
    return null
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

async function sendUpdate<Arg>(
  ctx: ServiceContext,
  ticketId: string,
  update: UpdateDefinition<TicketView, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<TicketCommandResult> {
  const result = await sendWorkflowUpdate(
    ctx,
    {
      workflowId: ticketWorkflowId(ticketId),
      noun: 'ticket',
      refusedType: commandRefusedFailureType,
      codeOf: (failure) => refusalDetailsOf(failure)?.code,
      finishedCode: 'ticket_closed' as RefusalCode,
      logFields: { ticketId },
    },
    update,
    arg,
    updateId,
  )
  return result.status === 'applied' ? { status: 'applied', view: result.value } : result
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
  input: NewMessage,
): Promise<TicketCommandResult | { status: 'followed_up'; ticket: CreatedTicket }> {
  const result = await postMessage(ctx, input)
  if (result.status !== 'refused' || isStaffRole(input.role)) return result
  if (result.code !== undefined && result.code !== 'ticket_closed') return result
  const ticket = await followUpClosedTicket(ctx, {
    ticket: input.ticket,
    author: input.author,
    body: input.body,
    attachments: input.attachments,
  })
  return ticket ? { status: 'followed_up', ticket } : result
}

/**
 * A family's message on their own closed ticket starts a follow-up ticket with it
 * as its first message; null when the ticket is not closed or not theirs.
 */
export async function followUpClosedTicket(
  ctx: ServiceContext,
  input: {
    ticket: { id: string }
    author: { id: string }
    body: string
    attachments?: readonly Upload[]
    /** A message the workflow refused, whose rows go in the follow-up's own transaction: one or the other, never both. */
    replacesMessageId?: string
  },
): Promise<CreatedTicket | null> {
  const closed = await ctx.db.ticket.findUnique({
    where: { id: input.ticket.id },
    select: {
      id: true,
      orgId: true,
      number: true,
      type: true,
      status: true,
      requesterId: true,
      department: { select: { id: true, archivedAt: true } },
    },
  })
  // Only the family who asked follows up their own closed request.
  if (!closed || closed.status !== 'closed' || closed.requesterId !== input.author.id) return null
  const ticket = await createTicket(ctx, {
    orgId: closed.orgId,
    requesterId: closed.requesterId,
    subject: `Follow-up to #${closed.number}`,
    type: closed.type,
    body: input.body,
    // The closed ticket's department, unless it is archived since: then the organisation's default.
    departmentId: closed.department.archivedAt ? undefined : closed.department.id,
    attachments: input.attachments,
    followUpOfId: closed.id,
    inTransaction: input.replacesMessageId ? (tx) => deleteMessageRows(tx, input.replacesMessageId!) : undefined,
  })
  ctx.log.info({ ticketId: ticket.id, followUpOfId: closed.id }, 'family wrote on a closed ticket: follow-up started')
  return ticket
}
