/**
 * The ticket workflow's effects on the world. Each one is safe to retry: Temporal
 * runs an activity at least once, so a repeat must change nothing.
 */
import { ApplicationFailure } from '@temporalio/activity'
import type { TicketNotification, TicketSnapshot } from '../domain/ticket-state.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'

export function createActivities({ db, log }: { db: Db; log: Logger }) {
  return {
    /**
     * Writes the ticket's lifecycle columns and appends its new timeline events.
     * The row only moves forward (a late retry of an older version is skipped)
     * and (ticketId, seq) is unique, so a repeated save is a no-op.
     */
    async saveTicketState(snapshot: TicketSnapshot): Promise<void> {
      const updatedAt = new Date(snapshot.updatedAt)
      await db.$transaction(async (tx) => {
        const { count } = await tx.ticket.updateMany({
          where: { id: snapshot.ticketId, stateVersion: { lt: snapshot.version } },
          data: {
            status: snapshot.status,
            awaiting: snapshot.awaiting,
            priority: snapshot.priority,
            assigneeId: snapshot.assigneeId,
            stateVersion: snapshot.version,
            updatedAt,
            lastActivityAt: updatedAt,
          },
        })
        if (count === 0 && !(await tx.ticket.findUnique({ where: { id: snapshot.ticketId }, select: { id: true } })))
          throw notFound('Ticket', snapshot.ticketId)
        await tx.ticketEvent.createMany({
          data: snapshot.events.map((event) => ({
            ticketId: snapshot.ticketId,
            seq: event.seq,
            kind: event.kind,
            actorId: event.actorId,
            data: event.data,
            at: new Date(event.at),
          })),
          skipDuplicates: true,
        })
      })
      log.info({ ticketId: snapshot.ticketId, version: snapshot.version, events: snapshot.events.length }, 'ticket state saved')
    },

    /** One in-app notification per recipient; the dedupe key makes a repeat a no-op. */
    async notifyUsers(notification: TicketNotification): Promise<void> {
      const [ticket, actor] = await Promise.all([
        db.ticket.findUnique({ where: { id: notification.ticketId }, select: { number: true } }),
        db.user.findUnique({ where: { id: notification.actorId }, select: { name: true } }),
      ])
      if (!ticket) throw notFound('Ticket', notification.ticketId)
      if (!actor) throw notFound('User', notification.actorId)
      // Built here rather than in the workflow, whose payloads carry ids only.
      const text = `${actor.name} replied to request #${ticket.number}`
      const { count } = await db.notification.createMany({
        data: notification.recipientIds.map((userId) => ({
          userId,
          ticketId: notification.ticketId,
          kind: notification.kind,
          text,
          dedupeKey: `${notification.dedupeKey}:user:${userId}`,
        })),
        skipDuplicates: true,
      })
      log.info({ ticketId: notification.ticketId, kind: notification.kind, created: count }, 'users notified')
    },
  }
}

export type TicketActivities = ReturnType<typeof createActivities>

/** A missing row will not appear by retrying. */
function notFound(entity: string, id: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${entity} ${id} does not exist`, 'NotFound')
}
