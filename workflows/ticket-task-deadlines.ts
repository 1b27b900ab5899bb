/**
 * The ticket workflow's timers for its tasks (docs/decisions/016-one-task-model.md):
 * the service signals `taskDeadline` with a task's id and due time after each
 * write; the workflow wakes at the earliest and has the activity flag the task
 * overdue (the activity skips a task done or moved since). Only runs that took
 * the `ticket-task-deadlines` marker, at their first such signal, keep them, so
 * histories recorded before replay as they were. Pending due times are carried
 * across continue-as-new.
 */
import { patched, setHandler } from '@temporalio/workflow'
import { earliestTaskDeadline } from '../domain/tasks.ts'
import { taskDeadlineSignal, type TaskDeadlineInput } from './ticket.messages.ts'

/** Marks runs that flag their ticket's tasks overdue by their own timer. */
export const TASK_DEADLINES_PATCH = 'ticket-task-deadlines'

export interface TaskDeadlines {
  /** A due time arrived since the loop last looked: it must work out its wake-up again. */
  changed(): boolean
  /** Epoch ms of the earliest pending due time, or null. */
  wakeAt(): number | null
  /** Flags every task whose due time has come; clears `changed`. */
  flagDue(nowMs: number): Promise<void>
  /** What continue-as-new carries: undefined when nothing is pending. */
  carried(): Record<string, number> | undefined
}

export function handleTaskDeadlines(
  carried: Record<string, number> | undefined,
  flagTaskOverdue: (input: TaskDeadlineInput) => Promise<boolean>,
): TaskDeadlines {
  let pending: Record<string, number> = { ...carried }
  let changed = false
  setHandler(taskDeadlineSignal, ({ taskId, dueAt }) => {
    const dueMs = Date.parse(dueAt)
    if (Number.isNaN(dueMs) || !patched(TASK_DEADLINES_PATCH)) return
    pending = { ...pending, [taskId]: dueMs }
    changed = true
  })
  return {
    changed: () => changed,
    wakeAt: () => earliestTaskDeadline(pending)?.dueMs ?? null,
    async flagDue(nowMs) {
      changed = false
      for (;;) {
        const next = earliestTaskDeadline(pending)
        if (!next || next.dueMs > nowMs) return
        const { [next.taskId]: _flagged, ...rest } = pending
        pending = rest
        await flagTaskOverdue({ taskId: next.taskId, dueAt: new Date(next.dueMs).toISOString() })
      }
    },
    carried: () => (Object.keys(pending).length > 0 ? pending : undefined),
  }
}
