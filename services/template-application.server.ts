/**
 * A template reaching a ticket: its steps copied into the ticket's checklist
 * (those not there already, by title in any case) and its tags put on, in the
 * caller's transaction, and the ticket noting which template it took. A copy:
 * changing the template later leaves the ticket as it is.
 */
import type { TicketType } from '../domain/ticket.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import { putTagOn } from './tags.server.ts'
import { organisationTemplate, templateSelect, type TemplateRow } from './ticket-templates.server.ts'
import { maySeeTicketById } from './ticket-access.server.ts'

type Tx = Prisma.TransactionClient
type TicketRef = { id: string; orgId: string; number: number }

/** The default template of the type, or null. */
export async function defaultTemplate(db: Db | Tx, orgId: string, type: TicketType): Promise<TemplateRow | null> {
  return db.ticketTemplate.findFirst({ where: { orgId, type, isDefault: true }, select: templateSelect })
}

/** Copies the template onto the ticket within `tx`; answers how many checklist items it added. */
export async function copyTemplateOnto(
  tx: Tx,
  input: AuditActor & { ticket: TicketRef; template: TemplateRow; onCreation?: boolean },
): Promise<number> {
  const { ticket, template } = input
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`checklist:${ticket.id}`}))`
  const existing = await tx.checklistItem.findMany({ where: { ticketId: ticket.id }, select: { title: true } })
  const had = new Set(existing.map((i) => i.title.toLowerCase()))
  const steps = template.items.filter((i) => !had.has(i.title.toLowerCase()))
  await tx.checklistItem.createMany({
    data: steps.map((step, i) => ({
      ticketId: ticket.id,
      title: step.title,
      staffOnly: step.staffOnly,
      position: existing.length + i,
      createdById: input.actorId,
    })),
  })
  for (const name of template.tags) await putTagOn(tx, { actorId: input.actorId, via: input.via, ticket, name })
  await tx.ticket.update({ where: { id: ticket.id }, data: { templateId: template.id } })
  await recordAudit(tx, {
    orgId: ticket.orgId,
    actorId: input.actorId,
    via: input.via,
    action: 'template.applied',
    data: {
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      templateId: template.id,
      name: template.name,
      items: steps.length,
      onCreation: input.onCreation ?? false,
    },
  })
  return steps.length
}

export type ApplyResult = { status: 'applied'; added: number; template: TemplateRow } | { status: 'not_found' }

/** Staff applying a template on a ticket they see; `not_found` for a template (or ticket) not theirs. */
export async function applyTemplate(db: Db, input: AuditActor & { ticket: TicketRef; templateId: string }): Promise<ApplyResult> {
  return db.$transaction(async (tx) => {
    if (input.actorId !== null && !(await maySeeTicketById(tx, { ticketId: input.ticket.id, userId: input.actorId })))
      return { status: 'not_found' } as const
    const template = await organisationTemplate(tx, input.ticket.orgId, input.templateId)
    if (!template) return { status: 'not_found' } as const
    const added = await copyTemplateOnto(tx, { ...input, template })
    return { status: 'applied', added, template } as const
  })
}
