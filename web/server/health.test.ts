import type { Client } from '@temporalio/client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Db } from '../../lib/db.ts'
import { parseEnv } from '../../lib/env.ts'
import { createLogger } from '../../lib/log.ts'
import { createHealthCheck, WORKER_SEEN_WITHIN_MS } from './health.ts'

const env = parseEnv({ TEMPORAL_TASK_QUEUE: 'caseway-tickets' })
const log = createLogger('test', 'silent')

/** A database and a Temporal client that answer as told; `asked` counts DescribeTaskQueue calls. */
function parts(options: { lastPolledMsAgo?: number; databaseFails?: boolean; temporalFails?: boolean }) {
  const asked = { describeTaskQueue: 0 }
  const db = {
    $queryRaw: () => (options.databaseFails ? Promise.reject(new Error('connection refused')) : Promise.resolve([1])),
  } as unknown as Db
  const fail = () => Promise.reject(new Error('14 UNAVAILABLE'))
  const temporalClient = {
    withDeadline: (_deadline: number, call: () => Promise<unknown>) => call(),
    withAbortSignal: (_signal: AbortSignal, call: () => Promise<unknown>) => call(),
    connection: {
      workflowService: {
        getSystemInfo: () => (options.temporalFails ? fail() : Promise.resolve({})),
        describeTaskQueue: () => {
          asked.describeTaskQueue++
          if (options.temporalFails) return fail()
          const seconds = options.lastPolledMsAgo === undefined ? [] : [Math.floor((Date.now() - options.lastPolledMsAgo) / 1000)]
          return Promise.resolve({ pollers: seconds.map((s) => ({ identity: '1234@host', lastAccessTime: { seconds: s, nanos: 0 } })) })
        },
      },
    },
  } as unknown as Client
  return { check: createHealthCheck({ db, temporalClient, env }), asked }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('the health check', () => {
  it('is ok when the database and Temporal answer and a worker polled lately', async () => {
    const { check } = parts({ lastPolledMsAgo: 10_000 })
    expect(await check(log)).toEqual({ status: 'ok', database: 'up', temporal: 'up', worker: 'up' })
  })

  it('says the worker is down, and why, when no worker polled within the window', async () => {
    for (const lastPolledMsAgo of [WORKER_SEEN_WITHIN_MS + 5_000, undefined]) {
      const { check } = parts({ lastPolledMsAgo })
      expect(await check(log)).toEqual({
        status: 'unavailable',
        database: 'up',
        temporal: 'up',
        worker: 'down',
        reasons: ['worker: none has polled the task queue caseway-tickets in the last 75 s'],
      })
    }
  })

  it('names every part that is down, each with its reason', async () => {
    const { check } = parts({ databaseFails: true, temporalFails: true })
    expect(await check(log)).toEqual({
      status: 'unavailable',
      database: 'down',
      temporal: 'down',
      worker: 'down',
      reasons: ['database: the query failed', 'temporal: the call failed', 'worker: Temporal could not be asked whether one polls'],
    })
  })

  it('asks Temporal about workers at most every few seconds, however often it is polled', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const { check, asked } = parts({ lastPolledMsAgo: 1_000 })
    await Promise.all([check(log), check(log)])
    await check(log)
    expect(asked.describeTaskQueue).toBe(1)
    vi.setSystemTime(Date.now() + 6_000)
    await check(log)
    expect(asked.describeTaskQueue).toBe(2)
  })
})
