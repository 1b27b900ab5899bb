/**
 * The case workspace's doors: the organisation a person works in (?org=, else
 * their first team) and one case of it they may see. A case outside the rule
 * (services/case-access.server.ts), an organisation they are not on, or a
 * person on no team, are all told it is not there (404).
 */
import { caseScope, isCoverOnly, maySeeCase, type CaseScope } from '../../../services/case-access.server.ts'
import type { CasewayContext } from '../context.ts'
import { requireUser, staffMemberships, type SessionUser } from './auth.server.ts'
import { notFound } from './http.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log'>

export interface CaseTeam {
  user: SessionUser
  team: ReturnType<typeof staffMemberships>[number]
  /** More than one: the address names the organisation (`?org=`), and links keep it. */
  teams: ReturnType<typeof staffMemberships>
  scope: CaseScope
  /** `?org=<slug>` when the person is on several teams, else empty: to append to the workspace's links. */
  orgQuery: string
}

export async function requireCaseTeam(ctx: Ctx, request: Request): Promise<CaseTeam> {
  const user = await requireUser(ctx, request)
  const teams = staffMemberships(user)
  const orgSlug = new URL(request.url).searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('Case not found')
  const scope = await caseScope(ctx.db, { orgId: team.orgId, userId: user.id })
  if (scope.kind === 'none') throw notFound('Case not found')
  return { user, team, teams, scope, orgQuery: teams.length > 1 ? `?org=${encodeURIComponent(team.org.slug)}` : '' }
}

export interface CaseAccess extends CaseTeam {
  case: { id: string; orgId: string; number: number; caseRef: string; advocateId: string | null; status: string }
  /** The case page's address, with `?org=` when needed. */
  href: string
  /** Seen only as its cover: no status change, closing, reopening or reassignment. */
  coverOnly: boolean
}

/** Case `params.number` of the person's organisation, if they may see it; 404 otherwise. */
export async function requireCaseAccess(ctx: Ctx, request: Request, params: { number?: string }): Promise<CaseAccess> {
  const team = await requireCaseTeam(ctx, request)
  const number = Number(params.number)
  if (!/^[1-9]\d{0,9}$/.test(params.number ?? '') || !Number.isSafeInteger(number)) throw notFound('Case not found')
  const row = await ctx.db.case.findUnique({
    where: { orgId_number: { orgId: team.team.orgId, number } },
    select: { id: true, orgId: true, number: true, caseRef: true, advocateId: true, status: true },
  })
  if (!row || !maySeeCase(team.scope, row)) throw notFound('Case not found')
  return { ...team, case: row, href: `/staff/cases/${row.number}${team.orgQuery}`, coverOnly: isCoverOnly(team.scope, row) }
}
