/**
 * The organisation's team, kept by its admins: who is on it and as what,
 * inviting a colleague by email, changing a role, removing someone. The
 * organisation always keeps an admin, and nobody changes or removes
 * themselves, so no one locks the team out. Access is read from memberships
 * on every request, so a change takes effect at once. Every change is audited
 * in its own transaction.
 */
import type { z } from 'zod'
import { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { addTeamMember, AccountError, TEAM_ROLES, type TeamMemberInput, type TeamRole } from './accounts.server.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import type { ServiceContext } from './context.ts'
import { queueEmail } from './outbox.server.ts'
import { issuePasswordLink } from './password-reset.server.ts'
import { assign } from './ticket-commands.server.ts'

type Ctx = Pick<ServiceContext, 'db' | 'env' | 'log' | 'temporal'>

/** An invitation's link to choose a password: a week, as colleagues may be away. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000

// Tickets a member still holds: open ones, and resolved ones that a family reply would reopen.
const HELD = { status: { not: 'closed' } } as const

export interface TeamMember {
  membershipId: string
  userId: string
  name: string
  email: string
  role: TeamRole
  /** Invited, and has not chosen a password yet. */
  invited: boolean
  /** Tickets assigned to them that are not closed. */
  heldTickets: number
  joinedAt: Date
  /** The SMTP server's last permanent refusal of their address, until a mail gets through. */
  mailProblem: { text: string; at: Date } | null
}

export async function teamMembers(db: Db, orgId: string): Promise<TeamMember[]> {
  const [memberships, held] = await Promise.all([
    db.membership.findMany({
      where: { orgId, role: { in: [...TEAM_ROLES] } },
      orderBy: [{ user: { name: 'asc' } }, { createdAt: 'asc' }],
      select: {
        id: true,
        role: true,
        createdAt: true,
        user: { select: { id: true, name: true, email: true, passwordHash: true, mailProblem: true, mailProblemAt: true } },
      },
    }),
    db.ticket.groupBy({ by: ['assigneeId'], where: { orgId, assigneeId: { not: null }, ...HELD }, _count: { _all: true } }),
  ])
  const heldBy = new Map(held.map((g) => [g.assigneeId, g._count._all]))
  return memberships.map((m) => ({
    membershipId: m.id,
    userId: m.user.id,
    name: m.user.name,
    email: m.user.email,
    role: m.role as TeamRole,
    invited: m.user.passwordHash === null,
    heldTickets: heldBy.get(m.user.id) ?? 0,
    joinedAt: m.createdAt,
    mailProblem: m.user.mailProblem && m.user.mailProblemAt ? { text: m.user.mailProblem, at: m.user.mailProblemAt } : null,
  }))
}

export type InviteResult = { status: 'invited'; name: string; email: string; mailed: 'set-password' | 'added' }

/**
 * Puts a colleague on the team and mails them: a link to choose a password if
 * they have none, else word that they can sign in as they do. Someone already
 * on the team, or a family of the organisation, is refused (AccountError).
 */
export async function inviteTeamMember(
  ctx: Ctx,
  input: AuditActor & { orgId: string; member: z.input<typeof TeamMemberInput> },
): Promise<InviteResult> {
  const { orgId, actorId, via } = input
  let added: Awaited<ReturnType<typeof addTeamMember>>
  try {
    added = await ctx.db.$transaction(async (tx) => {
      const member = await addTeamMember(tx, orgId, input.member)
      const { email, name } = member.user
      await recordAudit(tx, {
        orgId,
        actorId,
        via,
        action: 'team.member_invited',
        data: { userId: member.user.id, email, name, role: input.member.role },
      })
      return member
    })
  } catch (error) {
    // The same person invited twice at once: the unique indexes decide.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw new AccountError(`${input.member.email} was added to the team a moment ago.`)
    throw error
  }
  ctx.log.info({ orgId, userId: added.user.id, isNew: added.isNew, event: 'team_member_invited' }, 'team member invited')
  if (!added.hasPassword) {
    await mailInvitation(ctx, orgId, added.user)
    return { status: 'invited', ...added.user, mailed: 'set-password' }
  }
  const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { name: true } })
  await queueEmail(ctx, {
    to: added.user.email,
    subject: `You are on ${org.name}’s team in Caseway`,
    dedupeKey: `team-added:${added.membershipId}`,
    text: [
      `Hello ${added.user.name},`,
      '',
      `You have been added to ${org.name}’s team in Caseway. Sign in as you usually do to see its tickets: ${ctx.env.publicUrl}/login`,
    ].join('\n'),
  })
  return { status: 'invited', ...added.user, mailed: 'added' }
}

