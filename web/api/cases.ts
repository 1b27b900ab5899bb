/**
 * Cases over HTTP: listing and reading an organisation's cases, their status and
 * statutory timeline (from PostgreSQL: what the case workflow saved), and the
 * case system reporting that a case closed.
 */
import { z } from 'zod'
import { closeCaseByReference } from '../../services/case-commands.server.ts'
import { listCases } from '../../services/case-reads.server.ts'
import { readCaseTimeline } from '../../services/case-timeline.server.ts'
import { CaseEnvelope, CaseListSchema, ListCasesQuery } from './case-schemas.ts'
import { ApiError, notFound } from './errors.ts'
import { defineRoute, type ApiContext, type ApiLink } from './route.ts'
import { CaseClosedSchema, CaseRefParams } from './schemas.ts'
import { staffMember, ticketLinks, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'

const caseRowSelect = {
  id: true,
  orgId: true,
  caseRef: true,
  number: true,
  status: true,
  childName: true,
  advocateId: true,
  openedAt: true,
  closedAt: true,
  lastActivityAt: true,
  overdueActions: true,
  family: { select: { email: true, name: true } },
  advocate: { select: { email: true, name: true } },
  tickets: { orderBy: { number: 'asc' }, select: { number: true } },
} as const

export async function findCase(ctx: ApiContext, caseRef: string) {
  const row = await ctx.db.case.findUnique({ where: { orgId_caseRef: { orgId: ctx.principal.orgId, caseRef } }, select: caseRowSelect })
  if (!row) throw notFound('Case')
  return row
}

export type CaseRow = Awaited<ReturnType<typeof findCase>>

export async function presentCase(ctx: ApiContext, row: CaseRow) {
  const timeline = await readCaseTimeline(ctx, row.id)
  return {
    ...summaryOf(row),
    stages: timeline?.stages ?? {},
    deadlines: (timeline?.deadlines ?? []).map(({ from: _from, length: _length, ...deadline }) => deadline),
    tickets: row.tickets.map((ticket) => ticket.number),
  }
}

function summaryOf(row: Omit<CaseRow, 'tickets' | 'id' | 'orgId' | 'advocateId'>) {
  return {
    caseRef: row.caseRef,
    number: row.number,
    status: row.status,
    family: row.family,
    childName: row.childName,
    advocate: row.advocate,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    lastActivityAt: row.lastActivityAt.toISOString(),
    overdueActions: row.overdueActions,
  }
}

/** From an answer carrying a case, to every operation on it. */
export function caseLinks(caseRef = '/case/caseRef'): Record<string, ApiLink> {
  const operations = {
    GetCase: 'getCase',
    CloseCase: 'closeCase',
    SetCaseStatus: 'setCaseStatus',
    ReopenCase: 'reopenCase',
    ListCaseActions: 'listCaseActions',
    AddCaseAction: 'addCaseAction',
    RecordCaseStage: 'recordCaseStage',
    RecordDeadlineException: 'recordDeadlineException',
    ListCaseCovers: 'listCaseCovers',
    AddCaseCover: 'addCaseCover',
  }
  return Object.fromEntries(
    Object.entries(operations).map(([name, operationId]) => [
      name,
      {
        operationId,
        description: `The case’s \`caseRef\` is the \`caseRef\` of ${operationId}.`,
        parameters: { caseRef: `$response.body#${caseRef}` },
      },
    ]),
  )
}

const listCasesRoute = defineRoute({
  method: 'get',
  path: '/cases',
  operationId: 'listCases',
  tag: 'Cases',
  summary: 'List the organisation’s cases',
  description:
    'Most recently active first, in keyset pages: pass `nextCursor` as `cursor` for the next. A cursor that is not one of ours starts from the first page.',
  query: ListCasesQuery,
  responses: { 200: { description: 'A page of cases.', schema: CaseListSchema } },
  links: { 200: caseLinks('/cases/0/caseRef') },
  errors: { 400: ['invalid_request'], 422: ['unprocessable'] },
  async handle(ctx, { query }) {
    const advocate = query.advocate ? await staffMember(ctx, query.advocate, 'query.advocate') : null
    const page = await listCases(ctx, {
      orgId: ctx.principal.orgId,
      advocateId: advocate?.id ?? null,
      status: query.status,
      after: query.cursor ?? null,
      limit: query.limit,
    })
    const rows = await ctx.db.case.findMany({ where: { id: { in: page.cases.map((row) => row.id) } }, select: caseRowSelect })
    const byId = new Map(rows.map((row) => [row.id, row]))
    return {
      status: 200,
      body: { cases: page.cases.flatMap((kase) => (byId.has(kase.id) ? [summaryOf(byId.get(kase.id)!)] : [])), nextCursor: page.next },
    }
  },
})

const getCaseRoute = defineRoute({
  method: 'get',
  path: '/cases/{caseRef}',
  operationId: 'getCase',
  tag: 'Cases',
  summary: 'Read a case, with its statutory timeline',
  description:
    'The case as its workflow last saved it: status, stage dates and the LA deadlines that follow (due, met, overdue, ended or exception).',
  params: CaseRefParams,
  responses: { 200: { description: 'The case.', schema: CaseEnvelope } },
  links: { 200: { ...caseLinks(), ...ticketLinks('/case/tickets/0') } },
  errors: { 400: ['invalid_request', 'invalid_json'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    return { status: 200, body: { case: await presentCase(ctx, await findCase(ctx, params.caseRef)) } }
  },
})

const closeCaseRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/close',
  operationId: 'closeCase',
  tag: 'Cases',
  summary: 'Report that a case was closed',
  description:
    'The case is closed through its workflow, and every open ticket linked to it is resolved ("case closed") and its ' +
    'family told. The closure is recorded by each ticket’s workflow before this answers, and applied moments later. ' +
    'An unknown or already closed case answers with an empty list. Repeating it is harmless.',
  params: CaseRefParams,
  body: z.strictObject({}),
  bodyOptional: true,
  responses: { 202: { description: 'The tickets the closure was sent to.', schema: CaseClosedSchema } },
  links: { 202: ticketLinks('/resolved/0') },
  errors: { 400: ['invalid_request', 'invalid_json'], 415: ['unsupported_media_type'], 503: ['unavailable'] },
  async handle(ctx, { params }) {
    const result = await closeCaseByReference(ctx, { orgId: ctx.principal.orgId, caseRef: params.caseRef })
    if (result.status === 'applied') return { status: 202, body: { resolved: result.value } }
    // Not confirmed in time, or refused for a reason that is not the caller's: asking again is safe.
    throw new ApiError(503, 'unavailable', result.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  },
})

export const caseRoutes = [listCasesRoute, getCaseRoute, closeCaseRoute]
