/**
 * Which notices a person takes by mail (domain/mail-preferences.ts): the topics
 * of their audience (staff if they work a team, else family) with what applies
 * now, and their changes. A person's own setting, so not audited.
 */
import { z } from 'zod'
import {
  MAIL_CHOICES,
  MAIL_TOPICS,
  digestTopicsOf,
  mailChoiceFor,
  readMailChoices,
  type MailChoice,
  type MailTopic,
} from '../domain/mail-preferences.ts'
import { DIGEST_HOUR, digestDayLabel, nextDigestAt } from '../domain/digest-schedule.ts'
import { startMailDigest } from '../lib/mail/delivery.ts'
import { mailAudienceOf } from '../lib/mail-audience.ts'
import { personZone } from '../lib/person-zone.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import type { ServiceContext } from './context.ts'

type Ctx = Pick<ServiceContext, 'db'>

export async function mailChoicesOf(ctx: Ctx, userId: string): Promise<{ topic: MailTopic; choice: MailChoice }[]> {
  const [audience, user] = await Promise.all([
    mailAudienceOf(ctx.db, userId),
    ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { mailChoices: true } }),
  ])
  const choices = readMailChoices(user.mailChoices)
  return MAIL_TOPICS[audience].map((topic) => ({ topic, choice: mailChoiceFor(choices, topic) }))
}

/** A choice for every topic of the person's audience; anything else is refused by the schema. */
export async function mailChoicesSchemaFor(ctx: Ctx, userId: string) {
  const topics = MAIL_TOPICS[await mailAudienceOf(ctx.db, userId)]
  return z.object(Object.fromEntries(topics.map((topic) => [topic, z.enum(MAIL_CHOICES, { error: 'Choose how this comes' })])))
}

/** Saves the choices; a digest topic among them starts the person's digest workflow (which ends itself once none is left). */
export async function saveMailChoices(
  ctx: Pick<ServiceContext, 'db' | 'temporal' | 'env'>,
  userId: string,
  choices: Record<string, MailChoice>,
): Promise<void> {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { mailChoices: true } })
  const saved = readMailChoices({ ...readMailChoices(user.mailChoices), ...choices })
  await ctx.db.user.update({ where: { id: userId }, data: { mailChoices: saved } })
  if (digestTopicsOf(saved).length) await startMailDigest(ctx.temporal, ctx.env.TEMPORAL_TASK_QUEUE, userId)
}

/** When the person's next digest comes (their first organisation's zone, as the digest workflow reckons it); null without a digest topic. */
export async function nextDigestOf(ctx: Ctx, userId: string, now = new Date()): Promise<{ hour: number; day: string } | null> {
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { mailChoices: true },
  })
  if (!digestTopicsOf(readMailChoices(user.mailChoices)).length) return null
  const zone = await personZone(ctx.db, userId)
  return { hour: DIGEST_HOUR, day: digestDayLabel(nextDigestAt(now, zone), zone) }
}

/** Why mail to the person last failed for good (a 5xx), and when; null when nothing failed since. */
export async function mailProblemOf(ctx: Ctx, userId: string): Promise<{ problem: string; at: Date } | null> {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { mailProblem: true, mailProblemAt: true } })
  return user.mailProblem ? { problem: user.mailProblem, at: user.mailProblemAt ?? new Date(0) } : null
}

/** The person says their mailbox takes mail again: the next notice is sent, and fails again (and is marked) if it does not. */
export async function clearMailProblem(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.user.update({ where: { id: userId }, data: { mailProblem: null, mailProblemAt: null } })
}

/**
 * Admins' "Send digests now": every member of the organisation who takes a
 * topic in the digest is told to send theirs at once (a workflow that ended is
 * started again). Audited; answers how many were told.
 */
export async function sendDigestsNow(ctx: ServiceContext, input: AuditActor & { orgId: string }): Promise<number> {
  const members = await ctx.db.user.findMany({
    where: { memberships: { some: { orgId: input.orgId } } },
    select: { id: true, mailChoices: true },
  })
  const people = members.filter((m) => digestTopicsOf(readMailChoices(m.mailChoices)).length > 0)
  await recordAudit(ctx.db, { ...input, action: 'mail.digests_sent_now', data: { people: people.length } })
  for (const person of people) await startMailDigest(ctx.temporal, ctx.env.TEMPORAL_TASK_QUEUE, person.id, { now: true })
  return people.length
}
