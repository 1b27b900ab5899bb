/**
 * Account mail (password links, invitations): written to the OutboxEmail table,
 * then handed to its delivery workflow, which sends it to SMTP_URL and sets
 * sentAt. The table keeps what was sent (`npm run cli -- outbox list`); the
 * dedupe key makes a retry a no-op, here and in the workflow's id.
 */
import { startMailDelivery } from '../lib/mail/delivery.ts'
import type { ServiceContext } from './context.ts'

export interface Email {
  to: string
  subject: string
  text: string
  dedupeKey: string
}

export async function queueEmail(ctx: Pick<ServiceContext, 'db' | 'log' | 'temporal' | 'env'>, email: Email): Promise<void> {
  await ctx.db.outboxEmail.createMany({ data: [email], skipDuplicates: true })
  const { id } = await ctx.db.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: email.dedupeKey }, select: { id: true } })
  // The address and subject only: the text may hold a secret link.
  ctx.log.info({ to: email.to, subject: email.subject, dedupeKey: email.dedupeKey }, 'email queued in the outbox')
  await startMailDelivery(ctx.temporal, ctx.env.TEMPORAL_TASK_QUEUE, { dedupeKey: email.dedupeKey, input: { outboxEmailId: id } })
}
