/**
 * The family's notices of checklist changes: the checklist service signals
 * `checklistChanged` (item id, added or ticked) when the advocate asks that the
 * family be told, and the workflow sends the notice through its notify activity,
 * like its other family notices. Only runs that took the
 * `ticket-checklist-notices` marker, at their first such signal, send them, so
 * histories recorded before replay as they were. A repeat of the same item and
 * change is not sent again in this run; the notice's dedupe key covers the rest.
 */
import { patched, setHandler } from '@temporalio/workflow'
import { checklistNotification, type TicketNotification } from '../domain/ticket-notifications.ts'
import type { TicketState } from '../domain/ticket-state.ts'
import { checklistChangedSignal } from './ticket.messages.ts'

/** Marks runs that tell the family of checklist changes the advocate asked them to hear of. */
export const CHECKLIST_NOTICES_PATCH = 'ticket-checklist-notices'

export function handleChecklistNotices(ticket: () => TicketState, notify: (notification: TicketNotification) => Promise<void>): void {
  const sent = new Set<string>()
  setHandler(checklistChangedSignal, async (input) => {
    if (!patched(CHECKLIST_NOTICES_PATCH)) return
    const notification = checklistNotification(ticket(), input)
    if (sent.has(notification.dedupeKey)) return
    sent.add(notification.dedupeKey)
    await notify(notification)
  })
}
