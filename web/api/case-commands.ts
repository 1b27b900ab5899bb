/**
 * Commands to one case over HTTP: its status, reopening, next actions and the
 * statutory timeline's stage dates and exceptions. Each calls the service the
 * case workspace calls, which sends the case workflow an update; its refusal
 * answers 409 or 422 with its code, or 403 `cover_only` to an actor who only
 * covers the case and would change where it stands. A person acting through
 * the key sees only the cases they would in the portal (their own as advocate
 * or cover, or all as admin): any other is not there (404).
 */
import { caseScope, maySeeCase, peopleWhoMaySeeCase } from '../../services/case-access.server.ts'
import {
  addCaseAction,
  changeCaseActionDue,
  completeCaseAction,
  reopenCase,
  reopenCaseAction,
  recordCaseStage,
  recordDeadlineException,
  setCaseStatus,
  type CaseCommandRefusalCode,
  type CaseCommandResult,
} from '../../services/case-commands.server.ts'
import {
  ActorBody,
  AddCaseActionBody,
  CaseActionListSchema,
  CaseActionParams,
  CaseEnvelope,
  ChangeCaseActionBody,
  PendingCaseEnvelope,
  RecordCaseStageBody,
  RecordDeadlineExceptionBody,
  SetCaseStatusBody,
} from './case-schemas.ts'
import { caseLinks, findCase, presentCase, type CaseRow } from './cases.ts'
import { ApiError, notFound, type ErrorCode } from './errors.ts'
import { idempotently } from './idempotency.ts'
import { defineRoute, type ApiAnswer, type ApiContext } from './route.ts'
import { CaseRefParams } from './schemas.ts'
import { keyCreator, staffMember, unprocessable, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'

/** Who acts: `actor`, else the key's creator; 404 when they may not see the case, as in the portal. */
export async function caseActor(ctx: ApiContext, row: CaseRow, actor: { email: string } | undefined): Promise<{ id: string }> {
  const found = actor ? await staffMember(ctx, actor.email, 'body.actor.email') : await keyCreator(ctx)
  if (!found)
    throw unprocessable(
      'body.actor',
      'Say which member of staff makes this change in `actor.email`: this API key was not created by a member of staff.',
    )
  if (!maySeeCase(await caseScope(ctx.db, { orgId: row.orgId, userId: found.id }), row)) throw notFound('Case')
  return found
}

const REFUSAL_ANSWERS: Record<CaseCommandRefusalCode, { status: number; code: ErrorCode }> = {
  cover_only: { status: 403, code: 'cover_only' },
  case_closed: { status: 409, code: 'case_closed' },
  invalid_transition: { status: 409, code: 'invalid_transition' },
  no_change: { status: 409, code: 'no_change' },
  tickets_closed: { status: 409, code: 'invalid_transition' },
  invalid_input: { status: 422, code: 'unprocessable' },
  not_found: { status: 404, code: 'not_found' },
}

/** 200 with the case as its workflow saved it; 202 when it accepted but had not confirmed in time. */
async function caseAnswer(ctx: ApiContext, row: CaseRow, result: CaseCommandResult<unknown>): Promise<ApiAnswer> {
  switch (result.status) {
    case 'applied':
      return { status: 200, body: { case: await presentCase(ctx, await findCase(ctx, row.caseRef)) } }
    case 'pending':
      return { status: 202, body: { case: await presentCase(ctx, await findCase(ctx, row.caseRef)), message: result.message } }
    case 'refused': {
      const answer = REFUSAL_ANSWERS[result.code ?? 'invalid_transition']
      throw new ApiError(answer.status, answer.code, result.message)
    }
    case 'unavailable':
      throw new ApiError(503, 'unavailable', result.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
  }
}

const caseAnswers = {
  200: { description: 'The change reached the case; this is the case afterwards.', schema: CaseEnvelope },
  202: { description: 'The case accepted the change but did not confirm it in time; it will show shortly.', schema: PendingCaseEnvelope },
}
const caseAnswerLinks = { 200: caseLinks(), 202: caseLinks() }
const CASE_COMMAND_ERRORS = {
  400: ['invalid_request', 'invalid_json'],
  404: ['not_found'],
  409: ['case_closed', 'invalid_transition', 'no_change'],
  415: ['unsupported_media_type'],
  422: ['unprocessable'],
  503: ['unavailable'],
} as const

/** Status and reopening stay with the case's advocate and admins: an `actor` who only covers the case is refused. */
const COVER_REFUSED = { 403: ['cover_only'] } as const

/** The case's next action by id: another case's (or none) is not there. */
async function findAction(ctx: ApiContext, row: CaseRow, actionId: string): Promise<{ id: string }> {
  const action = await ctx.db.task.findFirst({ where: { id: actionId, caseId: row.id }, select: { id: true } })
  if (!action) throw notFound('Next action')
  return action
}

const setCaseStatusRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/status',
  operationId: 'setCaseStatus',
  tag: 'Cases',
  summary: 'Change a case’s status',
  description:
    'The same rules as the case workspace: only the moves the case allows now (409 `invalid_transition` with the reason otherwise); ' +
    'a case closes through closeCase. The `actor` must be the case’s advocate or an admin (404 for one who may not see it, ' +
    '403 `cover_only` for one who only covers it).',
  params: CaseRefParams,
  body: SetCaseStatusBody,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: { ...CASE_COMMAND_ERRORS, ...COVER_REFUSED },
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    return caseAnswer(ctx, row, await setCaseStatus(ctx, { case: row, actor, status: body.status }))
  },
})

const reopenCaseRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/reopen',
  operationId: 'reopenCase',
  tag: 'Cases',
  summary: 'Reopen a closed case',
  description:
    'Only while one of its tickets is not closed (409 otherwise), at the status it had before it closed. ' +
    'An `actor` who only covers the case is refused (403 `cover_only`).',
  params: CaseRefParams,
  body: ActorBody,
  bodyOptional: true,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: { ...CASE_COMMAND_ERRORS, ...COVER_REFUSED },
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    return caseAnswer(ctx, row, await reopenCase(ctx, { case: row, actor }))
  },
})

const listCaseActionsRoute = defineRoute({
  method: 'get',
  path: '/cases/{caseRef}/actions',
  operationId: 'listCaseActions',
  tag: 'Cases',
  summary: 'List a case’s next actions',
  params: CaseRefParams,
  responses: { 200: { description: 'The case’s next actions.', schema: CaseActionListSchema } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const row = await findCase(ctx, params.caseRef)
    const actions = await ctx.db.task.findMany({
      where: { caseId: row.id },
      orderBy: [{ doneAt: { sort: 'desc', nulls: 'first' } }, { dueAt: 'asc' }, { createdAt: 'asc' }],
      select: { id: true, title: true, dueAt: true, doneAt: true, overdue: true, owner: { select: { email: true, name: true } } },
    })
    return {
      status: 200,
      body: {
        actions: actions.map((a) => ({
          ...a,
          dueAt: a.dueAt?.toISOString() ?? null,
          doneAt: a.doneAt?.toISOString() ?? null,
          overdue: a.overdue && !a.doneAt,
        })),
      },
    }
  },
})

const addCaseActionRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/actions',
  operationId: 'addCaseAction',
  tag: 'Cases',
  summary: 'Add a next action to a case',
  description:
    'Its owner must be a member of staff who may see the case (422 otherwise). The answer is the case afterwards. ' +
    'Send an `Idempotency-Key` header (a UUID) to retry safely: the same key and body answer as the first request did ' +
    '(`Idempotent-Replayed: true`) and never add a second action; the same key with a different body, or for another case, is refused with 422.',
  params: CaseRefParams,
  body: AddCaseActionBody,
  idempotent: true,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: {
    ...CASE_COMMAND_ERRORS,
    409: [...CASE_COMMAND_ERRORS[409], 'idempotency_in_progress'],
    422: [...CASE_COMMAND_ERRORS[422], 'idempotency_key_reused'],
  },
  async handle(ctx, { params, body, rawBody, header }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    const owner = body.owner ? await staffMember(ctx, body.owner.email, 'body.owner.email') : null
    if (owner && !(await peopleWhoMaySeeCase(ctx.db, row)).some((person) => person.id === owner.id))
      throw unprocessable('body.owner.email', `${body.owner!.email} cannot see this case.`)
    const dueAt = body.dueAt ? new Date(body.dueAt) : null
    return idempotently(ctx, {
      kind: 'caseAction',
      operation: 'addCaseAction',
      params,
      rawBody,
      header,
      create: async (record) =>
        caseAnswer(
          ctx,
          row,
          await addCaseAction(ctx, {
            case: row,
            actor,
            title: body.title,
            ownerId: owner?.id ?? null,
            dueAt,
            inTransaction: (tx, action) => record(tx, { caseId: row.id, actionId: action.id }),
          }),
        ),
      replay: async () => ({ status: 200, body: { case: await presentCase(ctx, row) } }),
    })
  },
})

