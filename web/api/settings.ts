/**
 * The organisation's SLA policy: the same settings, and the same service
 * (services/sla-policy.server.ts), as the admin screen. A new policy applies to
 * tickets created after it; running tickets keep theirs unless the caller asks
 * (`applyToOpenTickets=true`).
 */
import { SlaPolicySchema } from '../../domain/sla-schemas.ts'
import { organisationSlaPolicy, saveSlaPolicy } from '../app/services/sla-policy.server.ts'
import { defineRoute } from './route.ts'
import { PutSlaPolicyQuery, SlaPolicyEnvelope, SlaPolicySavedSchema } from './schemas.ts'

const getSlaPolicyRoute = defineRoute({
  method: 'get',
  path: '/settings/sla-policy',
  operationId: 'getSlaPolicy',
  tag: 'Settings',
  summary: 'Read the organisation’s SLA policy',
  description: 'Targets by priority (optionally by ticket type), business hours, holidays, and the pending-family and reopen periods.',
  responses: { 200: { description: 'The policy new tickets get.', schema: SlaPolicyEnvelope } },
  errors: {},
  async handle(ctx) {
    const { policy, isDefault } = await organisationSlaPolicy(ctx.db, ctx.principal.orgId)
    return { status: 200, body: { policy, isDefault } }
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
  body: SlaPolicySchema,
  responses: { 200: { description: 'The policy as stored.', schema: SlaPolicySavedSchema } },
  errors: { 400: ['invalid_request', 'invalid_json'], 415: ['unsupported_media_type'], 503: ['unavailable'] },
  async handle(ctx, { query, body }) {
    const { appliedTo } = await saveSlaPolicy(ctx, {
      orgId: ctx.principal.orgId,
      policy: body,
      actorId: ctx.principal.createdById,
      via: 'api',
      applyToOpenTickets: query.applyToOpenTickets === 'true',
    })
    return { status: 200, body: { policy: body, appliedTo } }
  },
})

export const settingsRoutes = [getSlaPolicyRoute, putSlaPolicyRoute]
