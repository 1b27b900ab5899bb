/**
 * Which notices a person takes by mail (domain/mail-preferences.ts): the topics
 * of their audience (staff if they work a team, else family) with what applies
 * now, and their changes. A person's own setting, so not audited.
 */
import { z } from 'zod'
import {
  MAIL_CHOICES,
  MAIL_TOPICS,
  mailChoiceFor,
  readMailChoices,
  type MailAudience,
  type MailChoice,
  type MailTopic,
} from '../domain/mail-preferences.ts'
import type { ServiceContext } from './context.ts'

type Ctx = Pick<ServiceContext, 'db'>

async function audienceOf(ctx: Ctx, userId: string): Promise<MailAudience> {
  const staff = await ctx.db.membership.count({ where: { userId, role: { in: ['staff', 'admin'] } } })
  return staff > 0 ? 'staff' : 'family'
}

export async function mailChoicesOf(ctx: Ctx, userId: string): Promise<{ topic: MailTopic; choice: MailChoice }[]> {
  const [audience, user] = await Promise.all([
    audienceOf(ctx, userId),
    ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { mailChoices: true } }),
  ])
  const choices = readMailChoices(user.mailChoices)
  return MAIL_TOPICS[audience].map((topic) => ({ topic, choice: mailChoiceFor(choices, topic) }))
}

/** A choice for every topic of the person's audience; anything else is refused by the schema. */
export async function mailChoicesSchemaFor(ctx: Ctx, userId: string) {
  const topics = MAIL_TOPICS[await audienceOf(ctx, userId)]
  return z.object(Object.fromEntries(topics.map((topic) => [topic, z.enum(MAIL_CHOICES, { error: 'Choose how this comes' })])))
}

export async function saveMailChoices(ctx: Ctx, userId: string, choices: Record<string, MailChoice>): Promise<void> {
  const user = await ctx.db.user.findUniqueOrThrow({ where: { id: userId }, select: { mailChoices: true } })
  await ctx.db.user.update({ where: { id: userId }, data: { mailChoices: { ...readMailChoices(user.mailChoices), ...choices } } })
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
