/**
 * The organisation's SLA policy, read and saved the same way by the admin
 * settings screen and the HTTP API. A new policy applies to tickets created
 * after it; running tickets keep theirs unless the admin applies it to them
 * (each workflow then reloads it: see slaPolicyChangedSignal).
 */
import { defaultSlaPolicy, slaPolicyToJson, type SlaPolicyJson } from '../../../domain/sla.ts'
import { SlaPolicySchema } from '../../../domain/sla-schemas.ts'
import type { Db } from '../../../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import { applySlaPolicyToOpenTickets, type TicketContext } from './tickets.server.ts'

/**
 * The policy new tickets of the organisation get, as the workflow's
 * loadSlaPolicy activity reads it: the stored one, or the default policy in the
 * organisation's time zone.
 */
export async function organisationSlaPolicy(db: Db, orgId: string): Promise<{ policy: SlaPolicyJson; isDefault: boolean }> {
  const org = await db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { slaPolicy: true, timezone: true } })
  const stored = org.slaPolicy === null ? null : SlaPolicySchema.safeParse(org.slaPolicy)
  if (stored?.success) return { policy: stored.data, isDefault: false }
  return { policy: slaPolicyToJson(defaultSlaPolicy(org.timezone)), isDefault: true }
}

/**
 * Stores a validated policy with its audit record; with `applyToOpenTickets`
 * every ticket that is not closed takes it too. Answers the numbers of the
 * tickets it was applied to.
 */
export async function saveSlaPolicy(
  ctx: TicketContext,
  input: AuditActor & { orgId: string; policy: SlaPolicyJson; applyToOpenTickets: boolean },
): Promise<{ appliedTo: number[] }> {
  const { orgId, policy, actorId, via } = input
  await ctx.db.$transaction(async (tx) => {
    await tx.organisation.update({ where: { id: orgId }, data: { slaPolicy: policy } })
    await recordAudit(tx, { orgId, actorId, via, action: 'sla_policy.saved', data: { policy } })
  })
  ctx.log.info({ orgId, actorId, via, applyToOpenTickets: input.applyToOpenTickets }, 'SLA policy saved')
  if (!input.applyToOpenTickets) return { appliedTo: [] }
  return { appliedTo: await applySlaPolicy(ctx, { orgId, actorId, via }) }
}

/** Every open ticket of the organisation reloads the current policy; audited with how many took it. */
export async function applySlaPolicy(ctx: TicketContext, input: AuditActor & { orgId: string }): Promise<number[]> {
  const appliedTo = await applySlaPolicyToOpenTickets(ctx, { orgId: input.orgId, actor: input.actorId ? { id: input.actorId } : null })
  await recordAudit(ctx.db, { ...input, action: 'sla_policy.applied', data: { tickets: appliedTo.length } })
  ctx.log.info({ orgId: input.orgId, tickets: appliedTo.length }, 'SLA policy applied to open tickets')
  return appliedTo
}
