/**
 * Creating a ticket is all or nothing, whatever dies when. A web server that
 * dies (as `kill -9` would) just after committing a ticket's rows leaves a ticket
 * that the worker's sweep opens by itself: complete, with its running workflow,
 * and `npm run reconcile` clean. One that dies inside that transaction leaves
 * nothing at all. Each runs a web server of its own with a crash point set
 * (lib/faults.ts), against the shared test stack.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrashPoint } from '../../lib/faults.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { ticketViewQuery, ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { freePort, waitFor } from '../../scripts/lib/ports.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { reconcile } from '../support/scripts.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string

beforeAll(async () => {
  stack = await connectToStack()
  people = await createTestOrganisation(stack.db)
  apiKey = (await createApiKey(stack.db, { orgId: people.org.id, name: 'Crash test', createdById: people.admin.id, via: 'cli' })).key
})
afterAll(async () => {
  await stack?.close()
})

/** A production web server on the test stack that kills itself at `point`. */
async function crashingWebServer(point: CrashPoint): Promise<{ url: string; exited: Promise<NodeJS.Signals | null> }> {
  const port = await freePort()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'web/server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      CASEWAY_FAULT: point,
      DATABASE_URL: stack.stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.stack.namespace,
      TEMPORAL_TASK_QUEUE: stack.stack.taskQueue,
      PORT: String(port),
      SESSION_SECRET: randomUUID(),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  const url = `http://127.0.0.1:${port}`
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, `the crashing web server on port ${port}`, 60_000)
  return { url, exited }
}

/** Sends a new family's request to the crashing server: the connection dies with it. */
async function requestThatCrashes(url: string, subject: string): Promise<unknown> {
  return fetch(`${url}/api/v1/tickets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      requester: { email: `crash-${randomUUID().slice(0, 8)}@family.example`, name: 'Casey Crash' },
      subject,
      body: 'Please help with the annual review.',
      type: 'ehcp',
      caseRef: `CRASH-${randomUUID().slice(0, 8)}`,
    }),
  }).then(
    (response) => response.status,
    (error: unknown) => error,
  )
}

describe('a web server that dies while creating a ticket', () => {
  it('after committing the rows: the sweep opens the ticket, complete with its workflow, and reconcile is clean', async () => {
    const web = await crashingWebServer('ticket-rows-written')
    const subject = `Crash after the rows ${randomUUID()}`
    expect(await requestThatCrashes(web.url, subject)).toBeInstanceOf(Error)
    expect(await web.exited).toBe('SIGKILL')

    const row = await stack.db.ticket.findFirstOrThrow({ where: { orgId: people.org.id, subject } })
    await eventually(async () => {
      const saved = await stack.db.ticket.findUniqueOrThrow({ where: { id: row.id } })
      expect(saved.stateVersion).toBeGreaterThan(0)
      expect(saved.slaState).not.toBeNull()
    }, 60_000)
    const handle = stack.temporal.workflow.getHandle(ticketWorkflowId(row.id))
    expect((await handle.describe()).status.name).toBe('RUNNING')
    const view = await handle.query(ticketViewQuery)
    expect(view).toMatchObject({ status: 'new', caseRef: row.caseRef })
    expect(view.sla?.targets.length).toBeGreaterThan(0)
    const messages = await stack.db.message.count({ where: { ticketId: row.id } })
    expect(messages).toBe(1)
    expect(await reconcile(stack.stack, ['--org', people.org.slug])).toMatchObject({ code: 0 })
  })

  it('inside the transaction: nothing is written, not even the new family’s account', async () => {
    const web = await crashingWebServer('ticket-rows-writing')
    const subject = `Crash inside the transaction ${randomUUID()}`
    expect(await requestThatCrashes(web.url, subject)).toBeInstanceOf(Error)
    expect(await web.exited).toBe('SIGKILL')

    expect(await stack.db.ticket.count({ where: { orgId: people.org.id, subject } })).toBe(0)
    expect(await stack.db.user.count({ where: { name: 'Casey Crash', requested: { none: {} } } })).toBe(0)
    expect(await reconcile(stack.stack, ['--org', people.org.slug])).toMatchObject({ code: 0 })
  })
})
