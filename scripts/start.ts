/**
 * `npm start` (and `npm run dev`): the whole system on embedded defaults, or on an
 * existing PostgreSQL and Temporal cluster by configuration. Ctrl-C stops it all.
 */
import { createDb } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { seedDemoData } from '../prisma/seed.ts'
import { ActionableError, step } from './lib/progress.ts'
import { startInfrastructure, startServices } from './lib/stack.ts'

const dev = process.argv.includes('--dev')

async function main() {
  const env = parseEnv()
  console.log(`Caseway: starting the ${dev ? 'development' : 'local'} stack (data in ${env.dataDir})`)
  const infra = await startInfrastructure(env, { persistent: true })
  let stopping: Promise<void> | undefined
  let services: { stop(): Promise<void> } | undefined
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      console.log(`\n${signal}: stopping the web server, the worker, Temporal and PostgreSQL…`)
      await services?.stop()
      await infra.stop()
      console.log('Stopped. Your data is kept; `npm start` picks up where it left off.')
      process.exit(0)
    })()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  try {
    const logins = await step('Demo data', async () => {
      const db = createDb(infra.databaseUrl, { max: 2 })
      try {
        return await seedDemoData(db)
      } finally {
        await db.$disconnect()
      }
    })
    services = await startServices(infra, { dev })
    console.log('')
    console.log(`  Portal       ${env.publicUrl}`)
    console.log(`  Temporal UI  ${env.temporalUiUrl}`)
    console.log(`  Health       ${env.publicUrl}/healthz`)
    if (logins) {
      console.log('\n  Demo logins (created now, in an empty database):')
      for (const login of logins) console.log(`    ${login.role.padEnd(7)} ${login.email.padEnd(28)} ${login.password}`)
    } else {
      console.log('\n  Existing data kept. Demo logins, if you have not changed them: see the README.')
    }
    console.log('\n  Press Ctrl-C to stop.\n')
  } catch (error) {
    await services?.stop()
    await infra.stop()
    throw error
  }
}

main().catch((error) => {
  console.error(error instanceof ActionableError ? `\n${error.message}` : error)
  process.exit(1)
})
