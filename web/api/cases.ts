/** Cases over HTTP: the case system reports that a case closed. */
import { z } from 'zod'
import { closeCaseByReference } from '../../services/case-commands.server.ts'
import { ApiError } from './errors.ts'
import { defineRoute } from './route.ts'
import { ticketLinks, UNAVAILABLE_RETRY_AFTER_S } from './ticket-steps.ts'
import { CaseClosedSchema, CaseRefParams } from './schemas.ts'

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

export const caseRoutes = [closeCaseRoute]
