/**
 * Bulk changes at 500 tickets, against a running stack (npm start: its
 * database, Temporal and worker; DATABASE_URL and TEMPORAL_ADDRESS as it set them):
 *
 *   1. setup     an organisation of its own with an admin, a family and
 *                BENCH_TICKETS tickets (default 500) made through their workflows
 *   2. start     startBulkChange for all of them (priority High): how long the
 *                caller waits for its answer, the job's id, BENCH_ROUNDS times
 *                on a tag change too (p50, p95)
 *   3. bulk      from the start until the job is finished (its workflow
 *                changes BULK_CONCURRENCY at a time through the worker)
 *   4. baseline  in the same process, the same change one by one (priority Low),
 *                as the ticket page sends it: changePriority, awaited in turn
 *
 * Prints a table; writes the numbers to bench/results/bulk-<timestamp>.json.
 * Run: node --import tsx bench/bulk.ts. The organisation stays (the timed tag jobs
 * run on after it ends): remove it from the admin CLI once they are done.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client, Connection } from '@temporalio/client'
import { createDb } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { createLogger } from '../lib/log.ts'
import { temporalConnectionOptions } from '../lib/temporal.ts'
import { databaseUrlOf } from '../scripts/lib/local-database.ts'
import { createOrganisation, createUser } from '../services/accounts.server.ts'
import { startBulkChange } from '../services/bulk-changes.server.ts'
import type { ServiceContext } from '../services/context.ts'
import { changePriority } from '../services/ticket-commands.server.ts'
import { createTicket } from '../services/ticket-creation.server.ts'
import { time } from './timing.ts'

const env = parseEnv()
const TICKETS = Number(process.env.BENCH_TICKETS ?? 500)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)

async function main(ctx: ServiceContext) {
  const suffix = Date.now().toString(36)
  const org = await createOrganisation(ctx.db, { slug: `bench-bulk-${suffix}`, name: `Bench bulk ${suffix}` })
  const person = async (role: 'admin' | 'family', name: string) =>
    (await createUser(ctx.db, { orgSlug: org.slug, role, name, email: `${role}-${suffix}@bench.example`, password: 'bench-bulk-2026' }))
      .user
  const [admin, family] = [await person('admin', 'Bench Admin'), await person('family', 'Bench Family')]
  console.log(`setup: ${TICKETS} tickets in ${org.slug}…`)
  const tickets = []
  for (let i = 1; i <= TICKETS; i++)
    tickets.push(await createTicket(ctx, { orgId: org.id, requesterId: family.id, subject: `Bench ${i}`, type: 'ehcp', body: 'Bench.' }))
  const numbers = tickets.map((t) => t.number)

  const startedAt = performance.now()
  const started = await startBulkChange(ctx, {
    orgId: org.id,
    actor: admin,
    ticketNumbers: numbers,
    action: { kind: 'priority', priority: 'high' },
    via: 'api',
  })
  const answerMs = performance.now() - startedAt
  if (started.status !== 'started') throw new Error(`the bulk change did not start: ${started.status}`)
  for (;;) {
    const job = await ctx.db.bulkJob.findUniqueOrThrow({ where: { id: started.jobId } })
    if (job.state === 'finished') {
      if (job.succeeded !== TICKETS) console.warn(`  ${job.succeeded} succeeded, ${job.refused} refused, ${job.failed} failed`)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const bulkMs = performance.now() - startedAt

  // More starts to time the answer, each a tag change of every ticket (they run on meanwhile).
  let tag = 0
  const starts = await time(rounds, () =>
    startBulkChange(ctx, {
      orgId: org.id,
      actor: admin,
      ticketNumbers: numbers,
      action: { kind: 'tag', name: `Bench ${++tag}` },
      via: 'api',
    }),
  )

  const oneByOneAt = performance.now()
  for (const ticket of tickets) await changePriority(ctx, { ticket, actor: admin, priority: 'low' })
  const oneByOneMs = performance.now() - oneByOneAt

  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  console.log(`\n| ${TICKETS} tickets, priority | Time | Tickets/s |`)
  console.log('| --- | --- | --- |')
  console.log(`| Bulk job (start to finished) | ${s(bulkMs)} | ${(TICKETS / (bulkMs / 1000)).toFixed(0)} |`)
  console.log(`| One by one, awaited in turn | ${s(oneByOneMs)} | ${(TICKETS / (oneByOneMs / 1000)).toFixed(0)} |`)
  console.log(
    `\nThe start answered in ${answerMs.toFixed(0)} ms; over ${rounds} more starts p50 ${starts.p50.toFixed(0)} ms, p95 ${starts.p95.toFixed(0)} ms.`,
  )
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  await mkdir(dir, { recursive: true })
  await writeFile(
    path.join(dir, `bulk-${Date.now()}.json`),
    JSON.stringify({ tickets: TICKETS, rounds, bulkMs, oneByOneMs, firstStartMs: answerMs, starts }, null, 2),
  )
  if (!process.env.BENCH_KEEP)
    console.log(`(the organisation ${org.slug} stays: its tag jobs may still be running; remove it when they are done)`)
}

const db = createDb(databaseUrlOf(env), { max: 8 })
const connection = await Connection.connect(await temporalConnectionOptions(env))
try {
  await main({ db, temporal: new Client({ connection, namespace: env.TEMPORAL_NAMESPACE }), env, log: createLogger('bench-bulk', 'warn') })
} finally {
  await connection.close()
  await db.$disconnect()
}
