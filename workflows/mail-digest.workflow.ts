import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow'
import type { DigestActivities } from '../activities/digest.ts'
import { nextDigestAt } from '../domain/digest-schedule.ts'
import { DIGEST_CARRIES_SEND_NOW_PATCH, sendDigestNowSignal, type MailDigestInput } from './mail-digest.messages.ts'

const { planDigest, sendDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['NotFound'] },
})

/**
 * One person's daily digest: sleeps until the next send time (or a "send now"),
 * gathers and hands one digest, then continues as new, so each run sends at
 * most once and its history stays short. Ends when no topic comes in the digest.
 * A "send now" that comes once the send has begun is for the next run: the
 * notices it is about may have come after this run's gathering.
 */
export async function mailDigestWorkflow(input: MailDigestInput): Promise<void> {
  let sendNowRequests = input.sendNow ? 1 : 0
  setHandler(sendDigestNowSignal, () => void sendNowRequests++)
  const plan = await planDigest(input.userId)
  if (!plan.hasDigestTopic) return
  const due = nextDigestAt(new Date(Date.now()), plan.timezone)
  await condition(() => sendNowRequests > 0, due.getTime() - Date.now())
  const answered = sendNowRequests
  // The run's id names its one digest: a retried gathering finds the same row.
  await sendDigest({ userId: input.userId, digestKey: `digest:${input.userId}:${workflowInfo().runId}` })
  await condition(allHandlersFinished)
  const sendNow = sendNowRequests > answered && patched(DIGEST_CARRIES_SEND_NOW_PATCH)
  await continueAsNew<typeof mailDigestWorkflow>(sendNow ? { ...input, sendNow } : { userId: input.userId })
}
