/**
 * The staff ticket page's related tickets: what its card lists, and the
 * handlers of its two intents. Links are plain records (services/ticket-links.server.ts):
 * the handlers answer themselves, no workflow is asked.
 */
import { STATUS_LABELS } from '../../../../domain/ticket.ts'
import { linkTickets, relatedTickets, unlinkTickets, type Relation } from '../../../../services/ticket-links.server.ts'
import type { CasewayContext } from '../../context.ts'
import { redirectWithFlash } from '../../utils/flash.server.ts'
import { requireTicketPermission, type TicketAccess } from '../../utils/permissions.server.ts'
import type { TicketAction } from '../../utils/validation.ts'
import { invalid, type Handled, type TicketActionArgs } from './actions.server.ts'

const RELATION_WORDS: Record<Relation, string> = {
  linked: 'Linked',
  follow_up_of: 'This ticket follows it up',
  followed_up_by: 'Follows this ticket up',
}

/** Each related ticket the person sees, with its status in words and how it is related. */
export async function ticketRelated(ctx: CasewayContext, access: TicketAccess, orgSlug: string) {
  const related = await relatedTickets(ctx.db, { ticket: access.ticket, viewerId: access.user.id })
  return related.map((t) => ({
    number: t.number,
    subject: t.subject,
    status: STATUS_LABELS[t.status],
    relation: RELATION_WORDS[t.relation],
    href: `/tickets/${orgSlug}/${t.number}`,
    // A follow-up is part of the ticket's record: it cannot be unlinked.
    canUnlink: t.relation === 'linked',
  }))
}

type Command<I extends TicketAction['intent']> = Extract<TicketAction, { intent: I }>

const here = (request: Request) => new URL(request.url).pathname

export async function handleLinkTicket(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'link-ticket'>,
): Promise<Handled> {
  requireTicketPermission(access, 'link:ticket:org')
  const linked = await linkTickets(context.db, { ticket: access.ticket, otherNumber: command.number, actorId: actor.id, via: 'portal' })
  if (linked.status === 'self') return { response: invalid('link-ticket', { number: ['A ticket cannot be linked to itself'] }, values) }
  // The same words whether the number is unused or a ticket this person may not see.
  if (linked.status === 'not_found')
    return { response: invalid('link-ticket', { number: [`There is no ticket #${command.number} you can see`] }, values) }
  const text =
    linked.status === 'linked'
      ? `Linked to ticket #${linked.other.number}.`
      : `Ticket #${linked.other.number} is already related to this one.`
  return { response: await redirectWithFlash(context, request, here(request), { kind: 'success', text }) }
}

export async function handleUnlinkTicket(
  { context, request, access, actor, values }: TicketActionArgs,
  command: Command<'unlink-ticket'>,
): Promise<Handled> {
  requireTicketPermission(access, 'link:ticket:org')
  const unlinked = await unlinkTickets(context.db, { ticket: access.ticket, otherNumber: command.number, actorId: actor.id, via: 'portal' })
  if (unlinked.status === 'not_found' || unlinked.status === 'not_linked')
    return { response: invalid('unlink-ticket', {}, values, `This ticket is not linked to #${command.number}.`) }
  if (unlinked.status === 'follow_up')
    return { response: invalid('unlink-ticket', {}, values, `A follow-up stays related to the ticket it follows (#${command.number}).`) }
  return {
    response: await redirectWithFlash(context, request, here(request), { kind: 'success', text: `Unlinked ticket #${command.number}.` }),
  }
}
