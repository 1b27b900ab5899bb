import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client'
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
