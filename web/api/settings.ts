/**
 * The organisation's SLA policy: the same settings, and the same service
 * (services/sla-policy.server.ts), as the admin screen. A new policy applies to
 * tickets created after it; running tickets keep theirs unless the caller asks
 * (`applyToOpenTickets=true`).
 */
import { organisationSlaPolicy, saveSlaPolicy, SlaPolicyConflictError } from '../../services/sla-policy.server.ts'
import { ApiError } from './errors.ts'
import { defineRoute, type ApiLink } from './route.ts'
import { PutSlaPolicyQuery, SlaPolicyBody, SlaPolicyEnvelope, SlaPolicySavedSchema } from './schemas.ts'

const ETAG_HEADER = {
  description: 'The policy’s revision; send it back as `If-Match` to save only over this one.',
  schema: { type: 'string' },
}

const etag = (revision: string) => `"${revision}"`

/** From an answer carrying the policy: saving it again over the revision read. */
const savePolicyLinks: Record<string, ApiLink> = {
  PutSlaPolicy: {
    operationId: 'putSlaPolicy',
    description: 'The policy as read, saved again only over this revision (`If-Match`).',
    parameters: { 'header.If-Match': '$response.header.ETag' },
    requestBody: '$response.body#/policy',
  },
}

const getSlaPolicyRoute = defineRoute({
  method: 'get',
  path: '/settings/sla-policy',
  operationId: 'getSlaPolicy',
  tag: 'Settings',
  summary: 'Read the organisation’s SLA policy',
  description: 'Targets by priority (optionally by ticket type), business hours, holidays, and the pending-family and reopen periods.',
  answerHeaders: { ETag: ETAG_HEADER },
  responses: { 200: { description: 'The policy new tickets get.', schema: SlaPolicyEnvelope } },
  links: { 200: savePolicyLinks },
  errors: {},
  async handle(ctx) {
    const { policy, isDefault, revision } = await organisationSlaPolicy(ctx.db, ctx.principal.orgId)
    return { status: 200, body: { policy, isDefault }, headers: { ETag: etag(revision) } }
  },
})

const putSlaPolicyRoute = defineRoute({
  method: 'put',
  path: '/settings/sla-policy',
  operationId: 'putSlaPolicy',
  tag: 'Settings',
  summary: 'Replace the organisation’s SLA policy',
  description:
    'Tickets created from now on get the new policy. With `applyToOpenTickets=true` every ticket that is not closed ' +
    'takes it too: each target keeps the business time it has used and gets its new budget.',
  query: PutSlaPolicyQuery,
  body: SlaPolicyBody,
  requestHeaders: [
    {
      name: 'If-Match',
      description:
        'The `ETag` of the policy this one was based on (from `GET`): if someone changed it since, nothing is saved and the answer is 412.',
      schema: { type: 'string' },
    },
  ],
  answerHeaders: { ETag: ETAG_HEADER },
  responses: { 200: { description: 'The policy as stored.', schema: SlaPolicySavedSchema } },
  links: { 200: savePolicyLinks },
  errors: { 400: ['invalid_request', 'invalid_json'], 412: ['precondition_failed'], 415: ['unsupported_media_type'], 503: ['unavailable'] },
  async handle(ctx, { query, body, header }) {
    const ifMatch = header('if-match')?.trim()
    try {
      const { appliedTo, revision } = await saveSlaPolicy(ctx, {
        orgId: ctx.principal.orgId,
        policy: (current) => {
          if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etag(current.revision)) throw new SlaPolicyConflictError()
          return body
        },
        actorId: ctx.principal.createdById,
        via: 'api',
        applyToOpenTickets: query.applyToOpenTickets === 'true',
      })
      return { status: 200, body: { policy: body, appliedTo }, headers: { ETag: etag(revision) } }
    } catch (error) {
      if (!(error instanceof SlaPolicyConflictError)) throw error
      throw new ApiError(
        412,
        'precondition_failed',
        'The SLA policy changed since the ETag in If-Match was read; nothing was saved. GET it again, then retry.',
      )
    }
  },
})

export const settingsRoutes = [getSlaPolicyRoute, putSlaPolicyRoute]
