/** A case's Overview: status, next actions (add, tick off, reopen, change due), close or reopen, and the timeline. Plain forms: all works without JavaScript. */
import { Form, useActionData, useNavigation } from '@remix-run/react'
import type { CaseStatus } from '../../../domain/case.ts'
import type { FormattedDate } from '../utils/format.ts'
import type { FieldErrors } from '../utils/validation.ts'
import { SelectField, TextAreaField, TextField } from './form-fields.tsx'
import { SubmissionToken, SubmitButton } from './submission.tsx'
import { SideCard, TimelineCard, type TimelineEntry } from './timeline-card.tsx'
import { Alert, Button, DateTime, Marker } from './ui.tsx'

export type CaseOverviewActionData = { intent: string; fieldErrors: FieldErrors; formError: string | null; values: Record<string, string> }

export interface CaseOverviewData {
  submissionToken: string
  status: { value: CaseStatus; label: string }
  closed: boolean
  closeReason: string | null
  closedAt: FormattedDate | null
  transitions: { value: string; label: string }[]
  openTickets: number
  canReopen: boolean
  /** Seen as its cover: where the case stands is not theirs to change. */
  coverOnly: boolean
  /** The newest handover note to the case's advocate, if any. */
  handover: { from: string | null; author: string | null; note: string; at: FormattedDate } | null
  people: { id: string; name: string }[]
  actions: {
    id: string
    title: string
    owner: string | null
    due: FormattedDate | null
    dueInput: string
    done: FormattedDate | null
    overdue: boolean
  }[]
  timeline: TimelineEntry[]
}

/** The last answer, when it was to this form (one intent, and for a row's forms one action). */
function useCaseForm(intent: string, actionId?: string) {
  const answer = useActionData<CaseOverviewActionData>()
  const navigation = useNavigation()
  const mine = answer?.intent === intent && (actionId === undefined || answer.values.actionId === actionId) ? answer : undefined
  return {
    fieldErrors: mine?.fieldErrors ?? ({} as FieldErrors),
    formError: mine?.formError ?? null,
    values: mine?.values ?? {},
    submitting:
      navigation.state === 'submitting' &&
      navigation.formData?.get('intent') === intent &&
      (actionId === undefined || navigation.formData?.get('actionId') === actionId),
  }
}

export function CaseOverview({ data }: { data: CaseOverviewData }) {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <div className="min-w-0 space-y-6">
        {data.handover ? <HandoverCard handover={data.handover} /> : null}
        <NextActions data={data} />
      </div>
      <div className="space-y-6">
        {data.coverOnly ? (
          <SideCard title="You are covering" id="case-cover-heading">
            <p className="text-sm text-slate-700">
              Now: <strong>{data.status.label}</strong>. Reply to the family and add notes on its tickets; its advocate or an admin changes
              its status, closes or reopens it.
            </p>
          </SideCard>
        ) : (
          <>
            {data.closed ? null : <StatusCard data={data} />}
            <CloseCard data={data} />
          </>
        )}
        <TimelineCard timeline={data.timeline} />
      </div>
    </div>
  )
}

function HandoverCard({ handover }: { handover: NonNullable<CaseOverviewData['handover']> }) {
  return (
    <SideCard title={handover.from ? `Handover from ${handover.from}` : 'Handover note'} id="case-handover-heading">
      <p className="text-sm whitespace-pre-line text-slate-900">{handover.note}</p>
      <p className="text-sm text-slate-600">
        {handover.author ? `${handover.author}, ` : null}
        <DateTime value={handover.at} />
      </p>
    </SideCard>
  )
}

function StatusCard({ data }: { data: CaseOverviewData }) {
  const form = useCaseForm('set-status')
  return (
    <SideCard title="Where the case stands" id="case-status-heading">
      <p className="text-slate-800">
        Now: <strong>{data.status.label}</strong>
      </p>
      <Form method="post" className="space-y-4" key={data.status.value} noValidate>
        <input type="hidden" name="intent" value="set-status" />
        {form.formError ? <Alert kind="error">{form.formError}</Alert> : null}
        <SelectField
          label="New status"
          name="status"
          placeholder="Choose a status"
          options={data.transitions}
          defaultValue={form.values.status}
          errors={form.fieldErrors.status}
          required
        />
        <Button disabled={form.submitting}>Change status</Button>
      </Form>
    </SideCard>
  )
}

