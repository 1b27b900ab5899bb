/**
 * `npm run bench`: drives a running stack through the integration API, as an
 * integrator would, and compares it with plain Prisma inserts of the same rows.
 *
 *   1. setup     an organisation of its own, an admin and an advocate, and an API
 *                key, made with the same code as `npm run cli -- apikey create`
 *   2. create    BENCH_TICKETS tickets through POST /tickets (with Idempotency-Key),
 *                BENCH_CONCURRENCY at a time: tickets/s and latency percentiles
 *   3. commands  on BENCH_COMMAND_TICKETS of them: a staff reply, then a status
 *                change; after each 2xx, GET /tickets/{n} until the new state
 *                shows: the time from acknowledgement to visibility
 *   4. baseline  the same rows (number, membership, ticket, first message) written
 *                with plain Prisma transactions at the same concurrency
 *
 * Prints progress and a table; writes the numbers to bench/results/<timestamp>.json.
 *
 * Settings (environment): BENCH_URL (default http://localhost:$PORT, the local
 * stack), DATABASE_URL (default the local stack's PostgreSQL), BENCH_TICKETS
 * (2000), BENCH_CONCURRENCY (32), BENCH_COMMAND_TICKETS (400).
 */
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PRIORITIES, TICKET_TYPES as TYPES } from '../domain/ticket.ts'
import { createDb, type Db } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { databaseUrlOf } from '../scripts/lib/local-database.ts'
import { createApiKey } from '../services/api-keys.server.ts'
import { createOrganisation, createUser } from '../services/accounts.server.ts'

const HELP = `Usage: npm run bench   (with the stack running: npm start)

Creates tickets through the API, sends replies and status changes, and compares
the rate with plain Prisma inserts of the same rows. Settings (environment):
  BENCH_URL              the stack to drive (default http://localhost:$PORT)
  DATABASE_URL           its database, for setup and the baseline (default the local stack's)
  BENCH_TICKETS          tickets to create (default 2000)
  BENCH_CONCURRENCY      requests in flight (default 32)
  BENCH_COMMAND_TICKETS  tickets that get a reply and a status change (default 400)
Results: a table here, and JSON in bench/results/.`

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(HELP)
  process.exit(0)
}

const env = parseEnv()
const settings = {
  url: (process.env.BENCH_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
  tickets: positiveInt('BENCH_TICKETS', 2000),
  concurrency: positiveInt('BENCH_CONCURRENCY', 32),
  commandTickets: positiveInt('BENCH_COMMAND_TICKETS', 400),
  families: 100,
}
const TARGETS = { ticketsPerSecond: 100, ratio: 5, visibleP99Ms: 250 }

function positiveInt(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) throw new Error(`${name} must be a positive whole number, not "${value}"`)
  return number
}

// ---------------------------------------------------------------------------
// Measuring

class Latencies {
  readonly samples: number[] = []
  errors: Record<string, number> = {}
  add(ms: number) {
    this.samples.push(ms)
  }
  fail(reason: string) {
    this.errors[reason] = (this.errors[reason] ?? 0) + 1
  }
  get failures() {
    return Object.values(this.errors).reduce((sum, n) => sum + n, 0)
  }
  percentile(p: number): number {
    if (!this.samples.length) return NaN
    const sorted = [...this.samples].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
  }
  summary() {
    const round = (n: number) => Math.round(n * 10) / 10
    return {
      count: this.samples.length,
      failures: this.failures,
      errors: this.errors,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(Math.max(...this.samples)),
    }
  }
}

/** Runs `work(i)` for i < count, `concurrency` at a time, reporting progress every second. */
async function pool(label: string, count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  let done = 0
  const started = performance.now()
  const tty = process.stdout.isTTY
  let lastLine = 0
  const report = (final = false) => {
    const seconds = (performance.now() - started) / 1000
    const line = `  ${label.padEnd(9)} ${String(done).padStart(6)}/${count}  ${(done / Math.max(seconds, 0.001)).toFixed(1).padStart(7)}/s  ${seconds.toFixed(1)}s`
    if (tty) process.stdout.write(`\r${line}${final ? '\n' : ''}`)
    else if (final || performance.now() - lastLine >= 5000) {
      console.log(line)
      lastLine = performance.now()
    }
  }
  const ticker = setInterval(report, 1000)
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        for (let i = next++; i < count; i = next++) {
          await work(i)
          done++
        }
      }),
    )
  } finally {
    clearInterval(ticker)
  }
  report(true)
  return (performance.now() - started) / 1000
}

// ---------------------------------------------------------------------------
// The API, as an integrator calls it

interface Answer {
  status: number
  json: any
  ms: number
}

