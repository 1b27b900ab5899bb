/**
 * Words the portal shows for a ticket. Families read plain language about what
 * happens next; staff read the queue's status names. Dates are formatted on the
 * server in the organisation's time zone, so server and browser render the same.
 */
import { STATUS_LABELS, type Awaiting, type TicketStatus } from '../../../domain/ticket.ts'
import type { CaseStatus } from '../../../domain/case.ts'

const CLOSED: readonly TicketStatus[] = ['resolved', 'closed']

export function isOpenStatus(status: TicketStatus): boolean {
  return !CLOSED.includes(status)
}

/** What a family sees: who the ticket is waiting on, in their words. */
export function familyStatusLabel(status: TicketStatus, awaiting: Awaiting | undefined): string {
  if (status === 'resolved') return 'Resolved'
  if (status === 'closed') return 'Closed'
  // The local authority first: staff's last message may have asked the family
  // something, but nothing moves until the LA answers.
  if (status === 'pending_la') return 'Waiting on the local authority'
  if (status === 'pending_family' || awaiting === 'family') return 'Waiting for you'
  if (status === 'new') return 'Received'
  return 'With your advocate'
}

export function familyStatusHint(status: TicketStatus, awaiting: Awaiting | undefined): string {
  switch (familyStatusLabel(status, awaiting)) {
    case 'Waiting for you':
      return 'Your advocate needs something from you: please read their last message and reply.'
    case 'Waiting on the local authority':
      return 'We are waiting for the local authority to respond. We will update you.'
    case 'Received':
      return 'Your request has reached the team. Someone will pick it up soon.'
    case 'Resolved':
      return 'This request is marked as resolved. Reply if you still need help.'
    case 'Closed':
      return 'This request is closed.'
    default:
      return 'Your advocate is working on this.'
  }
}

export function staffStatusLabel(status: TicketStatus): string {
  return STATUS_LABELS[status]
}

/**
 * The marker on a ticket staff are working that waits on them after the family's
 * latest move: a message ("Family replied"), or Reopen pressed without writing
 * ("Family reopened"). Null when there is none.
 */
export function familyMarker(
  status: TicketStatus,
  awaiting: Awaiting | undefined,
  reopenedByFamily: boolean,
): 'Family replied' | 'Family reopened' | null {
  if (awaiting !== 'staff' || status === 'new' || !isOpenStatus(status)) return null
  return reopenedByFamily ? 'Family reopened' : 'Family replied'
}

/** "Answered": on a ticket staff are working, the team's public reply was the last word, and the family's turn is next. */
export function answered(status: TicketStatus, awaiting: Awaiting | undefined): boolean {
  return awaiting === 'family' && status !== 'new' && isOpenStatus(status)
}

/** Colour accents; the words always come with them. */
export function statusTone(status: TicketStatus): string {
  switch (status) {
    case 'new':
      return 'bg-sky-50 text-sky-800 ring-sky-200'
    case 'in_progress':
      return 'bg-indigo-50 text-indigo-800 ring-indigo-200'
    case 'pending_family':
    case 'pending_la':
      return 'bg-amber-50 text-amber-900 ring-amber-200'
    case 'resolved':
      return 'bg-emerald-50 text-emerald-800 ring-emerald-200'
    case 'closed':
      return 'bg-slate-100 text-slate-700 ring-slate-200'
  }
}

export interface FormattedDate {
  iso: string
  text: string
  /** The full date and time, when `text` is shortened. */
  title?: string
}

export function formatDateTime(date: Date | string, timeZone: string): FormattedDate {
  const d = new Date(date)
  let text: string
  try {
    text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d)
  } catch {
    text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d)
  }
  return { iso: d.toISOString(), text }
}

/**
 * For dense tables: the time today, the day this year, the date before that;
 * the full date and time go in `title`.
 */
export function formatShortDateTime(date: Date | string, timeZone: string, now: Date = new Date()): FormattedDate {
  const full = formatDateTime(date, timeZone)
  const d = new Date(date)
  const zone = safeZone(timeZone)
  const day = (x: Date) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeZone: zone }).format(x)
  const year = (x: Date) => new Intl.DateTimeFormat('en-GB', { year: 'numeric', timeZone: zone }).format(x)
  const options: Intl.DateTimeFormatOptions =
    day(d) === day(now)
      ? { hour: '2-digit', minute: '2-digit' }
      : year(d) === year(now)
        ? { day: 'numeric', month: 'short' }
        : { day: 'numeric', month: 'short', year: 'numeric' }
  return { iso: full.iso, text: new Intl.DateTimeFormat('en-GB', { ...options, timeZone: zone }).format(d), title: full.text }
}

function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone })
    return timeZone
  } catch {
    return 'UTC'
  }
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th')
  return `${n}${suffix}`
}

/** "assignee_changed" -> "Assignee changed": a readable fallback for timeline kinds this page does not know. */
export function humanise(kind: string): string {
  const words = kind
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words ? words[0]!.toUpperCase() + words.slice(1) : kind
}

/** A case status's colour accent; its label always comes with it. */
export function caseStatusTone(status: CaseStatus): string {
  switch (status) {
    case 'intake':
      return 'bg-sky-50 text-sky-800 ring-sky-200'
    case 'closed':
      return 'bg-slate-100 text-slate-700 ring-slate-200'
    case 'tribunal':
      return 'bg-amber-50 text-amber-900 ring-amber-200'
    default:
      return 'bg-indigo-50 text-indigo-800 ring-indigo-200'
  }
}
