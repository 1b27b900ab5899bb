import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow'
import type { DigestActivities } from '../activities/digest.ts'
import { nextDigestAt } from '../domain/digest-schedule.ts'
import { sendDigestNowSignal, type MailDigestInput } from './mail-digest.messages.ts'

const { planDigest, sendDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['NotFound'] },
})

/**
 * One person's daily digest: sleeps until the next send time (or a "send now"),
 * gathers and hands one digest, then continues as new, so each run sends at
 * most once and its history stays short. Ends when no topic comes in the digest.
 */
export async function mailDigestWorkflow(input: MailDigestInput): Promise<void> {
  let sendNow = false
  setHandler(sendDigestNowSignal, () => void (sendNow = true))
  const plan = await planDigest(input.userId)
  if (!plan.hasDigestTopic) return
  const due = nextDigestAt(new Date(Date.now()), plan.timezone)
  await condition(() => sendNow, due.getTime() - Date.now())
  // The run's id names its one digest: a retried gathering finds the same row.
  await sendDigest({ userId: input.userId, digestKey: `digest:${input.userId}:${workflowInfo().runId}` })
  await condition(allHandlersFinished)
  await continueAsNew<typeof mailDigestWorkflow>(input)
}
