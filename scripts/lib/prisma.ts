import { readdirSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { binDir, projectRoot } from './paths.ts'
import { runCommand } from './run.ts'

const migrationsDir = path.join(projectRoot, 'prisma', 'migrations')

/** Migration folders that the database has not finished applying. */
async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const all = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    )
    const applied = new Set(rows.map((row) => row.migration_name))
    return all.filter((name) => !applied.has(name))
  } catch {
    // No _prisma_migrations table yet: a new database.
    return all
  } finally {
    await client.end()
  }
}

/**
 * Applies pending migrations with `prisma migrate deploy`. The CLI takes ~10 s even
 * with nothing to do, so it only runs when a migration is pending.
 */
export async function migrateDeploy(databaseUrl: string): Promise<string> {
  const pending = await pendingMigrations(databaseUrl)
  if (pending.length === 0) return 'no pending migrations'
  await runCommand(path.join(binDir, 'prisma'), ['migrate', 'deploy'], {
    cwd: projectRoot,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', DATABASE_URL: databaseUrl },
  })
  return `applied ${pending.join(', ')}`
}
