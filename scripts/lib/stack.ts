import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { Connection } from '@temporalio/client'
import type { Env } from '../../lib/env.ts'
import { temporalConnectionOptions, workflowPollers } from '../../lib/temporal.ts'
import { startSupervised, type Supervised } from './children.ts'
import { projectRoot } from './paths.ts'
import { assertPortFree, portInUse, waitFor } from './ports.ts'
import { startEmbeddedPostgres } from './postgres.ts'
import { migrateDeploy } from './prisma.ts'
import { ActionableError, isAbort, step, unlessAborted } from './progress.ts'
import { ensureSearchAttributes, ensureTemporalCli, startTemporalDevServer } from './temporal-server.ts'
import { ensureWebBuild } from './web-build.ts'
import { startMailCatcher } from './mail-catcher.ts'

export interface Infrastructure {
  databaseUrl: string
  env: Env
  /** Stops what it started (the embedded PostgreSQL, Temporal dev server and mail catcher), in reverse order. */
  stop(): Promise<void>
}

export interface StackOptions {
  /** Database name to use on the embedded server instead of the default. */
  database?: string
  /**
   * A shutdown: aborting it during start-up stops what was started so far
   * (nothing is left behind), and the call rejects with its reason.
   */
  signal?: AbortSignal
}

/**
 * PostgreSQL and Temporal, local by default and external by configuration
 * (DATABASE_URL, TEMPORAL_ADDRESS), migrated and ready for the services. The local
 * ones keep their data in the data folder, and are restarted on it if they die.
 */
