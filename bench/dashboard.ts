/**
 * The team dashboard's reads at 100,000 tickets and 20,000 cases, against a
 * running stack's database (DATABASE_URL, default the local stack's):
 *
 *   1. setup     an organisation of its own with bench/case-data.ts's team at scale
 *   2. measure   listCases, the dashboard's one query, for its first page and for
 *                a deep page (BENCH_DEPTH pages in) of each filter, BENCH_ROUNDS
 *                times each: p50 and p95
 *   3. baseline  in the same process, the cheapest read of a page of 50 cases
 *                (their ids, in the dashboard's order, no filter): each filter's
 *                ratio is its p50 over the baseline's
 *
 * Prints a table; writes the numbers to bench/results/dashboard-<timestamp>.json.
 * Run: node --import tsx bench/dashboard.ts
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDb } from '../lib/db.ts'
import { parseEnv } from '../lib/env.ts'
import { databaseUrlOf } from '../scripts/lib/local-database.ts'
import { listCases, type CaseListInput } from '../services/case-reads.server.ts'
import type { ServiceContext } from '../services/context.ts'
import { organisationAtScale, SCALE } from './case-data.ts'
import { time } from './timing.ts'

const env = parseEnv()
const rounds = Number(process.env.BENCH_ROUNDS ?? 30)
const depth = Number(process.env.BENCH_DEPTH ?? 20)
const db = createDb(databaseUrlOf(env), { max: 2 })
// listCases reads the database only.
const ctx = { db } as unknown as ServiceContext

async function main() {
  console.log(`setup: ${SCALE.tickets} tickets, ${SCALE.cases} cases in an organisation of its own…`)
  const { org, advocateId: advocate } = await organisationAtScale(db)

  const baseline = await time(rounds, () =>
    db.case.findMany({
      where: { orgId: org.id },
      orderBy: [{ lastActivityAt: 'desc' }, { number: 'desc' }],
      take: 51,
      select: { id: true },
    }),
  )
  const filters: [string, Partial<CaseListInput>][] = [
    ['open cases (the landing page)', { status: 'open' }],
    ['one advocate', { advocateId: advocate, status: 'open' }],
    ['one status', { status: 'draft_plan' }],
    ['overdue only', { overdueOnly: true, status: 'open' }],
    ['LA overdue only', { laOverdueOnly: true, status: 'open' }],
    ['no activity for 7 days', { quietSince: new Date('2026-01-05'), status: 'open' }],
  ]
  const results = []
  for (const [name, filter] of filters) {
    const input: CaseListInput = { orgId: org.id, advocateId: null, ...filter }
    let after: string | null = null
    for (let i = 0; i < depth; i++) after = (await listCases(ctx, { ...input, after })).next
    const first = await time(rounds, () => listCases(ctx, input))
    const deep = await time(rounds, () => listCases(ctx, { ...input, after }))
    results.push({ name, first, deep, ratioFirst: first.p50 / baseline.p50, ratioDeep: deep.p50 / baseline.p50 })
  }
  const ms = (n: number) => `${n.toFixed(1)} ms`
  console.log(`\nbaseline (ids of one page, no filter): p50 ${ms(baseline.p50)}, p95 ${ms(baseline.p95)}\n`)
  console.log('| Filter | First page p50 / p95 | Page ' + (depth + 1) + ' p50 / p95 | Ratio first / deep |')
  console.log('| --- | --- | --- | --- |')
  for (const r of results)
    console.log(
      `| ${r.name} | ${ms(r.first.p50)} / ${ms(r.first.p95)} | ${ms(r.deep.p50)} / ${ms(r.deep.p95)} | ${r.ratioFirst.toFixed(1)}× / ${r.ratioDeep.toFixed(1)}× |`,
    )
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results')
  await mkdir(dir, { recursive: true })
  await writeFile(
    path.join(dir, `dashboard-${Date.now()}.json`),
    JSON.stringify({ scale: SCALE, rounds, depth, baseline, results }, null, 2),
  )
  await db.organisation.delete({ where: { id: org.id } })
}

try {
  await main()
} finally {
  await db.$disconnect()
}
