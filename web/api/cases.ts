/** Cases over HTTP: the case system reports that a case closed. */
import { z } from 'zod'
import { reportCaseClosed } from '../../services/ticket-signals.server.ts'
import { defineRoute } from './route.ts'
import { ticketLinks } from './ticket-steps.ts'
import { CaseClosedSchema, CaseRefParams } from './schemas.ts'

const closeCaseRoute = defineRoute({
  method: 'post',
  path: '/cases/{caseRef}/close',
  operationId: 'closeCase',
  tag: 'Cases',
  summary: 'Report that a case was closed',
  description:
    'Every open ticket linked to the case is resolved ("case closed") and its family told. The closure is recorded ' +
    'by each ticket’s workflow before this answers, and applied moments later. An unknown or already closed case ' +
    'answers with an empty list. Repeating it is harmless.',
  params: CaseRefParams,
  body: z.strictObject({}),
  bodyOptional: true,
  responses: { 202: { description: 'The tickets the closure was sent to.', schema: CaseClosedSchema } },
  links: { 202: ticketLinks('/resolved/0') },
  errors: { 400: ['invalid_request', 'invalid_json'], 415: ['unsupported_media_type'], 503: ['unavailable'] },
  async handle(ctx, { params }) {
    const resolved = await reportCaseClosed(ctx, { orgId: ctx.principal.orgId, caseRef: params.caseRef })
    return { status: 202, body: { resolved } }
  },
})

export const caseRoutes = [closeCaseRoute]
