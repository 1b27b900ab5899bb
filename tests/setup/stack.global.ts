/**
 * Starts a throwaway stack for the integration and browser tests: its own
 * PostgreSQL (or a new database on DATABASE_URL's server), its own in-memory
 * Temporal dev server, the worker and the built web server, all on free ports.
 * It never touches the demo data in .data/.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { parseEnv } from '../../lib/env.ts'
import { ensureDatabase } from '../../scripts/lib/postgres.ts'
import { freePort } from '../../scripts/lib/ports.ts'
import { startInfrastructure, startServices } from '../../scripts/lib/stack.ts'
import type { TestStack } from '../support/stack.ts'

const TEST_WEBHOOK_SECRET = 'test-webhook-secret-0123456789'
const TEST_INBOUND_MAX_BYTES = 2 * 1024 * 1024

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'caseway-test-'))
  const database = `caseway_test_${Date.now()}`
  let databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) {
    await ensureDatabase(databaseUrl, database)
    const url = new URL(databaseUrl)
    url.pathname = `/${database}`
    databaseUrl = url.toString()
  }
  const env = parseEnv({
    ...process.env,
    NODE_ENV: 'test',
    CASEWAY_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: undefined,
    TEMPORAL_UI_URL: undefined,
    PUBLIC_URL: undefined,
    POSTGRES_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    PORT: String(await freePort()),
    SMTP_URL: undefined,
    MAIL_CATCHER_SMTP_PORT: String(await freePort()),
    MAIL_CATCHER_UI_PORT: String(await freePort()),
    INBOUND_SMTP_PORT: String(await freePort()),
    INBOUND_TOKEN_SECRET: undefined,
    INBOUND_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    // Small, so the oversized test sends little.
    INBOUND_MAX_BYTES: String(TEST_INBOUND_MAX_BYTES),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The worker's sweep opens an unstarted ticket within seconds (the creation crash test).
    SWEEP_GRACE_SECONDS: '2',
  })
  // The children inherit process.env: quiet logs, and the test's own settings.
  process.env.LOG_LEVEL = env.LOG_LEVEL
  process.env.SWEEP_GRACE_SECONDS = String(env.SWEEP_GRACE_SECONDS)
  const infra = await startInfrastructure(env, { database })
  const services = await startServices(infra, { dev: false }).catch(async (error: unknown) => {
    await infra.stop()
    throw error
  })
  const stack: TestStack = {
    webUrl: `http://127.0.0.1:${env.PORT}`,
    databaseUrl: infra.databaseUrl,
    temporalAddress: env.temporalAddress,
    temporalUiUrl: env.temporalUiUrl,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workerPid: services.worker.pid!,
    mailCatcherApiUrl: `http://127.0.0.1:${env.MAIL_CATCHER_UI_PORT}/api`,
    mailCatcherSmtpPort: env.MAIL_CATCHER_SMTP_PORT,
    inboundSmtpPort: env.INBOUND_SMTP_PORT,
    inboundDomain: env.INBOUND_DOMAIN,
    inboundWebhookSecret: TEST_WEBHOOK_SECRET,
    inboundMaxBytes: TEST_INBOUND_MAX_BYTES,
    dataDir,
  }
  project.provide('stack', stack)
  return async () => {
    const started = Date.now()
    await services.stop()
    await infra.stop()
    console.log(`Test stack stopped (${((Date.now() - started) / 1000).toFixed(1)}s)`)
    await rm(dataDir, { recursive: true, force: true })
  }
}
