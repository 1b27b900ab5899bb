/**
 * The ticket page's action, one handler per intent: each checks the person may
 * do it, calls the service, and hands back the result (route.tsx turns it into
 * a flash and a redirect) or a response of its own.
 */
import type { ActionFunctionArgs } from '@remix-run/node'
import { data } from '@remix-run/node'
import { DateTime as Luxon } from 'luxon'
import { PRIORITY_LABELS, STATUS_LABELS, TYPE_LABELS } from '../../../../domain/ticket.ts'
import type { Upload } from '../../../../services/attachments.server.ts'
import {
  assign,
  changeDepartment,
  changePriority,
  changeStatus,
  changeType,
  linkCase,
  postMessageOrFollowUp,
  recordLaResponse,
  reopenTicket,
  type TicketCommandResult,
} from '../../../../services/ticket-commands.server.ts'
import { maySeeTicketById } from '../../../../services/ticket-access.server.ts'
import { addTicketTag, removeTicketTag } from '../../../../services/tags.server.ts'
import { describeOpenWork, openWorkOn } from '../../../../services/resolve-checks.server.ts'
import { deleteTimeEntry, logTime, updateTimeEntry } from '../../../../services/time-entries.server.ts'
import { formatMinutes } from '../../../../domain/durations.ts'
import { setWatching } from '../../../../services/watchers.server.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { familyStatusLabel } from '../../utils/format.ts'
import { redirectOnce } from '../../utils/submissions.server.ts'
import { requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import type { FieldErrors, TicketAction } from '../../utils/validation.ts'
import type { ActionData, Intent } from './types.ts'

export type Applied = Extract<TicketCommandResult, { status: 'applied' }>

/** One submission: the ticket and who acts on it (already allowed to see it), and what they sent. */
export interface TicketActionArgs {
  context: ActionFunctionArgs['context']
  request: Request
  params: ActionFunctionArgs['params']
  access: TicketAccess
  actor: { id: string }
  /** Staff or admin of the ticket's organisation, rather than its family. */
  staff: boolean
  uploads: Upload[]
  values: Record<string, string>
}

/** A handler's answer: a command's result with the words for success, or a response of its own. */
export type Handled = { result: TicketCommandResult; success: (r: Applied) => string } | { response: Response | ReturnType<typeof invalid> }

type Command<I extends Intent> = Extract<TicketAction, { intent: I }>

export function invalid(intent: Intent, fieldErrors: FieldErrors, values: Record<string, string>, formError: string | null = null) {
  return data<ActionData>({ intent, fieldErrors, formError, values }, { status: 400 })
}

/**
 * Resolving with checklist items not done asks first: the form comes back (409)
 * with the question and a hidden confirm=1, so the second submit resolves.
 * Null when every item is done.
 */
async function askBeforeResolving({ context, access, values }: TicketActionArgs, intent: Intent, after: string): Promise<Handled | null> {
  const open = await openWorkOn(context.db, access.ticket.id)
  if (!open) return null
  return {
    response: data<ActionData>(
      { intent, fieldErrors: {}, formError: null, values, confirm: `${describeOpenWork(open)} Resolve the ticket anyway?${after}` },
      { status: 409 },
    ),
  }
}

/** The end of `date` (YYYY-MM-DD) in the organisation's zone: the local authority has the whole day. */
async function laDeadlineOf(context: ActionFunctionArgs['context'], access: TicketAccess, date: string) {
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: access.ticket.orgId }, select: { timezone: true } })
  const end = Luxon.fromISO(date, { zone: org.timezone }).endOf('day')
  return end.isValid ? end.toJSDate() : null
}

