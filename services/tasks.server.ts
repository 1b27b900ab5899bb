/**
 * Tasks: a ticket's follow-ups and a case's next actions, one model
 * (docs/decisions/016-one-task-model.md). Content (title, owner, and for a
 * ticket's own task its status and due date) is a plain record written here with
 * its audit record in the same transaction; the audit records put each change
 * on the ticket's timeline (ticket-history.server.ts) and the case's.
 *
 * A task with a case keeps its lifecycle in the case workflow: done, reopened
 * and a new due date go there as updates (case-commands.server.ts), as they do
 * from the case page. A task of a ticket alone with a due date is given to the
 * ticket workflow, whose timer flags it overdue (signal `taskDeadline`).
 */
import { z } from 'zod'
import { taskTitle } from '../domain/input-schemas.ts'
import type { TaskAction, TaskStatus } from '../domain/tasks.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { signalEach } from '../lib/ticket-signals.ts'
import { taskDeadlineSignal } from '../workflows/ticket.messages.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import { caseScope, caseScopeWhere, maySeeCase } from './case-access.server.ts'
import { changeCaseActionDue, completeCaseAction, reopenCaseAction } from './case-commands.server.ts'
import type { ServiceContext } from './context.ts'
import { maySeeTicketById, ticketScope, ticketScopeWhere } from './ticket-access.server.ts'

type Tx = Prisma.TransactionClient
type TicketRef = { id: string; orgId: string; number: number }

export const TaskTitleSchema = taskTitle()

export const taskSelect = {
  id: true,
  orgId: true,
  title: true,
  status: true,
  dueAt: true,
  doneAt: true,
  overdue: true,
  caseId: true,
  ticketId: true,
  owner: { select: { id: true, name: true, email: true } },
  ticket: { select: { number: true, subject: true } },
  case: { select: { number: true, caseRef: true } },
} as const

export type TaskRow = Prisma.TaskGetPayload<{ select: typeof taskSelect }>
export type TaskRefusalCode = 'invalid_owner' | 'already_linked' | 'case_refused'
export type TaskResult =
  | { status: 'changed' | 'unchanged'; task: TaskRow }
  | { status: 'not_found' }
  | { status: 'refused'; code: TaskRefusalCode; message: string }

const uuid = z.uuid()

/** A ticket's tasks: open first by due time, then done. */
export async function ticketTasks(db: Db, ticketId: string): Promise<TaskRow[]> {
  const tasks = await db.task.findMany({
    where: { ticketId },
    select: taskSelect,
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
  })
  return [...tasks.filter((task) => task.status !== 'done'), ...tasks.filter((task) => task.status === 'done')]
}

/** How many of the ticket's tasks are not done: resolving asks first when any are. */
export async function openTicketTasks(db: Db, ticketId: string): Promise<number> {
  return db.task.count({ where: { ticketId, status: { not: 'done' } } })
}

/** The person may see a task as findTask says: by its ticket, or by its case when it has no ticket. */
async function visibleTasksWhere(db: Db, input: { orgId: string; userId: string }): Promise<Prisma.TaskWhereInput> {
  const [tickets, cases] = await Promise.all([ticketScope(db, input), caseScope(db, input)])
  return {
    orgId: input.orgId,
    OR: [
      { ticketId: { not: null }, ticket: { is: ticketScopeWhere(tickets) } },
      { ticketId: null, case: { is: caseScopeWhere(cases) } },
    ],
  }
}

/** The organisation's open tasks no ticket holds yet, of cases the viewer may see: what "link an existing task" offers. */
export async function linkableTasks(db: Db, input: { orgId: string; viewerId: string }): Promise<TaskRow[]> {
  return db.task.findMany({
    where: { ...(await visibleTasksWhere(db, { orgId: input.orgId, userId: input.viewerId })), ticketId: null, status: { not: 'done' } },
    select: taskSelect,
    orderBy: { createdAt: 'desc' },
    take: 50,
  })
}

/** One person's tasks in the organisation, for their board: those whose ticket or case they may still see. */
export async function ownerTasks(db: Db, input: { orgId: string; ownerId: string }): Promise<TaskRow[]> {
  return db.task.findMany({
    where: { ...(await visibleTasksWhere(db, { orgId: input.orgId, userId: input.ownerId })), ownerId: input.ownerId },
    select: taskSelect,
    orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
  })
}

