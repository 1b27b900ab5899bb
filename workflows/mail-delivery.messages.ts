/**
 * The mail delivery workflow's contract, shared by the worker, the activities
 * that start it and the services. One workflow per mail and recipient; its
 * input names the row the mail is made from (payloads carry ids, never bodies).
 */

/** A ticket notice (a Notification row), a daily digest (a DigestMail row) or account mail (an OutboxEmail row). */
export type MailDeliveryInput = { notificationId: string } | { digestMailId: string } | { outboxEmailId: string }

/** sent: the SMTP server accepted it; already_sent: an earlier attempt did; refused: a permanent (5xx) refusal, recorded on the person. */
export type MailOutcome = 'sent' | 'already_sent' | 'refused'

export const MAIL_DELIVERY_WORKFLOW = 'deliverMailWorkflow'

/** The dedupe key of the row the mail comes from (per recipient): the same mail is never started twice. */
export function mailDeliveryWorkflowId(dedupeKey: string): string {
  return `mail-${dedupeKey}`
}
