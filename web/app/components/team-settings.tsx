/**
 * Settings → Team: inviting a colleague, and the team, one row a person with
 * their role, what they hold, and what an admin may change. Each change is its
 * own small form, so the page works without JavaScript.
 */
import { Form } from '@remix-run/react'
import { ErrorList, SelectField, TextField } from './form-fields.tsx'
import { MemberCapacity, type MemberCapacityRow } from './member-capacity.tsx'
import { SubmissionToken, SubmitButton } from './submission.tsx'
import { Button, Card, CardTitle, DateTime, Marker } from './ui.tsx'
import type { FieldErrors } from '../utils/validation.ts'

export const ROLE_OPTIONS = [
  { value: 'staff', label: 'Staff' },
  { value: 'admin', label: 'Admin' },
] as const

export interface TeamMemberRow extends MemberCapacityRow {
  membershipId: string
  userId: string
  name: string
  email: string
  role: 'staff' | 'admin'
  invited: boolean
  heldTickets: number
  joinedAt: { iso: string; text: string; title?: string }
  /** The departments they are restricted to; none: every department. */
  departmentIds: readonly string[]
  isYou: boolean
  /** Mail to them was refused for good: the server's answer, and when. */
  mailProblem: { text: string; at: { iso: string; text: string; title?: string } } | null
  /** The one-time token of the form that mails an invited person a new link. */
  resendToken: string | null
}

export function InviteCard({
  values,
  errors,
  submissionToken,
}: {
  values: Record<string, string | undefined>
  errors: FieldErrors
  submissionToken: string
}) {
  return (
    <Card aria-labelledby="invite-heading">
      <CardTitle id="invite-heading">Invite a colleague</CardTitle>
      <p className="mt-1 text-sm text-slate-700">
        They get an email with a link to choose their password (valid for 7 days). Someone who already has a Caseway account is told they
        can sign in.
      </p>
      <Form method="post" noValidate className="mt-4 grid items-start gap-4 md:grid-cols-[1fr_1fr_12rem_auto]">
        <input type="hidden" name="intent" value="invite" />
        <SubmissionToken value={submissionToken} />
        <TextField label="Name" name="name" autoComplete="off" defaultValue={values.name} errors={errors.name} required />
        <TextField label="Email" name="email" type="email" autoComplete="off" defaultValue={values.email} errors={errors.email} required />
        <SelectField label="Role" name="role" options={ROLE_OPTIONS} defaultValue={values.role ?? 'staff'} errors={errors.role} required />
        <SubmitButton token={submissionToken} pendingText="Sending…" className="md:mt-6">
          Send invitation
        </SubmitButton>
      </Form>
    </Card>
  )
}

export interface DepartmentChoice {
  id: string
  name: string
  archived: boolean
}

export function TeamList({
  members,
  departments,
  rowErrors,
}: {
  members: readonly TeamMemberRow[]
  departments: readonly DepartmentChoice[]
  /** A refused change, shown in the row it was made in. */
  rowErrors: { membershipId: string; errors: FieldErrors } | null
}) {
  return (
    <Card aria-labelledby="team-heading">
      <CardTitle id="team-heading">Team</CardTitle>
      <p className="mt-1 text-sm text-slate-700">
        Staff work tickets: reply, take them and watch them. Admins also triage, change these settings and look after the team. A change
        applies from the person’s next page.
      </p>
      <ul className="mt-3 divide-y divide-slate-100" aria-label="Team members">
        {members.map((member) => (
          <MemberRow
            key={member.membershipId}
            member={member}
            colleagues={members.filter((m) => m.userId !== member.userId)}
            departments={departments}
            errors={rowErrors?.membershipId === member.membershipId ? rowErrors.errors : {}}
          />
        ))}
      </ul>
    </Card>
  )
}

