/**
 * The organisation's SLA policy, read and saved the same way by the admin
 * settings screen and the HTTP API. A new policy applies to tickets created
 * after it; running tickets keep theirs unless the admin applies it to them
 * (each workflow then reloads it: see slaPolicyChangedSignal).
 */
import { createHash } from 'node:crypto'
import { effectiveSlaPolicy, type SlaPolicyJson } from '../domain/sla-schemas.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import type { ServiceContext } from './context.ts'
import { applySlaPolicyToOpenTickets } from './ticket-signals.server.ts'

export interface StoredSlaPolicy {
  policy: SlaPolicyJson
  /** No policy stored (or an invalid one): the default, in the organisation's time zone. */
  isDefault: boolean
  /** Changes whenever the stored policy does: a form sends back the one it was filled from. */
  revision: string
}

/** Someone saved the policy after the form being saved was filled in. */
export class SlaPolicyConflictError extends Error {
  override name = 'SlaPolicyConflictError'
}

function storedPolicy(org: { slaPolicy: unknown; timezone: string }): StoredSlaPolicy {
  const revision = createHash('sha256')
    .update(JSON.stringify(org.slaPolicy ?? null))
    .digest('hex')
    .slice(0, 16)
  const { policy, isDefault } = effectiveSlaPolicy(org.slaPolicy, org.timezone)
  return { policy, isDefault, revision }
}

/**
 * The policy new tickets of the organisation get, as the workflow's
 * loadSlaPolicy activity reads it: the stored one, or the default policy in the
 * organisation's time zone.
 */
export async function organisationSlaPolicy(db: Db, orgId: string): Promise<StoredSlaPolicy> {
  return storedPolicy(await db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { slaPolicy: true, timezone: true } }))
}

/**
 * Stores a validated policy with its audit record; with `applyToOpenTickets`
 * every ticket that is not closed takes it too. Answers the numbers of the
 * tickets it was applied to. Given a function, it is handed the current policy
 * with the organisation's row locked, so edits of one part (a type override)
 * never undo a concurrent save, and a form can refuse (SlaPolicyConflictError)
 * when the policy changed since it was filled in.
 */
export async function saveSlaPolicy(
  ctx: ServiceContext,
  input: AuditActor & {
    orgId: string
    policy: SlaPolicyJson | ((current: StoredSlaPolicy) => SlaPolicyJson)
    applyToOpenTickets: boolean
  },
): Promise<{ appliedTo: number[]; revision: string }> {
  const { orgId, actorId, via } = input
  const revision = await ctx.db.$transaction(async (tx) => {
    const [org] = await tx.$queryRaw<{ slaPolicy: unknown; timezone: string }[]>`
      SELECT "slaPolicy", timezone FROM "Organisation" WHERE id = ${orgId}::uuid FOR UPDATE`
    if (!org) throw new Error(`Organisation ${orgId} not found`)
    const policy = typeof input.policy === 'function' ? input.policy(storedPolicy(org)) : input.policy
    // Read back as stored: jsonb orders the keys, and the revision is of what a later read sees.
    const [saved] = await tx.$queryRaw<{ slaPolicy: unknown; timezone: string }[]>`
      UPDATE "Organisation" SET "slaPolicy" = ${JSON.stringify(policy)}::jsonb WHERE id = ${orgId}::uuid
      RETURNING "slaPolicy", timezone`
    await recordAudit(tx, { orgId, actorId, via, action: 'sla_policy.saved', data: { policy } })
    return storedPolicy(saved!).revision
  })
  ctx.log.info({ orgId, actorId, via, applyToOpenTickets: input.applyToOpenTickets }, 'SLA policy saved')
  if (!input.applyToOpenTickets) return { appliedTo: [], revision }
  return { appliedTo: await applySlaPolicy(ctx, { orgId, actorId, via }), revision }
}

/** Every open ticket of the organisation reloads the current policy; audited with how many took it. */
export async function applySlaPolicy(ctx: ServiceContext, input: AuditActor & { orgId: string }): Promise<number[]> {
  const appliedTo = await applySlaPolicyToOpenTickets(ctx, { orgId: input.orgId, actor: input.actorId ? { id: input.actorId } : null })
  await recordAudit(ctx.db, { ...input, action: 'sla_policy.applied', data: { tickets: appliedTo.length } })
  ctx.log.info({ orgId: input.orgId, tickets: appliedTo.length }, 'SLA policy applied to open tickets')
  return appliedTo
}
