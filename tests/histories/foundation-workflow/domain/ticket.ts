/**
 * The ticket's vocabulary, shared by workflows, activities and web. Pure: no I/O,
 * no Node APIs, so the workflow bundle can import it.
 */

export const TICKET_STATUSES = ['new', 'in_progress', 'pending_family', 'pending_la', 'resolved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_TYPES = ['ehcp', 'dla', 'tribunal', 'annual_review', 'la_refusal', 'general'] as const
export type TicketType = (typeof TICKET_TYPES)[number]

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const
export type Priority = (typeof PRIORITIES)[number]

export const ROLES = ['family', 'staff', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Who the ticket waits on: set by the workflow from the last message, never by hand. */
export type Awaiting = 'staff' | 'family' | null

export const VISIBILITIES = ['public', 'internal'] as const
export type Visibility = (typeof VISIBILITIES)[number]

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: 'New',
  in_progress: 'In progress',
  pending_family: 'Pending family',
  pending_la: 'Pending LA',
  resolved: 'Resolved',
  closed: 'Closed',
}

export const TYPE_LABELS: Record<TicketType, string> = {
  ehcp: 'EHCP',
  dla: 'DLA',
  tribunal: 'Tribunal',
  annual_review: 'Annual review',
  la_refusal: 'LA refusal',
  general: 'General',
}

export const PRIORITY_LABELS: Record<Priority, string> = {
  urgent: 'Urgent',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
}

export function isStaffRole(role: Role): boolean {
  return role === 'staff' || role === 'admin'
}
