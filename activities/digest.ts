/**
 * The daily digest workflow's effects: what it needs to know of its person, and
 * the gathering of their waiting notices into one DigestMail, handed to the
 * delivery workflow like any mail (same dedupe, sent at most once).
 */
import type { Client } from '@temporalio/client'
import { digestTopicsOf, kindsOfTopics, readMailChoices } from '../domain/mail-preferences.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'
import { startMailDelivery } from '../lib/mail/delivery.ts'
import { notFound } from '../lib/mail/ticket-notices.ts'
import { personZone } from '../lib/person-zone.ts'
import type { DigestOutcome, DigestPlan } from '../workflows/mail-digest.messages.ts'

/** A notice older than this is not gathered: a digest tells of the last days, not of all the notices before the choice. */
const GATHER_DAYS = 7

export function createDigestActivities({ db, log, mail }: { db: Db; log: Logger; mail: { temporal: Client; taskQueue: string } }) {
  async function choicesOf(userId: string) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { mailChoices: true } })
    if (!user) throw notFound('User', userId)
    return readMailChoices(user.mailChoices)
  }

  return {
    /** The zone of the person's first organisation (decision 013), and whether any topic still comes in the digest. */
    async planDigest(userId: string): Promise<DigestPlan> {
      const topics = digestTopicsOf(await choicesOf(userId))
      return { timezone: await personZone(db, userId), hasDigestTopic: topics.length > 0 }
    },

    /**
     * Marks the person's waiting notices of their digest topics (unread, not
     * mailed, in no digest) as this digest's, in one transaction, then starts
     * its delivery. A retry finds the row by its key and starts nothing twice.
     * With nothing waiting, no row is written.
     */
    async sendDigest({ userId, digestKey }: { userId: string; digestKey: string }): Promise<DigestOutcome> {
      const kinds = kindsOfTopics(digestTopicsOf(await choicesOf(userId)))
      const digest = await db.$transaction(async (tx) => {
        const found = await tx.digestMail.findUnique({
          where: { dedupeKey: digestKey },
          select: { id: true, _count: { select: { notifications: true } } },
        })
        if (found) return found._count.notifications > 0 ? found : null
        const waiting = await tx.notification.findMany({
          where: {
            userId,
            kind: { in: kinds },
            readAt: null,
            mailedAt: null,
            digestId: null,
            createdAt: { gte: new Date(Date.now() - GATHER_DAYS * 86_400_000) },
          },
          select: { id: true },
        })
        if (waiting.length === 0) return null
        const created = await tx.digestMail.create({ data: { userId, dedupeKey: digestKey }, select: { id: true } })
        // digestId null in the filter again: a notice another digest took meanwhile stays in that one.
        const { count } = await tx.notification.updateMany({
          where: { id: { in: waiting.map((n) => n.id) }, digestId: null },
          data: { digestId: created.id },
        })
        if (count > 0) return created
        // Every one was taken meanwhile: no empty digest is left behind.
        await tx.digestMail.delete({ where: { id: created.id } })
        return null
      })
      if (!digest) {
        log.info({ userId }, 'no notice waiting: no digest sent')
        return 'nothing'
      }
      await startMailDelivery(mail.temporal, mail.taskQueue, { dedupeKey: digestKey, input: { digestMailId: digest.id } })
      log.info({ userId, digestMailId: digest.id }, 'digest handed to mail delivery')
      return 'handed'
    },
  }
}

export type DigestActivities = ReturnType<typeof createDigestActivities>
