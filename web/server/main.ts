/**
 * The portal's HTTP server: Express with helmet, structured request logs, a
 * same-origin check for state-changing requests, /healthz, the integration
 * API under /api/v1 (web/api/), and the Remix app
 * (the built server in production, Vite in middleware mode with HMR in
 * development).
 *
 *   tsx web/server/main.ts          production: serves build/ (run `remix vite:build` first)
 *   tsx web/server/main.ts --dev    development: Vite middleware, hot reload
 */
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import { Client, Connection } from '@temporalio/client'
import express, { type NextFunction, type Request, type Response } from 'express'
import { rateLimit } from 'express-rate-limit'
import helmet from 'helmet'
import type { ViteDevServer } from 'vite'
import { createDb, type Db } from '../../lib/db.ts'
import { parseEnv, requireDatabaseUrl, type Env } from '../../lib/env.ts'
import { createLogger, type Logger } from '../../lib/log.ts'
import { temporalConnectionOptions } from '../../lib/temporal.ts'
import { createApiRouter } from '../api/router.ts'
import type { CasewayContext } from '../app/context.ts'
import { sessionSecrets } from '../app/utils/cookies.server.ts'
import { asyncHandler } from '../shared/async-handler.ts'
import { createHealthCheck } from './health.ts'
import { inboundMailWebhook } from './inbound-webhook.ts'
import { requestLogger } from './request-log.ts'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const buildDir = path.join(projectRoot, 'build')

export type WebMode = 'production' | 'development'

export interface WebServerDeps {
  env: Env
  db: Db
  temporalClient: Client
  log: Logger
  mode: WebMode
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Browsers send Origin with every cross-site POST; a state-changing request
 * from another site is refused, so a session cookie cannot be ridden (CSRF).
 * Requests without Origin (curl, server-to-server API clients) carry no
 * ambient browser credentials unless Sec-Fetch-Site says they came from a page.
 */
function sameOriginOnly(env: Env) {
  const publicHost = new URL(env.publicUrl).host
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next()
    const origin = req.get('origin')
    if (origin) {
      let originHost: string | null = null
      try {
        originHost = new URL(origin).host
      } catch {
        // "null" (sandboxed frames, some redirects) is not an origin we can trust.
      }
      if (originHost && (originHost === req.get('host') || originHost === publicHost)) return next()
    } else if (req.get('sec-fetch-site') !== 'cross-site') {
      return next()
    }
    req.log.warn({ origin, host: req.get('host') }, 'refused a cross-site request')
    res.status(403).type('text/plain').send('Cross-site requests are not allowed.')
  }
}

