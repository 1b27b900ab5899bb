/**
 * Every process of the stack may die: under a stream of API creates (each with an
 * Idempotency-Key) and messages, `kill -9` in turn PostgreSQL, the web server, the
 * worker and the Temporal dev server of a stack of this file's own. Each time the
 * stack is healthy again by itself within a minute. Afterwards every acknowledged
 * command (2xx) is there exactly once, every ticket row has its workflow, every
 * idempotency key retried answers with the same ticket, and `npm run reconcile`
 * finds no drift. The figures are printed (README.md, "Crash recovery").
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, Connection } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../../lib/db.ts'
import { createApiKey } from '../../services/api-keys.server.ts'
import { ticketWorkflowId } from '../../workflows/ticket.messages.ts'
import { eventually } from '../support/eventually.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import {
  createPrivateStack,
  launchStack,
  portsInUse,
  READY,
  removePrivateStack,
  servicePid,
  type PrivateStack,
  type RunningStack,
  type StackService,
} from '../support/private-stack.ts'
import { reconcile } from '../support/scripts.ts'

const RECOVERY_LIMIT_MS = 60_000
/** How long the load runs on a healthy stack between two kills. */
const SETTLE_MS = 4_000
const LOAD_WORKERS = 6
const REQUEST_TIMEOUT_MS = 30_000

let stack: PrivateStack
let running: RunningStack
let db: Db
let people: Awaited<ReturnType<typeof createTestOrganisation>>
let apiKey: string

beforeAll(async () => {
  // The sweep opens a ticket whose creator died within seconds.
  stack = await createPrivateStack({ SWEEP_GRACE_SECONDS: '3' })
  running = launchStack(stack, 'node')
  await running.waitForOutput(READY, 240_000)
  db = createDb(stack.databaseUrl, { max: 4 })
  people = await createTestOrganisation(db)
  apiKey = (await createApiKey(db, { orgId: people.org.id, name: 'Crash recovery', createdById: people.admin.id, via: 'cli' })).key
}, 300_000)
afterAll(async () => {
  await load?.stop()
  await db?.$disconnect()
  if (running?.child.exitCode === null) {
    running.child.kill('SIGTERM')
    await running.exited
  }
  await removePrivateStack(stack)
}, 120_000)

type Answer = number | 'no answer'

interface Create {
  key: string
  body: Record<string, unknown>
  answers: Answer[]
  /** The ticket its first 2xx named. */
  number?: number
}

interface Message {
  ticketNumber: number
  body: string
  answer: Answer
}

const creates: Create[] = []
const messages: Message[] = []
/** Retries of a key that named another ticket than its first answer did. */
const mismatches: string[] = []

const ok = (answer: Answer) => typeof answer === 'number' && answer >= 200 && answer < 300

