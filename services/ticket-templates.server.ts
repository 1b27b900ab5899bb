/**
 * Ticket templates, kept by admins under Settings: for one ticket type, a
 * standard checklist and optionally a priority and tags. Several per type,
 * exactly one the default (the first of a type becomes it; deleting the
 * default passes it to the oldest other; a partial unique index holds it).
 * Plain records: each change is audited in its transaction. Tickets copy a
 * template when made or when staff apply it (template-application.server.ts),
 * so changing one never changes a ticket.
 */
import { z } from 'zod'
import type { TemplateAction } from '../domain/templates.ts'
import type { Priority, TicketType } from '../domain/ticket.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

type Tx = Prisma.TransactionClient
type Scope = AuditActor & { orgId: string }

export const templateSelect = {
  id: true,
  type: true,
  name: true,
  isDefault: true,
  priority: true,
  tags: true,
  items: { orderBy: { position: 'asc' }, select: { id: true, title: true, position: true, staffOnly: true } },
} as const satisfies Prisma.TicketTemplateSelect

export type TemplateRow = Prisma.TicketTemplateGetPayload<{ select: typeof templateSelect }>
export type TemplateStep = { title: string; staffOnly: boolean }
export type TemplateResult = { status: 'changed'; template: TemplateRow } | { status: 'not_found' } | { status: 'name_taken' }

/** The organisation's templates, by type then name; `type` narrows to one type. */
export async function organisationTemplates(db: Db, orgId: string, type?: TicketType): Promise<TemplateRow[]> {
  return db.ticketTemplate.findMany({ where: { orgId, type }, orderBy: [{ type: 'asc' }, { name: 'asc' }], select: templateSelect })
}

/** One of the organisation's templates; another organisation's id, or not an id, finds nothing. */
export async function organisationTemplate(db: Db | Tx, orgId: string, id: string): Promise<TemplateRow | null> {
  if (!z.uuid().safeParse(id).success) return null
  return db.ticketTemplate.findFirst({ where: { id, orgId }, select: templateSelect })
}

const isNameTaken = (error: unknown) => typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002'

/** One change to one template, its rows locked, audited with the template's name. */
async function changeTemplate(
  db: Db,
  input: Scope & { templateId: string },
  change: (tx: Tx, template: TemplateRow) => Promise<{ action: TemplateAction; data?: Prisma.InputJsonObject } | null>,
): Promise<TemplateResult> {
  try {
    return await db.$transaction(async (tx) => {
      if (!z.uuid().safeParse(input.templateId).success) return { status: 'not_found' } as const
      await tx.$executeRaw`SELECT 1 FROM "TicketTemplate" WHERE id = ${input.templateId}::uuid FOR UPDATE`
      const found = await organisationTemplate(tx, input.orgId, input.templateId)
      if (!found) return { status: 'not_found' } as const
      const done = await change(tx, found)
      const template = (await organisationTemplate(tx, input.orgId, found.id)) ?? found
      if (done) await audit(tx, input, done.action, template, done.data)
      return { status: 'changed', template } as const
    })
  } catch (error) {
    if (isNameTaken(error)) return { status: 'name_taken' }
    throw error
  }
}

async function audit(
  tx: Tx,
  input: Scope,
  action: TemplateAction,
  template: { id: string; name: string },
  extra: Prisma.InputJsonObject = {},
) {
  await recordAudit(tx, {
    orgId: input.orgId,
    actorId: input.actorId,
    via: input.via,
    action,
    data: { templateId: template.id, name: template.name, ...extra },
  })
}

/** A new template; the first of its type is the default. `name_taken`: the type already has one of that name. */
export async function createTemplate(
  db: Db,
  input: Scope & { type: TicketType; name: string; priority: Priority | null; tags: string[]; steps: TemplateStep[] },
): Promise<TemplateResult> {
  try {
    return await db.$transaction(async (tx) => {
      // Serialises the organisation's changes of defaults, so two first templates of a type do not both claim it.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`templates:${input.orgId}:${input.type}`}))`
      const hasDefault = await tx.ticketTemplate.count({ where: { orgId: input.orgId, type: input.type, isDefault: true } })
      const created = await tx.ticketTemplate.create({
        data: {
          orgId: input.orgId,
          type: input.type,
          name: input.name,
          priority: input.priority,
          tags: input.tags,
          isDefault: hasDefault === 0,
          items: { create: input.steps.map((step, position) => ({ ...step, position })) },
        },
        select: templateSelect,
      })
      await audit(tx, input, 'template.created', created, { type: created.type, items: created.items.length })
      return { status: 'changed', template: created } as const
    })
  } catch (error) {
    if (isNameTaken(error)) return { status: 'name_taken' }
    throw error
  }
}

