import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client'
import { mailChoiceFor, mailTopicOf, readMailChoices, type MailedNotificationKind } from '../../domain/mail-preferences.ts'
import type { Db } from '../db.ts'
import {
  MAIL_DIGEST_WORKFLOW,
  mailDigestWorkflowId,
  sendDigestNowSignal,
  type MailDigestInput,
} from '../../workflows/mail-digest.messages.ts'
import { MAIL_DELIVERY_WORKFLOW, mailDeliveryWorkflowId, type MailDeliveryInput } from '../../workflows/mail-delivery.messages.ts'

/**
 * Hands a mail to its delivery workflow and returns at once: the caller never
 * waits for SMTP. An id used before is refused (even after its run ended), so a
 * retried caller starts nothing twice; that refusal counts as done.
 */
export async function startMailDelivery(
  temporal: Client,
  taskQueue: string,
  mail: { dedupeKey: string; input: MailDeliveryInput },
): Promise<void> {
  try {
    await temporal.workflow.start(MAIL_DELIVERY_WORKFLOW, {
      taskQueue,
      workflowId: mailDeliveryWorkflowId(mail.dedupeKey),
      args: [mail.input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    })
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error
  }
}

/** Where notices that come by mail are handed to their delivery workflows. */
export interface MailDeliveryTarget {
  temporal: Client
  taskQueue: string
}

/**
 * The notices of one effect (a row per recipient, keyed `<dedupeKey>:user:<id>`)
 * that their recipients take immediately, each handed to a delivery workflow
 * named by its row's key; the daily digest gathers the others. The one way a
 * notice, of a ticket or a case, goes by mail. Answers how many were handed.
 */
export async function mailNotices(
  db: Db,
  delivery: MailDeliveryTarget,
  notification: { kind: MailedNotificationKind; dedupeKey: string },
  recipientIds: readonly string[],
): Promise<number> {
  const topic = mailTopicOf(notification.kind)
  const people = await db.user.findMany({ where: { id: { in: [...recipientIds] } }, select: { id: true, mailChoices: true } })
  const wanting = people.filter((person) => mailChoiceFor(readMailChoices(person.mailChoices), topic) === 'immediately')
  const notices = await db.notification.findMany({
    where: { dedupeKey: { in: wanting.map((person) => `${notification.dedupeKey}:user:${person.id}`) } },
    select: { id: true, dedupeKey: true },
  })
  for (const notice of notices)
    await startMailDelivery(delivery.temporal, delivery.taskQueue, { dedupeKey: notice.dedupeKey, input: { notificationId: notice.id } })
  return notices.length
}

/**
 * Makes sure the person's digest workflow runs (a person who picks the digest
 * for a topic); with `now`, also tells it to send at once. Signal-with-start
 * joins a running one and starts one that ended.
 */
export async function startMailDigest(temporal: Client, taskQueue: string, userId: string, { now = false } = {}): Promise<void> {
  const options = { taskQueue, workflowId: mailDigestWorkflowId(userId), args: [{ userId }] as [MailDigestInput] }
  if (now) {
    await temporal.workflow.signalWithStart(MAIL_DIGEST_WORKFLOW, { ...options, signal: sendDigestNowSignal, signalArgs: [] })
    return
  }
  try {
    await temporal.workflow.start(MAIL_DIGEST_WORKFLOW, options)
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error
  }
}