async function mailInvitation(ctx: Ctx, orgId: string, user: { id: string; email: string; name: string }): Promise<void> {
  const org = await ctx.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { name: true } })
  const { id, link } = await issuePasswordLink(ctx, user.id, INVITATION_TTL_MS)
  await queueEmail(ctx, {
    to: user.email,
    subject: `You are invited to ${org.name}’s team in Caseway`,
    dedupeKey: `team-invitation:${id}`,
    text: [
      `Hello ${user.name},`,
      '',
      `You have been invited to ${org.name}’s team in Caseway, where it works the requests families send.`,
      `Choose your password here within the next 7 days, then sign in with this email address: ${link}`,
      '',
      'If the link has expired, ask an admin of the team to send a new one.',
    ].join('\n'),
  })
}

export type TeamChangeResult<T> = T | { status: 'not_found' } | { status: 'refused'; message: string }

/** A new invitation link for a member who has not chosen a password yet. */
export async function resendInvitation(
  ctx: Ctx,
  input: AuditActor & { orgId: string; membershipId: string },
): Promise<TeamChangeResult<{ status: 'sent'; name: string; email: string }>> {
  const member = await findMember(ctx.db, input.orgId, input.membershipId)
  if (!member) return { status: 'not_found' }
  if (member.user.passwordHash !== null) return { status: 'refused', message: `${member.user.name} has already chosen a password.` }
  const { id: userId, email, name } = member.user
  await recordAudit(ctx.db, { ...input, action: 'team.invitation_resent', data: { userId, email, name } })
  await mailInvitation(ctx, input.orgId, member.user)
  return { status: 'sent', name, email }
}

/** Makes a member staff or admin; the last admin stays one, and nobody changes their own role. */
export async function changeMemberRole(
  db: Db,
  input: AuditActor & { orgId: string; membershipId: string; role: TeamRole },
): Promise<TeamChangeResult<{ status: 'changed' | 'unchanged'; name: string }>> {
  return db.$transaction(async (tx) => {
    await lockTeam(tx, input.orgId)
    const member = await findMember(tx, input.orgId, input.membershipId)
    if (!member) return { status: 'not_found' }
    const { id: userId, email, name } = member.user
    if (member.role === input.role) return { status: 'unchanged', name }
    const refusal = await lockoutRefusal(tx, input, member, 'change your own role')
    if (refusal) return refusal
    await tx.membership.update({ where: { id: member.id }, data: { role: input.role } })
    await recordAudit(tx, { ...input, action: 'team.role_changed', data: { userId, email, name, from: member.role, to: input.role } })
    return { status: 'changed', name }
  })
}

/**
 * Takes a member off the team. The tickets they hold go to `handTo` first, by
 * the workflow's own assign command (so the family is told who looks after
 * them now); if any cannot be handed over, they stay on the team. Their
 * watching of the organisation's tickets, and their leading of its
 * departments, end with them.
 */
export async function removeTeamMember(
  ctx: ServiceContext,
  input: { actorId: string; via: AuditActor['via']; orgId: string; membershipId: string; handTo: string | null },
): Promise<
  TeamChangeResult<
    | { status: 'removed'; name: string; handedOver: number; handedTo: string | null }
    | { status: 'needs_handover'; name: string; heldTickets: number }
    | { status: 'unavailable'; name: string; handedOver: number; left: number }
  >
