/**
 * A ticket's checklist: the steps staff tick off ("Request the EHCP draft").
 * Plain records, not lifecycle: each change is written here with its audit
 * record in the same transaction, and shows on the ticket's timeline
 * (ticket-history.server.ts). Staff who may see the ticket edit it (the one
 * rule of ticket-access.server.ts); families only read the items that are not
 * staff-only. Positions stay dense (0, 1, 2, ...) in each ticket.
 *
 * When the advocate asks ("Tell the family"), adding or ticking an item the
 * family sees asks the ticket workflow, after the write, to notify them
 * (signal `checklistChanged`): their notices all go out from there.
 */
import { z } from 'zod'
import { checklistProgress, type ChecklistAction } from '../domain/checklists.ts'
import { checklistTitle } from '../domain/input-schemas.ts'
import type { ChecklistChangedInput } from '../domain/ticket-notifications.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'
import { signalEach } from '../lib/ticket-signals.ts'
import { checklistChangedSignal } from '../workflows/ticket.messages.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'
import { maySeeTicketById } from './ticket-access.server.ts'

type Tx = Prisma.TransactionClient
type TicketRef = { id: string; orgId: string; number: number }
/** `actorId` null is an API key or the CLI acting for the ticket's organisation, which found the ticket already. */
type Change = AuditActor & { ticket: TicketRef }
/** Given when the advocate ticked "Tell the family": the Temporal client (and logger) to ask the workflow with. */
type TellFamily = { tellFamily?: Parameters<typeof signalEach>[0] }

export const ChecklistTitleSchema = checklistTitle()

const itemSelect = {
  id: true,
  title: true,
  position: true,
  staffOnly: true,
  awaitsFamilyFile: true,
  done: true,
  doneAt: true,
  doneBy: { select: { id: true, name: true } },
} as const

export type ChecklistItemRow = Prisma.ChecklistItemGetPayload<{ select: typeof itemSelect }>
export type ChecklistResult = { status: 'changed' | 'unchanged'; item: ChecklistItemRow } | { status: 'not_found' }

/** The ticket's items in order, as its team sees them, or as its family does (no staff-only items). */
export async function ticketChecklist(db: Db, ticketId: string, audience: 'staff' | 'family') {
  const items = await db.checklistItem.findMany({
    where: { ticketId, ...(audience === 'family' ? { staffOnly: false } : {}) },
    orderBy: { position: 'asc' },
    select: itemSelect,
  })
  return { items, progress: checklistProgress(items) }
}

/** How many of the ticket's items (staff-only ones too) are not done: resolving asks first when any are. */
export async function unfinishedChecklistItems(db: Db, ticketId: string): Promise<number> {
  return db.checklistItem.count({ where: { ticketId, done: false } })
}

/**
 * One change, in a transaction that holds the ticket's checklist alone (so two
 * people moving items at once keep the positions dense), after checking the
 * person may see the ticket. `null` answers "not found": the ticket is not theirs.
 */
