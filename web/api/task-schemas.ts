/** The schemas of the task operations (tasks.ts). */
import { z } from 'zod'
import { TASK_TITLE_MAX } from '../../domain/limits.ts'
import { TASK_STATUSES } from '../../domain/tasks.ts'
import { ActorField, Instant, InstantOut, line, PersonRefSchema, PersonSchema, TicketNumberParam } from './schemas.ts'

const Title = line(TASK_TITLE_MAX, ['Call the school about the SENCo report'])
const Status = z.enum(TASK_STATUSES).describe('`todo`, `doing` or `done`.')

export const TaskParams = z.strictObject({ taskId: z.uuid() })
export const TicketTasksParams = z.strictObject({ number: TicketNumberParam })

export const TaskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    status: Status,
    owner: PersonSchema.nullable(),
    dueAt: InstantOut.nullable(),
    overdue: z.boolean().describe('Past its due time and not done, as its workflow flagged it.'),
    ticketNumber: z.int().nullable().describe('The ticket it is on, if any.'),
    caseRef: z.string().nullable().describe('The case whose next action it is, if any.'),
  })
  .meta({ id: 'Task' })

export const TaskListSchema = z
  .object({ tasks: z.array(TaskSchema).describe('Open first, by due time; then done.') })
  .meta({ id: 'TaskList' })

export const TaskEnvelope = z.object({ task: TaskSchema }).meta({ id: 'TaskEnvelope' })

export const CreateTaskBody = z
  .union(
    [
      z
        .strictObject({
          title: Title.describe('The new task’s title.'),
          owner: PersonRefSchema.optional().describe('Who does it: a member of staff.'),
          dueAt: Instant.nullable().optional().describe('When it is due; none when left out.'),
          actor: ActorField,
        })
        .meta({ id: 'NewTaskBody' }),
      z
        .strictObject({
          taskId: z.uuid().describe('Link this open task of the organisation (a case’s next action, say) instead of making one.'),
          actor: ActorField,
        })
        .meta({ id: 'LinkTaskBody' }),
    ],
    { error: 'Send either `title` (a new task, with its owner and due time) or `taskId` (an open task to link), not both' },
  )
  .describe('A new task for the ticket (with `title`), or an existing one linked to it (with `taskId`).')

export const ChangeTaskBody = z
  .strictObject({
    title: Title.optional(),
    status: Status.optional(),
    owner: PersonRefSchema.nullable().optional().describe('The new owner; null for nobody.'),
    dueAt: Instant.nullable().optional().describe('The new due time; null for none.'),
    actor: ActorField,
  })
  .describe('What to change about the task; what is left out stays as it is.')
