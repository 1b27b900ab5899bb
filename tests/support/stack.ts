import { Client, Connection } from '@temporalio/client'
import { inject } from 'vitest'
import { createDb } from '../../lib/db.ts'
import { parseEnv } from '../../lib/env.ts'
import { createLogger } from '../../lib/log.ts'

export interface TestStack {
  webUrl: string
  databaseUrl: string
  temporalAddress: string
  temporalUiUrl: string
  namespace: string
  taskQueue: string
  /** The worker process at start-up: durability tests kill it. */
  workerPid: number
  /** The test stack's mail catcher (MailDev): its REST API (GET /email, DELETE /email/all), and its SMTP port. */
  mailCatcherApiUrl: string
  mailCatcherSmtpPort: number
  /** Caseway's inbound SMTP listener, its domain, the webhook's secret and the largest mail taken. */
  inboundSmtpPort: number
  inboundDomain: string
  inboundWebhookSecret: string
  inboundMaxBytes: number
  /** The stack's data folder (its generated secrets). */
  dataDir: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack
  }
}

/** The running test stack, with a database client and a Temporal client on it. */
export type StackConnection = Awaited<ReturnType<typeof connectToStack>>

export async function connectToStack() {
  const stack = inject('stack')
  const db = createDb(stack.databaseUrl, { max: 4 })
  const connection = await Connection.connect({ address: stack.temporalAddress })
  const temporal = new Client({ connection, namespace: stack.namespace })
  const env = parseEnv({
    DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_UI_URL: stack.temporalUiUrl,
    PUBLIC_URL: stack.webUrl,
  })
  // The shape every loader, action and ticket service receives as its context.
  const context = { db, temporal, env, log: createLogger('test', 'silent') }
  return {
    stack,
    db,
    temporal,
    context,
    async close() {
      await db.$disconnect()
      await connection.close()
    },
  }
}