function apiClient(key: string) {
  return async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const started = performance.now()
    const response = await fetch(`${settings.url}/api/v1${route}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, json: text ? JSON.parse(text) : null, ms: performance.now() - started }
  }
}

type Client = ReturnType<typeof apiClient>

/** GETs the ticket until `visible` holds; the time from `since` until it did. */
async function timeToVisible(api: Client, number: number, since: number, visible: (ticket: any) => boolean): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const answer = await api('GET', `/tickets/${number}`)
    if (answer.status === 200 && visible(answer.json.ticket)) return performance.now() - since
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`ticket ${number} never showed the change`)
}

// ---------------------------------------------------------------------------

async function main() {
  const databaseUrl = databaseUrlOf(env)
  const db = createDb(databaseUrl, { max: Math.max(10, settings.concurrency) })
  try {
    await run(db)
  } finally {
    await db.$disconnect()
  }
}

async function run(db: Db) {
  console.log(`Caseway API benchmark against ${settings.url}`)
  console.log(
    `  ${settings.tickets} tickets, concurrency ${settings.concurrency}, commands on ${Math.min(settings.commandTickets, settings.tickets)} of them\n`,
  )
  const health = await fetch(`${settings.url}/healthz`)
    .then((r) => r.json() as Promise<{ status: string }>)
    .catch((error: Error) => {
      throw new Error(`Cannot reach ${settings.url} (${error.message}). Start the stack with \`npm start\`, or set BENCH_URL.`)
    })
  if (health.status !== 'ok') throw new Error(`The stack at ${settings.url} is not healthy: ${JSON.stringify(health)}`)

  // 1. Setup, as `npm run cli -- org create / user create / apikey create` do it.
  const stamp = Date.now().toString(36)
  const org = await createOrganisation(db, { slug: `bench-${stamp}`, name: `Benchmark ${stamp}` })
  const password = randomUUID()
  const admin = await createUser(db, {
    orgSlug: org.slug,
    role: 'admin',
    email: `admin@bench-${stamp}.example`,
    name: 'Bench Admin',
    password,
  })
  const advocate = await createUser(db, {
    orgSlug: org.slug,
    role: 'staff',
    email: `advocate@bench-${stamp}.example`,
    name: 'Bench Advocate',
    password,
  })
  const { key } = await createApiKey(db, { orgId: org.id, name: 'Benchmark', createdById: admin.user.id, via: 'cli' })
  const api = apiClient(key)
  const familyEmail = (i: number) => `family-${i % settings.families}@bench-${stamp}.example`
  console.log(`▸ Organisation ${org.slug}, API key ${key.slice(0, 12)}…`)

  // 2. Create.
  console.log('▸ Creating tickets through POST /tickets')
  const create = new Latencies()
  const numbers: number[] = []
  const createSeconds = await pool('create', settings.tickets, settings.concurrency, async (i) => {
    const answer = await api(
      'POST',
      '/tickets',
      {
        requester: { email: familyEmail(i), name: `Family ${i % settings.families}` },
        subject: `Benchmark request ${i}`,
        body: `Benchmark request ${i}: we need help with an EHCP assessment that has not started.`,
        type: TYPES[i % TYPES.length],
        priority: PRIORITIES[i % PRIORITIES.length],
        externalRef: `BENCH-${i}`,
      },
      { 'Idempotency-Key': randomUUID() },
    )
    if (answer.status === 201) {
      create.add(answer.ms)
      numbers.push(answer.json.ticket.number)
    } else create.fail(`${answer.status} ${answer.json?.error?.code ?? ''}`.trim())
  })

  // 3. Commands, and how soon GET shows them.
  console.log('▸ Replies and status changes, then GET until each shows')
  const message = new Latencies()
  const status = new Latencies()
  const visible = new Latencies()
  const commandNumbers = numbers.slice(0, settings.commandTickets)
  const commandSeconds = await pool('commands', commandNumbers.length, settings.concurrency, async (i) => {
    const number = commandNumbers[i]!
    const reply = await api('POST', `/tickets/${number}/messages`, {
      author: { email: advocate.user.email },
      body: 'Thanks: could you send us the refusal letter?',
    })
    if (reply.status !== 201) return message.fail(`${reply.status} ${reply.json?.error?.code ?? ''}`.trim())
    message.add(reply.ms)
    visible.add(await timeToVisible(api, number, performance.now(), (t) => t.awaiting === 'family' && t.status === 'in_progress'))
    const change = await api('POST', `/tickets/${number}/status`, { status: 'pending_family', reason: 'Waiting for the letter' })
    if (change.status !== 200) return status.fail(`${change.status} ${change.json?.error?.code ?? ''}`.trim())
    status.add(change.ms)
    visible.add(await timeToVisible(api, number, performance.now(), (t) => t.status === 'pending_family'))
  })

  // 4. Baseline: the same rows with plain Prisma, at the same concurrency.
  console.log('▸ Baseline: the same rows with plain Prisma transactions')
  const baselineOrg = await createOrganisation(db, { slug: `bench-${stamp}-baseline`, name: `Benchmark baseline ${stamp}` })
  const families = new Map(
    (await db.user.findMany({ where: { email: { endsWith: `@bench-${stamp}.example` } }, select: { id: true, email: true } })).map((u) => [
      u.email,
      u.id,
    ]),
  )
  const baseline = new Latencies()
  const baselineSeconds = await pool('baseline', settings.tickets, settings.concurrency, async (i) => {
    const started = performance.now()
    const requesterId = families.get(familyEmail(i))!
    await db.$transaction(async (tx) => {
      const [allocated] = await tx.$queryRaw<{ lastTicketNumber: number }[]>`
        UPDATE "Organisation" SET "lastTicketNumber" = "lastTicketNumber" + 1
        WHERE id = ${baselineOrg.id}::uuid RETURNING "lastTicketNumber"`
      await tx.membership.createMany({ data: [{ orgId: baselineOrg.id, userId: requesterId, role: 'family' }], skipDuplicates: true })
      const ticket = await tx.ticket.create({
        data: {
          orgId: baselineOrg.id,
          number: allocated!.lastTicketNumber,
          requesterId,
          departmentId: baselineOrg.defaultDepartmentId!,
          subject: `Benchmark request ${i}`,
          type: TYPES[i % TYPES.length]!,
          priority: PRIORITIES[i % PRIORITIES.length]!,
          externalRef: `BENCH-${i}`,
          // As if a workflow had saved it: the worker's sweep opens rows that no workflow saved.
          stateVersion: 1,
        },
        select: { id: true },
      })
      await tx.message.create({
        data: { ticketId: ticket.id, authorId: requesterId, body: `Benchmark request ${i}`, visibility: 'public', recordedAt: new Date() },
      })
    })
    baseline.add(performance.now() - started)
  })
  // Rows without workflows would only confuse the queue and `npm run reconcile`.
  await db.organisation.delete({ where: { id: baselineOrg.id } })

  // Report.
  const created = create.samples.length
  const perSecond = created / createSeconds
  const baselinePerSecond = settings.tickets / baselineSeconds
  const result = {
    at: new Date().toISOString(),
    url: settings.url,
    settings,
    organisation: org.slug,
    create: { seconds: round(createSeconds), ticketsPerSecond: round(perSecond), latencyMs: create.summary() },
    commands: { seconds: round(commandSeconds), messageMs: message.summary(), statusMs: status.summary() },
    visibleAfterCommandMs: visible.summary(),
    baseline: { seconds: round(baselineSeconds), ticketsPerSecond: round(baselinePerSecond), latencyMs: baseline.summary() },
    ratio: {
      perTicket: round(baselinePerSecond / perSecond),
      latencyP50: round(create.percentile(50) / baseline.percentile(50)),
    },
  }
  const targets = {
    ticketsPerSecond: {
      target: `≥ ${TARGETS.ticketsPerSecond}`,
      measured: result.create.ticketsPerSecond,
      met: perSecond >= TARGETS.ticketsPerSecond,
    },
    ratio: { target: `≤ ${TARGETS.ratio}x`, measured: result.ratio.perTicket, met: result.ratio.perTicket <= TARGETS.ratio },
    visibleP99Ms: {
      target: `< ${TARGETS.visibleP99Ms}`,
      measured: result.visibleAfterCommandMs.p99,
      met: result.visibleAfterCommandMs.p99 < TARGETS.visibleP99Ms,
    },
  }

  const rows: [string, string][] = [
    ['Tickets created', `${created} of ${settings.tickets} in ${result.create.seconds} s`],
    ['Tickets/s (API)', String(result.create.ticketsPerSecond)],
    ['Create latency p50/p95/p99', ms(create, 50, 95, 99)],
    ['Reply latency p50/p95/p99', ms(message, 50, 95, 99)],
    ['Status latency p50/p95/p99', ms(status, 50, 95, 99)],
    ['2xx → visible in GET p50/p99', ms(visible, 50, 99)],
    ['Baseline tickets/s (Prisma)', String(result.baseline.ticketsPerSecond)],
    ['Baseline latency p50/p95/p99', ms(baseline, 50, 95, 99)],
    ['API time per ticket vs baseline', `${result.ratio.perTicket}x (p50 latency ${result.ratio.latencyP50}x)`],
    ['Failures', `create ${create.failures}, reply ${message.failures}, status ${status.failures}`],
  ]
  console.log('')
  const width = Math.max(...rows.map(([label]) => label.length))
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
  console.log('')
  for (const [name, target] of Object.entries(targets))
    console.log(`  ${target.met ? '✓' : '✗'} ${name}: ${target.measured} (target ${target.target})`)

  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `${result.at.replace(/[:.]/g, '-')}.json`)
  await writeFile(file, `${JSON.stringify({ ...result, targets }, null, 2)}\n`)
  console.log(`\nResults written to ${path.relative(process.cwd(), file)}`)
  const errors = { ...create.errors, ...message.errors, ...status.errors }
  if (Object.keys(errors).length) console.log(`Errors: ${JSON.stringify(errors)}`)
}

function round(n: number) {
  return Math.round(n * 10) / 10
}

function ms(latencies: Latencies, ...percentiles: number[]) {
  return `${percentiles.map((p) => latencies.percentile(p).toFixed(1)).join(' / ')} ms`
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
