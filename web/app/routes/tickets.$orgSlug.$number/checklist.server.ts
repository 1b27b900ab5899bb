/**
 * The ticket page's checklist: what its card shows (the family's view leaves
 * out staff-only items), and the handlers of its intents. Checklist items are
 * plain records (services/checklists.server.ts): the handlers answer
 * themselves; with "Tell the family" ticked, the service asks the ticket
 * workflow to notify the family of the new or ticked step.
 */
import { progressWords } from '../../../../domain/checklists.ts'
import {
  addChecklistItem,
  moveChecklistItem,
  removeChecklistItem,
  ticketChecklist,
  updateChecklistItem,
  type ChecklistResult,
} from '../../../../services/checklists.server.ts'
import { TYPE_LABELS } from '../../../../domain/ticket.ts'
import { applyTemplate } from '../../../../services/template-application.server.ts'
import { organisationTemplates } from '../../../../services/ticket-templates.server.ts'
import type { CasewayContext } from '../../context.ts'
import { formatDateTime } from '../../utils/format.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import { redirectOnce } from '../../utils/submissions.server.ts'
import type { TicketAction } from '../../utils/validation.ts'
import { invalid, type Handled, type TicketActionArgs } from './actions.server.ts'

export async function ticketChecklistView(ctx: CasewayContext, access: TicketAccess, timeZone: string) {
  const staff = access.role !== 'family'
  const [{ items, progress }, templates, used] = await Promise.all([
    ticketChecklist(ctx.db, access.ticket.id, staff ? 'staff' : 'family'),
    // The templates staff may apply, and the one the ticket took: the team's business.
    staff ? organisationTemplates(ctx.db, access.ticket.orgId) : [],
    staff ? ctx.db.ticket.findUnique({ where: { id: access.ticket.id }, select: { template: { select: { name: true } } } }) : null,
  ])
  return {
    templates: templates.map((t) => ({ value: t.id, label: `${TYPE_LABELS[t.type]}: ${t.name}${t.isDefault ? ' (default)' : ''}` })),
    template: used?.template?.name ?? null,
    progress: { ...progress, words: progressWords(progress) },
    items: items.map((item, i) => ({
      id: item.id,
      title: item.title,
      staffOnly: item.staffOnly,
      awaitsFamilyFile: item.awaitsFamilyFile,
      done: item.done,
      // Who ticked it is the team's business; the family sees that it is done.
      doneBy: access.role === 'family' ? null : (item.doneBy?.name ?? null),
      doneAt: item.doneAt ? formatDateTime(item.doneAt, timeZone) : null,
      first: i === 0,
      last: i === items.length - 1,
    })),
  }
}

type Command<I extends TicketAction['intent']> = Extract<TicketAction, { intent: I }>

const here = (request: Request) => new URL(request.url).pathname
const GONE = 'That checklist item is no longer there.'

async function answer(args: TicketActionArgs, changed: ChecklistResult, text: (title: string) => string): Promise<Handled> {
  if (changed.status === 'not_found') return { response: invalid(args.values.intent as TicketAction['intent'], {}, args.values, GONE) }
  return {
    response: await redirectWithFlash(args.context, args.request, here(args.request), { kind: 'success', text: text(changed.item.title) }),
  }
}

const change = (args: TicketActionArgs) => ({ ticket: args.access.ticket, actorId: args.actor.id, via: 'portal' as const })

export async function handleAddChecklistItem(args: TicketActionArgs, command: Command<'add-checklist-item'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const item = await addChecklistItem(args.context.db, {
    ...change(args),
    title: command.title,
    staffOnly: command.staffOnly,
    tellFamily: command.tellFamily ? args.context : undefined,
  })
  // The page was shown, so the ticket is theirs to see; it moved out of their departments in between.
  if (!item) throw new Response('Not found', { status: 404 })
  return {
    response: await redirectOnce(args.context, args.request, here(args.request), {
      kind: 'success',
      text: `Added “${item.title}” to the checklist${item.staffOnly ? ' (staff only)' : command.tellFamily ? '; the family will be told' : ''}.`,
    }),
  }
}

export async function handleRenameChecklistItem(args: TicketActionArgs, command: Command<'rename-checklist-item'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const changed = await updateChecklistItem(args.context.db, { ...change(args), itemId: command.itemId, title: command.title })
  return answer(args, changed, (title) => `Renamed to “${title}”.`)
}

export async function handleTickChecklistItem(args: TicketActionArgs, command: Command<'tick-checklist-item'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const changed = await updateChecklistItem(args.context.db, {
    ...change(args),
    itemId: command.itemId,
    done: command.done,
    tellFamily: command.tellFamily ? args.context : undefined,
  })
  const told = command.done && command.tellFamily && changed.status === 'changed' && !changed.item.staffOnly
  return answer(args, changed, (title) =>
    command.done ? `Ticked “${title}”${told ? '; the family will be told' : ''}.` : `“${title}” is not done.`,
  )
}

export async function handleMoveChecklistItem(args: TicketActionArgs, command: Command<'move-checklist-item'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const changed = await moveChecklistItem(args.context.db, { ...change(args), itemId: command.itemId, direction: command.direction })
  return answer(args, changed, (title) =>
    changed.status === 'unchanged'
      ? `“${title}” is already ${command.direction === 'up' ? 'first' : 'last'}.`
      : `Moved “${title}” ${command.direction}.`,
  )
}

export async function handleRemoveChecklistItem(args: TicketActionArgs, command: Command<'remove-checklist-item'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const changed = await removeChecklistItem(args.context.db, { ...change(args), itemId: command.itemId })
  return answer(args, changed, (title) => `Removed “${title}” from the checklist.`)
}

export async function handleApplyTemplate(args: TicketActionArgs, command: Command<'apply-template'>): Promise<Handled> {
  requireTicketPermission(args.access, 'checklist:ticket:org')
  const applied = await applyTemplate(args.context.db, { ...change(args), templateId: command.templateId })
  if (applied.status === 'not_found')
    return { response: invalid(command.intent, { templateId: ['That template is no longer there'] }, args.values) }
  const steps = applied.added === 1 ? '1 step' : `${applied.added} steps`
  return {
    response: await redirectWithFlash(args.context, args.request, here(args.request), {
      kind: 'success',
      text: `Applied the template “${applied.template.name}”: ${steps} added to the checklist.`,
    }),
  }
}
