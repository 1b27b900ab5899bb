/**
 * The worker service: `tsx worker/main.ts`. SIGINT or SIGTERM drains it; a second
 * signal kills it at once.
 */
import { parseEnv } from '../lib/env.ts'
import { createLogger } from '../lib/log.ts'
import { installWorkerRuntime, runWorker } from './run-worker.ts'

const log = createLogger('worker')
installWorkerRuntime(log)

const stopping = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log.info({ signal }, 'shutting down')
    stopping.abort()
  })

try {
  await runWorker({ env: parseEnv(), log, signal: stopping.signal })
} catch (error) {
  log.fatal({ err: error }, 'worker failed')
  process.exitCode = 1
}
