/**
 * New tickets, for the portal, the API, the seed and the worker's sweep. The
 * web writes the ticket's rows in one transaction, then opens its workflow with
 * update-with-start: the answer is the ticket as the workflow's first save left
 * it. A ticket row its workflow never saved (the web died between the two, or
 * Temporal did not answer) is opened later by the worker's sweep
 * (openUnstartedTickets), from the row alone: a request, once written, always
 * gets its workflow.
 */
import { WorkflowNotFoundError, WithStartWorkflowOperation } from '@temporalio/client'
import type { Priority, TicketType } from '../domain/ticket.ts'
import type { TicketView } from '../domain/ticket-state.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import { crashPoint } from '../lib/faults.ts'
import {
  openTicketUpdate,
  openTicketUpdateId,
  searchAttributes,
  ticketWorkflowId,
  type TicketWorkflowInput,
} from '../workflows/ticket.messages.ts'
import { familyForRequest } from './accounts.server.ts'
import { removeStoredFiles, storeUploads, type Upload } from './attachments.server.ts'
import { caseForReference } from './cases.server.ts'
import { copyTemplateOnto, defaultTemplate } from './template-application.server.ts'
import { organisationTemplate } from './ticket-templates.server.ts'
import type { ServiceContext } from './context.ts'
import {
  isTemporalUnreachable,
  rootMessage,
  TEMPORAL_COMMAND_TIMEOUT_MS,
  TEMPORAL_QUERY_TIMEOUT_MS,
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

export type CreateTicketInput = RequestContent & {
  orgId: string
} & (
    | { requesterId: string }
    /** A family named by email (an integration's request): found, or given an account in the same transaction. */
    | { requester: { email: string; name: string } }
  )

interface RequestContent {
  subject: string
  type: TicketType
  /** The family's first message. */
  body: string
  childName?: string
  /** One of the organisation's active departments; none: its default department. */
  departmentId?: string
  priority?: Priority
  /** Files sent with the request (already checked: attachments.server.ts checkUpload). */
  attachments?: readonly Upload[]
  /** The closed ticket of the same family this request follows up. */
  followUpOfId?: string
  /** An integration's own reference for the ticket (content, kept as given). */
  externalRef?: string
  /** A case to link from the start: the workflow's first save has it. */
  caseRef?: string
  /** Staff start it as a conversation (services/conversations.server.ts): the first message is theirs. */
  startedBy?: { staffId: string; requestedDocument: string | null }
  /**
   * The organisation's template whose checklist and tags the ticket takes; none:
   * the default template of its type, if there is one. Its priority is the
   * creator's when they give none, so the workflow starts with it.
   */
  templateId?: string
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
  /**
   * The ticket as its workflow's first save left it; null when the workflow did
   * not confirm in time (Temporal slow or unreachable): the ticket is written and
   * shows its state once the workflow (or the worker's sweep) has run.
   */
  view: TicketView | null
}

/** What a ticket's workflow is started from: its row, as written at creation. */
const openingSelect = {
  id: true,
  orgId: true,
  number: true,
  requesterId: true,
  subject: true,
  type: true,
  priority: true,
  caseRef: true,
  followUpOfId: true,
  departmentId: true,
  createdAt: true,
  kind: true,
  requestedDocument: true,
  // A conversation's author is its first message's.
  messages: { orderBy: { createdAt: 'asc' }, take: 1, select: { authorId: true } },
  org: { select: { name: true } },
} as const satisfies Prisma.TicketSelect

type TicketOpening = Prisma.TicketGetPayload<{ select: typeof openingSelect }>

/**
 * A new ticket: its number, row and first message in one transaction, then its
 * workflow. If Temporal refuses the start outright, the rows are deleted again
 * (the number stays used: numbers are never reused) and a TicketServiceError
 * says so; if it does not answer in time, the ticket stands and the sweep opens it.
 */
export async function createTicket(ctx: ServiceContext, input: CreateTicketInput): Promise<CreatedTicket> {
  // Bytes first, rows second: a row never points at a file that is not there.
  const files = await storeUploads(ctx, input.attachments ?? [])
  const { ticket, joinedOrg } = await ctx.db
    .$transaction(async (tx) => {
      const departmentId = await departmentForRequest(tx, input.orgId, input.departmentId)
      const requesterId = 'requesterId' in input ? input.requesterId : await familyForRequest(tx, input.orgId, input.requester)
      // A family becomes a client of the organisation with its first request.
      const joined = await tx.membership.createMany({
        data: [{ orgId: input.orgId, userId: requesterId, role: 'family' }],
        skipDuplicates: true,
      })
      if (input.followUpOfId) {
        const previous = await tx.ticket.findFirst({
          where: { id: input.followUpOfId, orgId: input.orgId, requesterId },
          select: { id: true },
        })
        if (!previous) throw new TicketServiceError('invalid', 'The request this one follows up was not found.')
      }
      // The row lock taken by this UPDATE serialises concurrent submissions to one
      // organisation until the transaction ends, so each gets the next number. It
      // comes as late as it can: every statement after it is time no other
      // request of the organisation can be numbered.
      const template = await templateForRequest(tx, input)
      const [allocated] = await tx.$queryRaw<{ lastTicketNumber: number }[]>`
        UPDATE "Organisation" SET "lastTicketNumber" = "lastTicketNumber" + 1
        WHERE id = ${input.orgId}::uuid AND "acceptsRequests"
        RETURNING "lastTicketNumber"`
      if (!allocated) throw new TicketServiceError('not_accepting', 'This organisation is not accepting new requests at the moment.')
      const created = await tx.ticket.create({
        data: {
          orgId: input.orgId,
          number: allocated.lastTicketNumber,
          departmentId,
          requesterId,
          subject: input.subject,
          childName: input.childName ?? null,
          type: input.type,
          priority: input.priority ?? template?.priority ?? 'normal',
          followUpOfId: input.followUpOfId ?? null,
          externalRef: input.externalRef ?? null,
          // The workflow's first save writes it too; written now so that closing
          // the case the moment the ticket exists finds it.
          caseRef: input.caseRef ?? null,
          kind: input.startedBy ? 'conversation' : 'ticket',
          requestedDocument: input.startedBy?.requestedDocument ?? null,
        },
        select: openingSelect,
      })
      const authorId = input.startedBy?.staffId ?? requesterId
      const message = await tx.message.create({
        // Part of the opening: the workflow has it from its start.
        data: { ticketId: created.id, authorId, body: input.body, visibility: 'public', recordedAt: new Date() },
        select: { id: true },
      })
      if (files.length)
        await tx.attachment.createMany({
          data: files.map((file) => ({ ...file, ticketId: created.id, messageId: message.id, uploaderId: authorId })),
        })
      if (template) await copyTemplateOnto(tx, { actorId: null, via: 'portal', ticket: created, template, onCreation: true })
      await input.inTransaction?.(tx, created)
      crashPoint(ctx.env, 'ticket-rows-writing')
      // The row was selected before its first message existed: the opening names its author as the sweep reads it.
      return { ticket: { ...created, messages: [{ authorId }] }, joinedOrg: joined.count > 0 }
    })
    .catch(async (error: unknown) => {
      await removeStoredFiles(ctx, files)
      throw error
    })
  crashPoint(ctx.env, 'ticket-rows-written')
  // The case first, so the ticket's first save finds it (Ticket.caseId); if this
  // fails, the ticket stands and the sweep joins it to its case.
  if (ticket.caseRef) await joinCaseOfNewTicket(ctx, { ...ticket, caseRef: ticket.caseRef, childName: input.childName })

  const opened = await openTicketWorkflow(ctx, ticket)
  if (opened.status === 'refused') {
    ctx.log.error({ err: opened.error, ticketId: ticket.id }, 'Temporal refused to start the ticket workflow; removing the ticket')
    await ctx.db.ticket.delete({ where: { id: ticket.id } })
    await removeStoredFiles(ctx, files)
    if (joinedOrg) await ctx.db.membership.deleteMany({ where: { orgId: input.orgId, userId: ticket.requesterId, role: 'family' } })
    // An account made for this request alone goes with it.
    if ('requester' in input)
      await ctx.db.user.deleteMany({
        where: { id: ticket.requesterId, passwordHash: null, requested: { none: {} }, memberships: { none: {} }, messages: { none: {} } },
      })
    await terminateQuietly(ctx, ticketWorkflowId(ticket.id))
    throw new TicketServiceError('unavailable', `Your request could not be started, so it was not sent: ${rootMessage(opened.error)}`, {
      cause: opened.error,
    })
  }
  ctx.log.info({ ticketId: ticket.id, orgId: ticket.orgId, number: ticket.number, confirmed: opened.status === 'opened' }, 'ticket created')
  return { id: ticket.id, orgId: ticket.orgId, number: ticket.number, view: opened.status === 'opened' ? opened.view : null }
}

async function joinCaseOfNewTicket(
  ctx: ServiceContext,
  ticket: { id: string; orgId: string; requesterId: string; caseRef: string; childName?: string },
): Promise<void> {
  try {
    await caseForReference(ctx, { orgId: ticket.orgId, caseRef: ticket.caseRef, familyId: ticket.requesterId, childName: ticket.childName })
  } catch (error) {
    ctx.log.error({ err: error, ticketId: ticket.id, caseRef: ticket.caseRef }, 'could not open the new ticket’s case; the sweep does')
  }
}

/** The template a request names (it must be the organisation's), or else its type's default, or none. */
async function templateForRequest(tx: Prisma.TransactionClient, input: CreateTicketInput) {
  if (input.templateId === undefined) return defaultTemplate(tx, input.orgId, input.type)
  const named = await organisationTemplate(tx, input.orgId, input.templateId)
  if (!named) throw new TicketServiceError('invalid', 'That template is not one of this organisation’s.')
  return named
}

/** The department a request goes to: the active one it names, or else the organisation's default. */
async function departmentForRequest(tx: Prisma.TransactionClient, orgId: string, departmentId: string | undefined): Promise<string> {
  if (!departmentId) {
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { defaultDepartmentId: true } })
    if (!org.defaultDepartmentId) throw new TicketServiceError('invalid', 'This organisation has no department to take requests yet.')
    return org.defaultDepartmentId
  }
  const department = await tx.department.findFirst({ where: { id: departmentId, orgId }, select: { archivedAt: true } })
  if (!department) throw new TicketServiceError('invalid', 'That team is not part of this organisation.')
  if (department.archivedAt) throw new TicketServiceError('invalid', 'That team no longer takes requests: choose another.')
  return departmentId
}

