/**
 * The ticket workflow's effect when a ticket's task falls due: flag it overdue
 * and tell its owner. Safe to repeat: the flag is set only while the task still
 * has that due time and is not done, and the notice's dedupe key names the task
 * and its due time, so a retry (or a second timer for the same time) changes nothing.
 */
import type { TaskDeadlineInput } from '../workflows/ticket.messages.ts'
import type { Db } from '../lib/db.ts'
import type { Logger } from '../lib/log.ts'

export function createTaskActivities({ db, log }: { db: Db; log: Logger }) {
  return {
    /** True when the task was (or already is) overdue at that due time; false when it is done, gone or moved. */
    async flagTaskOverdue(input: TaskDeadlineInput): Promise<boolean> {
      const dueAt = new Date(input.dueAt)
      const still = { id: input.taskId, dueAt, status: { not: 'done' as const } }
      await db.task.updateMany({ where: { ...still, overdue: false }, data: { overdue: true } })
      const task = await db.task.findFirst({
        where: { ...still, overdue: true },
        select: { title: true, ownerId: true, ticketId: true, ticket: { select: { number: true } } },
      })
      if (!task) {
        log.info({ taskId: input.taskId }, 'task deadline passed: done, moved or gone, so not flagged')
        return false
      }
      if (task.ownerId)
        await db.notification.createMany({
          data: [
            {
              userId: task.ownerId,
              ticketId: task.ticketId,
              kind: 'task_overdue',
              text: `Task overdue on ticket #${task.ticket?.number}: “${task.title}”.`,
              dedupeKey: `task-overdue:${input.taskId}:${dueAt.getTime()}`,
            },
          ],
          skipDuplicates: true,
        })
      log.info({ taskId: input.taskId }, 'task flagged overdue')
      return true
    },
  }
}
