/**
 * Bulk changes over HTTP: POST /tickets/bulk answers at once (202) with the
 * job, whose bulkChangeWorkflow changes each ticket by the single change's
 * rules; GET /bulk-jobs/{jobId} says how far it got and what became of each.
 * Another organisation's job is not there (404).
 */
import type { BulkAction } from '../../domain/bulk-changes.ts'
import { startBulkChange } from '../../services/bulk-changes.server.ts'
import { bulkJobFor } from '../../services/bulk-jobs.server.ts'
import { BulkChangeBody, BulkJobEnvelope, BulkJobParams, BulkJobReportEnvelope } from './bulk-schemas.ts'
import { ApiError, notFound } from './errors.ts'
import { idempotently } from './idempotency.ts'
import { defineRoute, type ApiAnswer, type ApiContext } from './route.ts'
import { keyCreator, staffMember, unprocessable, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'

const jobPath = (jobId: string) => `/api/v1/bulk-jobs/${jobId}`

async function presentJob(ctx: ApiContext, jobId: string) {
  const job = await bulkJobFor(ctx.db, { orgId: ctx.principal.orgId, jobId, readerId: null })
  if (!job) throw notFound('Bulk job')
  const assignee =
    job.action.kind === 'assign' ? await ctx.db.user.findUnique({ where: { id: job.action.assigneeId }, select: { email: true } }) : null
  const { action } = job
  return {
    summary: {
      id: job.id,
      state: job.state,
      action: action.kind === 'assign' ? { kind: action.kind, assignee: { email: assignee?.email ?? null } } : action,
      total: job.total,
      succeeded: job.succeeded,
      refused: job.refused,
      failed: job.failed,
      createdAt: job.createdAt.toISOString(),
      finishedAt: job.finishedAt?.toISOString() ?? null,
    },
    items: job.items.map((item) => ({ ticket: item.ticket.number, outcome: item.outcome, reason: item.reason })),
  }
}

async function acceptedAnswer(ctx: ApiContext, jobId: string): Promise<ApiAnswer> {
  const { summary } = await presentJob(ctx, jobId)
  return { status: 202, body: { job: summary }, headers: { Location: jobPath(jobId) } }
}

const startBulkRoute = defineRoute({
  method: 'post',
  path: '/tickets/bulk',
  operationId: 'bulkChangeTickets',
  tag: 'Tickets',
  summary: 'Change many tickets at once',
  description:
    'Starts one change (status, priority, assignment or a tag) for up to 500 tickets and answers at once with the job (202, ' +
    '`Location` its address); poll `GET /bulk-jobs/{jobId}` for progress and each ticket’s outcome. Each ticket is changed as the ' +
    'single operation would change it, with its rules: a closed ticket is refused, an assignment that would open a case for an ' +
    'advocate at capacity is refused, an assignment opens the ticket’s case. 422 when a number is no ticket the `actor` sees. ' +
    'Only an admin assigns to someone else. Send an `Idempotency-Key` header to retry safely: the same key and body answer with ' +
    'the same job (`Idempotent-Replayed: true`).',
  body: BulkChangeBody,
  idempotent: true,
  answerHeaders: { Location: { description: 'The job’s address.', schema: { type: 'string' } } },
  responses: { 202: { description: 'The job, started.', schema: BulkJobEnvelope } },
  links: {
    202: {
      GetBulkJob: {
        operationId: 'getBulkJob',
        description: 'The job’s progress and outcomes.',
        parameters: { jobId: '$response.body#/job/id' },
      },
    },
  },
  errors: {
    400: ['invalid_request', 'invalid_json'],
    403: ['forbidden'],
    409: ['idempotency_in_progress'],
    415: ['unsupported_media_type'],
    422: ['unprocessable', 'idempotency_key_reused'],
    503: ['unavailable'],
  },
  async handle(ctx, { body, rawBody, header }) {
    const actor = body.actor ? await staffMember(ctx, body.actor.email, 'body.actor.email') : await keyCreator(ctx)
    if (!actor)
      throw unprocessable(
        'body.actor',
        'Say which member of staff makes this change in `actor.email`: this API key was not created by a member of staff.',
      )
    let action: BulkAction
    if (body.action.kind === 'assign') {
      const assignee = await staffMember(ctx, body.action.assignee.email, 'body.action.assignee.email')
      if (assignee.id !== actor.id && actor.role !== 'admin')
        throw new ApiError(403, 'forbidden', 'Only an admin assigns tickets to someone else.')
      action = { kind: 'assign', assigneeId: assignee.id }
    } else action = body.action
    return idempotently(ctx, {
      kind: 'bulkJob',
      operation: 'bulkChangeTickets',
      rawBody,
      header,
      create: async (record) => {
        const started = await startBulkChange(ctx, {
          orgId: ctx.principal.orgId,
          actor,
          ticketNumbers: body.tickets,
          action,
          via: 'api',
          inTransaction: (tx, job) => record(tx, { jobId: job.id }),
        })
        switch (started.status) {
          case 'started':
            return acceptedAnswer(ctx, started.jobId)
          case 'unknown_tickets':
            throw unprocessable('body.tickets', `No ticket ${started.numbers.join(', ')} in this organisation that the actor sees.`)
          case 'too_many':
            throw unprocessable('body.tickets', started.message)
          case 'unavailable':
            throw new ApiError(503, 'unavailable', started.message, undefined, { 'Retry-After': UNAVAILABLE_RETRY_AFTER_S })
        }
      },
      replay: (job) => acceptedAnswer(ctx, job.jobId),
    })
  },
})

const getBulkJobRoute = defineRoute({
  method: 'get',
  path: '/bulk-jobs/{jobId}',
  operationId: 'getBulkJob',
  tag: 'Tickets',
  summary: 'A bulk change’s progress and outcomes',
  description: 'How many tickets are done, and each ticket’s outcome with the reason for a refusal or failure.',
  params: BulkJobParams,
  responses: { 200: { description: 'The job.', schema: BulkJobReportEnvelope } },
  errors: { 400: ['invalid_request'], 404: ['not_found'] },
  async handle(ctx, { params }) {
    const { summary, items } = await presentJob(ctx, params.jobId)
    return { status: 200, body: { job: { ...summary, items } } }
  },
})

export const bulkRoutes = [startBulkRoute, getBulkJobRoute]
