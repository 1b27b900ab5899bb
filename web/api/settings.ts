/**
 * The organisation's SLA policy: the same settings the admin screen edits,
 * validated by the domain's own schema and stored on the organisation. A new
 * policy applies to tickets created after it; running tickets keep theirs
 * unless the caller asks (`applyToOpenTickets=true`).
 */
import { defaultSlaPolicy, slaPolicyToJson, type SlaPolicyJson } from '../../domain/sla.ts'
import { SlaPolicySchema } from '../../domain/sla-schemas.ts'
import type { Db } from '../../lib/db.ts'
import { applySlaPolicyToOpenTickets } from '../app/services/tickets.server.ts'
import { defineRoute } from './route.ts'
import { PutSlaPolicyQuery, SlaPolicyEnvelope, SlaPolicySavedSchema } from './schemas.ts'

/**
 * The policy new tickets of the organisation get, as the workflow's
 * loadSlaPolicy activity reads it: the stored one, or the default policy in the
 * organisation's time zone.
 */
export async function organisationSlaPolicy(db: Db, orgId: string): Promise<{ policy: SlaPolicyJson; isDefault: boolean }> {
  const org = await db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { slaPolicy: true, timezone: true } })
  const stored = org.slaPolicy === null ? null : SlaPolicySchema.safeParse(org.slaPolicy)
  if (stored?.success) return { policy: stored.data, isDefault: false }
  const policy = defaultSlaPolicy()
  return { policy: slaPolicyToJson({ ...policy, calendar: { ...policy.calendar, timezone: org.timezone } }), isDefault: true }
}

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
    return { status: 200, body: await organisationSlaPolicy(ctx.db, ctx.principal.orgId) }
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
    const orgId = ctx.principal.orgId
    await ctx.db.organisation.update({ where: { id: orgId }, data: { slaPolicy: body } })
    ctx.log.info({ orgId, apiKey: ctx.principal.prefix, applyToOpenTickets: query.applyToOpenTickets === 'true' }, 'SLA policy saved')
    const appliedTo =
      query.applyToOpenTickets === 'true'
        ? await applySlaPolicyToOpenTickets(ctx, { orgId, actor: ctx.principal.createdById ? { id: ctx.principal.createdById } : null })
        : []
    return { status: 200, body: { policy: body, appliedTo } }
  },
})

export const settingsRoutes = [getSlaPolicyRoute, putSlaPolicyRoute]
