/**
 * The worker service: `tsx worker/main.ts`. SIGINT or SIGTERM drains it (or, before
 * it polls, ends it at once); a second signal kills it at once.
 */
import { parseEnv } from '../lib/env.ts'
import { createLogger } from '../lib/log.ts'
import { installWorkerRuntime, runWorker } from './run-worker.ts'

const log = createLogger('worker')
installWorkerRuntime(log)

const stopping = new AbortController()
let running = false
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    // Still connecting or bundling the workflows (which cannot be cut short): nothing to drain.
    if (!running) {
      log.info({ signal }, 'stopped before it polled')
      process.exit(0)
    }
    log.info({ signal }, 'shutting down')
    stopping.abort()
  })

try {
  await runWorker({ env: parseEnv(), log, signal: stopping.signal, onRunning: () => (running = true) })
} catch (error) {
  log.fatal({ err: error }, 'worker failed')
  process.exitCode = 1
}
