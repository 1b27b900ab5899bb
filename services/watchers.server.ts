/**
 * A ticket's watchers: team members who hear about it without being assigned
 * (family messages, SLA breaches; the notifyUsers activity looks them up).
 * Plain records, not lifecycle: written here with an audit record in the same
 * transaction.
 */
import { isStaffRole } from '../domain/ticket.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

export type WatchResult = 'changed' | 'unchanged' | 'not_on_team'

/** Starts or stops `userId` watching the ticket; only the organisation's staff and admins can watch. */
export async function setWatching(
  db: Db,
  input: AuditActor & { ticket: { id: string; orgId: string; number: number }; userId: string; watching: boolean },
): Promise<WatchResult> {
  const { ticket, userId } = input
  const member = await db.membership.findUnique({
    where: { orgId_userId: { orgId: ticket.orgId, userId } },
    select: { role: true, user: { select: { name: true } } },
  })
  if (input.watching && (!member || !isStaffRole(member.role))) return 'not_on_team'
  return db.$transaction(async (tx) => {
    const { count } = input.watching
      ? await tx.ticketWatcher.createMany({ data: [{ ticketId: ticket.id, userId }], skipDuplicates: true })
      : await tx.ticketWatcher.deleteMany({ where: { ticketId: ticket.id, userId } })
    if (count === 0) return 'unchanged'
    await recordAudit(tx, {
      orgId: ticket.orgId,
      actorId: input.actorId,
      via: input.via,
      action: input.watching ? 'watcher.added' : 'watcher.removed',
      data: { ticketId: ticket.id, ticketNumber: ticket.number, userId, name: member?.user.name ?? null },
    })
    return 'changed'
  })
}

export async function ticketWatchers(db: Db, ticketId: string): Promise<{ id: string; name: string }[]> {
  const rows = await db.ticketWatcher.findMany({
    where: { ticketId },
    select: { user: { select: { id: true, name: true } } },
    orderBy: { user: { name: 'asc' } },
  })
  return rows.map((row) => row.user)
}
