/** The demo's finished bulk change: Ben's "Autumn term 2026" tag on every Brightpath ticket, its page at /staff/bulk/<id>. */
import { startBulkChange } from '../services/bulk-changes.server.ts'
import type { ServiceContext } from '../services/context.ts'

const FINISH_WAIT_MS = 60_000

export async function seedDemoBulkChange(ctx: ServiceContext, orgId: string, report: (line: string) => void): Promise<void> {
  const [ben, tickets] = await Promise.all([
    ctx.db.user.findUniqueOrThrow({ where: { email: 'ben@brightpath.example' }, select: { id: true } }),
    ctx.db.ticket.findMany({ where: { orgId }, select: { number: true }, orderBy: { number: 'asc' } }),
  ])
  const started = await startBulkChange(ctx, {
    orgId,
    actor: ben,
    ticketNumbers: tickets.map((t) => t.number),
    action: { kind: 'tag', name: 'Autumn term 2026' },
    via: 'portal',
  })
  if (started.status !== 'started') throw new Error(`Demo bulk change: ${started.status}`)
  // Its workflow runs on the worker the demo's tickets use: the demo starts with the job finished.
  const until = Date.now() + FINISH_WAIT_MS
  while ((await ctx.db.bulkJob.findUniqueOrThrow({ where: { id: started.jobId } })).state !== 'finished') {
    if (Date.now() > until) throw new Error('Demo bulk change: its workflow did not finish in time')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  report(`bulk change: ${started.total} tickets tagged Autumn term 2026 (/staff/bulk/${started.jobId})`)
}