/** Renames it, or changes its priority or tags. */
export function editTemplate(db: Db, input: Scope & { templateId: string; name: string; priority: Priority | null; tags: string[] }) {
  return changeTemplate(db, input, async (tx, found) => {
    const same = found.name === input.name && found.priority === input.priority && found.tags.join('\n') === input.tags.join('\n')
    if (same) return null
    await tx.ticketTemplate.update({ where: { id: found.id }, data: { name: input.name, priority: input.priority, tags: input.tags } })
    return { action: 'template.edited', data: { from: found.name } }
  })
}

/** Makes it its type's default, and the one that was no longer. */
export function setDefaultTemplate(db: Db, input: Scope & { templateId: string }) {
  return changeTemplate(db, input, async (tx, found) => {
    if (found.isDefault) return null
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`templates:${input.orgId}:${found.type}`}))`
    await tx.ticketTemplate.updateMany({ where: { orgId: input.orgId, type: found.type, isDefault: true }, data: { isDefault: false } })
    await tx.ticketTemplate.update({ where: { id: found.id }, data: { isDefault: true } })
    return { action: 'template.default_set' }
  })
}

/** Deletes it; tickets made from it keep their checklists. A default passes to the oldest other of its type. */
export async function deleteTemplate(db: Db, input: Scope & { templateId: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const found = await organisationTemplate(tx, input.orgId, input.templateId)
    if (!found) return false
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`templates:${input.orgId}:${found.type}`}))`
    const { count } = await tx.ticketTemplate.deleteMany({ where: { id: found.id } })
    if (!count) return false
    if (found.isDefault) {
      const next = await tx.ticketTemplate.findFirst({
        where: { orgId: input.orgId, type: found.type },
        orderBy: { createdAt: 'asc' },
        select: { id: true },
      })
      if (next) await tx.ticketTemplate.update({ where: { id: next.id }, data: { isDefault: true } })
    }
    await audit(tx, input, 'template.deleted', found)
    return true
  })
}

/** Adds a step at the end of the template's checklist. */
export function addTemplateItem(db: Db, input: Scope & { templateId: string } & TemplateStep) {
  return changeTemplate(db, input, async (tx, found) => {
    await tx.ticketTemplateItem.create({
      data: { templateId: found.id, title: input.title, staffOnly: input.staffOnly, position: found.items.length },
    })
    return { action: 'template.item_added', data: { title: input.title, staffOnly: input.staffOnly } }
  })
}

/** Swaps a step with the one above or below; the first cannot go up, nor the last down. */
export function moveTemplateItem(db: Db, input: Scope & { templateId: string; itemId: string; direction: 'up' | 'down' }) {
  return changeTemplate(db, input, async (tx, found) => {
    const index = found.items.findIndex((i) => i.id === input.itemId)
    const neighbour = found.items[index + (input.direction === 'up' ? -1 : 1)]
    const item = found.items[index]
    if (!item || !neighbour) return null
    await tx.ticketTemplateItem.update({ where: { id: neighbour.id }, data: { position: item.position } })
    await tx.ticketTemplateItem.update({ where: { id: item.id }, data: { position: neighbour.position } })
    return { action: 'template.item_moved', data: { title: item.title, direction: input.direction } }
  })
}

/** Shows a step to families, or keeps it for staff. */
export function setTemplateItemStaffOnly(db: Db, input: Scope & { templateId: string; itemId: string; staffOnly: boolean }) {
  return changeTemplate(db, input, async (tx, found) => {
    const item = found.items.find((i) => i.id === input.itemId)
    if (!item || item.staffOnly === input.staffOnly) return null
    await tx.ticketTemplateItem.update({ where: { id: item.id }, data: { staffOnly: input.staffOnly } })
    return { action: 'template.item_staff_only_changed', data: { title: item.title, staffOnly: input.staffOnly } }
  })
}

/** Removes a step and closes the gap. */
export function removeTemplateItem(db: Db, input: Scope & { templateId: string; itemId: string }) {
  return changeTemplate(db, input, async (tx, found) => {
    const item = found.items.find((i) => i.id === input.itemId)
    if (!item) return null
    await tx.ticketTemplateItem.delete({ where: { id: item.id } })
    await tx.ticketTemplateItem.updateMany({
      where: { templateId: found.id, position: { gt: item.position } },
      data: { position: { decrement: 1 } },
    })
    return { action: 'template.item_removed', data: { title: item.title } }
  })
}