type Opened = { status: 'opened'; view: TicketView } | { status: 'unconfirmed'; error: unknown } | { status: 'refused'; error: unknown }

/**
 * Starts the ticket's workflow from its row and waits for its first save. The
 * same call from the creator and the sweep: an existing run is joined, not
 * started again, and the update's id makes the two one update.
 */
async function openTicketWorkflow(ctx: ServiceContext, ticket: TicketOpening): Promise<Opened> {
  const workflowInput: TicketWorkflowInput = {
    ticketId: ticket.id,
    orgId: ticket.orgId,
    number: ticket.number,
    requesterId: ticket.requesterId,
    type: ticket.type,
    priority: ticket.priority,
    createdAt: ticket.createdAt.toISOString(),
    followUpOfId: ticket.followUpOfId,
    departmentId: ticket.departmentId,
    conversation: conversationOf(ticket),
  }
  const startWorkflowOperation = new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
    workflowId: ticketWorkflowId(ticket.id),
    taskQueue: ctx.env.TEMPORAL_TASK_QUEUE,
    args: [workflowInput],
    // A run already there (the sweep's, or the creator's) is joined; a finished
    // one is never started again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo: { subject: ticket.subject },
    // What the Temporal UI lists beside the id, so an admin can find "ticket 7" by eye.
    staticSummary: `${ticket.org.name} #${ticket.number}`,
    typedSearchAttributes: [
      { key: searchAttributes.ticketNumber, value: ticket.number },
      { key: searchAttributes.orgId, value: ticket.orgId },
      { key: searchAttributes.ticketStatus, value: 'new' },
      { key: searchAttributes.ticketPriority, value: ticket.priority },
      { key: searchAttributes.ticketType, value: ticket.type },
    ],
  })
  try {
    const view = await withDeadline(ctx.temporal, TEMPORAL_COMMAND_TIMEOUT_MS, () =>
      ctx.temporal.workflow.executeUpdateWithStart(openTicketUpdate, {
        args: [{ caseRef: ticket.caseRef }],
        updateId: openTicketUpdateId(ticket.id),
        startWorkflowOperation,
      }),
    )
    return { status: 'opened', view }
  } catch (error) {
    // Temporal may have started it before the answer was lost; if not, the sweep will.
    if (isTemporalUnreachable(error)) {
      ctx.log.warn(
        { err: error, ticketId: ticket.id },
        'the ticket workflow did not confirm its start in time; the sweep opens it if needed',
      )
      return { status: 'unconfirmed', error }
    }
    const started = await Promise.race([
      startWorkflowOperation.workflowHandle().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), TEMPORAL_QUERY_TIMEOUT_MS).unref()),
    ])
    // Started, but its first update failed (a worker of an older version, say): the workflow owns the ticket now.
    if (started) {
      ctx.log.error({ err: error, ticketId: ticket.id }, 'the ticket workflow started but did not answer its opening')
      return { status: 'unconfirmed', error }
    }
    return { status: 'refused', error }
  }
}

