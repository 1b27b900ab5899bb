/** The staff view's side column: a card per thing the team can change, then the timeline. */
import { Form } from '@remix-run/react'
import { PRIORITIES, PRIORITY_LABELS, TICKET_TYPES, TYPE_LABELS } from '../../../../domain/ticket.ts'
import { CheckboxField, SelectField, TextField } from '../../components/form-fields.tsx'
import { SideCard } from '../../components/timeline-card.tsx'
import { Alert, Button, DateTime } from '../../components/ui.tsx'
import { assigneeOptions, needsOverride } from '../../utils/assignee-options.ts'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

export function StatusCard({ ticket, transitions }: Pick<StaffData, 'ticket' | 'transitions'>) {
  const status = useFormState('change-status')
  const offersPendingLa = transitions.some((t) => t.value === 'pending_la')
  return (
    <SideCard title="Status" id="status-heading">
      {transitions.length ? (
        <Form method="post" className="space-y-4" key={ticket.status} noValidate>
          <input type="hidden" name="intent" value="change-status" />
          {status.formError ? <Alert kind="error">{status.formError}</Alert> : null}
          {status.confirm ? (
            <>
              <Alert kind="info">{status.confirm}</Alert>
              <input type="hidden" name="confirm" value="1" />
            </>
          ) : null}
          <SelectField
            label="New status"
            name="status"
            placeholder="Choose a status"
            options={transitions}
            defaultValue={status.values.status}
            errors={status.fieldErrors.status}
            required
          />
          {offersPendingLa ? (
            <TextField
              label="LA deadline"
              name="laDeadline"
              type="date"
              hint="With Pending LA: the day the local authority must answer by."
              defaultValue={status.values.laDeadline}
              errors={status.fieldErrors.laDeadline}
              required={false}
            />
          ) : null}
          <TextField label="Reason" name="reason" defaultValue={status.values.reason} errors={status.fieldErrors.reason} required={false} />
          <Button disabled={status.submitting}>{status.confirm ? 'Resolve anyway' : 'Change status'}</Button>
        </Form>
      ) : (
        <p className="text-slate-700">A closed ticket cannot change status.</p>
      )}
    </SideCard>
  )
}

export function LocalAuthorityCard({ ticket }: Pick<StaffData, 'ticket'>) {
  const laResponse = useFormState('la-response')
  return (
    <SideCard title="Local authority" id="la-heading">
      <p className="text-sm text-slate-700">
        {ticket.laDeadline ? (
          <>
            Must answer by <DateTime value={ticket.laDeadline} />
            {ticket.laOverdue ? ': overdue.' : '.'}
          </>
        ) : (
          'No deadline recorded.'
        )}
      </p>
      <Form method="post" className="space-y-3" key={`la-${ticket.laDeadlineDate}`} noValidate>
        <input type="hidden" name="intent" value="change-status" />
        <input type="hidden" name="status" value="pending_la" />
        <TextField id="la-deadline-update" label="Deadline" name="laDeadline" type="date" defaultValue={ticket.laDeadlineDate} required />
        <Button variant="secondary">{ticket.laDeadline ? 'Update deadline' : 'Set deadline'}</Button>
      </Form>
      <Form method="post" className="space-y-3">
        <input type="hidden" name="intent" value="la-response" />
        {laResponse.formError ? <Alert kind="error">{laResponse.formError}</Alert> : null}
        <Button disabled={laResponse.submitting}>Record LA response</Button>
      </Form>
    </SideCard>
  )
}