async function changeChecklist<T>(db: Db, input: Change, change: (tx: Tx) => Promise<T>): Promise<T | null> {
  return db.$transaction(async (tx) => {
    if (input.actorId !== null && !(await maySeeTicketById(tx, { ticketId: input.ticket.id, userId: input.actorId }))) return null
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`checklist:${input.ticket.id}`}))`
    return change(tx)
  })
}

async function audit(
  tx: Tx,
  input: Change,
  action: ChecklistAction,
  item: { id: string; title: string },
  extra: Prisma.InputJsonObject = {},
) {
  await recordAudit(tx, {
    orgId: input.ticket.orgId,
    actorId: input.actorId,
    via: input.via,
    action,
    data: { ticketId: input.ticket.id, ticketNumber: input.ticket.number, itemId: item.id, title: item.title, ...extra },
  })
}

const findItem = (tx: Tx, ticketId: string, id: string) =>
  z.uuid().safeParse(id).success ? tx.checklistItem.findFirst({ where: { id, ticketId }, select: itemSelect }) : null

/** Asks the ticket workflow to tell the family, unless they do not see the item. */
async function tellFamilyOf(input: Change & TellFamily, item: ChecklistItemRow, change: ChecklistChangedInput['change']) {
  if (!input.tellFamily || item.staffOnly) return
  await signalEach(input.tellFamily, [input.ticket], checklistChangedSignal, { itemId: item.id, change, actorId: input.actorId })
}

/** Adds an item at the end of the checklist. Null when the person may not see the ticket. */
export async function addChecklistItem(db: Db, input: Change & TellFamily & { title: string; staffOnly: boolean }) {
  const title = ChecklistTitleSchema.parse(input.title)
  const added = await changeChecklist(db, input, async (tx) => {
    const position = await tx.checklistItem.count({ where: { ticketId: input.ticket.id } })
    const item = await tx.checklistItem.create({
      data: { ticketId: input.ticket.id, title, position, staffOnly: input.staffOnly, createdById: input.actorId },
      select: itemSelect,
    })
    await audit(tx, input, 'checklist.item_added', item, { staffOnly: item.staffOnly })
    return item
  })
  if (added) await tellFamilyOf(input, added, 'added')
  return added
}

/** Renames, ticks or unticks, or shows to (hides from) the family; each change that happens is audited. */
export async function updateChecklistItem(
  db: Db,
  input: Change & TellFamily & { itemId: string; title?: string; done?: boolean; staffOnly?: boolean },
): Promise<ChecklistResult> {
  const title = input.title === undefined ? undefined : ChecklistTitleSchema.parse(input.title)
  let tickedNow = false
  const result = await changeChecklist(db, input, async (tx): Promise<ChecklistResult> => {
    const found = await findItem(tx, input.ticket.id, input.itemId)
    if (!found) return { status: 'not_found' }
    const renamed = title !== undefined && title !== found.title
    const ticked = input.done !== undefined && input.done !== found.done
    const shown = input.staffOnly !== undefined && input.staffOnly !== found.staffOnly
    if (!renamed && !ticked && !shown) return { status: 'unchanged', item: found }
    const item = await tx.checklistItem.update({
      where: { id: found.id },
      data: {
        title: renamed ? title : undefined,
        staffOnly: shown ? input.staffOnly : undefined,
        ...(ticked ? { done: input.done, doneAt: input.done ? new Date() : null, doneById: input.done ? input.actorId : null } : {}),
      },
      select: itemSelect,
    })
    if (renamed) await audit(tx, input, 'checklist.item_renamed', item, { from: found.title })
    if (ticked) await audit(tx, input, item.done ? 'checklist.item_ticked' : 'checklist.item_unticked', item)
    if (shown) await audit(tx, input, 'checklist.item_staff_only_changed', item, { staffOnly: item.staffOnly })
    tickedNow = ticked && item.done
    return { status: 'changed', item }
  })
  if (result?.status === 'changed' && tickedNow) await tellFamilyOf(input, result.item, 'ticked')
  return result ?? { status: 'not_found' }
}

/** Swaps the item with the one above or below it; the first cannot go up, nor the last down (unchanged). */
export async function moveChecklistItem(db: Db, input: Change & { itemId: string; direction: 'up' | 'down' }): Promise<ChecklistResult> {
  const result = await changeChecklist(db, input, async (tx): Promise<ChecklistResult> => {
    const found = await findItem(tx, input.ticket.id, input.itemId)
    if (!found) return { status: 'not_found' }
    const to = found.position + (input.direction === 'up' ? -1 : 1)
    const neighbour = await tx.checklistItem.findFirst({ where: { ticketId: input.ticket.id, position: to }, select: { id: true } })
    if (!neighbour) return { status: 'unchanged', item: found }
    await tx.checklistItem.update({ where: { id: neighbour.id }, data: { position: found.position } })
    const item = await tx.checklistItem.update({ where: { id: found.id }, data: { position: to }, select: itemSelect })
    await audit(tx, input, 'checklist.item_moved', item, { direction: input.direction })
    return { status: 'changed', item }
  })
  return result ?? { status: 'not_found' }
}

/** Removes the item and closes the gap it leaves. */
export async function removeChecklistItem(db: Db, input: Change & { itemId: string }): Promise<ChecklistResult> {
  const result = await changeChecklist(db, input, async (tx): Promise<ChecklistResult> => {
    const found = await findItem(tx, input.ticket.id, input.itemId)
    if (!found) return { status: 'not_found' }
    await tx.checklistItem.delete({ where: { id: found.id } })
    await tx.checklistItem.updateMany({
      where: { ticketId: input.ticket.id, position: { gt: found.position } },
      data: { position: { decrement: 1 } },
    })
    await audit(tx, input, 'checklist.item_removed', found)
    return { status: 'changed', item: found }
  })
  return result ?? { status: 'not_found' }
}

/** A document request's item ("Send us: <document>"), written in the request's own transaction; the family's file ticks it. */
export async function addAwaitedFileItem(tx: Tx, input: Change & { document: string }) {
  const position = await tx.checklistItem.count({ where: { ticketId: input.ticket.id } })
  const item = await tx.checklistItem.create({
    data: {
      ticketId: input.ticket.id,
      title: ChecklistTitleSchema.parse(`Send us: ${input.document}`),
      position,
      awaitsFamilyFile: true,
      createdById: input.actorId,
    },
    select: itemSelect,
  })
  await audit(tx, input, 'checklist.item_added', item, { staffOnly: false })
  return item
}

/**
 * A file from the family arrived on the ticket: every item awaiting one is ticked
 * by them. The caller has posted their message, so they may see the ticket.
 * Answers how many items it ticked.
 */
export async function tickAwaitedFileItems(db: Db, input: Change): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`checklist:${input.ticket.id}`}))`
    const awaiting = await tx.checklistItem.findMany({
      where: { ticketId: input.ticket.id, awaitsFamilyFile: true, done: false },
      select: { id: true },
    })
    for (const { id } of awaiting) {
      const item = await tx.checklistItem.update({
        where: { id },
        data: { done: true, doneAt: new Date(), doneById: input.actorId },
        select: itemSelect,
      })
      await audit(tx, input, 'checklist.item_ticked', item, { byFamilyFile: true })
    }
    return awaiting.length
  })
}
