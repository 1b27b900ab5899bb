/**
 * Mail to people, written to the OutboxEmail table. Until an email channel
 * sends it (and sets sentAt), the table is the local outbox: `npm start`
 * users and tests read links from it. The dedupe key makes a retry a no-op.
 */
import type { ServiceContext } from './context.ts'

export interface Email {
  to: string
  subject: string
  text: string
  dedupeKey: string
}

export async function queueEmail(ctx: Pick<ServiceContext, 'db' | 'log'>, email: Email): Promise<void> {
  await ctx.db.outboxEmail.createMany({ data: [email], skipDuplicates: true })
  // The address and subject only: the text may hold a secret link.
  ctx.log.info({ to: email.to, subject: email.subject, dedupeKey: email.dedupeKey }, 'email queued in the outbox')
}
