import { proxyActivities } from '@temporalio/workflow'
import type { MailActivities } from '../activities/mail.ts'
import type { MailDeliveryInput, MailOutcome } from './mail-delivery.messages.ts'

/**
 * Retries for as long as SMTP is down (no attempt limit: a temporary failure
 * ends when the server is back), backing off to one attempt in ten minutes. A
 * permanent refusal is not an error: the activity records it and answers.
 */
const { sendMail } = proxyActivities<MailActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['NotFound'] },
})

/** One mail to one person, sent once, however long the SMTP server takes to come back. */
export async function deliverMailWorkflow(input: MailDeliveryInput): Promise<MailOutcome> {
  return await sendMail(input)
}
