/**
 * The staff view's Tasks card: each task with its owner, due date and status
 * (overdue said in words), a plain form per task to change its status, a form
 * to add one and one to link an open task of the organisation. No JavaScript needed.
 */
import { Form } from '@remix-run/react'
import { SelectField, TextField } from '../../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../../components/submission.tsx'
import { Alert, Button, Card, CardTitle, DateTime } from '../../components/ui.tsx'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

const STATUS_OPTIONS = [
  { value: 'todo', label: 'To do' },
  { value: 'doing', label: 'Doing' },
  { value: 'done', label: 'Done' },
]

export function TasksCard({ tasks, taskToken }: Pick<StaffData, 'tasks' | 'taskToken'>) {
  const add = useFormState('add-task')
  const link = useFormState('link-task')
  const status = useFormState('task-status')
  const refused = add.formError ?? link.formError ?? status.formError
  return (
    <Card aria-labelledby="tasks-heading">
      <CardTitle id="tasks-heading">Tasks</CardTitle>
      <div className="mt-3 space-y-4">
        {refused ? <Alert kind="error">{refused}</Alert> : null}
        {tasks.tasks.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Tasks">
            {tasks.tasks.map((task) => (
              <li key={task.id} className="space-y-1 py-3 text-sm">
                <p className="font-medium text-slate-900">
                  <span className={task.status === 'done' ? 'line-through decoration-slate-500' : undefined}>{task.title}</span>
                  {task.overdue ? <strong className="ml-2 rounded bg-rose-100 px-1.5 text-rose-900">Overdue</strong> : null}
                </p>
                <p className="text-slate-600">
                  {task.statusLabel} · {task.owner ?? 'No owner'} ·{' '}
                  {task.due ? (
                    <>
                      due <DateTime value={task.due} />
                    </>
                  ) : (
                    'no due date'
                  )}
                  {task.caseRef ? ` · case ${task.caseRef}` : ''}
                </p>
                <Form method="post" className="flex flex-wrap items-end gap-2">
                  <input type="hidden" name="intent" value="task-status" />
                  <input type="hidden" name="taskId" value={task.id} />
                  <SelectField
                    id={`task-status-${task.id}`}
                    label={`Status of “${task.title}”`}
                    name="status"
                    options={STATUS_OPTIONS}
                    defaultValue={task.status}
                  />
                  <Button variant="secondary">Save status</Button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-700">No tasks yet.</p>
        )}
        <Form method="post" className="space-y-3" key={`task-${tasks.tasks.length}`} noValidate>
          <input type="hidden" name="intent" value="add-task" />
          <SubmissionToken value={taskToken} />
          <TextField
            id="task-new-title"
            label="Add a task"
            name="title"
            hint="Like “Call the school”."
            defaultValue={add.values.title}
            errors={add.fieldErrors.title}
            autoComplete="off"
            required
          />
          <SelectField
            id="task-new-owner"
            label="Owner"
            name="ownerId"
            options={tasks.owners}
            placeholder="Nobody yet"
            defaultValue={add.values.ownerId}
            errors={add.fieldErrors.ownerId}
          />
          <TextField
            id="task-new-due"
            label="Due"
            name="due"
            type="datetime-local"
            defaultValue={add.values.due}
            errors={add.fieldErrors.due}
          />
          <SubmitButton token={taskToken} variant="secondary" pendingText="Adding…">
            Add task
          </SubmitButton>
        </Form>
        {tasks.linkable.length ? (
          <Form method="post" className="space-y-3">
            <input type="hidden" name="intent" value="link-task" />
            <SelectField
              id="task-link"
              label="Link an open task"
              name="taskId"
              options={tasks.linkable}
              errors={link.fieldErrors.taskId}
              required
            />
            <Button variant="secondary">Link task</Button>
          </Form>
        ) : null}
      </div>
    </Card>
  )
}
