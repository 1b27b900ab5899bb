/**
 * Server-side answers to "may this person do this to this ticket?". A ticket
 * someone may not see (services/ticket-access.server.ts) does not exist for
 * them (404), so its number reveals nothing; a ticket they may see but not
 * change gives 403.
 */
import type { Role } from '../../../domain/ticket.ts'
import { isStaffRole } from '../../../domain/ticket.ts'
import type { CasewayContext } from '../context.ts'
import { isTicketCoverOnly } from '../../../services/case-access.server.ts'
import { maySeeTicket, ticketScope } from '../../../services/ticket-access.server.ts'
import { requireUser, staffMemberships, type SessionUser } from './auth.server.ts'
import { notFound } from './http.ts'
import { roleHasPermission, type Permission } from './permissions.ts'

type Ctx = Pick<CasewayContext, 'db' | 'env' | 'log'>

export interface TicketAccess {
  user: SessionUser
  /** The person's role towards this ticket: its family, or staff/admin of its organisation. */
  role: Role
  ticket: { id: string; orgId: string; number: number; requesterId: string }
  /**
   * Staff covering the ticket's case for its absent advocate: they reply and
   * add notes, but assigning the ticket stays with its advocate and admins.
   */
  coverOnly: boolean
}

/** The signed-in person's access to ticket `number` of organisation `orgSlug`, or 404. */
export async function requireTicketAccess(
  ctx: Ctx,
  request: Request,
  params: { orgSlug?: string; number?: string },
): Promise<TicketAccess> {
  const user = await requireUser(ctx, request)
  const number = Number(params.number)
  if (!params.orgSlug || !/^[1-9]\d{0,9}$/.test(params.number ?? '') || !Number.isSafeInteger(number)) throw notFound('Ticket not found')
  const row = await ctx.db.ticket.findFirst({
    where: { number, org: { slug: params.orgSlug } },
    select: { id: true, orgId: true, number: true, requesterId: true, departmentId: true, assigneeId: true, caseId: true },
  })
  if (!row) throw notFound('Ticket not found')
  const role = ticketRole(user, row)
  if (!role) throw notFound('Ticket not found')
  // Staff outside the ticket's department (and neither its assignee nor its case's cover) are told it is not there.
  if (role !== 'family' && !maySeeTicket(await ticketScope(ctx.db, { orgId: row.orgId, userId: user.id }), row))
    throw notFound('Ticket not found')
  const coverOnly = role === 'staff' && (await isTicketCoverOnly(ctx.db, { ticket: row, userId: user.id }))
  const { id, orgId, requesterId } = row
  return { user, role, ticket: { id, orgId, number, requesterId }, coverOnly }
}

/** Staff of the ticket's organisation act as staff even on a ticket they requested themselves. */
export function ticketRole(user: SessionUser, ticket: { orgId: string; requesterId: string }): Role | null {
  const membership = user.memberships.find((m) => m.orgId === ticket.orgId && isStaffRole(m.role))
  if (membership) return membership.role
  if (ticket.requesterId === user.id) return 'family'
  return null
}

export function requireTicketPermission(access: TicketAccess, permission: Permission): void {
  if (!roleHasPermission(access.role, permission)) {
    throw new Response('You do not have permission to do that on this ticket', { status: 403 })
  }
}

/**
 * An organisation-wide page for those with `permission` in it: the
 * organisation chosen by ?org= (else their first where they have it). Anyone
 * outside the team gets 403, a team member without the permission 403 with
 * `refusal`, and ?org= naming an organisation they are not on 404. `teams` are
 * the organisations where they have it, to switch between.
 */
export function requireTeamPermission(user: SessionUser, request: Request, permission: Permission, refusal: string) {
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response(refusal, { status: 403 })
  const orgSlug = new URL(request.url).searchParams.get('org')
  const permitted = teams.filter((m) => roleHasPermission(m.role, permission))
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : (permitted[0] ?? teams[0])
  if (!team) throw notFound('You are not on the team of that organisation.')
  if (!roleHasPermission(team.role, permission)) throw new Response(refusal, { status: 403 })
  return { team, teams: permitted }
}

/** The settings pages: admins of the organisation chosen by ?org=. */
export async function requireSettingsAdmin(ctx: Ctx, request: Request) {
  const user = await requireUser(ctx, request)
  return { user, ...requireTeamPermission(user, request, 'manage:settings:org', 'Only the organisation’s admins can change its settings.') }
}