export function AssignmentCard({
  ticket,
  team,
  me,
  permissions,
  opensCase,
}: Pick<StaffData, 'ticket' | 'team' | 'me' | 'permissions' | 'opensCase'>) {
  const assignment = useFormState('assign')
  const choice = { type: ticket.typeValue, opensCase }
  return (
    <SideCard title="Assignment" id="assignment-heading">
      {assignment.formError ? <Alert kind="error">{assignment.formError}</Alert> : null}
      {permissions.assignAny ? (
        <Form method="post" className="space-y-4" key={ticket.assigneeId ?? 'none'} noValidate>
          <input type="hidden" name="intent" value="assign" />
          <SelectField
            label="Assignee"
            name="assigneeId"
            placeholder="Choose a team member"
            options={assigneeOptions(team, choice, me.id)}
            defaultValue={assignment.values.assigneeId ?? ticket.assigneeId ?? undefined}
            errors={assignment.fieldErrors.assigneeId}
            required
          />
          {needsOverride(team, choice) ? (
            <CheckboxField
              label="Override capacity"
              name="overrideCapacity"
              hint="Assign even if they are at capacity: this opens a new case for them, and the audit trail records it."
            />
          ) : null}
          <Button disabled={assignment.submitting}>Assign</Button>
        </Form>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="assign" />
          <input type="hidden" name="assigneeId" value={me.id} />
          <Button disabled={assignment.submitting}>Assign to me</Button>
        </Form>
      )}
    </SideCard>
  )
}

export function PriorityAndTypeCard({ ticket, permissions }: Pick<StaffData, 'ticket' | 'permissions'>) {
  const priority = useFormState('change-priority')
  const type = useFormState('change-type')
  return (
    <SideCard title="Priority and type" id="priority-heading">
      {permissions.changePriority ? (
        <Form method="post" className="space-y-3" key={`p-${ticket.priorityValue}`} noValidate>
          <input type="hidden" name="intent" value="change-priority" />
          {priority.formError ? <Alert kind="error">{priority.formError}</Alert> : null}
          <SelectField
            label="Priority"
            name="priority"
            options={PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] }))}
            defaultValue={priority.values.priority ?? ticket.priorityValue}
            errors={priority.fieldErrors.priority}
            hint="Changes the SLA targets."
            required
          />
          <Button variant="secondary" disabled={priority.submitting}>
            Change priority
          </Button>
        </Form>
      ) : null}
      {permissions.changeType ? (
        <Form method="post" className="space-y-3" key={`t-${ticket.typeValue}`} noValidate>
          <input type="hidden" name="intent" value="change-type" />
          {type.formError ? <Alert kind="error">{type.formError}</Alert> : null}
          <SelectField
            id="ticket-type"
            label="Type"
            name="type"
            options={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            defaultValue={type.values.type ?? ticket.typeValue}
            errors={type.fieldErrors.type}
            required
          />
          <Button variant="secondary" disabled={type.submitting}>
            Change type
          </Button>
        </Form>
      ) : null}
    </SideCard>
  )
}

/** Which team the ticket belongs to, which decides who on the team may see it. */
export function DepartmentCard({ ticket, departments }: Pick<StaffData, 'ticket' | 'departments'>) {
  const move = useFormState('change-department')
  return (
    <SideCard title="Department" id="department-heading">
      <Form method="post" className="space-y-3" key={`d-${ticket.departmentId}`} noValidate>
        <input type="hidden" name="intent" value="change-department" />
        {move.formError ? <Alert kind="error">{move.formError}</Alert> : null}
        <SelectField
          label="Department"
          name="departmentId"
          options={departments}
          defaultValue={move.values.departmentId ?? ticket.departmentId}
          errors={move.fieldErrors.departmentId}
          hint="Staff restricted to other departments no longer see it, unless it is assigned to them."
          required
        />
        <Button variant="secondary" disabled={move.submitting}>
          Move
        </Button>
      </Form>
    </SideCard>
  )
}

export function CaseCard({ ticket }: Pick<StaffData, 'ticket'>) {
  const caseLink = useFormState('link-case')
  return (
    <SideCard title="Case" id="case-heading">
      <Form method="post" className="space-y-3" key={`c-${ticket.caseRef ?? ''}`} noValidate>
        <input type="hidden" name="intent" value="link-case" />
        {caseLink.formError ? <Alert kind="error">{caseLink.formError}</Alert> : null}
        <TextField
          label="Case reference"
          name="caseRef"
          defaultValue={caseLink.values.caseRef ?? ticket.caseRef ?? ''}
          errors={caseLink.fieldErrors.caseRef}
          hint="Leave blank to unlink."
          required={false}
        />
        <Button variant="secondary" disabled={caseLink.submitting}>
          {ticket.caseRef ? 'Update case link' : 'Link case'}
        </Button>
      </Form>
    </SideCard>
  )
}

