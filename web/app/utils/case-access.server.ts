/**
 * The case pages' door: the organisation a person works in (?org=, else their
 * first team) and one case of it they may see. A case outside the rule
 * (services/case-access.server.ts), an organisation they are not on, or a
 * person on no team, are all told it is not there (404).
 */
import { caseScope, maySeeCase } from '../../../services/case-access.server.ts'
import type { CasewayContext } from '../context.ts'
import { requireUser, staffMemberships } from './auth.server.ts'
import { notFound } from './http.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log'>

/** Case `params.number` of the person's organisation, if they may see it; 404 otherwise. */
export async function requireCaseAccess(ctx: Ctx, request: Request, params: { number?: string }) {
  const user = await requireUser(ctx, request)
  const teams = staffMemberships(user)
  const orgSlug = new URL(request.url).searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('Case not found')
  const number = Number(params.number)
  if (!/^[1-9]\d{0,9}$/.test(params.number ?? '') || !Number.isSafeInteger(number)) throw notFound('Case not found')
  const row = await ctx.db.case.findUnique({
    where: { orgId_number: { orgId: team.orgId, number } },
    select: { id: true, orgId: true, number: true, caseRef: true, advocateId: true, status: true },
  })
  if (!row || !maySeeCase(await caseScope(ctx.db, { orgId: team.orgId, userId: user.id }), row)) throw notFound('Case not found')
  const orgQuery = teams.length > 1 ? `?org=${encodeURIComponent(team.org.slug)}` : ''
  return { user, case: row, orgQuery, href: `/staff/cases/${row.number}${orgQuery}` }
}
