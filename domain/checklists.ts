/**
 * A ticket's checklist in words: its progress ("3 of 5 done", never colour
 * alone) and what each audited change says on the ticket's timeline and in the
 * audit trail. Pure: no database.
 */

export const CHECKLIST_ACTIONS = [
  'checklist.item_added',
  'checklist.item_renamed',
  'checklist.item_ticked',
  'checklist.item_unticked',
  'checklist.item_moved',
  'checklist.item_staff_only_changed',
  'checklist.item_removed',
] as const
export type ChecklistAction = (typeof CHECKLIST_ACTIONS)[number]

export interface ChecklistProgress {
  done: number
  total: number
}

export function checklistProgress(items: readonly { done: boolean }[]): ChecklistProgress {
  return { done: items.filter((i) => i.done).length, total: items.length }
}

/** "3 of 5 done"; the queue's short "3/5" carries these words as its label. */
export function progressWords({ done, total }: ChecklistProgress): string {
  return `${done} of ${total} done`
}

/** The queue's "3/5" in words, for those who do not see it: "3 of 5 checklist items done". */
export function progressLabel({ done, total }: ChecklistProgress): string {
  return `${done} of ${total} checklist ${total === 1 ? 'item' : 'items'} done`
}

/** What a change did, after who did it: "ticked “Request the draft”". */
export function describeChecklistChange(action: ChecklistAction, data: Record<string, unknown>): string {
  const title = `“${String(data.title ?? '')}”`
  switch (action) {
    case 'checklist.item_added':
      return `added ${data.staffOnly ? 'the staff-only' : 'the'} checklist item ${title}`
    case 'checklist.item_renamed':
      return `renamed the checklist item “${String(data.from ?? '')}” to ${title}`
    case 'checklist.item_ticked':
      return `ticked ${title}`
    case 'checklist.item_unticked':
      return `unticked ${title}`
    case 'checklist.item_moved':
      return `moved ${title} ${data.direction === 'up' ? 'up' : 'down'} the checklist`
    case 'checklist.item_staff_only_changed':
      return data.staffOnly ? `made ${title} staff only` : `showed ${title} to the family`
    case 'checklist.item_removed':
      return `removed the checklist item ${title}`
  }
}
