/**
 * What resolving a ticket asks about first (seed 001's tip): checklist items not
 * done and tasks still open. The ticket page asks, the API answers 409 unless
 * forced, and a bulk change leaves the ticket for its page to confirm.
 */
import type { Db } from '../lib/db.ts'
import { unfinishedChecklistItems } from './checklists.server.ts'
import { openTicketTasks } from './tasks.server.ts'

export interface OpenWork {
  checklistItems: number
  tasks: number
}

/** The ticket's open work, or null when resolving it needs no question. */
export async function openWorkOn(db: Db, ticketId: string): Promise<OpenWork | null> {
  const [checklistItems, tasks] = await Promise.all([unfinishedChecklistItems(db, ticketId), openTicketTasks(db, ticketId)])
  return checklistItems || tasks ? { checklistItems, tasks } : null
}

/** "2 checklist items are not done yet. 1 task is still open." */
export function describeOpenWork(open: OpenWork): string {
  return [
    open.checklistItems
      ? `${open.checklistItems === 1 ? '1 checklist item is' : `${open.checklistItems} checklist items are`} not done yet.`
      : null,
    open.tasks ? `${open.tasks === 1 ? '1 task is' : `${open.tasks} tasks are`} still open.` : null,
  ]
    .filter(Boolean)
    .join(' ')
}