function actionRoute(verb: 'complete' | 'reopen') {
  const run = verb === 'complete' ? completeCaseAction : reopenCaseAction
  return defineRoute({
    method: 'post',
    path: `/cases/{caseRef}/actions/{actionId}/${verb}`,
    operationId: verb === 'complete' ? 'completeCaseAction' : 'reopenCaseAction',
    tag: 'Cases',
    summary: verb === 'complete' ? 'Mark a next action done' : 'Reopen a next action that was done',
    description: `409 \`no_change\` when it is ${verb === 'complete' ? 'already done' : 'not done'}.`,
    params: CaseActionParams,
    body: ActorBody,
    bodyOptional: true,
    responses: caseAnswers,
    links: caseAnswerLinks,
    errors: CASE_COMMAND_ERRORS,
    async handle(ctx, { params, body }) {
      const row = await findCase(ctx, params.caseRef)
      const actor = await caseActor(ctx, row, body.actor)
      const action = await findAction(ctx, row, params.actionId)
      return caseAnswer(ctx, row, await run(ctx, { case: row, actor, actionId: action.id }))
    },
  })
}

const changeCaseActionRoute = defineRoute({
  method: 'patch',
  path: '/cases/{caseRef}/actions/{actionId}',
  operationId: 'changeCaseAction',
  tag: 'Cases',
  summary: 'Change a next action’s due time',
  params: CaseActionParams,
  body: ChangeCaseActionBody,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: CASE_COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    const action = await findAction(ctx, row, params.actionId)
    const dueAt = body.dueAt ? new Date(body.dueAt) : null
    return caseAnswer(ctx, row, await changeCaseActionDue(ctx, { case: row, actor, actionId: action.id, dueAt }))
  },
})

const recordCaseStageRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/stages',
  operationId: 'recordCaseStage',
  tag: 'Cases',
  summary: 'Record the day a statutory stage began',
  description: 'The LA deadlines that follow from it are counted from that day and answered in `deadlines`.',
  params: CaseRefParams,
  body: RecordCaseStageBody,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: CASE_COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    return caseAnswer(ctx, row, await recordCaseStage(ctx, { case: row, actor, stage: body.stage, date: body.date }))
  },
})

const recordDeadlineExceptionRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/exceptions',
  operationId: 'recordDeadlineException',
  tag: 'Cases',
  summary: 'Record an exception to an LA deadline',
  params: CaseRefParams,
  body: RecordDeadlineExceptionBody,
  responses: caseAnswers,
  links: caseAnswerLinks,
  errors: CASE_COMMAND_ERRORS,
  async handle(ctx, { params, body }) {
    const row = await findCase(ctx, params.caseRef)
    const actor = await caseActor(ctx, row, body.actor)
    return caseAnswer(ctx, row, await recordDeadlineException(ctx, { case: row, actor, key: body.key, reason: body.reason }))
  },
})

export const caseCommandRoutes = [
  setCaseStatusRoute,
  reopenCaseRoute,
  listCaseActionsRoute,
  addCaseActionRoute,
  actionRoute('complete'),
  actionRoute('reopen'),
  changeCaseActionRoute,
  recordCaseStageRoute,
  recordDeadlineExceptionRoute,
]