function conversationOf(ticket: TicketOpening): TicketWorkflowInput['conversation'] {
  const authorId = ticket.messages[0]?.authorId
  if (ticket.kind !== 'conversation' || !authorId) return undefined
  return { authorId, awaitingFile: ticket.requestedDocument !== null }
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

/**
 * The worker's sweep: every ticket row older than `olderThanMs` that its workflow
 * never saved gets its workflow started (or joined) and saved. Answers how many
 * it opened; one that Temporal refuses is logged and left for the next sweep.
 */
export async function openUnstartedTickets(ctx: ServiceContext, input: { olderThanMs: number; limit?: number }): Promise<number> {
  const rows = await ctx.db.ticket.findMany({
    where: { stateVersion: 0, createdAt: { lt: new Date(Date.now() - input.olderThanMs) } },
    orderBy: { createdAt: 'asc' },
    take: input.limit ?? 50,
    select: openingSelect,
  })
  let opened = 0
  for (const row of rows) {
    const result = await openTicketWorkflow(ctx, row)
    if (result.status === 'opened') {
      opened++
      ctx.log.info({ ticketId: row.id, orgId: row.orgId, number: row.number }, 'sweep: opened a ticket whose workflow had not saved it')
    } else if (result.status === 'refused') {
      ctx.log.error(
        { err: result.error, ticketId: row.id },
        'sweep: Temporal refused the ticket workflow; terminate it or remove the ticket by hand',
      )
    }
  }
  return opened
}