function CloseCard({ data }: { data: CaseOverviewData }) {
  const close = useCaseForm('close-case')
  const reopen = useCaseForm('reopen-case')
  if (data.closed)
    return (
      <SideCard title="Case closed" id="case-close-heading">
        <p className="text-slate-800">
          Closed
          {data.closedAt ? (
            <>
              {' '}
              <DateTime value={data.closedAt} />
            </>
          ) : null}
          {data.closeReason ? `: ${data.closeReason}` : ''}.
        </p>
        {reopen.formError ? <Alert kind="error">{reopen.formError}</Alert> : null}
        {data.canReopen ? (
          <Form method="post">
            <input type="hidden" name="intent" value="reopen-case" />
            <Button variant="secondary" disabled={reopen.submitting}>
              Reopen the case
            </Button>
          </Form>
        ) : (
          <p className="text-sm text-slate-600">Every ticket of this case is closed, so it cannot be reopened.</p>
        )}
      </SideCard>
    )
  return (
    <SideCard title="Close the case" id="case-close-heading">
      <p className="text-sm text-slate-700">
        Closing resolves {data.openTickets === 1 ? 'its 1 open ticket' : `its ${data.openTickets} open tickets`} with the reason “case
        closed”. It can be reopened while a ticket is not closed.
      </p>
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="close-case" />
        {close.formError ? <Alert kind="error">{close.formError}</Alert> : null}
        <TextAreaField
          label="Why it is closing"
          name="reason"
          rows={3}
          defaultValue={close.values.reason}
          errors={close.fieldErrors.reason}
          required
        />
        <Button variant="danger" disabled={close.submitting}>
          Close the case
        </Button>
      </Form>
    </SideCard>
  )
}

function NextActions({ data }: { data: CaseOverviewData }) {
  const add = useCaseForm('add-action')
  return (
    <section aria-labelledby="actions-heading" className="space-y-4">
      <h2 id="actions-heading" className="text-lg font-semibold text-slate-900">
        Next actions
      </h2>
      {data.actions.length ? (
        <ul className="space-y-3">
          {data.actions.map((a) => (
            <ActionRow key={a.id} action={a} closed={data.closed} />
          ))}
        </ul>
      ) : (
        <p className="text-slate-600">No next actions yet.</p>
      )}
      {data.closed ? null : (
        <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-6">
          <h3 className="font-semibold text-slate-900">Add a next action</h3>
          <Form method="post" className="mt-3 grid gap-4 md:grid-cols-3 md:items-start" key={data.actions.length} noValidate>
            <input type="hidden" name="intent" value="add-action" />
            <SubmissionToken value={data.submissionToken} />
            {add.formError ? (
              <div className="md:col-span-3">
                <Alert kind="error">{add.formError}</Alert>
              </div>
            ) : null}
            <div className="md:col-span-3">
              <TextField label="What needs doing" name="title" defaultValue={add.values.title} errors={add.fieldErrors.title} required />
            </div>
            <SelectField
              label="Owner"
              name="ownerId"
              options={[{ value: '', label: 'Nobody in particular' }, ...data.people.map((p) => ({ value: p.id, label: p.name }))]}
              defaultValue={add.values.ownerId ?? ''}
              errors={add.fieldErrors.ownerId}
            />
            <TextField
              label="Due"
              name="due"
              type="datetime-local"
              defaultValue={add.values.due}
              errors={add.fieldErrors.due}
              required={false}
            />
            <div className="md:self-end">
              <SubmitButton token={data.submissionToken} pendingText="Adding…">
                Add next action
              </SubmitButton>
            </div>
          </Form>
        </div>
      )}
    </section>
  )
}

function ActionRow({ action, closed }: { action: CaseOverviewData['actions'][number]; closed: boolean }) {
  const toggle = useCaseForm(action.done ? 'reopen-action' : 'complete-action', action.id)
  const due = useCaseForm('change-due', action.id)
  const dueId = `due-${action.id}`
  return (
    <li className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className={`break-words font-medium ${action.done ? 'text-slate-600 line-through' : 'text-slate-900'}`}>{action.title}</p>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-700">
            {action.done ? (
              <Marker tone="teal">Done</Marker>
            ) : action.overdue ? (
              <Marker tone="violet">Overdue</Marker>
            ) : (
              <Marker tone="slate">Open</Marker>
            )}
            <span>
              {action.due ? (
                <>
                  {action.overdue ? 'was due' : 'due'} <DateTime value={action.due} />
                </>
              ) : (
                'no due date'
              )}
            </span>
            <span>· {action.owner ? `owner: ${action.owner}` : 'no owner'}</span>
            {action.done ? (
              <span>
                · done <DateTime value={action.done} />
              </span>
            ) : null}
          </p>
        </div>
        {closed ? null : (
          <Form method="post">
            <input type="hidden" name="intent" value={action.done ? 'reopen-action' : 'complete-action'} />
            <input type="hidden" name="actionId" value={action.id} />
            <Button variant="secondary" disabled={toggle.submitting}>
              {action.done ? 'Reopen' : 'Mark done'}
              <span className="sr-only">: {action.title}</span>
            </Button>
          </Form>
        )}
      </div>
      {toggle.formError ? <Alert kind="error">{toggle.formError}</Alert> : null}
      {closed || action.done ? null : (
        <Form method="post" className="mt-3 flex flex-wrap items-end gap-3" noValidate>
          <input type="hidden" name="intent" value="change-due" />
          <input type="hidden" name="actionId" value={action.id} />
          <div className="min-w-56">
            <TextField
              id={dueId}
              label={
                <>
                  New due date<span className="sr-only"> for {action.title}</span>
                </>
              }
              name="due"
              type="datetime-local"
              defaultValue={due.values.due ?? action.dueInput}
              errors={due.fieldErrors.due}
              required={false}
            />
          </div>
          <Button variant="secondary" disabled={due.submitting}>
            Change due date
          </Button>
          {due.formError ? <Alert kind="error">{due.formError}</Alert> : null}
        </Form>
      )}
    </li>
  )
}
