/**
 * The inbound mail listener service: `tsx mail-listener/main.ts`, supervised by
 * `npm start` beside the web server and the worker. SIGINT or SIGTERM stops
 * taking connections and lets the mails under way finish.
 */
import { Client, Connection } from '@temporalio/client'
import { createDb } from '../lib/db.ts'
import { parseEnv, requireDatabaseUrl } from '../lib/env.ts'
import { createLogger } from '../lib/log.ts'
import { temporalConnectionOptions } from '../lib/temporal.ts'
import { createInboundSmtpServer } from './smtp-listener.ts'

const env = parseEnv()
const log = createLogger('mail-listener', env.LOG_LEVEL)
const db = createDb(requireDatabaseUrl(env), { max: 4 })
// Lazy: mail is stored (and acknowledged) while Temporal is down; the sweep processes it later.
const connection = Connection.lazy(await temporalConnectionOptions(env))
const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE })
const server = createInboundSmtpServer({ db, temporal, env, log })

let listening = false
server.on('error', (error) => {
  // Before it listens, an error is the port taken: nothing to serve. After, one connection's trouble.
  if (!listening) {
    log.fatal({ err: error, port: env.INBOUND_SMTP_PORT }, 'inbound mail listener could not listen')
    process.exit(1)
  }
  log.warn({ err: error }, 'inbound SMTP connection error')
})
server.listen(env.INBOUND_SMTP_PORT, () => {
  listening = true
  log.info({ port: env.INBOUND_SMTP_PORT, domain: env.INBOUND_DOMAIN }, 'inbound mail listener running')
})

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    server.close(() => {
      void Promise.allSettled([db.$disconnect(), connection.close()]).then(() => process.exit(0))
    })
  })