/** The task, when it is the organisation's and the person (if any) may see its ticket. */
export async function findTask(db: Db | Tx, input: { orgId: string; taskId: string; actorId: string | null }): Promise<TaskRow | null> {
  if (!uuid.safeParse(input.taskId).success) return null
  const task = await db.task.findFirst({ where: { id: input.taskId, orgId: input.orgId }, select: taskSelect })
  if (!task) return null
  if (!input.actorId) return task
  if (task.ticketId) return (await maySeeTicketById(db, { ticketId: task.ticketId, userId: input.actorId })) ? task : null
  const kase = await db.case.findUniqueOrThrow({ where: { id: task.caseId! }, select: { id: true, advocateId: true } })
  return maySeeCase(await caseScope(db, { orgId: input.orgId, userId: input.actorId }), kase) ? task : null
}

async function isStaff(db: Db | Tx, orgId: string, userId: string): Promise<boolean> {
  return (await db.membership.count({ where: { orgId, userId, role: { in: ['staff', 'admin'] } } })) > 0
}

const invalidOwner = { status: 'refused', code: 'invalid_owner', message: 'That person is not on this organisation’s team.' } as const

async function audit(tx: Tx, actor: AuditActor, action: TaskAction, task: TaskRow, extra: Prisma.InputJsonObject = {}) {
  await recordAudit(tx, {
    orgId: task.orgId,
    actorId: actor.actorId,
    via: actor.via,
    action,
    data: {
      taskId: task.id,
      title: task.title,
      ...(task.ticketId ? { ticketId: task.ticketId, ticketNumber: task.ticket?.number ?? null } : {}),
      ...(task.caseId ? { caseId: task.caseId } : {}),
      ...extra,
    },
  })
}

/** The ticket workflow times a ticket's own open task that has a due date; a case's is timed by the case workflow. */
async function tellTicketWorkflow(ctx: ServiceContext, task: TaskRow): Promise<void> {
  if (!task.ticketId || task.caseId || !task.dueAt || task.status === 'done') return
  await signalEach(ctx, [{ id: task.ticketId, number: task.ticket?.number ?? 0 }], taskDeadlineSignal, {
    taskId: task.id,
    dueAt: task.dueAt.toISOString(),
  })
}

/** A task for the ticket. Null when the person may not see the ticket. */
export async function createTicketTask(
  ctx: ServiceContext,
  input: AuditActor & {
    ticket: TicketRef
    title: string
    ownerId: string | null
    dueAt: Date | null
    /** Runs in the transaction that writes the row: the API's idempotency record points at the task this way. */
    inTransaction?: (tx: Tx, task: { id: string }) => Promise<void>
  },
): Promise<TaskResult> {
  const title = TaskTitleSchema.parse(input.title)
  const result = await ctx.db.$transaction(async (tx): Promise<TaskResult> => {
    if (input.actorId && !(await maySeeTicketById(tx, { ticketId: input.ticket.id, userId: input.actorId }))) return { status: 'not_found' }
    if (input.ownerId && !(await isStaff(tx, input.ticket.orgId, input.ownerId))) return invalidOwner
    const task = await tx.task.create({
      data: {
        orgId: input.ticket.orgId,
        ticketId: input.ticket.id,
        title,
        ownerId: input.ownerId,
        dueAt: input.dueAt,
        createdById: input.actorId,
      },
      select: taskSelect,
    })
    await audit(tx, input, 'task.created', task)
    await input.inTransaction?.(tx, task)
    return { status: 'changed', task }
  })
  if (result.status === 'changed') await tellTicketWorkflow(ctx, result.task)
  return result
}

/** Puts an open task of the organisation (a case's next action, say) on the ticket too. */
export async function linkTaskToTicket(
  ctx: ServiceContext,
  input: AuditActor & { ticket: TicketRef; taskId: string },
): Promise<TaskResult> {
  const result = await ctx.db.$transaction(async (tx): Promise<TaskResult> => {
    if (input.actorId && !(await maySeeTicketById(tx, { ticketId: input.ticket.id, userId: input.actorId }))) return { status: 'not_found' }
    const found = await findTask(tx, { orgId: input.ticket.orgId, taskId: input.taskId, actorId: input.actorId })
    if (!found) return { status: 'not_found' }
    if (found.ticketId === input.ticket.id) return { status: 'unchanged', task: found }
    if (found.ticketId)
      return { status: 'refused', code: 'already_linked', message: `That task is already on ticket #${found.ticket?.number}.` }
    const task = await tx.task.update({ where: { id: found.id }, data: { ticketId: input.ticket.id }, select: taskSelect })
    await audit(tx, input, 'task.linked', task)
    return { status: 'changed', task }
  })
  if (result.status === 'changed') await tellTicketWorkflow(ctx, result.task)
  return result
}

