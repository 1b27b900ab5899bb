/**
 * The team dashboard at 100,000 tickets and 20,000 cases: a deep page of every
 * filter (none, an advocate, a status, overdue only, LA overdue only, no
 * activity for N days) is read through its index, never by scanning the Case
 * table. The plans are of the very query listCases sends, caught from a Prisma
 * client of its own.
 */
import { randomUUID } from 'node:crypto'
import { PrismaPg } from '@prisma/adapter-pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertTeamAtScale } from '../../bench/case-data.ts'
import { PrismaClient } from '../../generated/prisma/client.ts'
import { listCases, type CaseListInput } from '../../services/case-reads.server.ts'
import { createTestOrganisation } from '../support/fixtures.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let watched: PrismaClient
const sent: { query: string; params: string }[] = []
let orgId: string
let advocateId: string

beforeAll(async () => {
  stack = await connectToStack()
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: stack.stack.databaseUrl, max: 2 }),
    log: [{ emit: 'event', level: 'query' }],
  })
  client.$on('query', (event) => sent.push({ query: event.query, params: event.params }))
  watched = client
  const people = await createTestOrganisation(stack.db)
  orgId = people.org.id
  advocateId = people.advocate.id
  const families = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      stack.db.user.create({ data: { email: `scale-${i}-${randomUUID()}@test.example`, name: `Family ${i}` }, select: { id: true } }),
    ),
  )
  const familyIds = families.map((f) => f.id)
  const departmentId = (await stack.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { defaultDepartmentId: true } }))
    .defaultDepartmentId!
  await insertTeamAtScale(stack.db, { orgId, familyIds, advocateIds: [advocateId, people.admin.id], departmentId })
}, 300_000)
afterAll(async () => {
  await watched?.$disconnect()
  await stack?.close()
})

/** Walks `pages` pages of the list, then explains the Case query of the next one. */
async function plan(filters: Partial<CaseListInput>, pages = 20) {
  const ctx = { ...stack.context, db: watched }
  const input: CaseListInput = { orgId, advocateId: null, ...filters }
  let after: string | null = null
  for (let i = 0; i < pages; i++) after = (await listCases(ctx, { ...input, after })).next
  sent.length = 0
  const page = await listCases(ctx, { ...input, after })
  const caseQuery = sent.find((q) => /FROM "public"\."Case"/.test(q.query))!
  const params = JSON.parse(caseQuery.params) as unknown[]
  const lines = await stack.db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, COSTS OFF) ${caseQuery.query}`, ...params)
  const text = lines.map((l) => l['QUERY PLAN']).join('\n')
  return { text, rows: page.cases.length }
}

describe('the team dashboard at 100,000 tickets and 20,000 cases', () => {
  it.each<[string, Partial<CaseListInput>, RegExp]>([
    ['every case', { status: undefined }, /Case_orgId_lastActivityAt_number_idx/],
    ['open cases', { status: 'open' }, /Case_orgId_lastActivityAt_number_idx/],
    ['one advocate', { advocateId: 'ADVOCATE', status: 'open' }, /Case_orgId_advocateId_lastActivityAt_number_idx/],
    ['one status', { status: 'draft_plan' }, /Case_orgId_status_lastActivityAt_number_idx/],
    ['overdue only', { overdueOnly: true, status: 'open' }, /Case_orgId_hasOverdue_lastActivityAt_number_idx/],
    ['LA overdue only', { laOverdueOnly: true, status: 'open' }, /Case_orgId_laOverdue_lastActivityAt_number_idx/],
    ['no activity since a date', { quietSince: new Date('2026-01-05'), status: 'open' }, /Case_orgId_lastActivityAt_number_idx/],
  ])('reads a deep page of %s through its index, without scanning the table', async (_, filters, index) => {
    const { text, rows } = await plan({ ...filters, ...(filters.advocateId === 'ADVOCATE' && { advocateId }) }, 5)
    expect(rows).toBe(50)
    expect(text).toMatch(index)
    expect(text).not.toMatch(/Seq Scan on "Case"/)
  })
})