export async function startInfrastructure(env: Env, options: StackOptions = {}): Promise<Infrastructure> {
  const { signal } = options
  const started: Supervised[] = []
  const stop = async () => {
    for (const service of started.reverse()) await service.stop().catch((error) => console.error(error))
  }
  try {
    let databaseUrl = env.DATABASE_URL
    if (databaseUrl) {
      console.log('• PostgreSQL: using DATABASE_URL')
    } else {
      const postgres = await step(`PostgreSQL (embedded, port ${env.POSTGRES_PORT})`, () =>
        startEmbeddedPostgres({ dataDir: env.dataDir, port: env.POSTGRES_PORT, signal }),
      )
      started.push(postgres.service)
      databaseUrl = options.database ? await postgres.createDatabase(options.database) : postgres.databaseUrl
    }

    if (env.TEMPORAL_ADDRESS) {
      await step(`Temporal at ${env.TEMPORAL_ADDRESS}`, async () => {
        const connection = await unlessAborted(Connection.connect(await temporalConnectionOptions(env)), signal).catch((error: Error) => {
          if (isAbort(error)) throw error
          throw new ActionableError(
            `Cannot reach Temporal at ${env.TEMPORAL_ADDRESS}: ${error.message}. Check TEMPORAL_ADDRESS and its TLS/API key settings.`,
          )
        })
        await connection.close()
      })
    } else {
      const cli = await step('Temporal CLI', (report) => ensureTemporalCli(report, signal))
      const devServer = await step(`Temporal dev server (port ${env.TEMPORAL_PORT}, UI ${env.TEMPORAL_UI_PORT})`, () =>
        startTemporalDevServer({
          cli,
          port: env.TEMPORAL_PORT,
          uiPort: env.TEMPORAL_UI_PORT,
          namespace: env.TEMPORAL_NAMESPACE,
          dbFile: path.join(env.dataDir, 'temporal', 'temporal.db'),
          signal,
        }),
      )
      started.push(devServer)
    }
    if (env.SMTP_URL) {
      console.log('• Mail: using SMTP_URL')
    } else {
      const catcher = await step(`Mail catcher (SMTP port ${env.MAIL_CATCHER_SMTP_PORT}, UI ${env.MAIL_CATCHER_UI_PORT})`, () =>
        startMailCatcher({
          smtpPort: env.MAIL_CATCHER_SMTP_PORT,
          uiPort: env.MAIL_CATCHER_UI_PORT,
          mailDir: path.join(env.dataDir, 'mail'),
          signal,
        }),
      )
      started.push(catcher)
    }
    await step('Search attributes', async (report) => {
      const added = await unlessAborted(ensureSearchAttributes(env), signal)
      if (added.length) report(`registered ${added.join(', ')}`)
    })
    // Never cut short: statements of a migration that stopped half-way would stay applied.
    await step('Database migrations', async (report) => report(await migrateDeploy(databaseUrl!)))
    signal?.throwIfAborted()

    return { databaseUrl: databaseUrl!, env: { ...env, DATABASE_URL: databaseUrl }, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** A random secret kept in the data folder (`name`), so local sessions and reply tokens survive restarts. */
async function localSecret(dataDir: string, name: 'session-secret' | 'inbound-token-secret'): Promise<string> {
  const file = path.join(dataDir, name)
  const existing = await readFile(file, 'utf8').catch(() => undefined)
  if (existing?.trim()) return existing.trim()
  const secret = randomBytes(32).toString('hex')
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, secret, { mode: 0o600 })
  return secret
}

export interface Services {
  worker: Supervised
  web: Supervised
  /** Caseway's SMTP listener for inbound mail (mail-listener/). */
  mailListener: Supervised
  /** Stops the web server, the mail listener and the worker (each drains what it is doing first). */
  stop(): Promise<void>
}

/**
 * The worker and the web server as supervised child processes. The step ends
 * when a worker polls and /healthz says every part is up. `signal` as in
 * StackOptions.
 */
export async function startServices(infra: Infrastructure, options: { dev: boolean; signal?: AbortSignal }): Promise<Services> {
  const { env } = infra
  const { signal } = options
  if (!options.dev) await step('Portal build', async (report) => void (await ensureWebBuild(report, signal)))
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: options.dev ? 'development' : 'production',
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    TEMPORAL_UI_URL: env.temporalUiUrl,
    SMTP_URL: env.smtpUrl,
    PORT: String(env.PORT),
    SESSION_SECRET: env.SESSION_SECRET ?? (await localSecret(env.dataDir, 'session-secret')),
    INBOUND_TOKEN_SECRET: env.INBOUND_TOKEN_SECRET ?? (await localSecret(env.dataDir, 'inbound-token-secret')),
    INBOUND_DOMAIN: env.INBOUND_DOMAIN,
    INBOUND_SMTP_PORT: String(env.INBOUND_SMTP_PORT),
    INBOUND_MAX_BYTES: String(env.INBOUND_MAX_BYTES),
    ...(env.INBOUND_WEBHOOK_SECRET ? { INBOUND_WEBHOOK_SECRET: env.INBOUND_WEBHOOK_SECRET } : {}),
  }
  signal?.throwIfAborted()
  await assertPortFree(env.PORT, 'PORT')
  await assertPortFree(env.INBOUND_SMTP_PORT, 'INBOUND_SMTP_PORT')
  // Node itself with tsx as a loader (not the tsx CLI, which would sit between the
  // supervisor and the service): signals reach the service and its pid is the real one.
  const node = (script: string, ...args: string[]) => ({
    command: process.execPath,
    args: ['--import', 'tsx', script, ...args],
    env: childEnv,
    cwd: projectRoot,
  })
  const healthUrl = `http://127.0.0.1:${env.PORT}/healthz`
  return await step('Worker, web server and mail listener', async () => {
    const [worker, web, mailListener] = await Promise.allSettled([
      startSupervised({ name: 'worker', ...node('worker/main.ts'), ready: (child, ready) => pollsForWork(env, child, ready) }, signal),
      startSupervised(
        {
          name: 'web server',
          ...node('web/server/main.ts', ...(options.dev ? ['--dev'] : [])),
          // It listens once the portal is loaded; whether it is healthy depends on the rest.
          ready: (_child, ready) => waitFor(() => portInUse(env.PORT), `The web server on port ${env.PORT}`, 120_000, ready),
        },
        signal,
      ),
      startSupervised(
        {
          name: 'mail listener',
          ...node('mail-listener/main.ts'),
          ready: (_child, ready) =>
            waitFor(() => portInUse(env.INBOUND_SMTP_PORT), `The mail listener on port ${env.INBOUND_SMTP_PORT}`, 60_000, ready),
        },
        signal,
      ),
    ])
    // The web server and the listener first: the mail and requests they finish may need the worker.
    const stop = async () => {
      for (const result of [web, mailListener, worker]) if (result.status === 'fulfilled') await result.value.stop()
    }
    try {
      if (worker.status === 'rejected') throw worker.reason
      if (web.status === 'rejected') throw web.reason
      if (mailListener.status === 'rejected') throw mailListener.reason
      await waitFor(async () => (await fetch(healthUrl)).ok, `A healthy /healthz on port ${env.PORT}`, 30_000, signal)
      return { worker: worker.value, web: web.value, mailListener: mailListener.value, stop }
    } catch (error) {
      await stop()
      throw error
    }
  })
}

/**
 * This worker process polls the task queue: Temporal lists a poller with its
 * identity (the SDK's `<pid>@<host>`). Others may be listed too, for minutes after
 * they stopped. Lazy: the wait goes on while Temporal itself is coming back.
 */
async function pollsForWork(env: Env, child: ChildProcess, signal: AbortSignal): Promise<void> {
  const connection = Connection.lazy(await temporalConnectionOptions(env))
  try {
    const polling = async () => (await workflowPollers(connection, env)).some((poller) => poller.identity.startsWith(`${child.pid}@`))
    await waitFor(polling, `A worker polling ${env.TEMPORAL_TASK_QUEUE}`, 180_000, signal)
  } finally {
    await connection.close()
  }
}
