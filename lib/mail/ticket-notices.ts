/**
 * The words of each kind of ticket notice: the in-app notification's text, and
 * the title and the call to action its mail adds around that same text. One
 * place, so the app and the mail never tell a person different things.
 */
import { ApplicationFailure } from '@temporalio/common'
import type { SlaKind } from '../../domain/sla.ts'
import type { TicketNotification, TicketNotificationKind } from '../../domain/ticket-notifications.ts'
import type { Db } from '../db.ts'

const TARGET_WORDS: Record<SlaKind, string> = {
  first_response: 'first response',
  next_response: 'next response',
  resolution: 'resolution',
}

/** Per kind: the mail's subject after "[#number]", and the words of its link to the ticket. */
export const NOTICE_MAIL_TEMPLATES: Record<TicketNotificationKind, { title: string; action: string }> = {
  new_request: { title: 'New request', action: 'Open the request' },
  conversation_started: { title: 'A message from your advocate', action: 'Read and reply' },
  staff_replied: { title: 'New reply from your advocate', action: 'Read the reply' },
  family_replied: { title: 'The family replied', action: 'Read the reply' },
  ticket_resolved: { title: 'Your request was resolved', action: 'Open your request' },
  awaiting_family: { title: 'We need your reply', action: 'Reply on your request' },
  family_reminder: { title: 'Reminder: we need your reply', action: 'Reply on your request' },
  sla_breached: { title: 'SLA target breached', action: 'Open the ticket' },
  la_overdue: { title: 'LA deadline overdue', action: 'Open the ticket' },
  ticket_assigned: { title: 'Your advocate', action: 'Open your request' },
  assigned_to_you: { title: 'Assigned to you', action: 'Open the ticket' },
  checklist_changed: { title: 'Your checklist', action: 'See the checklist' },
}

export interface NotifiedTicket {
  number: number
  subject: string
  requester: { name: string }
  org: { name: string; timezone: string }
}

/** The in-app text of a notice, which its mail repeats. Reads only what every recipient of the kind may see. */
export async function noticeText(db: Db, notification: TicketNotification, ticket: NotifiedTicket): Promise<string> {
  const when = (iso: string | null) =>
    iso === null
      ? null
      : new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: ticket.org.timezone }).format(new Date(iso))
  const request = `request #${ticket.number}`
  switch (notification.kind) {
    case 'new_request':
      return `New request #${ticket.number} from ${ticket.requester.name}: “${ticket.subject}”`
    case 'conversation_started': {
      const actor = await db.user.findUnique({ where: { id: notification.actorId }, select: { name: true } })
      if (!actor) throw notFound('User', notification.actorId)
      return `${actor.name} wrote to you: “${ticket.subject}”`
    }
    case 'staff_replied':
    case 'family_replied': {
      const actor = await db.user.findUnique({ where: { id: notification.actorId }, select: { name: true } })
      if (!actor) throw notFound('User', notification.actorId)
      return `${actor.name} replied to ${request}`
    }
    case 'ticket_resolved': {
      const why = notification.reason === 'case closed' ? ' because its case was closed' : ''
      const until = when(notification.reopenUntil)
      return until
        ? `Your ${request} was resolved${why}. If you still need help, reply or press Reopen before ${until}.`
        : `Your ${request} was resolved${why}. If you still need help, reply to reopen it.`
    }
    case 'awaiting_family': {
      const closes = when(notification.autoCloseAt)
      return closes
        ? `We need your reply on ${request}. If we have not heard from you by ${closes}, it will close.`
        : `We need your reply on ${request}.`
    }
    case 'family_reminder': {
      const closes = when(notification.autoCloseAt)
      return closes
        ? `Reminder: ${request} is waiting for your reply. It will close on ${closes} if we do not hear from you.`
        : `Reminder: ${request} is waiting for your reply.`
    }
    case 'sla_breached': {
      const due = when(notification.dueAt)
      return `SLA breached: the ${TARGET_WORDS[notification.target]} target for ${request} was due${due ? ` ${due}` : ''}.`
    }
    case 'la_overdue':
      return `LA overdue: the local authority's deadline for ${request} (${when(notification.laDeadline)}) has passed.`
    case 'ticket_assigned': {
      const assignee = await db.user.findUnique({ where: { id: notification.assigneeId }, select: { name: true } })
      if (!assignee) throw notFound('User', notification.assigneeId)
      return `${assignee.name} from ${ticket.org.name} is now looking after your ${request} and will be in touch.`
    }
    case 'assigned_to_you':
      return `Ticket #${ticket.number} “${ticket.subject}” was assigned to you.`
    case 'checklist_changed': {
      // Never a staff-only item, whoever asked: the family must not read its title.
      const item = await db.checklistItem.findFirst({
        where: { id: notification.itemId, ticketId: notification.ticketId, staffOnly: false },
        select: { title: true },
      })
      if (!item) throw notFound('Checklist item', notification.itemId)
      return notification.change === 'ticked'
        ? `Your advocate ticked “${item.title}” on ${request}.`
        : `Your advocate added a step for you on ${request}: “${item.title}”.`
    }
  }
}

/** A missing row will not appear by retrying. */
export function notFound(entity: string, id: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${entity} ${id} does not exist`, 'NotFound')
}
