/**
 * What every service receives: the database, the Temporal client, the settings
 * and a logger. Built by whoever calls (the web server per request, the CLI, the
 * seed, the worker, the tests); it knows nothing of Remix or Express.
 */
import type { Client } from '@temporalio/client'
import type { Db } from '../lib/db.ts'
import type { Env } from '../lib/env.ts'
import type { Logger } from '../lib/log.ts'

// A type alias, not an interface: Remix's AppLoadContext (web/app/context.ts)
// extends it, and has an index signature that only object type aliases satisfy.
export type ServiceContext = {
  db: Db
  /** Temporal client: every call through it is bounded (temporal.server.ts). */
  temporal: Client
  env: Env
  /** The caller's logger (for a request, the pino-http child with its id). */
  log: Logger
}
