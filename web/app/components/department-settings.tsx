/**
 * Settings → Departments: adding one, and the list, one row a department with
 * its name and lead to change and a button to archive it or bring it back.
 * Each change is its own small form, so the page works without JavaScript.
 */
import { Form } from '@remix-run/react'
import { SelectField, TextField } from './form-fields.tsx'
import { SubmissionToken, SubmitButton } from './submission.tsx'
import { Button, Card, CardTitle, Marker } from './ui.tsx'
import type { FieldErrors } from '../utils/validation.ts'

type Options = readonly { value: string; label: string }[]

export interface DepartmentSettingsRow {
  id: string
  slug: string
  name: string
  lead: { id: string; name: string } | null
  archived: boolean
  isDefault: boolean
  restrictedMembers: number
  openTickets: number
}

export function NewDepartmentCard({
  leads,
  values,
  errors,
  submissionToken,
}: {
  leads: Options
  values: Record<string, string | undefined>
  errors: FieldErrors
  submissionToken: string
}) {
  return (
    <Card aria-labelledby="new-department-heading">
      <CardTitle id="new-department-heading">Add a department</CardTitle>
      <Form method="post" noValidate className="mt-4 grid items-start gap-4 md:grid-cols-[1fr_1fr_auto]">
        <input type="hidden" name="intent" value="create" />
        <SubmissionToken value={submissionToken} />
        <TextField
          label="Name"
          name="name"
          hint="What families choose, like “Tribunals”."
          defaultValue={values.name}
          errors={errors.name}
          required
        />
        <SelectField
          label="Lead"
          name="leadId"
          placeholder="Nobody"
          options={leads}
          defaultValue={values.leadId}
          errors={errors.leadId}
          required={false}
        />
        <SubmitButton token={submissionToken} pendingText="Adding…" className="md:mt-6">
          Add department
        </SubmitButton>
      </Form>
    </Card>
  )
}

export function DepartmentList({
  departments,
  leads,
  rowErrors,
}: {
  departments: readonly DepartmentSettingsRow[]
  leads: Options
  /** A refused change, shown in the row it was made in with what was typed. */
  rowErrors: { departmentId: string; errors: FieldErrors; values: Record<string, string> } | null
}) {
  return (
    <Card aria-labelledby="departments-heading">
      <CardTitle id="departments-heading">Departments</CardTitle>
      {departments.length ? (
        <ul className="mt-3 divide-y divide-slate-100" aria-label="Departments">
          {departments.map((department) => (
            <DepartmentRow
              key={department.id}
              department={department}
              leads={leads}
              failed={rowErrors?.departmentId === department.id ? rowErrors : null}
            />
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-slate-700">No departments yet.</p>
      )}
    </Card>
  )
}

function DepartmentRow({
  department,
  leads,
  failed,
}: {
  department: DepartmentSettingsRow
  leads: Options
  failed: { errors: FieldErrors; values: Record<string, string> } | null
}) {
  const id = department.id
  const headingId = `department-${id}`
  const restricted = department.restrictedMembers
  return (
    <li aria-labelledby={headingId} className="grid gap-4 py-4 lg:grid-cols-[minmax(0,1.4fr)_minmax(0,3fr)_auto] lg:items-end">
      <div className="min-w-0">
        <p id={headingId} className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
          {department.name}
          {department.isDefault ? <Marker tone="teal">Default</Marker> : null}
          {department.archived ? <Marker tone="slate">Archived</Marker> : null}
        </p>
        <p className="text-sm text-slate-700">
          {department.lead ? `Led by ${department.lead.name}` : 'No lead'} ·{' '}
          {department.openTickets === 1 ? '1 open ticket' : `${department.openTickets} open tickets`}
        </p>
        <p className="text-sm text-slate-600">
          {restricted === 1 ? '1 staff member restricted to it' : `${restricted} staff members restricted to it`} · API name{' '}
          <code>{department.slug}</code>
        </p>
        {department.isDefault ? <p className="text-sm text-slate-600">Requests that name no department come here.</p> : null}
      </div>
      <Form method="post" noValidate className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_auto]">
        <input type="hidden" name="intent" value="update" />
        <input type="hidden" name="departmentId" value={id} />
        <TextField
          id={`name-${id}`}
          name="name"
          label={
            <>
              Name<span className="sr-only"> of {department.name}</span>
            </>
          }
          defaultValue={failed?.values.name ?? department.name}
          errors={failed?.errors.name}
          required
        />
        <SelectField
          id={`lead-${id}`}
          name="leadId"
          label={
            <>
              Lead<span className="sr-only"> of {department.name}</span>
            </>
          }
          placeholder="Nobody"
          options={leads}
          defaultValue={failed?.values.leadId ?? department.lead?.id ?? ''}
          errors={failed?.errors.leadId}
        />
        <Button variant="secondary" aria-label={`Save ${department.name}`}>
          Save
        </Button>
      </Form>
      <Form method="post">
        <input type="hidden" name="intent" value={department.archived ? 'restore' : 'archive'} />
        <input type="hidden" name="departmentId" value={id} />
        <Button variant="secondary" aria-label={`${department.archived ? 'Bring back' : 'Archive'} ${department.name}`}>
          {department.archived ? 'Bring back' : 'Archive'}
        </Button>
      </Form>
    </li>
  )
}
