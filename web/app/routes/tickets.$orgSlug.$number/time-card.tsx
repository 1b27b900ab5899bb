/** The staff view's Time card: log time on the ticket, see its total, change your own entries (admins any). */
import { Form } from '@remix-run/react'
import { TIME_KIND_LABELS, TIME_KINDS } from '../../../../domain/durations.ts'
import { SelectField, TextField } from '../../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../../components/submission.tsx'
import { Alert, Button, Card, CardTitle } from '../../components/ui.tsx'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

const KIND_OPTIONS = TIME_KINDS.map((kind) => ({ value: kind, label: TIME_KIND_LABELS[kind] }))

type Entry = StaffData['time']['entries'][number]
type Values = Record<string, string | undefined>
type Errors = Record<string, string[] | undefined>

function EntryFields({ prefix, values, errors, today }: { prefix: string; values: Values; errors: Errors; today: string }) {
  return (
    <div className="grid grid-cols-2 gap-3">
      <TextField
        id={`${prefix}-duration`}
        label="Time spent"
        name="duration"
        hint="Minutes, or like 1h 30m."
        defaultValue={values.duration}
        errors={errors.duration}
        autoComplete="off"
        required
      />
      <TextField
        id={`${prefix}-worked-on`}
        label="Day"
        name="workedOn"
        type="date"
        max={today}
        defaultValue={values.workedOn ?? today}
        errors={errors.workedOn}
        required
      />
      <SelectField
        id={`${prefix}-kind`}
        label="Kind"
        name="kind"
        options={KIND_OPTIONS}
        defaultValue={values.kind ?? 'call'}
        errors={errors.kind}
        required
      />
      <TextField id={`${prefix}-note`} label="Note" name="note" defaultValue={values.note} errors={errors.note} required={false} />
    </div>
  )
}

function EntryItem({ entry, today }: { entry: Entry; today: string }) {
  const edit = useFormState('edit-time')
  const mine = edit.values.entryId === entry.id
  return (
    <li className="py-2 text-sm">
      <p className="flex flex-wrap justify-between gap-x-2">
        <span className="font-medium text-slate-900">
          {entry.duration} · {entry.kindLabel}
        </span>
        <span className="text-slate-600">
          {entry.who}, {entry.day}
        </span>
      </p>
      {entry.note ? <p className="text-slate-700">{entry.note}</p> : null}
      {entry.canChange ? (
        <details className="mt-1" open={mine || undefined}>
          <summary className="cursor-pointer text-indigo-800 underline-offset-4 hover:underline">
            Change
            <span className="sr-only">
              {' '}
              the entry of {entry.duration} on {entry.day}
            </span>
          </summary>
          <Form method="post" className="mt-2 space-y-3" noValidate>
            <input type="hidden" name="intent" value="edit-time" />
            <input type="hidden" name="entryId" value={entry.id} />
            {mine && edit.formError ? <Alert kind="error">{edit.formError}</Alert> : null}
            <EntryFields
              prefix={`edit-${entry.id}`}
              values={mine ? edit.values : { duration: entry.duration, workedOn: entry.workedOn, kind: entry.kind, note: entry.note ?? '' }}
              errors={mine ? edit.fieldErrors : {}}
              today={today}
            />
            <Button variant="secondary">Save entry</Button>
          </Form>
          <Form method="post" className="mt-2">
            <input type="hidden" name="intent" value="delete-time" />
            <input type="hidden" name="entryId" value={entry.id} />
            <Button variant="danger">Delete entry</Button>
          </Form>
        </details>
      ) : null}
    </li>
  )
}

export function TimeCard({ time, timeToken }: Pick<StaffData, 'time' | 'timeToken'>) {
  const log = useFormState('log-time')
  const removal = useFormState('delete-time')
  return (
    <Card aria-labelledby="time-heading">
      <CardTitle id="time-heading">Time</CardTitle>
      <div className="mt-3 space-y-4">
        <p className="text-sm text-slate-700">
          <span className="font-semibold text-slate-900">Total {time.total}</span> on this ticket (yours: {time.mine}). For the team only.
        </p>
        {removal.formError ? <Alert kind="error">{removal.formError}</Alert> : null}
        {time.entries.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Time entries">
            {time.entries.map((entry) => (
              <EntryItem key={entry.id} entry={entry} today={time.today} />
            ))}
          </ul>
        ) : null}
        <Form method="post" className="space-y-3" key={`log-${time.entries.length}`} noValidate>
          <input type="hidden" name="intent" value="log-time" />
          <SubmissionToken value={timeToken} />
          {log.formError ? <Alert kind="error">{log.formError}</Alert> : null}
          <EntryFields prefix="log" values={log.values} errors={log.fieldErrors} today={time.today} />
          <SubmitButton token={timeToken} pendingText="Logging…">
            Log time
          </SubmitButton>
        </Form>
      </div>
    </Card>
  )
}
