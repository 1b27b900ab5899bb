/**
 * The ticket worker, startable in-process: worker/main.ts runs it as a service,
 * and the stack or a test can run it beside other things and stop it by aborting.
 */
import { fileURLToPath } from 'node:url'
import { Client } from '@temporalio/client'
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common'
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker'
import { createBulkChangeActivities } from '../activities/bulk-change.ts'
import { createCaseActivities } from '../activities/case.ts'
import { createActivities } from '../activities/index.ts'
import { createDigestActivities } from '../activities/digest.ts'
import { createMailActivities } from '../activities/mail.ts'
import { createMailer } from '../lib/mail/transport.ts'
import { changeTicketInBulk } from '../services/bulk-changes.server.ts'
import { createDb } from '../lib/db.ts'
import { requireDatabaseUrl, type Env } from '../lib/env.ts'
import type { Logger } from '../lib/log.ts'
import { temporalConnectionOptions } from '../lib/temporal.ts'
import { sweepUnfinishedWrites } from './sweep.ts'

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url))

/** Bundles the workflows once, for workers that start often (tests, the stack). */
export async function bundleTicketWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') })
}

export interface RunWorkerOptions {
  env: Env
  log: Logger
  /** Aborting drains the worker: running activities and workflow tasks finish first. */
  signal: AbortSignal
  /** Without one the worker bundles workflows/ itself at start (a few seconds). */
  workflowBundle?: WorkflowBundleOption
  /** Called once it polls: from then on, stopping means draining. */
  onRunning?: () => void
}

/** Polls the task queue (tickets and cases) until `signal` aborts, then closes its connections. */
export async function runWorker({ env, log, signal, workflowBundle, onRunning }: RunWorkerOptions): Promise<void> {
  const db = createDb(requireDatabaseUrl(env))
  try {
    const connection = await NativeConnection.connect(await temporalConnectionOptions(env))
    const mailer = createMailer(env)
    try {
      const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })
      const activityLog = log.child({ component: 'activities' })
      // Tickets, cases and mail deliveries share the task queue: one worker runs every workflow.
      const worker = await Worker.create({
        connection,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
        activities: {
          ...createActivities({ db, log: activityLog, mail: { temporal, taskQueue: env.TEMPORAL_TASK_QUEUE } }),
          ...createCaseActivities({ db, temporal, log: activityLog, mail: { temporal, taskQueue: env.TEMPORAL_TASK_QUEUE } }),
          ...createMailActivities({ db, log: activityLog, env, mailer }),
          ...createDigestActivities({ db, log: activityLog, mail: { temporal, taskQueue: env.TEMPORAL_TASK_QUEUE } }),
          // A bulk change applies each ticket's change through the service a single change uses.
          ...createBulkChangeActivities({
            db,
            log: activityLog,
            changeTicket: (change) => changeTicketInBulk({ db, temporal, env, log: activityLog }, change),
          }),
        },
      })
      // The runtime's own signal handlers, when installed, may be stopping it already.
      const stop = () => worker.getState() === 'RUNNING' && worker.shutdown()
      signal.addEventListener('abort', stop, { once: true })
      log.info({ address: env.temporalAddress, namespace: env.TEMPORAL_NAMESPACE, taskQueue: env.TEMPORAL_TASK_QUEUE }, 'worker running')
      const running = worker.run()
      onRunning?.()
      // Aborted while connecting: the listener came too late, and run() had to start before it can stop.
      if (signal.aborted) stop()
      const sweepStop = new AbortController()
      const sweeping = sweepUnfinishedWrites({ db, temporal, env, log: log.child({ component: 'sweep' }) }, sweepStop.signal)
      try {
        await running
      } finally {
        sweepStop.abort()
        await sweeping
      }
      log.info('worker stopped')
    } finally {
      mailer.close()
      await connection.close()
    }
  } finally {
    await db.$disconnect()
  }
}

/**
 * Sends the SDK's own logs (worker, workflow `log`, and core's, forwarded) through pino, and leaves
 * signals to the caller. Process-wide, so only a process's entry point calls it.
 */
export function installWorkerRuntime(log: Logger): void {
  Runtime.install({
    logger: temporalLogger(log.child({ component: 'temporal' })),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  })
}

function temporalLogger(log: Logger): TemporalLogger {
  const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => log[levels[level]](meta ?? {}, message)
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  }
}