function securityHeaders(env: Env, mode: WebMode) {
  const https = env.publicUrl.startsWith('https:')
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'connect-src': ["'self'", ...(mode === 'development' ? ['ws:', 'wss:'] : [])],
        'font-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        // Remix's inline scripts carry the request's nonce; 'strict-dynamic'
        // lets the modules they import load.
        'script-src': ["'strict-dynamic'", "'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        'script-src-attr': ["'none'"],
        // Development: Vite injects CSS as <style> tags for hot reload.
        'style-src': ["'self'", ...(mode === 'development' ? ["'unsafe-inline'"] : [])],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'self'"],
        'object-src': ["'none'"],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    strictTransportSecurity: https ? undefined : false,
    // The Temporal UI link opens in a new tab; nothing else is embedded.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  })
}

const devServers = new WeakMap<http.Server, ViteDevServer>()

/**
 * The portal as an http.Server, not yet listening. Loaders and actions get
 * { db, temporal, env, log, cspNonce } as their context (web/app/context.ts).
 */
export async function createWebServer(deps: WebServerDeps): Promise<http.Server> {
  const { env, db, temporalClient, log, mode } = deps
  sessionSecrets(env) // refuse to start a production server without SESSION_SECRET
  const app = express()
  const server = http.createServer(app)
  app.disable('x-powered-by')
  // Behind a load balancer, req.ip (the guessing limits' network) is the client's only when its hops are trusted.
  if (env.TRUST_PROXY !== undefined) app.set('trust proxy', env.TRUST_PROXY)

  app.use(requestLogger(log))

  const checkHealth = createHealthCheck({ db, temporalClient, env })
  app.get(
    '/healthz',
    asyncHandler(async (req, res) => {
      const health = await checkHealth(req.log)
      res
        .status(health.status === 'ok' ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(health)
    }),
  )

  // The integration API: Bearer keys, not cookies, so neither the same-origin
  // check nor the portal's per-client limit applies; it has its own body
  // limits, per-key rate limits and JSON errors (web/api/router.ts).
  app.use('/api/v1', createApiRouter({ env, db, temporal: temporalClient }))
  // Server to server like the API: its shared secret, not a cookie, so no same-origin check.
  app.use(inboundMailWebhook({ env, db, temporal: temporalClient }))

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64')
    next()
  })
  app.use(securityHeaders(env, mode))
  app.use(sameOriginOnly(env))
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: 300,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Reading is cheap and cached; only writes are limited per client.
      skip: (req) => SAFE_METHODS.has(req.method),
      logger: {
        warn: (error, message) => log.warn({ err: error }, message),
        error: (error, message) => log.error({ err: error }, message),
      },
    }),
  )

  let build: ServerBuild | (() => Promise<ServerBuild>)
  if (mode === 'development') {
    const vite = await import('vite')
    const sigtermBefore = new Set(process.listeners('SIGTERM'))
    const devServer = await vite.createServer({
      root: projectRoot,
      appType: 'custom',
      // HMR shares this server's port instead of opening its own.
      server: { middlewareMode: true, hmr: { server } },
    })
    // Remix's child compiler is a second Vite server, which exits the process on
    // SIGTERM at once; our shutdown (closeWebServer) closes Vite itself instead.
    for (const listener of process.listeners('SIGTERM')) {
      if (!sigtermBefore.has(listener)) process.off('SIGTERM', listener)
    }
    devServers.set(server, devServer)
    app.use(devServer.middlewares)
    build = () => devServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
  } else {
    // Fingerprinted assets never change; everything else in build/client may.
    app.use('/assets', express.static(path.join(buildDir, 'client', 'assets'), { immutable: true, maxAge: '1y' }))
    app.use(express.static(path.join(buildDir, 'client'), { maxAge: '1h' }))
    const serverBuild = path.join(buildDir, 'server', 'index.js')
    build = (await import(pathToFileURL(serverBuild).href).catch((error: Error) => {
      throw new Error(`Cannot load the portal's server build (${serverBuild}): run \`npx remix vite:build\` first. ${error.message}`)
    })) as ServerBuild
  }

  app.all(
    '*',
    // Remix answers its own errors; a failure outside them reaches the handler below.
    asyncHandler(
      createRequestHandler({
        build,
        mode,
        getLoadContext: (req, res): CasewayContext => ({
          db,
          temporal: temporalClient,
          env,
          log: req.log,
          cspNonce: res.locals.cspNonce as string,
          clientAddress: req.ip,
        }),
      }),
    ),
  )

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    req.log.error({ err: error }, 'unhandled error')
    if (res.headersSent) return res.end()
    res.status(500).type('text/plain').send('Something went wrong.')
  })

  return server
}

/** Stops accepting connections, lets requests in flight finish, and closes Vite in development. */
export async function closeWebServer(server: http.Server, graceMs = 10_000): Promise<void> {
  await devServers.get(server)?.close()
  await new Promise<void>((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs).unref()
    server.close((error) => {
      clearTimeout(force)
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error)
      else resolve()
    })
    server.closeIdleConnections()
  })
}

async function main() {
  const mode: WebMode = process.argv.includes('--dev') ? 'development' : 'production'
  const env = parseEnv()
  const log = createLogger('web', env.LOG_LEVEL)
  const db = createDb(requireDatabaseUrl(env))
  // Lazy: the portal starts (and /healthz says so) while Temporal is down.
  const connection = Connection.lazy(await temporalConnectionOptions(env))
  const temporalClient = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })
  const server = await createWebServer({ env, db, temporalClient, log, mode })

  let stopping: Promise<void> | undefined
  const shutdown = (signal: NodeJS.Signals) => {
    stopping ??= (async () => {
      log.info({ signal }, 'shutting down: finishing requests in flight')
      try {
        await closeWebServer(server)
        await Promise.allSettled([db.$disconnect(), connection.close()])
        log.info('web server stopped')
        process.exit(0)
      } catch (error) {
        log.error({ err: error }, 'unclean shutdown')
        process.exit(1)
      }
    })()
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)

  server.on('error', (error) => {
    log.fatal({ err: error, port: env.PORT }, 'web server could not listen')
    process.exit(1)
  })
  server.listen(env.PORT, () => {
    log.info({ port: env.PORT, mode, url: env.publicUrl }, `portal listening on ${env.publicUrl}`)
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    createLogger('web').fatal({ err: error }, 'web server failed to start')
    process.exit(1)
  })
}