export async function handleReply(args: TicketActionArgs, command: Command<'reply'>): Promise<Handled> {
  const { context, request, params, access, actor, staff, uploads } = args
  requireTicketPermission(access, command.visibility === 'internal' ? 'note:ticket:org' : staff ? 'reply:ticket:org' : 'reply:ticket:own')
  // Asked before the reply goes, so the reply and the status stay one decision.
  if (staff && command.visibility === 'public' && command.thenStatus === 'resolved' && !command.confirm) {
    const asked = await askBeforeResolving(args, command.intent, uploads.length ? ' Attach your files again before sending.' : '')
    if (asked) return asked
  }
  const files = uploads.length
  const posted = await postMessageOrFollowUp(context, {
    ticket: access.ticket,
    author: actor,
    role: access.role,
    body: command.body,
    visibility: command.visibility,
    attachments: uploads,
  })
  // A family writing on a closed ticket starts a follow-up ticket linked to it.
  if (posted.status === 'followed_up') {
    return {
      response: await redirectOnce(context, request, `/tickets/${params.orgSlug}/${posted.ticket.number}`, {
        kind: 'success',
        text: `This request was closed, so your message started a new request, #${posted.ticket.number}.`,
      }),
    }
  }
  let result: TicketCommandResult = posted
  const attached = files ? ` ${files} file${files === 1 ? '' : 's'} attached.` : ''
  // "Send and set Pending family / Resolved": the reply first, then the status, each the workflow's answer.
  if (result.status === 'applied' && staff && command.visibility === 'public' && command.thenStatus) {
    requireTicketPermission(access, 'change-status:ticket:org')
    const then = await changeStatus(context, { ticket: access.ticket, actor, status: command.thenStatus })
    if (then.status !== 'applied') {
      const why = then.status === 'pending' ? then.message : `the status was not changed: ${then.message}`
      return {
        response: await redirectOnce(context, request, new URL(request.url).pathname, {
          kind: then.status === 'pending' ? 'info' : 'error',
          text: `Reply sent.${attached} But ${why}`,
        }),
      }
    }
    result = then
  }
  return {
    result,
    success: ({ view }) =>
      command.visibility === 'internal'
        ? `Internal note added.${attached}`
        : staff
          ? `Reply sent. Status: ${STATUS_LABELS[view.status]}.${attached}`
          : `Message sent. Status: ${familyStatusLabel(view.status, view.awaiting)}.${attached}`,
  }
}

export async function handleChangeStatus(args: TicketActionArgs, command: Command<'change-status'>): Promise<Handled> {
  const { context, access, actor, values } = args
  requireTicketPermission(access, 'change-status:ticket:org')
  let laDeadline: Date | null = null
  if (command.laDeadline) {
    if (command.status !== 'pending_la')
      return {
        response: invalid(
          command.intent,
          { laDeadline: ['An LA deadline goes with Pending LA: choose that status, or clear the date'] },
          values,
        ),
      }
    laDeadline = await laDeadlineOf(context, access, command.laDeadline)
    if (!laDeadline || laDeadline.getTime() < Date.now())
      return { response: invalid(command.intent, { laDeadline: ['The LA deadline must be today or later'] }, values) }
  }
  if (command.status === 'resolved' && !command.confirm) {
    const asked = await askBeforeResolving(args, command.intent, '')
    if (asked) return asked
  }
  const result = await changeStatus(context, { ticket: access.ticket, actor, status: command.status, reason: command.reason, laDeadline })
  return { result, success: ({ view }) => `Status changed to ${STATUS_LABELS[view.status]}.${laDeadline ? ' LA deadline recorded.' : ''}` }
}

export async function handleLaResponse({ context, access, actor }: TicketActionArgs): Promise<Handled> {
  requireTicketPermission(access, 'change-status:ticket:org')
  const result = await recordLaResponse(context, { ticket: access.ticket, actor })
  return { result, success: ({ view }) => `LA response recorded. Status: ${STATUS_LABELS[view.status]}.` }
}

export async function handleAssign({ context, access, actor }: TicketActionArgs, command: Command<'assign'>): Promise<Handled> {
  requireTicketPermission(access, command.assigneeId === actor.id ? 'assign:ticket:self' : 'assign:ticket:any')
  const result = await assign(context, {
    ticket: access.ticket,
    actor,
    assigneeId: command.assigneeId,
    override: command.overrideCapacity,
  })
  if (result.status === 'refused' && result.code === 'cover_only')
    throw new Response('You are covering this case: its advocate or an admin assigns its tickets.', { status: 403 })
  return {
    result,
    success: ({ view }) =>
      `${command.assigneeId === actor.id ? 'Assigned to you' : 'Assigned'}. Status: ${STATUS_LABELS[view.status]}. The family has been told.`,
  }
}

