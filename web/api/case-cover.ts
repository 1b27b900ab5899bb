/**
 * Cover on a case over HTTP: listing its cover (active and past), adding a
 * colleague as cover while its advocate is away, and ending a cover. Plain
 * records written by services/case-cover.server.ts with their audit records,
 * as the case's Team tab writes them; no workflow is asked. Adding is
 * idempotent by person: someone who covers the case already is answered with
 * their cover (200), unchanged. Only an admin `actor` adds or ends cover.
 */
import { addCaseCover, caseCovers, endCaseCover, type CoverRefusalCode, type CoverResult } from '../../services/case-cover.server.ts'
import { ActorBody, AddCaseCoverBody, CaseCoverEnvelope, CaseCoverListSchema, CaseCoverParams } from './case-schemas.ts'
import { caseActor } from './case-commands.ts'
import { findCase, type CaseRow } from './cases.ts'
import { ApiError, notFound, type ErrorCode } from './errors.ts'
import { defineRoute, type ApiContext, type ApiLink } from './route.ts'
import { CaseRefParams } from './schemas.ts'
import { staffMember } from './ticket-steps.ts'

type Person = { name: string; email: string } | null

async function presentCovers(ctx: ApiContext, row: CaseRow) {
  const covers = await caseCovers(ctx.db, { caseId: row.id })
  const person = (p: Person) => (p ? { email: p.email, name: p.name } : null)
  return covers.map((c) => ({
    id: c.id,
    advocate: { email: c.advocate.email, name: c.advocate.name },
    startsOn: c.startsOn,
    endsOn: c.endsOn,
    active: c.active,
    endedAt: c.endedAt?.toISOString() ?? null,
    addedBy: person(c.addedBy),
    endedBy: person(c.endedBy),
    createdAt: c.createdAt.toISOString(),
  }))
}

async function presentCover(ctx: ApiContext, row: CaseRow, coverId: string) {
  const cover = (await presentCovers(ctx, row)).find((c) => c.id === coverId)
  if (!cover) throw notFound('Cover')
  return cover
}

const REFUSAL_ANSWERS: Record<CoverRefusalCode, { status: number; code: ErrorCode }> = {
  not_admin: { status: 403, code: 'forbidden' },
  case_closed: { status: 409, code: 'case_closed' },
  invalid_input: { status: 422, code: 'unprocessable' },
}

function refusedOrMissing(result: Exclude<CoverResult, { status: 'done' | 'exists' }>, what: string): ApiError {
  if (result.status === 'not_found') return notFound(what)
  const answer = REFUSAL_ANSWERS[result.code]
  return new ApiError(answer.status, answer.code, result.message)
}

const endLink: Record<string, ApiLink> = {
  EndCaseCover: {
    operationId: 'endCaseCover',
    description: 'The cover just answered, ended by hand.',
    parameters: { caseRef: '$request.path.caseRef', coverId: '$response.body#/cover/id' },
  },
}

const listCaseCoversRoute = defineRoute({
  method: 'get',
  path: '/cases/{caseRef}/cover',
  operationId: 'listCaseCovers',
  tag: 'Cases',
  summary: 'List a case’s cover',
  description: 'Everyone who covers or covered the case, active first; `active` says who covers it today.',
  params: CaseRefParams,
  responses: { 200: { description: 'The case’s cover, active and past.', schema: CaseCoverListSchema } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findCase(ctx, params.caseRef)
    return { status: 200, body: { covers: await presentCovers(ctx, row) } }
  },
})

const addCaseCoverRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/cover',
  operationId: 'addCaseCover',
  tag: 'Cases',
  summary: 'Add cover to a case',
  description:
    'From today, a colleague sees the case and its tickets, replies and adds notes while its advocate is away, but does not ' +
    'change its status, close, reopen or reassign it. Idempotent by person: someone who covers the case already is ' +
    'answered with their cover (200), unchanged; end it first to give other dates. The `actor` must be an admin (403); ' +
    'the cover a member of staff who is not the case’s advocate, and the end date today or later (422). 409 `case_closed` for a closed case.',
  params: CaseRefParams,
  body: AddCaseCoverBody,
  responses: {
    200: { description: 'They covered the case already: their cover, unchanged.', schema: CaseCoverEnvelope },
    201: { description: 'The cover is added.', schema: CaseCoverEnvelope },
  },
  links: { 200: endLink, 201: endLink },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    403: ['forbidden'],
    404: ['not_found'],
    409: ['case_closed'],
    415: ['unsupported_media_type'],
    422: ['unprocessable'],
  },
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    const advocate = await staffMember(ctx, body.advocate.email, 'body.advocate.email')
    const added = await addCaseCover(ctx.db, {
      orgId: row.orgId,
      caseId: row.id,
      actor,
      via: 'api',
      advocateId: advocate.id,
      endsOn: body.endsOn ?? null,
    })
    if (added.status !== 'done' && added.status !== 'exists') throw refusedOrMissing(added, 'Case')
    return { status: added.status === 'done' ? 201 : 200, body: { cover: await presentCover(ctx, row, added.id) } }
  },
})

const endCaseCoverRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/cover/{coverId}/end',
  operationId: 'endCaseCover',
  tag: 'Cases',
  summary: 'End a cover',
  description:
    'From now: the colleague no longer sees the case through it. Repeating it, or ending a cover that has ended, changes nothing. ' +
    'The `actor` must be an admin (403). Another case’s cover is not there (404).',
  params: CaseCoverParams,
  body: ActorBody,
  bodyOptional: true,
  responses: { 200: { description: 'The cover afterwards.', schema: CaseCoverEnvelope } },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    403: ['forbidden'],
    404: ['not_found'],
    415: ['unsupported_media_type'],
    422: ['unprocessable'],
  },
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    const ended = await endCaseCover(ctx.db, { orgId: row.orgId, caseId: row.id, coverId: params.coverId, actor, via: 'api' })
    if (ended.status !== 'done' && ended.status !== 'exists') throw refusedOrMissing(ended, 'Cover')
    return { status: 200, body: { cover: await presentCover(ctx, row, ended.id) } }
  },
})

export const caseCoverRoutes = [listCaseCoversRoute, addCaseCoverRoute, endCaseCoverRoute]
