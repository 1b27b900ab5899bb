/**
 * A bulk change: one change (status, priority, assignment or a tag) asked of
 * many tickets at once, each applied by the single change's own rules.
 */
import { z } from 'zod'
import { PRIORITIES, PRIORITY_LABELS, type TicketStatus } from './ticket.ts'

/** At most this many tickets in one bulk change: one job, one workflow, pages of the queue put together. */
export const BULK_MAX_TICKETS = 500

/** The statuses a bulk change may set: the ones that need nothing more than the ticket (Pending LA needs its deadline). */
export const BULK_STATUSES = ['in_progress', 'pending_family', 'resolved', 'closed'] as const satisfies readonly TicketStatus[]

export type BulkStatus = (typeof BULK_STATUSES)[number]

export const BULK_ACTION_KINDS = ['status', 'priority', 'assign', 'tag'] as const
export type BulkActionKind = (typeof BULK_ACTION_KINDS)[number]

/** The change as a job stores it: people by id, a tag by its tidied name. */
export const BulkActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), status: z.enum(BULK_STATUSES) }),
  z.object({ kind: z.literal('priority'), priority: z.enum(PRIORITIES) }),
  z.object({ kind: z.literal('assign'), assigneeId: z.uuid() }),
  z.object({ kind: z.literal('tag'), name: z.string().min(1) }),
])
export type BulkAction = z.infer<typeof BulkActionSchema>

/** One ticket's change, as its job asks it; `key` names it, so asking again applies it once. */
export interface BulkTicketChange {
  key: string
  ticket: { id: string; orgId: string; number: number }
  actor: { id: string }
  action: BulkAction
  via: 'portal' | 'api'
}

export const BULK_ITEM_OUTCOMES = ['pending', 'succeeded', 'refused', 'failed'] as const
export type BulkItemOutcome = (typeof BULK_ITEM_OUTCOMES)[number]

/** What became of one ticket's change: refused and failed say why. */
export interface BulkItemResult {
  outcome: Exclude<BulkItemOutcome, 'pending'>
  reason: string | null
}

export interface BulkProgress {
  total: number
  succeeded: number
  refused: number
  failed: number
}

export const doneCount = (p: BulkProgress) => p.succeeded + p.refused + p.failed

/** Ticket numbers once each, in the order first given. */
export function distinctNumbers(numbers: readonly number[]): number[] {
  return [...new Set(numbers)]
}

/** The change in words: "Set status to Resolved", "Assign to Sam Advocate", "Add the tag “Welsh LA”". */
export function describeBulkAction(action: BulkAction, names: { assignee: string | null; status: (s: BulkStatus) => string }): string {
  switch (action.kind) {
    case 'status':
      return `Set status to ${names.status(action.status)}`
    case 'priority':
      return `Set priority to ${PRIORITY_LABELS[action.priority]}`
    case 'assign':
      return `Assign to ${names.assignee ?? 'a former member of the team'}`
    case 'tag':
      return `Add the tag “${action.name}”`
  }
}
