/**
 * `npm start` (and `npm run dev`): the whole system on embedded defaults, or on an
 * existing PostgreSQL and Temporal cluster by configuration. Every local process is
 * supervised: restarted on the same data and ports if it dies. SIGINT (Ctrl-C),
 * SIGTERM, SIGHUP or the death of whoever started it stops them all, in order, at
 * any moment (start-up too), and nothing is restarted meanwhile.
 */
import { createDb } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { Client, Connection } from '@temporalio/client'
import { createLogger } from '../lib/log.ts'
import { temporalConnectionOptions } from '../lib/temporal.ts'
import { seedDemoData, seedDemoTickets } from '../prisma/seed.ts'
import type { ServiceContext } from '../services/context.ts'
import { ActionableError, step, unlessAborted } from './lib/progress.ts'
import { startInfrastructure, startServices, type Infrastructure, type Services } from './lib/stack.ts'

const dev = process.argv.includes('--dev')

/** How often the stack checks that whoever started it is still there. */
const PARENT_CHECK_MS = 1000

async function main() {
  const env = parseEnv()
  console.log(`Caseway: starting the ${dev ? 'development' : 'local'} stack (data in ${env.dataDir})`)
  let infra: Infrastructure | undefined
  let services: Services | undefined
  // Aborted by a shutdown: the step under way stops what it started and gives up.
  const stopping = new AbortController()
  let startingUp: Promise<void> = Promise.resolve()
  const shutdown = (reason: string) => {
    if (stopping.signal.aborted) return
    stopping.abort()
    console.log(`\n${reason}: stopping the web server, the mail listener, the worker, the mail catcher, Temporal and PostgreSQL…`)
    void (async () => {
      await startingUp.catch(() => undefined)
      await services?.stop()
      await infra?.stop()
      console.log('Stopped. Your data is kept; `npm start` picks up where it left off.')
      process.exit(0)
    })()
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal))
  // Killed without a signal reaching us (say the npm process was): stop rather than
  // leave servers holding their ports.
  const parent = process.ppid
  setInterval(() => process.ppid !== parent && shutdown('The process that started the stack exited'), PARENT_CHECK_MS).unref()

  const startUp = async (signal: AbortSignal) => {
    infra = await startInfrastructure(env, { signal })
    // Not cut short by a shutdown: a half-made demo organisation would stay so.
    const logins = await step('Demo data', async () => {
      const db = createDb(infra!.databaseUrl, { max: 2 })
      try {
        return await seedDemoData(db)
      } finally {
        await db.$disconnect()
      }
    })
    signal.throwIfAborted()
    services = await startServices(infra, { dev, signal })
    if (logins) {
      // The demo is a convenience: if its tickets cannot all be made, the stack still runs.
      // A ticket cut short by a shutdown is finished by the worker's sweep next time.
      await step('Demo tickets', (report) =>
        unlessAborted(
          withServiceContext(infra!, (ctx) => seedDemoTickets(ctx, report)).catch((error: unknown) =>
            report(
              `not all demo tickets were made (${error instanceof Error ? error.message : String(error)}); the stack runs without them`,
            ),
          ),
          signal,
        ),
      )
    }
    signal.throwIfAborted()
    console.log('')
    console.log(`  Portal       ${env.publicUrl}`)
    console.log(`  Temporal UI  ${env.temporalUiUrl}`)
    if (env.mailCatcherUrl) console.log(`  Mail         ${env.mailCatcherUrl}  (every mail the stack sends)`)
    console.log(`  Inbound mail smtp://localhost:${env.INBOUND_SMTP_PORT}  (replies and requests to @${env.INBOUND_DOMAIN})`)
    console.log(`  Health       ${env.publicUrl}/healthz`)
    if (logins) {
      console.log('\n  Demo logins (created now, in an empty database):')
      for (const login of logins) console.log(`    ${login.role.padEnd(7)} ${login.email.padEnd(28)} ${login.password}`)
    } else {
      console.log('\n  Existing data kept. Demo logins, if you have not changed them: see the README.')
    }
    console.log('\n  Press Ctrl-C to stop.\n')
  }
  startingUp = startUp(stopping.signal)
  try {
    await startingUp
  } catch (error) {
    // The shutdown under way stops the rest, and says so.
    if (stopping.signal.aborted) return
    await services?.stop()
    await infra?.stop()
    throw error
  }
}

/** The ticket services' context, as the web server builds it, for the demo tickets. */
async function withServiceContext<T>(infra: Infrastructure, run: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const db = createDb(infra.databaseUrl, { max: 2 })
  const connection = await Connection.connect(await temporalConnectionOptions(infra.env))
  try {
    const temporal = new Client({ connection, namespace: infra.env.TEMPORAL_NAMESPACE })
    return await run({ db, temporal, env: infra.env, log: createLogger('seed', 'warn') })
  } finally {
    await Promise.allSettled([db.$disconnect(), connection.close()])
  }
}

main().catch((error) => {
  console.error(error instanceof ActionableError ? `\n${error.message}` : error)
  process.exit(1)
})
