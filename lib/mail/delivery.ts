import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client'
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