export function WatchersCard({ watchers, watchCandidates, me }: Pick<StaffData, 'watchers' | 'watchCandidates' | 'me'>) {
  const watch = useFormState('watch')
  return (
    <SideCard title="Watchers" id="watchers-heading">
      <p className="text-sm text-slate-600">Told when the family writes or a target is breached, without being assigned.</p>
      {watch.formError ? <Alert kind="error">{watch.formError}</Alert> : null}
      {watchers.length ? (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Watchers">
          {watchers.map((w) => (
            <li key={w.id} className="flex items-center justify-between gap-2 py-1.5">
              <span className="text-slate-900">{w.id === me.id ? `${w.name} (you)` : w.name}</span>
              <Form method="post">
                <input type="hidden" name="intent" value="watch" />
                <input type="hidden" name="userId" value={w.id} />
                <input type="hidden" name="watching" value="false" />
                {w.id === me.id ? (
                  <Button variant="quiet">Stop watching</Button>
                ) : (
                  <Button variant="quiet" aria-label={`Remove ${w.name} as a watcher`}>
                    Remove
                  </Button>
                )}
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">Nobody is watching this ticket.</p>
      )}
      {watchCandidates.some((m) => m.id === me.id) ? (
        <Form method="post">
          <input type="hidden" name="intent" value="watch" />
          <input type="hidden" name="userId" value={me.id} />
          <input type="hidden" name="watching" value="true" />
          <Button variant="secondary" disabled={watch.submitting}>
            Watch this ticket
          </Button>
        </Form>
      ) : null}
      {watchCandidates.some((m) => m.id !== me.id) ? (
        <Form method="post" className="space-y-3" key={`w-${watchers.length}`} noValidate>
          <input type="hidden" name="intent" value="watch" />
          <input type="hidden" name="watching" value="true" />
          <SelectField
            id="watcher"
            label="Add a watcher"
            name="userId"
            placeholder="Choose a team member"
            options={watchCandidates.filter((m) => m.id !== me.id).map((m) => ({ value: m.id, label: m.name }))}
            errors={watch.fieldErrors.userId}
            required
          />
          <Button variant="secondary" disabled={watch.submitting}>
            Add watcher
          </Button>
        </Form>
      ) : null}
    </SideCard>
  )
}

export function TagsCard({ tags, tagSuggestions }: Pick<StaffData, 'tags' | 'tagSuggestions'>) {
  const add = useFormState('add-tag')
  const remove = useFormState('remove-tag')
  return (
    <SideCard title="Tags" id="tags-heading">
      <p className="text-sm text-slate-600">For the team only: families never see tags.</p>
      {remove.formError || remove.fieldErrors.tagId ? (
        <Alert kind="error">{remove.formError ?? remove.fieldErrors.tagId?.join(' ')}</Alert>
      ) : null}
      {tags.length ? (
        <ul className="flex flex-wrap gap-2" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag.id} className="flex items-center gap-1 rounded-full border border-slate-300 bg-slate-50 py-0.5 pl-3 pr-1 text-sm">
              <span className="text-slate-900">{tag.name}</span>
              <Form method="post">
                <input type="hidden" name="intent" value="remove-tag" />
                <input type="hidden" name="tagId" value={tag.id} />
                <button
                  type="submit"
                  aria-label={`Remove the tag ${tag.name}`}
                  className="rounded-full px-2 text-slate-600 hover:bg-slate-200 hover:text-slate-900 focus:outline-none focus:ring-2 focus:ring-indigo-600"
                >
                  <span aria-hidden="true">×</span>
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">No tags yet.</p>
      )}
      <Form method="post" className="space-y-3" key={`tags-${tags.length}`} noValidate>
        <input type="hidden" name="intent" value="add-tag" />
        {add.formError ? <Alert kind="error">{add.formError}</Alert> : null}
        <TextField
          id="tag-name"
          label="Add a tag"
          name="name"
          list="tag-suggestions"
          hint="Choose one the team uses, or type a new one."
          defaultValue={add.values.name}
          errors={add.fieldErrors.name}
          autoComplete="off"
          required
        />
        <datalist id="tag-suggestions">
          {tagSuggestions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Button variant="secondary" disabled={add.submitting}>
          Add tag
        </Button>
      </Form>
    </SideCard>
  )
}
