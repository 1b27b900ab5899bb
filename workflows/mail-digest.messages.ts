/**
 * The daily digest workflow's contract: one long-lived workflow per person who
 * takes a topic in the digest (docs/decisions/013-daily-digest.md).
 */
import { defineSignal } from '@temporalio/workflow'

export const MAIL_DIGEST_WORKFLOW = 'mailDigestWorkflow'

export interface MailDigestInput {
  userId: string
  /** A "send now" that came while the previous run was sending: this run sends at once. */
  sendNow?: boolean
}

/** Runs that carry a late "send now" into the next run; before it, the request was dropped at the continue-as-new. */
export const DIGEST_CARRIES_SEND_NOW_PATCH = 'digest-carries-send-now'

/** Send the digest at once rather than at the next morning's hour (admins' "Send digests now"). */
export const sendDigestNowSignal = defineSignal('sendDigestNow')

export function mailDigestWorkflowId(userId: string): string {
  return `mail-digest-${userId}`
}

/** What the digest needs to know of its person: their zone, and whether any topic still comes in the digest. */
export interface DigestPlan {
  timezone: string
  hasDigestTopic: boolean
}

/** handed: a digest was gathered and handed to its delivery workflow; nothing: no notice was waiting, so no mail. */
export type DigestOutcome = 'handed' | 'nothing'
