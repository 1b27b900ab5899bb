/**
 * Cases over HTTP: opening one (idempotently), listing and reading an
 * organisation's cases, their status and statutory timeline (from PostgreSQL:
 * what the case workflow saved), and the case system reporting that a case closed.
 */
import { z } from 'zod'
import { closeCaseByReference } from '../../services/case-commands.server.ts'
import { listCases } from '../../services/case-reads.server.ts'
import { readCaseTimeline } from '../../services/case-timeline.server.ts'
import { openRequestedCase } from '../../services/cases.server.ts'
import { CaseEnvelope, CaseListSchema, CreateCaseBody, ListCasesQuery } from './case-schemas.ts'
import { ApiError, notFound } from './errors.ts'
import { idempotently } from './idempotency.ts'
import { defineRoute, type ApiAnswer, type ApiContext, type ApiLink } from './route.ts'
import { CaseClosedSchema, CaseRefParams } from './schemas.ts'
import { keyCreator, staffMember, ticketLinks, unprocessable, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'

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

/** The family of this organisation with this email address; 422 for anyone else. */
async function familyMember(ctx: ApiContext, email: string): Promise<{ id: string }> {
  const member = await ctx.db.membership.findFirst({
    where: { orgId: ctx.principal.orgId, role: 'family', user: { email } },
    select: { userId: true },
  })
  if (!member) throw unprocessable('body.family.email', `${email} is not a family of this organisation.`)
  return { id: member.userId }
}

async function caseAnswer(ctx: ApiContext, caseRef: string, status: number): Promise<ApiAnswer> {
  return { status, body: { case: await presentCase(ctx, await findCase(ctx, caseRef)) } }
}

const createCaseRoute = defineRoute({
  method: 'post',
  path: '/cases',
  operationId: 'createCase',
  tag: 'Cases',
  summary: 'Open a case for a family',
  description:
    'Opens the case in its advocate’s name and starts its workflow; its tickets join it by its `caseRef`. ' +
    'A member of staff opens cases in their own name; an admin for any advocate. An advocate at their capacity of active cases ' +
    'is refused with 409 `at_capacity`, unless an admin `actor` sends `override: true` (recorded in the audit trail). ' +
    'Send an `Idempotency-Key` header (a UUID) to retry safely: the same key and body answer with the same case ' +
    '(`Idempotent-Replayed: true`) and never open a second one, even when retries run at the same time; ' +
    'the same key with a different body is refused with 422.',
  body: CreateCaseBody,
  idempotent: true,
  responses: { 201: { description: 'The new case (or, for a repeated Idempotency-Key, the case it opened).', schema: CaseEnvelope } },
  links: { 201: caseLinks() },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    403: ['forbidden'],
    409: ['at_capacity', 'idempotency_in_progress'],
    415: ['unsupported_media_type'],
    422: ['unprocessable', 'idempotency_key_reused'],
  },
  async handle(ctx, { body, rawBody, header }) {
    const actor = body.actor ? await staffMember(ctx, body.actor.email, 'body.actor.email') : await keyCreator(ctx)
    if (!actor)
      throw unprocessable(
        'body.actor',
        'Say which member of staff opens the case in `actor.email`: this API key was not created by a member of staff.',
      )
    const advocate = body.advocate ? await staffMember(ctx, body.advocate.email, 'body.advocate.email') : actor
    if (advocate.id !== actor.id && actor.role !== 'admin')
      throw new ApiError(403, 'forbidden', 'Only an admin can open a case in another advocate’s name.')
    const family = await familyMember(ctx, body.family.email)
    return idempotently(ctx, {
      kind: 'case',
      operation: 'createCase',
      rawBody,
      header,
      create: async (record) => {
        const opened = await openRequestedCase(ctx, {
          orgId: ctx.principal.orgId,
          familyId: family.id,
          childName: body.childName ?? null,
          advocateId: advocate.id,
          caseRef: body.caseRef,
          actorId: actor.id,
          override: body.override ?? false,
          via: 'api',
          inTransaction: (tx, kase) => record(tx, { caseId: kase.id, caseRef: kase.caseRef }),
        })
        if (opened.status === 'refused' && opened.code === 'at_capacity') throw new ApiError(409, 'at_capacity', opened.message)
        if (opened.status === 'refused') throw unprocessable('body.caseRef', opened.message)
        return caseAnswer(ctx, opened.case.caseRef, 201)
      },
      replay: (kase) => caseAnswer(ctx, kase.caseRef, 201),
    })
  },
})

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

export const caseRoutes = [createCaseRoute, listCasesRoute, getCaseRoute, closeCaseRoute]