export interface TaskChange {
  title?: string
  status?: TaskStatus
  /** null: nobody. */
  ownerId?: string | null
  /** null: no due date. */
  dueAt?: Date | null
}

/** Changes what is asked of a task; what already is so changes nothing (and is not audited). */
export async function updateTask(
  ctx: ServiceContext,
  input: AuditActor & { orgId: string; taskId: string; change: TaskChange },
): Promise<TaskResult> {
  const title = input.change.title === undefined ? undefined : TaskTitleSchema.parse(input.change.title)
  const found = await findTask(ctx.db, input)
  if (!found) return { status: 'not_found' }
  if (input.change.ownerId && !(await isStaff(ctx.db, input.orgId, input.change.ownerId))) return invalidOwner
  const { status, dueAt } = input.change
  const statusMoves = status !== undefined && status !== found.status
  const dueMoves = dueAt !== undefined && (dueAt?.getTime() ?? null) !== (found.dueAt?.getTime() ?? null)
  // A case's next action: done, reopened and its due date are the case workflow's.
  if (found.caseId && (statusMoves || dueMoves)) {
    if (!input.actorId)
      return {
        status: 'refused',
        code: 'case_refused',
        message: 'A case’s next action is done or moved by a member of staff: name the actor.',
      }
    const refused = await caseLifecycle(ctx, found, {
      actorId: input.actorId,
      status: statusMoves ? status : undefined,
      dueAt: dueMoves ? dueAt : undefined,
    })
    if (refused) return refused
  }
  const ownLifecycle = !found.caseId
  const result = await ctx.db.$transaction(async (tx): Promise<TaskResult> => {
    const data: Prisma.TaskUncheckedUpdateInput = {}
    if (title !== undefined && title !== found.title) data.title = title
    if (input.change.ownerId !== undefined && input.change.ownerId !== (found.owner?.id ?? null)) data.ownerId = input.change.ownerId
    if (statusMoves && (ownLifecycle || status === 'doing' || found.status === 'doing')) {
      data.status = status
      if (ownLifecycle) data.doneAt = status === 'done' ? new Date() : null
    }
    if (dueMoves && ownLifecycle) Object.assign(data, { dueAt, overdue: false })
    if (Object.keys(data).length === 0 && !(found.caseId && (statusMoves || dueMoves))) return { status: 'unchanged', task: found }
    const task = Object.keys(data).length ? await tx.task.update({ where: { id: found.id }, data, select: taskSelect }) : found
    if (data.title !== undefined) await audit(tx, input, 'task.renamed', task, { from: found.title })
    if (data.ownerId !== undefined) await audit(tx, input, 'task.owner_changed', task, { ownerName: task.owner?.name ?? null })
    if (statusMoves) await audit(tx, input, 'task.status_changed', task, { status: status!, from: found.status })
    if (dueMoves) await audit(tx, input, 'task.due_changed', task, { dueAt: dueAt?.toISOString() ?? null })
    return { status: 'changed', task: await tx.task.findUniqueOrThrow({ where: { id: found.id }, select: taskSelect }) }
  })
  if (result.status === 'changed' && (dueMoves || statusMoves)) await tellTicketWorkflow(ctx, result.task)
  return result
}

/** Sends a case task's lifecycle change to its case workflow; the refusal, if it refused. */
async function caseLifecycle(
  ctx: ServiceContext,
  task: TaskRow,
  change: { actorId: string; status?: TaskStatus; dueAt?: Date | null },
): Promise<TaskResult | null> {
  const kase = { id: task.caseId! }
  const actor = { id: change.actorId }
  const answers = []
  if (change.status === 'done') answers.push(await completeCaseAction(ctx, { case: kase, actor, actionId: task.id }))
  else if (change.status !== undefined && task.status === 'done')
    answers.push(await reopenCaseAction(ctx, { case: kase, actor, actionId: task.id }))
  if (change.dueAt !== undefined)
    answers.push(await changeCaseActionDue(ctx, { case: kase, actor, actionId: task.id, dueAt: change.dueAt }))
  const refused = answers.find((answer) => answer.status !== 'applied')
  return refused ? { status: 'refused', code: 'case_refused', message: refused.message } : null
}
