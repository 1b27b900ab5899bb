/**
 * Who hears about a change, derived from the events it made. Apart from the
 * rules because it changes with what people are told (recipients, dedupe keys,
 * new kinds of notice) while the state and its history stay as they are.
 */
import { isStaffRole } from './ticket.ts'
import type { SlaKind } from './sla.ts'
import type { TicketEvent, TicketState } from './ticket-state.ts'

/**
 * One notification per effect; the dedupe key makes a repeated send a no-op.
 * Recipients are ids the ticket knows, plus groups the activity looks up.
 * Payloads carry ids and instants only: the activity writes the words.
 */
export type TicketNotification = {
  dedupeKey: string
  ticketId: string
  recipientIds: string[]
  /** Also the ticket's watchers and/or the organisation's admins, found by the activity. */
  include?: ('watchers' | 'admins')[]
} & (
  | { kind: 'new_request' }
  /** To the family: a member of staff started a conversation with them. */
  | { kind: 'conversation_started'; actorId: string }
  | { kind: 'staff_replied'; actorId: string }
  | { kind: 'family_replied'; actorId: string }
  | { kind: 'ticket_resolved'; reason: string | null; reopenUntil: string | null }
  | { kind: 'awaiting_family'; autoCloseAt: string | null }
  | { kind: 'family_reminder'; autoCloseAt: string | null }
  | { kind: 'sla_breached'; target: SlaKind; dueAt: string | null }
  | { kind: 'la_overdue'; laDeadline: string }
  /** To the family: who their advocate is now. */
  | { kind: 'ticket_assigned'; assigneeId: string }
  /** To the new assignee, when someone else gave them the ticket. */
  | { kind: 'assigned_to_you'; actorId: string | null }
  /** To the family: a step they see was added to the checklist, or ticked (the activity reads its title). */
  | ({ kind: 'checklist_changed' } & ChecklistChangedInput)
)

export type TicketNotificationKind = TicketNotification['kind']

/** What the checklist service tells the workflow when the advocate asks that the family be told. Ids only. */
export interface ChecklistChangedInput {
  itemId: string
  change: 'added' | 'ticked'
  /** Null: an API key acting for the organisation. */
  actorId: string | null
}

/** The family's notice of a checklist change: once per item and change, however often it is asked for. */
export function checklistNotification(state: TicketState, input: ChecklistChangedInput): TicketNotification {
  return {
    kind: 'checklist_changed',
    ...input,
    dedupeKey: `ticket:${state.ticketId}:checklist:${input.itemId}:${input.change}`,
    ticketId: state.ticketId,
    recipientIds: [state.requesterId],
  }
}

/** The ticket's first event: a family asked for help. */
export function isOpening(event: TicketEvent): boolean {
  return event.kind === 'opened'
}

/** A change of who looks after the ticket. */
export function isAssignment(event: TicketEvent): boolean {
  return event.kind === 'assigned'
}

/** A message the family wrote (on the ticket, so public). */
export function isFamilyMessage(event: TicketEvent): boolean {
  return event.kind === 'message_posted' && !isStaffRole(event.data.authorRole)
}

/**
 * Who hears about these events: the organisation's admins when a family asks
 * for help (`newRequests`), the family when staff start a conversation; the family when staff reply, when the ticket
 * waits for them (with the date it will close), when reminded, and when it is
 * resolved (with the date reopening ends); the assignee and watchers when the
 * family writes (`familyReplies`); the family, and the new assignee unless
 * they took it themselves, on every assignment (`assignments`); the assignee,
 * watchers and admins when a target is breached; the assignee (else the
 * admins) when the LA is overdue.
 * The options are off for runs recorded before those notices (see the workflow).
 */
export function notificationsFor(
  state: TicketState,
  events: readonly TicketEvent[],
  options: { familyReplies?: boolean; newRequests?: boolean; assignments?: boolean } = {},
): TicketNotification[] {
  const family = [state.requesterId]
  const assignee = state.assigneeId === null ? [] : [state.assigneeId]
  const key = (event: TicketEvent) => `ticket:${state.ticketId}:event:${event.seq}`
  return events.flatMap((event): TicketNotification[] => {
    const base = { dedupeKey: key(event), ticketId: state.ticketId }
    switch (event.kind) {
      case 'opened':
        if (event.data.conversation && event.actorId !== null)
          return [{ ...base, kind: 'conversation_started', actorId: event.actorId, recipientIds: family }]
        return options.newRequests ? [{ ...base, kind: 'new_request', recipientIds: [], include: ['admins'] }] : []
      case 'message_posted':
        if (event.actorId === null) return []
        if (isFamilyMessage(event))
          return options.familyReplies
            ? [{ ...base, kind: 'family_replied', actorId: event.actorId, recipientIds: assignee, include: ['watchers'] }]
            : []
        return event.data.visibility === 'public' ? [{ ...base, kind: 'staff_replied', actorId: event.actorId, recipientIds: family }] : []
      case 'status_changed':
        if (event.data.to === 'resolved')
          return [
            {
              ...base,
              kind: 'ticket_resolved',
              reason: event.data.reason,
              reopenUntil: event.data.reopenUntil ?? null,
              recipientIds: family,
            },
          ]
        if (event.data.to === 'pending_family')
          return [{ ...base, kind: 'awaiting_family', autoCloseAt: event.data.autoCloseAt ?? null, recipientIds: family }]
        return []
      case 'assigned': {
        if (!options.assignments) return []
        const { assigneeId } = event.data
        const told: TicketNotification[] = [
          { ...base, dedupeKey: `${base.dedupeKey}:family`, kind: 'ticket_assigned', assigneeId, recipientIds: family },
        ]
        if (event.actorId !== assigneeId)
          told.push({
            ...base,
            dedupeKey: `${base.dedupeKey}:assignee`,
            kind: 'assigned_to_you',
            actorId: event.actorId,
            recipientIds: [assigneeId],
          })
        return told
      }
      case 'family_reminded':
        return [{ ...base, kind: 'family_reminder', autoCloseAt: event.data.autoCloseAt, recipientIds: family }]
      case 'sla_breached':
        return [
          {
            ...base,
            dedupeKey: `sla-breach:${state.ticketId}:${event.data.target}:${event.data.cycle}`,
            kind: 'sla_breached',
            target: event.data.target,
            dueAt: event.data.dueAt,
            recipientIds: assignee,
            include: ['watchers', 'admins'],
          },
        ]
      case 'la_overdue':
        return [
          {
            ...base,
            kind: 'la_overdue',
            laDeadline: event.data.laDeadline,
            recipientIds: assignee,
            include: assignee.length === 0 ? ['admins'] : [],
          },
        ]
      default:
        return []
    }
  })
}
