import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Connection } from '@temporalio/client'
// CommonJS: its namespaces are only reachable through the default export under Node's ESM.
import proto from '@temporalio/proto'
import type { Env } from '../../lib/env.ts'
import { temporalConnectionOptions } from '../../lib/temporal.ts'
import { supervise, type Supervised } from './children.ts'
import { projectRoot } from './paths.ts'
import { waitFor } from './ports.ts'
import { startEmbeddedPostgres, type Postgres } from './postgres.ts'
import { migrateDeploy } from './prisma.ts'
import { ActionableError, step } from './progress.ts'
import { ensureSearchAttributes, ensureTemporalCli, startTemporalDevServer, type DevServer } from './temporal-server.ts'
import { ensureWebBuild } from './web-build.ts'

export interface Infrastructure {
  databaseUrl: string
  /** The embedded server, when the stack started one (tests create databases on it). */
  postgres?: Postgres
  env: Env
  stop(): Promise<void>
}

export interface StackOptions {
  /** Keep the database cluster and Temporal's SQLite file in the data folder. */
  persistent: boolean
  /** Database name to use on the embedded server instead of the default. */
  database?: string
}

/**
 * PostgreSQL and Temporal, local by default and external by configuration
 * (DATABASE_URL, TEMPORAL_ADDRESS), migrated and ready for the services.
 */
export async function startInfrastructure(env: Env, options: StackOptions): Promise<Infrastructure> {
  const stops: Array<() => Promise<void>> = []
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch((error) => console.error(error))
  }
  try {
    let postgres: Postgres | undefined
    let databaseUrl = env.DATABASE_URL
    if (databaseUrl) {
      console.log('• PostgreSQL: using DATABASE_URL')
    } else {
      postgres = await step(`PostgreSQL (embedded, port ${env.POSTGRES_PORT})`, () =>
        startEmbeddedPostgres({ dataDir: env.dataDir, port: env.POSTGRES_PORT, persistent: options.persistent }),
      )
      stops.push(() => postgres!.stop())
      databaseUrl = options.database ? await postgres.createDatabase(options.database) : postgres.databaseUrl
    }

    let devServer: DevServer | undefined
    if (env.TEMPORAL_ADDRESS) {
      await step(`Temporal at ${env.TEMPORAL_ADDRESS}`, async () => {
        const connection = await Connection.connect(await temporalConnectionOptions(env)).catch((error: Error) => {
          throw new ActionableError(
            `Cannot reach Temporal at ${env.TEMPORAL_ADDRESS}: ${error.message}. Check TEMPORAL_ADDRESS and its TLS/API key settings.`,
          )
        })
        await connection.close()
      })
    } else {
      const cli = await step('Temporal CLI', ensureTemporalCli)
      devServer = await step(`Temporal dev server (port ${env.TEMPORAL_PORT}, UI ${env.TEMPORAL_UI_PORT})`, () =>
        startTemporalDevServer({
          cli,
          port: env.TEMPORAL_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          namespace: env.TEMPORAL_NAMESPACE,
          dbFile: options.persistent ? path.join(env.dataDir, 'temporal', 'temporal.db') : undefined,
        }),
      )
      stops.push(() => devServer!.stop())
    }
    await step('Search attributes', async (report) => {
      const added = await ensureSearchAttributes(env)
      if (added.length) report(`registered ${added.join(', ')}`)
    })
    await step('Database migrations', async (report) => report(await migrateDeploy(databaseUrl!)))

    return { databaseUrl: databaseUrl!, postgres, env: { ...env, DATABASE_URL: databaseUrl }, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** A random secret kept in the data folder, so local sessions survive restarts. */
async function localSessionSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'session-secret')
  const existing = await readFile(file, 'utf8').catch(() => undefined)
  if (existing?.trim()) return existing.trim()
  const secret = randomBytes(32).toString('hex')
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, secret, { mode: 0o600 })
  return secret
}

async function hasWorkflowPoller(env: Env): Promise<boolean> {
  const connection = await Connection.connect(await temporalConnectionOptions(env))
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: { name: env.TEMPORAL_TASK_QUEUE },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    })
    return (pollers?.length ?? 0) > 0
  } finally {
    await connection.close()
  }
}

export interface Services {
  worker: Supervised
  web: Supervised
  stop(): Promise<void>
}

/** The worker and the web server as supervised child processes. */
export async function startServices(infra: Infrastructure, options: { dev: boolean }): Promise<Services> {
  const { env } = infra
  if (!options.dev) await step('Portal build', async (report) => void (await ensureWebBuild(report)))
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: options.dev ? 'development' : 'production',
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    TEMPORAL_UI_URL: env.temporalUiUrl,
    PORT: String(env.PORT),
    SESSION_SECRET: env.SESSION_SECRET ?? (await localSessionSecret(env.dataDir)),
  }
  // Node itself with tsx as a loader (not the tsx CLI, which would sit between the
  // supervisor and the service): signals reach the service and its pid is the real one.
  const node = (script: string, ...args: string[]) => ({ command: process.execPath, args: ['--import', 'tsx', script, ...args] })
  const worker = supervise({ name: 'worker', ...node('worker/main.ts'), env: childEnv, cwd: projectRoot })
  const web = supervise({
    name: 'web',
    ...node('web/server/main.ts', ...(options.dev ? ['--dev'] : [])),
    env: childEnv,
    cwd: projectRoot,
  })
  const stop = async () => {
    await Promise.all([web.stop(), worker.stop()])
  }
  try {
    await step('Worker and web server', async () => {
      await waitFor(() => hasWorkflowPoller(env), `A worker polling ${env.TEMPORAL_TASK_QUEUE}`, 180_000)
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${env.PORT}/healthz`)).ok,
        `The web server's /healthz on port ${env.PORT}`,
        120_000,
      )
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { worker, web, stop }
}