async function api(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  try {
    const response = await fetch(`${stack.webUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const json = (await response.json().catch(() => null)) as { ticket?: { number?: number } } | null
    return { answer: response.status as Answer, ticketNumber: json?.ticket?.number }
  } catch {
    return { answer: 'no answer' as const, ticketNumber: undefined }
  }
}

/** Sends (or sends again) a create with its key; a 2xx must name the ticket the first one did. */
async function send(create: Create): Promise<Answer> {
  const { answer, ticketNumber } = await api('POST', '/tickets', create.body, { 'Idempotency-Key': create.key })
  create.answers.push(answer)
  if (ok(answer)) {
    if (create.number === undefined) create.number = ticketNumber
    if (ticketNumber === undefined || ticketNumber !== create.number)
      mismatches.push(`${create.key}: #${ticketNumber}, first #${create.number}`)
  }
  return answer
}

function newCreate(): Create {
  const key = randomUUID()
  const create: Create = {
    key,
    body: {
      requester: { email: `crash-${key.slice(0, 8)}@family.example`, name: 'Casey Crash' },
      subject: `Crash load ${key}`,
      body: 'Please help with the annual review.',
      type: 'ehcp',
    },
    answers: [],
  }
  creates.push(create)
  return create
}

async function sendMessage(ticketNumber: number): Promise<void> {
  const body = `Crash load message ${randomUUID()}`
  const { answer } = await api('POST', `/tickets/${ticketNumber}/messages`, { author: { email: people.advocate.email }, body })
  messages.push({ ticketNumber, body, answer })
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!

/** A few clients sending creates, retries of unacknowledged ones, and messages, until stopped. */
function startLoad() {
  const stopping = new AbortController()
  const client = async () => {
    while (!stopping.signal.aborted) {
      const unacknowledged = creates.filter((c) => c.number === undefined && c.answers.length > 0)
      const acknowledged = creates.filter((c) => c.number !== undefined)
      const roll = Math.random()
      if (roll < 0.2 && unacknowledged.length > 0) await send(pick(unacknowledged))
      else if (roll < 0.6 && acknowledged.length > 0) await sendMessage(pick(acknowledged).number!)
      else await send(newCreate())
      await sleep(100)
    }
  }
  const clients = Array.from({ length: LOAD_WORKERS }, client)
  return {
    async stop() {
      stopping.abort()
      await Promise.all(clients)
    },
  }
}

let load: ReturnType<typeof startLoad> | undefined
const recoveryMs: Partial<Record<StackService, number>> = {}

async function healthy(): Promise<boolean> {
  const response = await fetch(`${stack.webUrl}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined)
  return response?.status === 200
}

/**
 * Kills the service with SIGKILL, then sends a probe create every second: the
 * stack has recovered when /healthz says so and a probe is answered 201 (the
 * workflow confirmed the ticket, so every part took part).
 */
async function killAndTimeRecovery(service: StackService): Promise<number> {
  const pid = await servicePid(stack, running.child.pid!, service)
  expect(pid, `the ${service} process`).toBeTypeOf('number')
  const killedAt = Date.now()
  process.kill(pid!, 'SIGKILL')
  let recoveredAt: number | undefined
  const probes: Promise<unknown>[] = []
  while (recoveredAt === undefined && Date.now() - killedAt < RECOVERY_LIMIT_MS + REQUEST_TIMEOUT_MS) {
    probes.push(
      send(newCreate()).then(async (answer) => {
        if (answer === 201 && (await healthy())) recoveredAt ??= Date.now()
      }),
    )
    await sleep(1_000)
  }
  await Promise.all(probes)
  expect(await servicePid(stack, running.child.pid!, service), `a new ${service} process`).not.toBe(pid)
  return (recoveredAt ?? Infinity) - killedAt
}

describe('kill -9 of each process under load', () => {
  // First the kills that leave idempotency keys held by a request that died: they
  // are released a minute after they were taken, and the final retries wait for that.
  it.each<StackService>(['postgres', 'web', 'worker', 'temporal', 'mail', 'mail-listener'])(
    '%s: the stack is healthy again by itself within a minute',
    async (service) => {
      load ??= startLoad()
      await sleep(SETTLE_MS)
      const took = await killAndTimeRecovery(service)
      recoveryMs[service] = took
      expect(took).toBeLessThan(RECOVERY_LIMIT_MS)
      // Healthy need not wait for the supervisor (the portal answers while the mail catcher restarts): its line comes by itself.
      await eventually(
        async () => expect(running.output()).toMatch(new RegExp(`✓ (${supervisedName[service]}) is back`)),
        RECOVERY_LIMIT_MS,
      )
    },
    180_000,
  )

  it('loses and duplicates nothing: every acknowledged command once, every ticket with its workflow, no drift', async () => {
    await sleep(SETTLE_MS)
    await load!.stop()
    const acknowledgedCreates = creates.filter((c) => c.number !== undefined).length
    const acknowledgedMessages = messages.filter((m) => ok(m.answer)).length
    const retriedKeys = creates.filter((c) => c.answers.length > 1).length

    // Every key, sent once more, names its ticket (one still held by a creator that
    // died is released after a minute, so this retries until each answers 2xx).
    await Promise.all(
      creates.map(async (create) => {
        const deadline = Date.now() + 120_000
        while (!ok(await send(create)) && Date.now() < deadline) await sleep(1_000)
        expect(create.number, `${create.key} answered ${create.answers.join(', ')}`).toBeTypeOf('number')
      }),
    )

    expect(mismatches).toEqual([])

    const tickets = await db.ticket.findMany({ where: { orgId: people.org.id }, select: { id: true, number: true, subject: true } })
    const numbersBySubject = new Map<string, number[]>()
    for (const ticket of tickets) numbersBySubject.set(ticket.subject, [...(numbersBySubject.get(ticket.subject) ?? []), ticket.number])
    const notOnce = creates.filter((c) => numbersBySubject.get(c.body.subject as string)?.join() !== String(c.number))
    expect(notOnce.map((c) => `${c.key}: #${c.number}, rows ${numbersBySubject.get(c.body.subject as string)?.join() ?? 'none'}`)).toEqual(
      [],
    )
    expect(tickets).toHaveLength(creates.length)

    const rows = await db.message.groupBy({ by: ['body'], where: { body: { startsWith: 'Crash load message' } }, _count: true })
    const copies = new Map(rows.map((row) => [row.body, row._count]))
    const lost = messages.filter((m) => ok(m.answer) && !copies.has(m.body))
    const duplicated = messages.filter((m) => (copies.get(m.body) ?? 0) > 1)
    expect({ lost, duplicated }).toEqual({ lost: [], duplicated: [] })

    // Every row has its workflow, which saved it (the sweep opens any whose creator died).
    const connection = await Connection.connect({ address: stack.temporalAddress })
    try {
      const temporal = new Client({ connection })
      await expect
        .poll(() => db.ticket.count({ where: { orgId: people.org.id, stateVersion: 0 } }), { timeout: 60_000, interval: 1_000 })
        .toBe(0)
      const missing: number[] = []
      for (let i = 0; i < tickets.length; i += 10)
        await Promise.all(
          tickets.slice(i, i + 10).map((ticket) =>
            temporal.workflow
              .getHandle(ticketWorkflowId(ticket.id))
              .describe()
              .catch(() => missing.push(ticket.number)),
          ),
        )
      expect(missing, 'tickets without a workflow').toEqual([])
    } finally {
      await connection.close()
    }

    const reconciled = await reconcile({ databaseUrl: stack.databaseUrl, temporalAddress: stack.temporalAddress, namespace: 'default' }, [
      '--org',
      people.org.slug,
    ])
    expect(reconciled, reconciled.stdout + reconciled.stderr).toMatchObject({ code: 0 })

    const seconds = (ms: number | undefined) => `${((ms ?? NaN) / 1000).toFixed(1)} s`
    console.log(
      [
        'Crash recovery (kill -9 under load, then healthy again by itself):',
        ...Object.entries(recoveryMs).map(([service, ms]) => `  ${service.padEnd(9)} ${seconds(ms)}`),
        `  commands acknowledged: ${acknowledgedCreates + acknowledgedMessages} (${acknowledgedCreates} creates, ${acknowledgedMessages} messages)`,
        `  creates retried with their key: ${retriedKeys}; lost: 0; duplicated: 0`,
        'The supervisor said:',
        ...running
          .output()
          .split('\n')
          .filter((line) => / (exited|is back|did not start again)/.test(line))
          .map((line) => `  ${line}`),
      ].join('\n'),
    )
  }, 300_000)

  it('stops cleanly afterwards, every port freed', async () => {
    running.child.kill('SIGTERM')
    expect(await running.exited).toEqual({ code: 0, signal: null })
    expect(running.output()).not.toMatch(/did not start again/)
    expect(await portsInUse(stack)).toEqual([])
  }, 120_000)
})

const supervisedName: Record<StackService, string> = {
  web: 'web server',
  worker: 'worker',
  temporal: 'Temporal dev server',
  postgres: 'PostgreSQL',
  mail: 'Mail catcher',
  'mail-listener': 'mail listener',
}