function MemberRow({
  member,
  colleagues,
  departments,
  errors,
}: {
  member: TeamMemberRow
  colleagues: readonly TeamMemberRow[]
  departments: readonly DepartmentChoice[]
  errors: FieldErrors
}) {
  const id = member.membershipId
  const headingId = `member-${id}`
  return (
    <li aria-labelledby={headingId} className="grid gap-4 py-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1.3fr)_minmax(0,2fr)] lg:items-end">
      <div className="min-w-0">
        <p id={headingId} className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
          {member.name}
          {member.isYou ? <span className="font-normal text-slate-600">(you)</span> : null}
          <Marker tone={member.role === 'admin' ? 'violet' : 'slate'}>{member.role === 'admin' ? 'Admin' : 'Staff'}</Marker>
          {member.invited ? <Marker tone="teal">Invited</Marker> : null}
        </p>
        <p className="break-words text-sm text-slate-700">{member.email}</p>
        {member.mailProblem ? (
          <p className="break-words text-sm font-medium text-red-800">
            Mail to this address is refused (<DateTime value={member.mailProblem.at} />
            ): {member.mailProblem.text}. Check the address with them.
          </p>
        ) : null}
        <p className="text-sm text-slate-600">
          {member.invited ? (
            'Has not chosen a password yet'
          ) : (
            <>
              On the team since <DateTime value={member.joinedAt} />
            </>
          )}{' '}
          · {member.heldTickets === 1 ? '1 ticket assigned' : `${member.heldTickets} tickets assigned`}
        </p>
        {member.resendToken ? (
          <Form method="post" className="mt-2">
            <input type="hidden" name="intent" value="resend-invitation" />
            <input type="hidden" name="membershipId" value={id} />
            <SubmissionToken value={member.resendToken} />
            <SubmitButton token={member.resendToken} variant="secondary" aria-label={`Send ${member.name} a new invitation link`}>
              Send a new link
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      {member.isYou ? (
        <p className="text-sm text-slate-700 lg:col-span-2">Another admin can change your role or take you off the team.</p>
      ) : (
        <>
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="change-role" />
            <input type="hidden" name="membershipId" value={id} />
            <div className="min-w-36 flex-1">
              <SelectField
                id={`role-${id}`}
                name="role"
                label={
                  <>
                    Role<span className="sr-only"> of {member.name}</span>
                  </>
                }
                options={ROLE_OPTIONS}
                defaultValue={member.role}
                errors={errors.role}
              />
            </div>
            <Button variant="secondary" aria-label={`Change the role of ${member.name}`}>
              Change role
            </Button>
          </Form>
          <Form
            method="post"
            className="flex flex-wrap items-end gap-3"
            onSubmit={(event) => {
              if (!window.confirm(`Take ${member.name} off the team? They lose access to its tickets at once.`)) event.preventDefault()
            }}
          >
            <input type="hidden" name="intent" value="remove" />
            <input type="hidden" name="membershipId" value={id} />
            {member.heldTickets ? (
              <div className="min-w-48 flex-1">
                <SelectField
                  id={`hand-to-${id}`}
                  name="handTo"
                  label={`Give their ${member.heldTickets === 1 ? 'ticket' : `${member.heldTickets} tickets`} to`}
                  placeholder="Choose a colleague"
                  options={colleagues.map((c) => ({ value: c.userId, label: c.name }))}
                  errors={errors.handTo}
                  required
                />
              </div>
            ) : null}
            <Button variant="danger" aria-label={`Remove ${member.name} from the team`}>
              Remove
            </Button>
          </Form>
        </>
      )}
      {departments.length ? <MemberDepartments member={member} departments={departments} errors={errors} /> : null}
      <MemberCapacity member={member} errors={errors} />
    </li>
  )
}

/**
 * Which departments' tickets a staff member sees: none ticked is every
 * department. Archived departments are offered only to those already in them,
 * so a restriction is never lost by saving the form.
 */
function MemberDepartments({
  member,
  departments,
  errors,
}: {
  member: TeamMemberRow
  departments: readonly DepartmentChoice[]
  errors: FieldErrors
}) {
  const id = member.membershipId
  const names = departments.filter((d) => member.departmentIds.includes(d.id)).map((d) => d.name)
  const scope = names.length ? `Only ${names.join(', ')}` : 'Every department'
  if (member.role === 'admin')
    return (
      <p className="text-sm text-slate-700 lg:col-span-3">
        <span className="font-medium text-slate-800">Departments:</span> admins see every department’s tickets.
      </p>
    )
  const offered = departments.filter((d) => !d.archived || member.departmentIds.includes(d.id))
  return (
    <Form method="post" className="lg:col-span-3">
      <input type="hidden" name="intent" value="set-departments" />
      <input type="hidden" name="membershipId" value={id} />
      <fieldset aria-describedby={`departments-${id}-hint`}>
        <legend className="text-sm font-medium text-slate-800">
          Departments<span className="sr-only"> of {member.name}</span>: {scope}
        </legend>
        <p id={`departments-${id}-hint`} className="text-sm text-slate-600">
          Tick none for every department. They always see the tickets assigned to them.
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-x-5 gap-y-1">
          {offered.map((d) => (
            <label key={d.id} className="flex min-h-10 items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                name="departmentIds"
                value={d.id}
                defaultChecked={member.departmentIds.includes(d.id)}
                className="size-5 accent-indigo-700"
              />
              {d.name}
              {d.archived ? ' (archived)' : ''}
            </label>
          ))}
          <Button variant="secondary" aria-label={`Save the departments of ${member.name}`}>
            Save departments
          </Button>
        </div>
        <ErrorList errors={errors.departmentIds} />
      </fieldset>
    </Form>
  )
}
