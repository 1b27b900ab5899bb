/**
 * Tasks in words: a ticket's follow-ups and a case's next actions are one model
 * (docs/decisions/016-one-task-model.md). Their statuses, the audited changes
 * and what each says on a ticket's or case's timeline. Pure: no database.
 */

export const TASK_STATUSES = ['todo', 'doing', 'done'] as const
export type TaskStatus = (typeof TASK_STATUSES)[number]

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = { todo: 'To do', doing: 'Doing', done: 'Done' }

export const TASK_ACTIONS = [
  'task.created',
  'task.linked',
  'task.status_changed',
  'task.owner_changed',
  'task.due_changed',
  'task.renamed',
] as const
export type TaskAction = (typeof TASK_ACTIONS)[number]

/** What a change did, after who did it: "moved the task “Call the school” to Doing". */
export function describeTaskChange(action: TaskAction, data: Record<string, unknown>): string {
  const title = `the task “${String(data.title ?? '')}”`
  switch (action) {
    case 'task.created':
      return `added ${title}`
    case 'task.linked':
      return `linked ${title} to ticket #${Number(data.ticketNumber)}`
    case 'task.status_changed':
      return `moved ${title} to ${statusLabel(data.status)}`
    case 'task.owner_changed':
      return data.ownerName ? `gave ${title} to ${String(data.ownerName)}` : `left ${title} without an owner`
    case 'task.due_changed':
      return data.dueAt ? `changed the due date of ${title}` : `removed the due date of ${title}`
    case 'task.renamed':
      return `renamed the task “${String(data.from ?? '')}” to “${String(data.title ?? '')}”`
  }
}

function statusLabel(status: unknown): string {
  return typeof status === 'string' && status in TASK_STATUS_LABELS ? TASK_STATUS_LABELS[status as TaskStatus] : 'another status'
}

/** The earliest of the due times a ticket workflow waits for, or null when it waits for none. */
export function earliestTaskDeadline(deadlines: Readonly<Record<string, number>>): { taskId: string; dueMs: number } | null {
  let earliest: { taskId: string; dueMs: number } | null = null
  for (const [taskId, dueMs] of Object.entries(deadlines)) if (!earliest || dueMs < earliest.dueMs) earliest = { taskId, dueMs }
  return earliest
}
