/**
 * /healthz: whether this web server can do its work, part by part: PostgreSQL
 * answers, Temporal answers, and a worker polls the ticket task queue (without
 * one, no ticket changes). Load balancers and the stack poll it, so it stays
 * cheap: each call is bounded, and the worker question is asked at most every
 * few seconds.
 */
import type { Client } from '@temporalio/client'
import type { Db } from '../../lib/db.ts'
import type { Env } from '../../lib/env.ts'
import type { Logger } from '../../lib/log.ts'
import { workflowPollers } from '../../lib/temporal.ts'
import { TemporalTimeoutError, withDeadline } from '../../services/temporal.server.ts'

const HEALTH_TIMEOUT_MS = 2_000
/**
 * A worker counts as polling if Temporal saw it ask for work this recently. An
 * idle worker's poll waits up to a minute before it asks again, so a worker that
 * died shows as down within this time, not at once.
 */
export const WORKER_SEEN_WITHIN_MS = 75_000
const WORKER_ANSWER_CACHE_MS = 5_000

export type PartHealth = 'up' | 'down'

export interface Health {
  status: 'ok' | 'unavailable'
  database: PartHealth
  temporal: PartHealth
  worker: PartHealth
  /** Why each part that is down is (only when one is). */
  reasons?: string[]
}

interface PartAnswer {
  health: PartHealth
  reason?: string
}

class HealthTimeout extends Error {}

function withTimeout<T>(promise: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    Promise.resolve(promise),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HealthTimeout()), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

/** The health check of one web server; it remembers the worker answer for a few seconds. */
export function createHealthCheck(deps: { db: Db; temporalClient: Client; env: Env }): (log: Logger) => Promise<Health> {
  const { db, temporalClient, env } = deps
  const seconds = (ms: number) => `${ms / 1000} s`

  const database = (log: Logger): Promise<PartAnswer> =>
    // SELECT 1 proves a pooled connection can run a query; the timeout keeps a
    // hung pool from hanging the health check.
    withTimeout(db.$queryRaw`SELECT 1`, HEALTH_TIMEOUT_MS).then(
      () => ({ health: 'up' }),
      (error: unknown) => {
        log.warn({ err: error }, 'health: database down')
        const why = error instanceof HealthTimeout ? `no answer within ${seconds(HEALTH_TIMEOUT_MS)}` : 'the query failed'
        return { health: 'down', reason: `database: ${why}` }
      },
    )

  const temporal = (log: Logger): Promise<PartAnswer> =>
    // getSystemInfo is the cheapest call that needs a live frontend.
    withDeadline(temporalClient, HEALTH_TIMEOUT_MS, () => temporalClient.connection.workflowService.getSystemInfo({})).then(
      () => ({ health: 'up' }),
      (error: unknown) => {
        log.warn({ err: error }, 'health: temporal down')
        const why = error instanceof TemporalTimeoutError ? `no answer within ${seconds(HEALTH_TIMEOUT_MS)}` : 'the call failed'
        return { health: 'down', reason: `temporal: ${why}` }
      },
    )

  const askForWorker = async (log: Logger): Promise<PartAnswer> => {
    try {
      const pollers = await withDeadline(temporalClient, HEALTH_TIMEOUT_MS, () => workflowPollers(temporalClient.connection, env))
      const recent = Date.now() - WORKER_SEEN_WITHIN_MS
      if (pollers.some((poller) => poller.lastPolledAt.getTime() >= recent)) return { health: 'up' }
      log.warn({ taskQueue: env.TEMPORAL_TASK_QUEUE }, 'health: no worker polling')
      return {
        health: 'down',
        reason: `worker: none has polled the task queue ${env.TEMPORAL_TASK_QUEUE} in the last ${seconds(WORKER_SEEN_WITHIN_MS)}`,
      }
    } catch (error) {
      log.warn({ err: error }, 'health: cannot ask Temporal about workers')
      return { health: 'down', reason: 'worker: Temporal could not be asked whether one polls' }
    }
  }
  let lastWorkerAnswer: { askedAt: number; answer: Promise<PartAnswer> } | undefined
  const worker = (log: Logger) => {
    if (!lastWorkerAnswer || Date.now() - lastWorkerAnswer.askedAt > WORKER_ANSWER_CACHE_MS)
      lastWorkerAnswer = { askedAt: Date.now(), answer: askForWorker(log) }
    return lastWorkerAnswer.answer
  }

  return async (log) => {
    const [databaseAnswer, temporalAnswer, workerAnswer] = await Promise.all([database(log), temporal(log), worker(log)])
    const parts = { database: databaseAnswer, temporal: temporalAnswer, worker: workerAnswer }
    const reasons = Object.values(parts).flatMap((part) => (part.reason ? [part.reason] : []))
    return {
      status: reasons.length === 0 ? 'ok' : 'unavailable',
      database: parts.database.health,
      temporal: parts.temporal.health,
      worker: parts.worker.health,
      ...(reasons.length > 0 && { reasons }),
    }
  }
}
