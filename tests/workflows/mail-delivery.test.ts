/**
 * The delivery workflow on the time-skipping server: while SMTP is down it
 * retries with no attempt limit, waiting longer each time up to ten minutes;
 * a permanent refusal ends it at once; a second start of the same mail starts
 * nothing (lib/mail/delivery.ts, which is why this test lives outside
 * workflows/: workflow code imports domain/ only).
 */
import { randomUUID } from 'node:crypto'
import { Context } from '@temporalio/activity'
import { ApplicationFailure } from '@temporalio/common'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { MailActivities } from '../../activities/mail.ts'
import { startMailDelivery } from '../../lib/mail/delivery.ts'
import { ensureTimeSkippingServer } from '../../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../../worker/run-worker.ts'
import { mailDeliveryWorkflowId, type MailDeliveryInput } from '../../workflows/mail-delivery.messages.ts'
import type { deliverMailWorkflow } from '../../workflows/mail-delivery.workflow.ts'

let env: TestWorkflowEnvironment
let workflowBundle: WorkflowBundleWithSourceMap

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } })
  const path = await ensureTimeSkippingServer()
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })
  workflowBundle = await bundleTicketWorkflows()
}, 180_000)

afterAll(async () => {
  await env?.teardown()
})

/** Runs the delivery of one mail with `sendMail` as given; answers its outcome and what the activity saw. */
async function deliver(sendMail: MailActivities['sendMail']) {
  const taskQueue = `mail-${randomUUID()}`
  const attempts: { attempt: number; at: number }[] = []
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {
      async sendMail(input: MailDeliveryInput) {
        attempts.push({ attempt: Context.current().info.attempt, at: await env.currentTimeMs() })
        return await sendMail(input)
      },
    } satisfies MailActivities,
  })
  const dedupeKey = `ticket:${randomUUID()}:event:3:user:${randomUUID()}`
  const input = { notificationId: randomUUID() }
  return await worker.runUntil(async () => {
    await startMailDelivery(env.client, taskQueue, { dedupeKey, input })
    const handle = env.client.workflow.getHandle<typeof deliverMailWorkflow>(mailDeliveryWorkflowId(dedupeKey))
    const outcome = await handle.result()
    const { runId } = await handle.describe()
    // Started again (a retried notifyUsers): refused as a duplicate, so no second run and no second mail.
    await startMailDelivery(env.client, taskQueue, { dedupeKey, input })
    const startedAgain = (await handle.describe()).runId !== runId
    return { outcome, attempts, startedAgain }
  })
}

test('retries while SMTP is down, backing off to ten minutes and never giving up, then sends once', async () => {
  const failures = 12
  const { outcome, attempts } = await deliver(async () => {
    if (Context.current().info.attempt <= failures) throw ApplicationFailure.retryable('connect ECONNREFUSED 127.0.0.1:1025', 'MailNotSent')
    return 'sent'
  })
  expect(outcome).toBe('sent')
  expect(attempts.map((a) => a.attempt)).toEqual(Array.from({ length: failures + 1 }, (_, i) => i + 1))
  const waits = attempts.slice(1).map((a, i) => Math.round((a.at - attempts[i]!.at) / 1000))
  // 5 s doubling each time, capped at ten minutes (give or take the test server's rounding).
  expect(waits[0]).toBeGreaterThanOrEqual(5)
  expect(waits[0]).toBeLessThan(15)
  expect(waits[3]).toBeGreaterThanOrEqual(40)
  for (const wait of waits.slice(-3)) {
    expect(wait).toBeGreaterThanOrEqual(590)
    expect(wait).toBeLessThanOrEqual(620)
  }
}, 120_000)

test('a permanent refusal ends the delivery at once, as its outcome', async () => {
  const { outcome, attempts, startedAgain } = await deliver(async () => 'refused')
  expect(outcome).toBe('refused')
  expect(attempts).toHaveLength(1)
  expect(startedAgain).toBe(false)
}, 60_000)

test('a mail whose row is gone fails without retrying', async () => {
  let attempts = 0
  const delivery = deliver(async () => {
    attempts++
    throw ApplicationFailure.nonRetryable('Notification x does not exist', 'NotFound')
  })
  await expect(delivery).rejects.toThrow(/Workflow execution failed/)
  expect(attempts).toBe(1)
}, 60_000)
