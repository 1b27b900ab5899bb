/**
 * The queue's search at 100,000 tickets and 1,000,000 messages, against a
 * running stack's database (DATABASE_URL, default the local stack's):
 *
 *   1. setup     an organisation of its own with bench/case-data.ts's team at
 *                scale and ten messages per ticket (one in five an internal
 *                note), in words some of which every ticket has, some a tenth
 *                of tickets, and one only a hundred messages
 *   2. measure   queuePage, the staff queue's two statements, for each search,
 *                as an admin (every ticket), BENCH_ROUNDS times each: p50, p95
 *   3. baseline  in the same process, the same page with no search: each
 *                search's ratio is its p50 over the baseline's
 *
 * Prints a table; writes the numbers to bench/results/search-<timestamp>.json.
 * Run: node --import tsx bench/search.ts (BENCH_KEEP=1 keeps the organisation; BENCH_ORG=<its slug> measures it again)
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDb } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { databaseUrlOf } from '../scripts/lib/local-database.ts'
import { parseQueueQuery, queuePage } from '../services/queue.server.ts'
import { organisationAtScale, SCALE } from './case-data.ts'
import { time } from './timing.ts'

const env = parseEnv()
const rounds = Number(process.env.BENCH_ROUNDS ?? 20)
const db = createDb(databaseUrlOf(env), { max: 2 })
const MESSAGES_PER_TICKET = 10

/** Ten messages on each of the organisation's tickets, a tenth of them per statement so progress shows. */
async function insertMessages(orgId: string) {
  const words = [
    'annual review',
    'speech therapy',
    'transport',
    'tribunal',
    'occupational therapy',
    'draft plan',
    'school place',
    'respite',
    'appeal',
    'placement',
  ]
  for (let g = 1; g <= MESSAGES_PER_TICKET; g++) {
    const started = performance.now()
    await db.$executeRaw`
      INSERT INTO "Message" (id, "ticketId", "authorId", body, visibility, "createdAt", "recordedAt")
      SELECT gen_random_uuid(), t.id, t."requesterId",
             'We wrote to the council about the school again. This is about ' || (${words}::text[])[1 + t.number % 10]
               || ' for message ' || ${g} || ' of ticket ' || t.number
               || CASE WHEN (t.number * 10 + ${g}) % 10000 = 0 THEN ' and the xylophone lessons' ELSE '' END || '.',
             (CASE WHEN ${g} % 5 = 0 THEN 'internal' ELSE 'public' END)::"Visibility",
             timestamp '2026-01-01' + (t.number || ' minutes')::interval + (${g} || ' seconds')::interval, now()
      FROM "Ticket" t WHERE t."orgId" = ${orgId}::uuid`
    console.log(
      `  messages ${g * SCALE.tickets} of ${MESSAGES_PER_TICKET * SCALE.tickets} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    )
  }
  for (const table of ['Message', 'TicketSearch', 'Ticket']) await db.$executeRawUnsafe(`VACUUM ANALYZE "${table}"`)
}

/** An organisation of its own at scale; answers its id and its admin's. */
async function setup(): Promise<{ orgId: string; adminId: string }> {
  console.log(`setup: ${SCALE.tickets} tickets, ${MESSAGES_PER_TICKET * SCALE.tickets} messages in an organisation of its own…`)
  const { org, adminId } = await organisationAtScale(db)
  console.log(`  organisation ${org.slug}`)
  await insertMessages(org.id)
  return { orgId: org.id, adminId }
}

/** BENCH_ORG=<slug>: measure an organisation a BENCH_KEEP=1 run left, without setting it up again. */
async function kept(slug: string): Promise<{ orgId: string; adminId: string }> {
  const org = await db.organisation.findUniqueOrThrow({ where: { slug }, select: { id: true } })
  const admin = await db.membership.findFirstOrThrow({ where: { orgId: org.id, role: 'admin' }, select: { userId: true } })
  return { orgId: org.id, adminId: admin.userId }
}

async function main() {
  const { orgId, adminId } = process.env.BENCH_ORG ? await kept(process.env.BENCH_ORG) : await setup()
  const page = (q: string) =>
    queuePage({ db }, { orgId, userId: adminId, scope: { kind: 'all' }, query: parseQueueQuery(new URLSearchParams({ q })) })
  const baseline = await time(rounds, () => page(''))
  const searches: [string, string][] = [
    ['a word in every message', 'council'],
    ['a word in a tenth of tickets', 'respite'],
    ['two words, a tenth of tickets', 'speech therapy'],
    ['a word’s beginning', 'occupa'],
    ['a word in 100 messages', 'xylophone'],
    ['a family’s name', 'family 7'],
    ['no match', 'zebracrossing'],
    ['a ticket number', '#4242'],
  ]
  const results = []
  for (const [name, q] of searches) {
    const found = await page(q)
    const timing = await time(rounds, () => page(q))
    results.push({ name, q, matches: found.counts.open, ...timing, ratio: timing.p50 / baseline.p50 })
  }
  const ms = (n: number) => `${n.toFixed(1)} ms`
  console.log(`\nbaseline (the same page, no search): p50 ${ms(baseline.p50)}, p95 ${ms(baseline.p95)}\n`)
  console.log('| Search | Matching tickets | p50 / p95 | Ratio |')
  console.log('| --- | --- | --- | --- |')
  for (const r of results) console.log(`| ${r.name} (“${r.q}”) | ${r.matches} | ${ms(r.p50)} / ${ms(r.p95)} | ${r.ratio.toFixed(1)}× |`)
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, `search-${Date.now()}.json`), JSON.stringify({ scale: SCALE, rounds, baseline, results }, null, 2))
  // BENCH_KEEP=1 leaves the organisation in place, to read the plans (EXPLAIN) afterwards.
  if (!process.env.BENCH_KEEP && !process.env.BENCH_ORG) await db.organisation.delete({ where: { id: orgId } })
}

try {
  await main()
} finally {
  await db.$disconnect()
}