> {
  const member = await findMember(ctx.db, input.orgId, input.membershipId)
  if (!member) return { status: 'not_found' }
  const { id: userId, email, name } = member.user
  const early = await lockoutRefusal(ctx.db, input, member, 'remove yourself')
  if (early) return early
  const held = await ctx.db.ticket.findMany({
    where: { orgId: input.orgId, assigneeId: userId, ...HELD },
    select: { id: true, orgId: true },
    orderBy: { number: 'asc' },
  })
  let handedTo: string | null = null
  if (held.length) {
    if (!input.handTo) return { status: 'needs_handover', name, heldTickets: held.length }
    const colleague = await ctx.db.membership.findFirst({
      where: { orgId: input.orgId, userId: input.handTo, role: { in: [...TEAM_ROLES] }, NOT: { userId } },
      select: { user: { select: { name: true } } },
    })
    if (!colleague) return { status: 'refused', message: 'Choose someone else on the team to take their tickets.' }
    handedTo = colleague.user.name
    let handedOver = 0
    for (const ticket of held) {
      const result = await assign(ctx, { ticket, actor: { id: input.actorId }, assigneeId: input.handTo })
      // A ticket that closed meanwhile needs no new owner; one already theirs is handed over.
      const done = result.status === 'applied' || result.status === 'pending'
      if (done || (result.status === 'refused' && (result.code === 'ticket_closed' || result.code === 'no_change'))) handedOver++
    }
    if (handedOver < held.length) return { status: 'unavailable', name, handedOver, left: held.length - handedOver }
  }
  return ctx.db.$transaction(async (tx) => {
    await lockTeam(tx, input.orgId)
    const still = await findMember(tx, input.orgId, input.membershipId)
    if (!still) return { status: 'not_found' as const }
    const refusal = await lockoutRefusal(tx, input, still, 'remove yourself')
    if (refusal) return refusal
    await tx.ticketWatcher.deleteMany({ where: { userId, ticket: { orgId: input.orgId } } })
    // A department they led is left without a lead rather than led from outside the team.
    await tx.department.updateMany({ where: { orgId: input.orgId, leadId: userId }, data: { leadId: null } })
    await tx.membership.delete({ where: { id: still.id } })
    await recordAudit(tx, {
      ...input,
      action: 'team.member_removed',
      data: { userId, email, name, role: still.role, handedOver: held.length, handedTo },
    })
    ctx.log.info({ orgId: input.orgId, userId, handedOver: held.length, event: 'team_member_removed' }, 'team member removed')
    return { status: 'removed' as const, name, handedOver: held.length, handedTo }
  })
}

type Tx = Prisma.TransactionClient | Db

/** A member of the organisation's team by membership id; another organisation's id, or a family's, finds nothing. */
async function findMember(db: Tx, orgId: string, membershipId: string) {
  return db.membership.findFirst({
    where: { id: membershipId, orgId, role: { in: [...TEAM_ROLES] } },
    select: { id: true, role: true, user: { select: { id: true, email: true, name: true, passwordHash: true } } },
  })
}

/** Team changes of one organisation queue up on its row, so two admins cannot each demote the other. */
async function lockTeam(tx: Prisma.TransactionClient, orgId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM "Organisation" WHERE id = ${orgId}::uuid FOR UPDATE`
}

/**
 * Why a change to `member` (demoting or removing them) may not be made, or
 * null: it would lock the team out, or the person asking stopped being an
 * admin since their request was checked (read again under the team's lock).
 */
async function lockoutRefusal(
  db: Tx,
  input: { orgId: string; actorId: string | null },
  member: { role: string; user: { id: string; name: string } },
  yourself: string,
): Promise<{ status: 'refused'; message: string } | null> {
  if (member.user.id === input.actorId) return { status: 'refused', message: `You cannot ${yourself}: ask another admin to do it.` }
  if (input.actorId && !(await db.membership.count({ where: { orgId: input.orgId, userId: input.actorId, role: 'admin' } })))
    return { status: 'refused', message: 'You are no longer an admin of this organisation.' }
  if (member.role !== 'admin') return null
  const admins = await db.membership.count({ where: { orgId: input.orgId, role: 'admin' } })
  return admins <= 1
    ? { status: 'refused', message: `${member.user.name} is the organisation’s only admin: make someone else an admin first.` }
    : null
}
