/**
 * The ticket workflow's effects on the world. Each one is safe to retry: Temporal
 * runs an activity at least once, so a repeat must change nothing. What retrying
 * cannot fix (a missing row) fails non-retryably.
 */
import { Prisma } from '../generated/prisma/client.ts'
import { effectiveSlaPolicy, type SlaPolicyJson } from '../domain/sla-schemas.ts'
import type { TicketNotification } from '../domain/ticket-notifications.ts'
import type { TicketSnapshot } from '../domain/ticket-record.ts'
import { activeCoverIds } from '../lib/case-cover.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'
import { mailNotices, type MailDeliveryTarget } from '../lib/mail/delivery.ts'
import { notFound, noticeText } from '../lib/mail/ticket-notices.ts'
import { createTaskActivities } from './tasks.ts'

/** `mail`: where notices that come by mail are handed to their delivery workflows. */
export function createActivities({ db, log, mail }: { db: Db; log: Logger; mail?: MailDeliveryTarget }) {
  return {
    ...createTaskActivities({ db, log }),

    /**
     * Writes the ticket's lifecycle columns and appends its new timeline events.
     * The row never moves back (a late retry of an older version is skipped)
     * and (ticketId, seq) is unique, so a repeated save changes nothing.
     */
    async saveTicketState(snapshot: TicketSnapshot): Promise<void> {
      await saveTicketRecord(db, snapshot)
      log.info({ ticketId: snapshot.ticketId, version: snapshot.version, events: snapshot.events.length }, 'ticket state saved')
    },

    /**
     * The policy the organisation's tickets run (effectiveSlaPolicy: the stored one,
     * or the default in its time zone). Read once when a ticket starts and when an
     * admin applies a changed policy to running tickets.
     */
    async loadSlaPolicy(orgId: string): Promise<SlaPolicyJson> {
      const org = await db.organisation.findUnique({ where: { id: orgId }, select: { slaPolicy: true, timezone: true } })
      if (!org) throw notFound('Organisation', orgId)
      const { policy, problem } = effectiveSlaPolicy(org.slaPolicy, org.timezone)
      if (problem) log.warn({ orgId, problem }, 'the stored SLA policy is not valid; tickets get the default policy')
      return policy
    },

    /**
     * One in-app notification per recipient: the ids the workflow named, plus the
     * ticket's watchers and the organisation's admins when asked. The dedupe key
     * (per recipient) makes a repeat a no-op. Then each recipient who takes this
     * kind of notice by mail gets a delivery workflow of its own, started and
     * not awaited: SMTP never holds the ticket up.
     */
    async notifyUsers(notification: TicketNotification): Promise<void> {
      const ticket = await db.ticket.findUnique({
        where: { id: notification.ticketId },
        select: {
          number: true,
          orgId: true,
          caseId: true,
          subject: true,
          requester: { select: { name: true } },
          org: { select: { name: true, timezone: true } },
        },
      })
      if (!ticket) throw notFound('Ticket', notification.ticketId)
      const recipients = new Set(notification.recipientIds)
      const include = notification.include ?? []
      if (include.includes('watchers')) {
        for (const { userId } of await db.ticketWatcher.findMany({ where: { ticketId: notification.ticketId }, select: { userId: true } }))
          recipients.add(userId)
        // Whoever covers the ticket's case today hears what its watchers hear.
        if (ticket.caseId)
          for (const coverId of await activeCoverIds(db, { caseId: ticket.caseId, timezone: ticket.org.timezone })) recipients.add(coverId)
      }
      if (include.includes('admins'))
        for (const { userId } of await db.membership.findMany({ where: { orgId: ticket.orgId, role: 'admin' }, select: { userId: true } }))
          recipients.add(userId)
      if (recipients.size === 0) {
        log.info({ ticketId: notification.ticketId, kind: notification.kind }, 'nobody to notify')
        return
      }
      // Built here rather than in the workflow, whose payloads carry ids only.
      const text = await noticeText(db, notification, ticket)
      const { count } = await db.notification.createMany({
        data: [...recipients].map((userId) => ({
          userId,
          ticketId: notification.ticketId,
          kind: notification.kind,
          text,
          dedupeKey: `${notification.dedupeKey}:user:${userId}`,
        })),
        skipDuplicates: true,
      })
      log.info({ ticketId: notification.ticketId, kind: notification.kind, created: count }, 'users notified')
      if (!mail) return
      const mailed = await mailNotices(db, mail, notification, [...recipients])
      log.info({ ticketId: notification.ticketId, kind: notification.kind, mailed }, 'notices handed to mail delivery')
    },
  }
}

export type TicketActivities = ReturnType<typeof createActivities>