export async function handleChangePriority(
  { context, access, actor }: TicketActionArgs,
  command: Command<'change-priority'>,
): Promise<Handled> {
  requireTicketPermission(access, 'change-priority:ticket:org')
  const result = await changePriority(context, { ticket: access.ticket, actor, priority: command.priority })
  return { result, success: ({ view }) => `Priority changed to ${PRIORITY_LABELS[view.priority]}. SLA targets updated.` }
}

export async function handleChangeType({ context, access, actor }: TicketActionArgs, command: Command<'change-type'>): Promise<Handled> {
  requireTicketPermission(access, 'change-type:ticket:org')
  const result = await changeType(context, { ticket: access.ticket, actor, type: command.type })
  return { result, success: ({ view }) => `Type changed to ${TYPE_LABELS[view.type]}.` }
}

export async function handleChangeDepartment(
  { context, request, access, actor }: TicketActionArgs,
  command: Command<'change-department'>,
): Promise<Handled> {
  requireTicketPermission(access, 'change-department:ticket:org')
  const result = await changeDepartment(context, { ticket: access.ticket, actor, departmentId: command.departmentId })
  const department = await context.db.department.findFirst({ where: { id: command.departmentId }, select: { name: true } })
  const moved = `Ticket #${access.ticket.number} moved to ${department?.name ?? 'the department'}.`
  // Moved out of the person's own departments: its page is no longer theirs to see.
  if (result.status === 'applied' && !(await maySeeTicketById(context.db, { ticketId: access.ticket.id, userId: actor.id })))
    return {
      response: await redirectWithFlash(context, request, '/staff/tickets', {
        kind: 'success',
        text: `${moved} It is outside your departments, so you no longer see it.`,
      }),
    }
  return { result, success: () => moved }
}

export async function handleLinkCase({ context, access, actor }: TicketActionArgs, command: Command<'link-case'>): Promise<Handled> {
  requireTicketPermission(access, 'link-case:ticket:org')
  const result = await linkCase(context, { ticket: access.ticket, actor, caseRef: command.caseRef ?? null })
  return { result, success: ({ view }) => (view.caseRef ? `Linked to case ${view.caseRef}.` : 'Case unlinked.') }
}

/** Watchers are plain records, not lifecycle: no workflow command, so the handler answers itself. */
export async function handleWatch(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'watch'>,
): Promise<Handled> {
  requireTicketPermission(access, 'watch:ticket:org')
  const outcome = await setWatching(context.db, {
    ticket: access.ticket,
    userId: command.userId,
    watching: command.watching,
    actorId: actor.id,
    via: 'portal',
  })
  if (outcome === 'not_on_team') return { response: invalid('watch', { userId: ['Only members of the team can watch a ticket'] }, values) }
  const who = command.userId === actor.id ? 'You are' : 'They are'
  return {
    response: await redirectWithFlash(context, request, new URL(request.url).pathname, {
      kind: 'success',
      text: command.watching ? `${who} watching this ticket.` : `${who} no longer watching this ticket.`,
    }),
  }
}

/** Tags are plain records too: the handler answers itself. */
export async function handleAddTag({ context, request, access, actor }: TicketActionArgs, command: Command<'add-tag'>): Promise<Handled> {
  requireTicketPermission(access, 'tag:ticket:org')
  const { tag, added } = await addTicketTag(context.db, { ticket: access.ticket, name: command.name, actorId: actor.id, via: 'portal' })
  return {
    response: await redirectWithFlash(context, request, new URL(request.url).pathname, {
      kind: 'success',
      text: added ? `Tagged “${tag.name}”.` : `This ticket is already tagged “${tag.name}”.`,
    }),
  }
}

export async function handleRemoveTag(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'remove-tag'>,
): Promise<Handled> {
  requireTicketPermission(access, 'tag:ticket:org')
  const removed = await removeTicketTag(context.db, { ticket: access.ticket, tagId: command.tagId, actorId: actor.id, via: 'portal' })
  if (!removed) return { response: invalid('remove-tag', { tagId: ['This ticket does not have that tag'] }, values) }
  return { response: await redirectWithFlash(context, request, new URL(request.url).pathname, { kind: 'success', text: 'Tag removed.' }) }
}

