/**
 * The ticket page's Tasks card: what it shows (the ticket's tasks, the team to
 * own a new one, the organisation's open tasks to link) and the handlers of its
 * intents. Tasks are plain records (services/tasks.server.ts): the handlers
 * answer themselves; a case's next action done goes to its case workflow there.
 */
import { DateTime as Luxon } from 'luxon'
import { TASK_STATUS_LABELS } from '../../../../domain/tasks.ts'
import {
  createTicketTask,
  linkableTasks,
  linkTaskToTicket,
  ticketTasks,
  updateTask,
  type TaskResult,
} from '../../../../services/tasks.server.ts'
import type { CasewayContext } from '../../context.ts'
import { formatDateTime } from '../../utils/format.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import { redirectOnce } from '../../utils/submissions.server.ts'
import type { TicketAction } from '../../utils/validation.ts'
import { invalid, type Handled, type TicketActionArgs } from './actions.server.ts'

export async function ticketTasksView(ctx: CasewayContext, access: TicketAccess, timeZone: string) {
  const [tasks, linkable, team] = await Promise.all([
    ticketTasks(ctx.db, access.ticket.id),
    linkableTasks(ctx.db, { orgId: access.ticket.orgId, viewerId: access.user.id }),
    ctx.db.membership.findMany({
      where: { orgId: access.ticket.orgId, role: { in: ['staff', 'admin'] } },
      select: { user: { select: { id: true, name: true } } },
      orderBy: { user: { name: 'asc' } },
    }),
  ])
  return {
    owners: team.map((m) => ({ value: m.user.id, label: m.user.name })),
    tasks: tasks.map((task) => ({
      id: task.id,
      title: task.title,
      status: task.status,
      statusLabel: TASK_STATUS_LABELS[task.status],
      owner: task.owner?.name ?? null,
      due: task.dueAt ? formatDateTime(task.dueAt, timeZone) : null,
      overdue: task.overdue && task.status !== 'done',
      caseRef: task.case?.caseRef ?? null,
    })),
    linkable: linkable.map((task) => ({
      value: task.id,
      label: `${task.title}${task.case ? ` (case ${task.case.caseRef})` : ''}${task.owner ? `, ${task.owner.name}` : ''}`,
    })),
  }
}

type Command<I extends TicketAction['intent']> = Extract<TicketAction, { intent: I }>

const here = (request: Request) => new URL(request.url).pathname
const actor = (args: TicketActionArgs) => ({ actorId: args.actor.id, via: 'portal' as const })

async function answer(args: TicketActionArgs, result: TaskResult, text: (title: string) => string): Promise<Handled> {
  if (result.status === 'not_found')
    return { response: invalid(args.values.intent as TicketAction['intent'], {}, args.values, 'That task is no longer there.') }
  if (result.status === 'refused')
    return { response: invalid(args.values.intent as TicketAction['intent'], {}, args.values, result.message) }
  return {
    response: await redirectWithFlash(args.context, args.request, here(args.request), { kind: 'success', text: text(result.task.title) }),
  }
}

export async function handleAddTask(args: TicketActionArgs, command: Command<'add-task'>): Promise<Handled> {
  requireTicketPermission(args.access, 'task:ticket:org')
  const { timezone } = await args.context.db.organisation.findUniqueOrThrow({
    where: { id: args.access.ticket.orgId },
    select: { timezone: true },
  })
  const result = await createTicketTask(args.context, {
    ...actor(args),
    ticket: args.access.ticket,
    title: command.title,
    ownerId: command.ownerId || null,
    dueAt: command.due ? Luxon.fromISO(command.due, { zone: timezone }).toJSDate() : null,
  })
  if (result.status !== 'changed') return answer(args, result, () => '')
  return {
    response: await redirectOnce(args.context, args.request, here(args.request), {
      kind: 'success',
      text: `Added the task “${result.task.title}”.`,
    }),
  }
}

export async function handleLinkTask(args: TicketActionArgs, command: Command<'link-task'>): Promise<Handled> {
  requireTicketPermission(args.access, 'task:ticket:org')
  const result = await linkTaskToTicket(args.context, { ...actor(args), ticket: args.access.ticket, taskId: command.taskId })
  return answer(args, result, (title) => `Linked the task “${title}”.`)
}

export async function handleTaskStatus(args: TicketActionArgs, command: Command<'task-status'>): Promise<Handled> {
  requireTicketPermission(args.access, 'task:ticket:org')
  const result = await updateTask(args.context, {
    ...actor(args),
    orgId: args.access.ticket.orgId,
    taskId: command.taskId,
    change: { status: command.status },
  })
  return answer(args, result, (title) => `“${title}” is now ${TASK_STATUS_LABELS[command.status]}.`)
}