/**
 * Writes a ticket's lifecycle columns and appends its events. The save activity
 * writes a version the row has not passed: the same version again too, because a
 * worker killed after saving but before Temporal recorded its workflow task leaves
 * a row that the task, run again, recomputes at another moment (its updatedAt),
 * and only that second run is in the history. `npm run reconcile --repair`
 * passes `ifRowVersion`, the row's version when it compared it: the workflow's
 * record then replaces the row whatever its version says, unless the row changed
 * meanwhile (false is returned). Snapshots scheduled by the first version of the
 * workflow lack the SLA and waiting columns; Prisma leaves undefined columns as
 * they are.
 */
export async function saveTicketRecord(
  db: Db,
  snapshot: TicketSnapshot,
  { ifRowVersion }: { ifRowVersion?: number } = {},
): Promise<boolean> {
  const updatedAt = new Date(snapshot.updatedAt)
  return await db.$transaction(async (tx) => {
    const { count } = await tx.ticket.updateMany({
      where: { id: snapshot.ticketId, stateVersion: ifRowVersion ?? { lte: snapshot.version } },
      data: {
        status: snapshot.status,
        awaiting: snapshot.awaiting,
        reopenedByFamily: snapshot.reopenedByFamily,
        priority: snapshot.priority,
        type: snapshot.type,
        assigneeId: snapshot.assigneeId,
        caseRef: snapshot.caseRef,
        // Absent or null: a workflow that does not know its department leaves the row's as it is.
        departmentId: snapshot.departmentId ?? undefined,
        stateVersion: snapshot.version,
        updatedAt,
        lastActivityAt: updatedAt,
        slaState: snapshot.slaState,
        slaDueAt: instant(snapshot.slaDueAt),
        slaTargets: snapshot.slaTargets,
        pendingSince: instant(snapshot.pendingSince),
        laDeadline: instant(snapshot.laDeadline),
        laOverdue: snapshot.laOverdue,
        reopenUntil: instant(snapshot.reopenUntil),
        autoCloseAt: instant(snapshot.autoCloseAt),
        resolvedAt: instant(snapshot.resolvedAt),
        closedAt: instant(snapshot.closedAt),
        closeReason: snapshot.closeReason,
      },
    })
    if (count === 0 && !(await tx.ticket.findUnique({ where: { id: snapshot.ticketId }, select: { id: true } })))
      throw notFound('Ticket', snapshot.ticketId)
    // The read model's join: the case with the ticket's reference, when it exists
    // (otherwise the worker's sweep joins them once it does).
    if (count > 0)
      await tx.$executeRaw`
        UPDATE "Ticket" t SET "caseId" = (SELECT c.id FROM "Case" c WHERE c."orgId" = t."orgId" AND c."caseRef" = t."caseRef")
        WHERE t.id = ${snapshot.ticketId}::uuid`
    await tx.ticketEvent.createMany({
      data: snapshot.events.map((event) => ({
        ticketId: snapshot.ticketId,
        seq: event.seq,
        kind: event.kind,
        actorId: event.actorId,
        data: event.data as Prisma.InputJsonObject,
        at: new Date(event.at),
      })),
      skipDuplicates: true,
    })
    // The messages this save records have reached their workflow: the sweep leaves them be.
    const recorded = snapshot.events.flatMap((event) => (event.kind === 'message_posted' ? [event.data.messageId] : []))
    if (recorded.length) await tx.message.updateMany({ where: { id: { in: recorded }, recordedAt: null }, data: { recordedAt: updatedAt } })
    await markCaseMessaged(tx, snapshot)
    return count > 0
  })
}

/**
 * The team dashboard's "last message" of the ticket's case: the newest public
 * message this save records. A retried or late save cannot move it back, since
 * the greater value wins (GREATEST skips a null).
 */
async function markCaseMessaged(tx: Prisma.TransactionClient, snapshot: TicketSnapshot): Promise<void> {
  const messageIds = snapshot.events.flatMap((event) =>
    event.kind === 'message_posted' && event.data.visibility === 'public' ? [event.data.messageId] : [],
  )
  if (!messageIds.length) return
  await tx.$executeRaw`
    UPDATE "Case" c SET "lastMessageAt" = GREATEST(c."lastMessageAt", m.at)
    FROM (SELECT max(msg."createdAt") AS at FROM "Message" msg WHERE msg.id = ANY(${messageIds}::uuid[])) m, "Ticket" t
    WHERE t.id = ${snapshot.ticketId}::uuid AND c.id = t."caseId" AND m.at IS NOT NULL`
}

/** Undefined stays undefined: the column is left alone. */
function instant(iso: string | null | undefined): Date | null | undefined {
  return iso === undefined || iso === null ? iso : new Date(iso)
}
