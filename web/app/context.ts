/**
 * What every loader and action receives as `context`, built once per request by
 * web/server/main.ts (getLoadContext). Tests call loaders and actions directly
 * with an object of this shape.
 */
import type { Client } from '@temporalio/client'
import type { Db } from '../../lib/db.ts'
import type { Env } from '../../lib/env.ts'
import type { Logger } from '../../lib/log.ts'

// A type alias, not an interface: AppLoadContext has an index signature, which
// only object type aliases satisfy implicitly.
export type CasewayContext = {
  db: Db
  /** Temporal client: every call through it is bounded (utils/temporal.server.ts). */
  temporal: Client
  env: Env
  /** The request's logger (pino-http child with the request id). */
  log: Logger
  /** Per-request nonce for the Content-Security-Policy; absent in direct calls from tests. */
  cspNonce?: string
}

// AppLoadContext is declared in server-runtime and re-exported by @remix-run/node.
declare module '@remix-run/server-runtime' {
  interface AppLoadContext extends CasewayContext {}
}
