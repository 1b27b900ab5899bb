/**
 * The worker's sweep for writes whose workflow never heard of them: a ticket the
 * web wrote and then died (or Temporal did not answer) before starting its
 * workflow, and a message whose update Temporal did not confirm. Every half
 * grace period it opens those tickets (services/ticket-creation.server.ts),
 * delivers those messages (services/message-delivery.server.ts), and opens the
 * cases and links the tickets a crash left apart (services/case-links.server.ts), and processes
 * inbound mail stored but never processed (services/inbound-mail.server.ts), once they are
 * older than the grace period, so what a person was told is saved always reaches
 * its workflow. A repair loop, not a timer of any ticket's: its period only
 * bounds how soon a crash is healed (docs/decisions/006-services-leave-the-portal.md).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { joinTicketsToCases, linkAssignedTickets } from '../services/case-links.server.ts'
import { openUnstartedCases } from '../services/cases.server.ts'
import type { ServiceContext } from '../services/context.ts'
import { processWaitingInboundMail } from '../services/inbound-mail.server.ts'
import { deliverUnrecordedMessages } from '../services/message-delivery.server.ts'
import { openUnstartedTickets } from '../services/ticket-creation.server.ts'

export async function sweepUnfinishedWrites(ctx: ServiceContext, signal: AbortSignal): Promise<void> {
  const graceMs = ctx.env.SWEEP_GRACE_SECONDS * 1000
  const unlinkable = new Set<string>()
  while (!signal.aborted) {
    try {
      const opened = await openUnstartedTickets(ctx, { olderThanMs: graceMs })
      if (opened) ctx.log.warn({ opened }, 'sweep: opened tickets whose workflow had not saved them')
      const delivered = await deliverUnrecordedMessages(ctx, { olderThanMs: graceMs })
      if (delivered) ctx.log.warn({ delivered }, 'sweep: settled messages their workflow had not recorded')
      const mails = await processWaitingInboundMail(ctx, { olderThanMs: graceMs })
      if (mails) ctx.log.warn({ processed: mails }, 'sweep: processed inbound mail whose listener died before it could')
      const cases = await openUnstartedCases(ctx, { olderThanMs: graceMs })
      if (cases) ctx.log.warn({ opened: cases }, 'sweep: opened cases whose workflow had not saved them')
      const joined = await joinTicketsToCases(ctx, { olderThanMs: graceMs })
      if (joined) ctx.log.warn({ joined }, 'sweep: joined tickets to the case their reference names')
      const linked = await linkAssignedTickets(ctx, { olderThanMs: graceMs, unlinkable })
      if (linked) ctx.log.warn({ linked }, 'sweep: linked assigned tickets that had no case')
    } catch (error) {
      ctx.log.warn({ err: error }, 'sweep: could not look for unfinished writes; trying again later')
    }
    await sleep(graceMs / 2, undefined, { signal }).catch(() => undefined)
  }
}
