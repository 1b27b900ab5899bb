/**
 * /healthz of a real web server names each part it needs and, while one is down,
 * answers 503 with the reason: here, servers on the test stack whose settings
 * point at a task queue no worker polls, or at a database and a Temporal that
 * are not there.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { localDatabaseUrl } from '../../scripts/lib/local-database.ts'
import { freePort, waitFor } from '../../scripts/lib/ports.ts'
import type {} from '../support/stack.ts'

const stopAfter: Array<() => void> = []
afterAll(() => {
  for (const stop of stopAfter) stop()
})

/** A production web server with the test stack's settings, but for `settings`. */
async function webServer(settings: Record<string, string>): Promise<string> {
  const stack = inject('stack')
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'web/server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.namespace,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      PORT: String(port),
      SESSION_SECRET: randomUUID(),
      LOG_LEVEL: 'silent',
      ...settings,
    },
    stdio: 'ignore',
  })
  stopAfter.push(() => child.kill('SIGKILL'))
  const url = `http://127.0.0.1:${port}/healthz`
  await waitFor(async () => (await fetch(url).catch(() => undefined)) !== undefined, `the web server on port ${port}`, 60_000)
  return url
}

describe('/healthz', () => {
  it('says the worker is down, and why, when none polls its task queue', async () => {
    const url = await webServer({ TEMPORAL_TASK_QUEUE: `nobody-polls-${randomUUID()}` })
    const response = await fetch(url)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      status: 'unavailable',
      database: 'up',
      temporal: 'up',
      worker: 'down',
      reasons: [expect.stringMatching(/^worker: none has polled the task queue nobody-polls-\S+ in the last 75 s$/)],
    })
  })

  it('names every part that is down when neither PostgreSQL nor Temporal is there', async () => {
    const url = await webServer({ DATABASE_URL: localDatabaseUrl(await freePort()), TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` })
    const response = await fetch(url)
    expect(response.status).toBe(503)
    const health = (await response.json()) as { reasons: string[] }
    expect(health).toMatchObject({ status: 'unavailable', database: 'down', temporal: 'down', worker: 'down' })
    expect(health.reasons.map((reason) => reason.split(':')[0])).toEqual(['database', 'temporal', 'worker'])
  })

  it('is 200 with every part up on the test stack', async () => {
    const response = await fetch(`${inject('stack').webUrl}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', database: 'up', temporal: 'up', worker: 'up' })
  })
})
