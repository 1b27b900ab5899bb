/**
 * Settings → Team, one member's capacity of active cases (blank: no limit) and
 * the ticket types they specialise in, which triage shows. Its own small form,
 * so it works without JavaScript.
 */
import { Form } from '@remix-run/react'
import { MAX_CASE_CAPACITY } from '../../../domain/limits.ts'
import { TICKET_TYPES, TYPE_LABELS, type TicketType } from '../../../domain/ticket.ts'
import { ErrorList, TextField } from './form-fields.tsx'
import { Button } from './ui.tsx'
import type { FieldErrors } from '../utils/validation.ts'

export interface MemberCapacityRow {
  membershipId: string
  name: string
  caseCapacity: number | null
  specialisms: readonly TicketType[]
  /** "3 of 5 cases". */
  load: string
  atCapacity: boolean
}

export function MemberCapacity({ member, errors }: { member: MemberCapacityRow; errors: FieldErrors }) {
  const id = member.membershipId
  return (
    <Form method="post" className="grid gap-3 sm:grid-cols-[12rem_1fr] sm:items-end lg:col-span-3">
      <input type="hidden" name="intent" value="set-capacity" />
      <input type="hidden" name="membershipId" value={id} />
      <TextField
        id={`capacity-${id}`}
        name="caseCapacity"
        type="number"
        min="0"
        max={String(MAX_CASE_CAPACITY)}
        inputMode="numeric"
        label={
          <>
            Case capacity<span className="sr-only"> of {member.name}</span>
          </>
        }
        hint={`Now ${member.load}${member.atCapacity ? ': at capacity' : ''}. Blank: no limit.`}
        defaultValue={member.caseCapacity === null ? '' : String(member.caseCapacity)}
        errors={errors.caseCapacity}
      />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">
          Specialisms<span className="sr-only"> of {member.name}</span>
        </legend>
        <div className="mt-1 flex flex-wrap items-center gap-x-5 gap-y-1">
          {TICKET_TYPES.map((type) => (
            <label key={type} className="flex min-h-10 items-center gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                name="specialisms"
                value={type}
                defaultChecked={member.specialisms.includes(type)}
                className="size-5 accent-indigo-700"
              />
              {TYPE_LABELS[type]}
            </label>
          ))}
          <Button variant="secondary" aria-label={`Save the capacity and specialisms of ${member.name}`}>
            Save capacity
          </Button>
        </div>
        <ErrorList errors={errors.specialisms} />
      </fieldset>
    </Form>
  )
}
