/**
 * The case workflow's effects on the world, each safe to retry: the Case row is
 * only written for a version it has not passed, timeline events are unique on
 * (caseId, seq), notifications on their dedupe key, and resolving the tickets
 * names the closure so a ticket applies it once.
 */
import { ApplicationFailure } from '@temporalio/activity'
import type { Client } from '@temporalio/client'
import type { CaseNotification } from '../domain/case-deadlines.ts'
import type { CaseSnapshot } from '../domain/case-state.ts'
import { STATUTORY_DUTY_WORDS } from '../domain/statutory-words.ts'
import { Prisma } from '../generated/prisma/client.ts'
import { activeCoverIds } from '../lib/case-cover.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'
import { mailNotices, type MailDeliveryTarget } from '../lib/mail/delivery.ts'
import { signalCaseClosed } from '../lib/ticket-signals.ts'

/** `mail`: where notices that come by mail are handed to their delivery workflows. */
export function createCaseActivities({ db, temporal, log, mail }: { db: Db; temporal: Client; log: Logger; mail?: MailDeliveryTarget }) {
  return {
    /**
     * Writes the case's lifecycle columns and its actions' lifecycle, and appends
     * its new timeline events. The same version again is written too, as the
     * ticket's save does (a worker killed before Temporal recorded the task).
     */
    async saveCaseState(snapshot: CaseSnapshot): Promise<void> {
      await db.$transaction(async (tx) => {
        const { count } = await tx.case.updateMany({
          where: { id: snapshot.caseId, stateVersion: { lte: snapshot.version } },
          data: {
            status: snapshot.status,
            stateVersion: snapshot.version,
            openedAt: new Date(snapshot.openedAt),
            closedAt: instant(snapshot.closedAt),
            closeReason: snapshot.closeReason,
            lastActivityAt: new Date(snapshot.lastActivityAt),
            nextActionDueAt: instant(snapshot.nextActionDueAt),
            overdueActions: snapshot.overdueActions,
            hasOverdue: snapshot.overdueActions > 0,
            laOverdue: snapshot.deadlines.some((deadline) => deadline.state === 'overdue'),
            stageDates: snapshot.stages,
          },
        })
        if (count === 0) {
          if (!(await tx.case.findUnique({ where: { id: snapshot.caseId }, select: { id: true } }))) throw notFound('Case', snapshot.caseId)
          return
        }
        for (const action of snapshot.actions)
          await tx.task.updateMany({
            where: { id: action.actionId, caseId: snapshot.caseId },
            data: {
              dueAt: instant(action.dueAt),
              doneAt: instant(action.doneAt),
              overdue: action.overdue,
              ...(action.doneAt ? { status: 'done' } : {}),
            },
          })
        // A reopened next action goes back to the board's To do; one being worked keeps Doing.
        await tx.task.updateMany({
          where: {
            caseId: snapshot.caseId,
            id: { in: snapshot.actions.filter((action) => !action.doneAt).map((action) => action.actionId) },
            status: 'done',
          },
          data: { status: 'todo' },
        })
        await saveDeadlines(tx, snapshot)
        await tx.caseEvent.createMany({
          data: snapshot.events.map((event) => ({
            caseId: snapshot.caseId,
            seq: event.seq,
            kind: event.kind,
            actorId: event.actorId,
            data: event.data as Prisma.InputJsonObject,
            at: new Date(event.at),
          })),
          skipDuplicates: true,
        })
      })
      log.info({ caseId: snapshot.caseId, version: snapshot.version, events: snapshot.events.length }, 'case state saved')
    },

    /**
     * The action's owner (for an action), the case's advocate and whoever covers
     * the case today, once each (the dedupe key is per recipient): all staff, so
     * the case's words may be told. Then by mail, as ticket notices go.
     */
    async notifyCaseUsers(notification: CaseNotification): Promise<void> {
      const overdue = await overdueThing(notification)
      const recipients = new Set(notification.recipientIds)
      if (notification.includeAdvocate && overdue.case.advocateId) recipients.add(overdue.case.advocateId)
      for (const coverId of await activeCoverIds(db, { caseId: notification.caseId, timezone: overdue.case.org.timezone }))
        recipients.add(coverId)
      if (recipients.size === 0) return
      const due = new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: overdue.case.org.timezone }).format(
        new Date(notification.dueAt),
      )
      const whose = overdue.case.childName ? `${overdue.case.childName} (${overdue.case.family.name})` : overdue.case.family.name
      const text = `Overdue on case ${overdue.case.caseRef} for ${whose}: ${overdue.what} was due ${due}.`
      const { count } = await db.notification.createMany({
        data: [...recipients].map((userId) => ({
          userId,
          caseId: notification.caseId,
          kind: notification.kind,
          text,
          dedupeKey: `${notification.dedupeKey}:user:${userId}`,
        })),
        skipDuplicates: true,
      })
      log.info({ caseId: notification.caseId, dedupeKey: notification.dedupeKey, created: count }, 'case users notified')
      if (!mail) return
      const mailed = await mailNotices(db, mail, notification, [...recipients])
      log.info({ caseId: notification.caseId, kind: notification.kind, mailed }, 'case notices handed to mail delivery')
    },

    /** Every open ticket linked to the case is resolved ("case closed"); answers their numbers. */
    async resolveCaseTickets(input: { orgId: string; caseRef: string; commandId: string }): Promise<number[]> {
      return await signalCaseClosed({ db, temporal, log }, input)
    },
  }

  /** What fell overdue, in words, and the case it belongs to. */
  async function overdueThing(notification: CaseNotification) {
    const caseSelect = {
      caseRef: true,
      advocateId: true,
      childName: true,
      family: { select: { name: true } },
      org: { select: { timezone: true } },
    } as const
    if (notification.kind === 'case_action_overdue') {
      const action = await db.task.findUnique({
        where: { id: notification.actionId },
        select: { title: true, case: { select: caseSelect } },
      })
      if (!action?.case) throw notFound('Task', notification.actionId)
      return { case: action.case, what: `“${action.title}”` }
    }
    const kase = await db.case.findUnique({ where: { id: notification.caseId }, select: caseSelect })
    if (!kase) throw notFound('Case', notification.caseId)
    return { case: kase, what: `the council’s duty to ${STATUTORY_DUTY_WORDS[notification.key]}` }
  }
}

/** The case's LA deadlines as its workflow worked them out: one row per key (stage dates are corrected, never removed). */
async function saveDeadlines(tx: Prisma.TransactionClient, snapshot: CaseSnapshot): Promise<void> {
  if (snapshot.deadlines.length === 0) return
  const { orgId } = await tx.case.findUniqueOrThrow({ where: { id: snapshot.caseId }, select: { orgId: true } })
  for (const deadline of snapshot.deadlines) {
    const row = {
      startDate: deadline.startDate,
      dueDate: deadline.dueDate,
      dueAt: new Date(deadline.dueAt),
      state: deadline.state,
      reason: deadline.reason,
    }
    await tx.caseDeadline.upsert({
      where: { caseId_key: { caseId: snapshot.caseId, key: deadline.key } },
      create: { caseId: snapshot.caseId, orgId, key: deadline.key, ...row },
      update: row,
    })
  }
}

export type CaseActivities = ReturnType<typeof createCaseActivities>

function instant(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso)
}

/** A missing row will not appear by retrying. */
function notFound(entity: string, id: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${entity} ${id} does not exist`, 'NotFound')
}
