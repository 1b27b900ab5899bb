/**
 * Time logs: minutes a member of staff spent on a ticket, on a day, of a kind
 * (call, letter, meeting, research, other). Plain records, not lifecycle:
 * written here with an audit record in the same transaction, shown on the
 * ticket's timeline (ticket-history.server.ts). Its author edits or deletes an
 * entry, or an admin. Families never see them.
 */
import { z } from 'zod'
import type { TimeKind } from '../domain/durations.ts'
import { isStaffRole, type Role } from '../domain/ticket.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

type TicketRef = { id: string; orgId: string; number: number }

export interface TimeEntryInput {
  minutes: number
  /** YYYY-MM-DD, the day in the organisation's time zone. */
  workedOn: string
  kind: TimeKind
  note?: string | null
}

const entrySelect = {
  id: true,
  minutes: true,
  workedOn: true,
  kind: true,
  note: true,
  createdAt: true,
  updatedAt: true,
  user: { select: { id: true, name: true, email: true } },
} as const

export type TimeEntryRow = Awaited<ReturnType<typeof ticketTimeEntries>>[number]

const day = (iso: string) => new Date(`${iso}T00:00:00Z`)
export const dayOf = (date: Date) => date.toISOString().slice(0, 10)

/** The ticket's entries, the latest day first, and their total. */
export async function ticketTimeEntries(db: Db, ticketId: string) {
  return db.timeEntry.findMany({
    where: { ticketId },
    orderBy: [{ workedOn: 'desc' }, { createdAt: 'desc' }],
    select: entrySelect,
  })
}

/** Who may change an entry: its author, or an admin of its organisation. */
export function mayChangeEntry(entry: { user: { id: string } }, person: { id: string; role: Role }): boolean {
  return isStaffRole(person.role) && (entry.user.id === person.id || person.role === 'admin')
}

export async function logTime(db: Db, input: AuditActor & { ticket: TicketRef; userId: string; entry: TimeEntryInput }) {
  const { ticket, entry } = input
  return db.$transaction(async (tx) => {
    const created = await tx.timeEntry.create({
      data: {
        ticketId: ticket.id,
        orgId: ticket.orgId,
        userId: input.userId,
        minutes: entry.minutes,
        workedOn: day(entry.workedOn),
        kind: entry.kind,
        note: entry.note ?? null,
      },
      select: entrySelect,
    })
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'time.logged',
      data: { ticketId: ticket.id, ticketNumber: ticket.number, timeEntryId: created.id, minutes: entry.minutes, kind: entry.kind },
    })
    return created
  })
}

export type EntryChange = { status: 'changed'; entry: TimeEntryRow } | { status: 'not_found' | 'not_allowed' }

/** One of the ticket's entries, or null (another ticket's id, or not an id, finds nothing). */
export async function ticketTimeEntry(db: Pick<Db, 'timeEntry'>, ticketId: string, id: string) {
  if (!z.uuid().safeParse(id).success) return null
  return db.timeEntry.findFirst({ where: { id, ticketId }, select: entrySelect })
}

export async function updateTimeEntry(
  db: Db,
  input: AuditActor & { ticket: TicketRef; id: string; person: { id: string; role: Role }; entry: Partial<TimeEntryInput> },
): Promise<EntryChange> {
  const { ticket, entry } = input
  return db.$transaction(async (tx) => {
    const found = await ticketTimeEntry(tx, ticket.id, input.id)
    if (!found) return { status: 'not_found' as const }
    if (!mayChangeEntry(found, input.person)) return { status: 'not_allowed' as const }
    const updated = await tx.timeEntry.update({
      where: { id: found.id },
      data: {
        minutes: entry.minutes,
        workedOn: entry.workedOn === undefined ? undefined : day(entry.workedOn),
        kind: entry.kind,
        note: entry.note,
      },
      select: entrySelect,
    })
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'time.edited',
      data: { ticketId: ticket.id, ticketNumber: ticket.number, timeEntryId: found.id, from: found.minutes, minutes: updated.minutes },
    })
    return { status: 'changed' as const, entry: updated }
  })
}

export async function deleteTimeEntry(
  db: Db,
  input: AuditActor & { ticket: TicketRef; id: string; person: { id: string; role: Role } },
): Promise<'deleted' | 'not_found' | 'not_allowed'> {
  const { ticket } = input
  return db.$transaction(async (tx) => {
    const found = await ticketTimeEntry(tx, ticket.id, input.id)
    if (!found) return 'not_found'
    if (!mayChangeEntry(found, input.person)) return 'not_allowed'
    // deleteMany: a concurrent delete of the same entry finds nothing rather than failing.
    const { count } = await tx.timeEntry.deleteMany({ where: { id: found.id } })
    if (count === 0) return 'not_found'
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'time.deleted',
      data: { ticketId: ticket.id, ticketNumber: ticket.number, timeEntryId: found.id, minutes: found.minutes, kind: found.kind },
    })
    return 'deleted'
  })
}

/**
 * Minutes per member of staff over a range of days (inclusive), the most first:
 * one query on TimeEntry_orgId_workedOn_idx, or with `userId` on
 * TimeEntry_orgId_userId_workedOn_idx.
 */
export async function timeByAdvocate(db: Db, input: { orgId: string; from: string; to: string; userId?: string }) {
  const grouped = await db.timeEntry.groupBy({
    by: ['userId'],
    where: { orgId: input.orgId, workedOn: { gte: day(input.from), lte: day(input.to) }, userId: input.userId },
    _sum: { minutes: true },
    _count: { _all: true },
  })
  const users = await db.user.findMany({ where: { id: { in: grouped.map((g) => g.userId) } }, select: { id: true, name: true } })
  const names = new Map(users.map((u) => [u.id, u.name]))
  return grouped
    .map((g) => ({
      userId: g.userId,
      name: names.get(g.userId) ?? 'Someone no longer here',
      minutes: g._sum.minutes ?? 0,
      entries: g._count._all,
    }))
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name))
}