/** Time logs are plain records: the handlers answer themselves. */
export async function handleLogTime({ context, request, access, actor }: TicketActionArgs, command: Command<'log-time'>): Promise<Handled> {
  requireTicketPermission(access, 'log-time:ticket:org')
  const { duration, workedOn, kind, note } = command
  await logTime(context.db, {
    ticket: access.ticket,
    userId: actor.id,
    entry: { minutes: duration, workedOn, kind, note },
    actorId: actor.id,
    via: 'portal',
  })
  return {
    response: await redirectOnce(context, request, new URL(request.url).pathname, {
      kind: 'success',
      text: `Logged ${formatMinutes(duration)}.`,
    }),
  }
}

const ENTRY_REFUSED = {
  not_found: 'That time entry is no longer there.',
  not_allowed: 'Only its author or an admin can change a time entry.',
}

export async function handleEditTime(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'edit-time'>,
): Promise<Handled> {
  requireTicketPermission(access, 'log-time:ticket:org')
  const { duration, workedOn, kind, note } = command
  const changed = await updateTimeEntry(context.db, {
    ticket: access.ticket,
    id: command.entryId,
    person: { id: actor.id, role: access.role },
    entry: { minutes: duration, workedOn, kind, note },
    actorId: actor.id,
    via: 'portal',
  })
  if (changed.status !== 'changed') return { response: invalid('edit-time', {}, values, ENTRY_REFUSED[changed.status]) }
  return {
    response: await redirectWithFlash(context, request, new URL(request.url).pathname, {
      kind: 'success',
      text: `Time entry changed to ${formatMinutes(duration)}.`,
    }),
  }
}

export async function handleDeleteTime(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'delete-time'>,
): Promise<Handled> {
  requireTicketPermission(access, 'log-time:ticket:org')
  const outcome = await deleteTimeEntry(context.db, {
    ticket: access.ticket,
    id: command.entryId,
    person: { id: actor.id, role: access.role },
    actorId: actor.id,
    via: 'portal',
  })
  if (outcome !== 'deleted') return { response: invalid('delete-time', {}, values, ENTRY_REFUSED[outcome]) }
  return {
    response: await redirectWithFlash(context, request, new URL(request.url).pathname, { kind: 'success', text: 'Time entry deleted.' }),
  }
}

export async function handleReopen({ context, access, actor, staff }: TicketActionArgs): Promise<Handled> {
  requireTicketPermission(access, staff ? 'change-status:ticket:org' : 'reopen:ticket:own')
  const result = await reopenTicket(context, { ticket: access.ticket, actor, role: access.role })
  return {
    result,
    success: ({ view }) =>
      staff
        ? `Reopened. Status: ${STATUS_LABELS[view.status]}.`
        : `Reopened. Status: ${familyStatusLabel(view.status, view.awaiting)}. Your advocate will pick it up again.`,
  }
}

/** A command's answer as the page shows it: a redirect with a flash, or the form again with the refusal. `here` is where the form was. */
export async function respond(
  context: ActionFunctionArgs['context'],
  request: Request,
  access: TicketAccess,
  intent: Intent,
  result: TicketCommandResult,
  success: (r: Applied) => string,
  values: Record<string, string>,
  here = new URL(request.url).pathname,
) {
  context.log.info({ ticketId: access.ticket.id, intent, outcome: result.status }, 'ticket action')
  switch (result.status) {
    case 'applied':
      return redirectOnce(context, request, here, { kind: 'success', text: success(result) })
    case 'pending':
      return redirectOnce(context, request, here, { kind: 'info', text: result.message })
    case 'refused':
    case 'unavailable':
      return data<ActionData>(
        {
          intent,
          fieldErrors: {},
          formError: result.status === 'refused' ? `Not done: ${result.message}` : result.message,
          values,
        },
        { status: result.status === 'refused' ? 409 : 503 },
      )
  }
}
