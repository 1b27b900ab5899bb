/**
 * The digest workflow on the time-skipping server: it sleeps until 08:00 in
 * the person's zone, sends, continues as new, sends at once when told to, and
 * ends when no topic comes in the digest any more.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { DateTime } from 'luxon'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { DigestActivities } from '../../activities/digest.ts'
import { startMailDigest } from '../../lib/mail/delivery.ts'
import { ensureTimeSkippingServer } from '../../scripts/lib/test-server.ts'
import { bundleTicketWorkflows } from '../../worker/run-worker.ts'
import { mailDigestWorkflowId, sendDigestNowSignal } from '../../workflows/mail-digest.messages.ts'

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

test('sleeps until eight in the person’s zone, sends, continues as new, and ends when no digest topic is left', async () => {
  const taskQueue = `digest-${randomUUID()}`
  const userId = randomUUID()
  const zone = 'America/New_York'
  const sends: { at: number; digestKey: string }[] = []
  let digestTopics = true
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {
      async planDigest() {
        return { timezone: zone, hasDigestTopic: digestTopics }
      },
      async sendDigest({ digestKey }) {
        sends.push({ at: await env.currentTimeMs(), digestKey })
        // After the second digest the person turns the digest off.
        if (sends.length === 2) digestTopics = false
        return 'handed'
      },
    } satisfies DigestActivities,
  })
  await worker.runUntil(async () => {
    const started = await env.currentTimeMs()
    await startMailDigest(env.client, taskQueue, userId)
    // Started again (the person saves their choices again): the running one is kept.
    await startMailDigest(env.client, taskQueue, userId)
    const handle = env.client.workflow.getHandle(mailDigestWorkflowId(userId))
    const first = (await handle.describe()).runId
    await env.sleep('3 days')
    await handle.result()
    expect(sends).toHaveLength(2)
    for (const send of sends) {
      const local = DateTime.fromMillis(send.at, { zone })
      expect([local.hour, local.minute]).toEqual([8, 0])
    }
    expect(sends[0]!.at - started).toBeLessThanOrEqual(24 * 3600_000)
    expect(Math.abs(sends[1]!.at - sends[0]!.at - 24 * 3600_000)).toBeLessThan(60_000)
    // Each run sends once, under its own run id: the second came from the run continued as new.
    expect(sends[0]!.digestKey).toBe(`digest:${userId}:${first}`)
    expect(sends[1]!.digestKey).not.toBe(sends[0]!.digestKey)
    expect((await handle.describe()).status.name).toBe('COMPLETED')
  })
})

test('"send now" sends at once rather than at eight, and starts a workflow that was not running', async () => {
  const taskQueue = `digest-${randomUUID()}`
  const userId = randomUUID()
  const sends: number[] = []
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {
      async planDigest() {
        return { timezone: 'Europe/London', hasDigestTopic: sends.length === 0 }
      },
      async sendDigest() {
        sends.push(await env.currentTimeMs())
        return 'nothing'
      },
    } satisfies DigestActivities,
  })
  await worker.runUntil(async () => {
    const started = await env.currentTimeMs()
    await startMailDigest(env.client, taskQueue, userId, { now: true })
    await env.client.workflow.getHandle(mailDigestWorkflowId(userId)).result()
    expect(sends).toHaveLength(1)
    expect(sends[0]! - started).toBeLessThan(60_000)
  })
})

test('a "send now" that comes while a digest is being sent is kept for the next run, which sends at once', async () => {
  const taskQueue = `digest-${randomUUID()}`
  const userId = randomUUID()
  const handle = env.client.workflow.getHandle(mailDigestWorkflowId(userId))
  const sends: number[] = []
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: {
      async planDigest() {
        // Two digests, then the person turns the digest off.
        return { timezone: 'Europe/London', hasDigestTopic: sends.length < 2 }
      },
      async sendDigest() {
        sends.push(await env.currentTimeMs())
        // An admin presses "Send digests now" again while the first one is on its way.
        if (sends.length === 1) await handle.signal(sendDigestNowSignal)
        return 'handed'
      },
    } satisfies DigestActivities,
  })
  await worker.runUntil(async () => {
    await startMailDigest(env.client, taskQueue, userId, { now: true })
    await handle.result()
    expect(sends).toHaveLength(2)
    // Not at the next morning's hour: the second request was not lost to the continue-as-new.
    expect(sends[1]! - sends[0]!).toBeLessThan(60_000)
  })
})
