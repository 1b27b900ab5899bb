/**
 * The worker's sweep for tickets whose workflow never saved them: the web wrote
 * the rows and died before starting the workflow, or Temporal did not answer in
 * time. Every half grace period it opens those older than the grace period
 * (services/ticket-creation.server.ts), so a written request always gets its
 * workflow. A repair loop, not a timer of any ticket's: its period only bounds
 * how soon a crash is healed (docs/decisions/006-services-leave-the-portal.md).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { openUnstartedTickets } from '../services/ticket-creation.server.ts'
import type { ServiceContext } from '../services/context.ts'

export async function sweepUnstartedTickets(ctx: ServiceContext, signal: AbortSignal): Promise<void> {
  const graceMs = ctx.env.TICKET_START_GRACE_SECONDS * 1000
  while (!signal.aborted) {
    try {
      const opened = await openUnstartedTickets(ctx, { olderThanMs: graceMs })
      if (opened) ctx.log.warn({ opened }, 'sweep: opened tickets whose workflow had not saved them')
    } catch (error) {
      ctx.log.warn({ err: error }, 'sweep: could not look for unstarted tickets; trying again later')
    }
    await sleep(graceMs / 2, undefined, { signal }).catch(() => undefined)
  }
}
