/**
 * The SLA policy settings' bigger pieces: the targets-by-priority table, the
 * waiting periods, and the card of targets for one type of request, with the
 * table cells they share.
 */
import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { PRIORITIES, PRIORITY_LABELS, TICKET_TYPES, TYPE_LABELS, type Priority, type TicketType } from '../../../domain/ticket.ts'
import type { FieldErrors } from '../utils/validation.ts'
import { TARGET_FIELDS } from '../utils/sla-policy-form.ts'
import { ErrorList, SelectField, TextField } from './form-fields.tsx'
import { Button, Card, CardTitle, TableHead } from './ui.tsx'

export const CALENDAR_OPTIONS = [
  { value: 'business', label: 'Business hours' },
  { value: '24x7', label: 'Around the clock' },
]

type CellProps = { name: string; label: string; defaultValue?: string; errors?: readonly string[] }

const cellControlClass =
  'block rounded-md border border-slate-300 bg-white px-2 py-1.5 text-base shadow-sm focus:border-indigo-600 focus:outline-none ' +
  'focus:ring-2 focus:ring-indigo-600/30 aria-[invalid=true]:border-red-600 sm:text-sm'

/** One field of a targets table: labelled for screen readers (the column and row say it to the eye), its error below. */
function Cell({ name, label, errors, children }: Omit<CellProps, 'defaultValue'> & { children: ReactNode }) {
  return (
    <td className="px-2 py-2 align-top">
      <label htmlFor={name} className="sr-only">
        {label}
      </label>
      {children}
      <ErrorList id={`${name}-error`} errors={errors} />
    </td>
  )
}

const controlProps = ({ name, defaultValue, errors }: CellProps) => ({
  id: name,
  name,
  defaultValue,
  'aria-invalid': errors?.length ? true : undefined,
  'aria-describedby': errors?.length ? `${name}-error` : undefined,
})

function HoursCell(props: CellProps) {
  return (
    <Cell {...props}>
      <input type="number" inputMode="decimal" min="0.01" step="any" {...controlProps(props)} className={`w-24 ${cellControlClass}`} />
    </Cell>
  )
}

function CalendarCell(props: CellProps) {
  return (
    <Cell {...props}>
      <select {...controlProps(props)} className={cellControlClass}>
        {CALENDAR_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Cell>
  )
}

const TARGET_COLUMNS = [
  ...TARGET_FIELDS.map(({ field, label }) => ({ key: field, label: `${label} (hours)` })),
  { key: 'calendar', label: 'Counted in' },
]

const PERIOD_FIELDS = [
  { name: 'reminderDays', label: 'Remind the family after (working days)', min: '1' },
  { name: 'autoCloseDays', label: 'Close the ticket after (days)', min: '1', hint: 'Calendar days without an answer from the family.' },
  {
    name: 'reopenWindowDays',
    label: 'A reply reopens a resolved ticket within (days)',
    min: '0',
    hint: '0: a reply after resolution starts a new ticket.',
  },
] as const

/** Hours, percentages and days: whole numbers or decimals typed in a number box. */
function NumberField(props: Omit<Parameters<typeof TextField>[0], 'type' | 'inputMode'>) {
  return <TextField type="number" inputMode="numeric" required {...props} />
}

/** The policy form's values and its errors, as typed or as stored. */
type PolicyFieldsProps = { values: Record<string, string>; errors: FieldErrors }

export function TargetsByPriorityCard({ values, errors: policyErrors }: PolicyFieldsProps) {
  return (
    <Card aria-labelledby="targets-heading">
      <CardTitle id="targets-heading">Targets by priority</CardTitle>
      <p className="mt-1 text-sm text-slate-600">
        In hours: business hours for targets counted in business hours (a working day of 9:00 to 17:00 is 8), clock hours for those counted
        around the clock.
      </p>
      <div className="mt-3 overflow-x-auto">
        <table className="text-sm">
          <TableHead columns={[{ key: 'priority', label: 'Priority' }, ...TARGET_COLUMNS]} />
          <tbody>
            {PRIORITIES.map((priority) => (
              <tr key={priority} className="border-t border-slate-100">
                <th scope="row" className="px-2 py-3 text-left align-top font-medium text-slate-900">
                  {PRIORITY_LABELS[priority]}
                </th>
                {TARGET_FIELDS.map(({ field, label }) => (
                  <HoursCell
                    key={field}
                    name={`${priority}.${field}`}
                    label={`${PRIORITY_LABELS[priority]}: ${label}, hours`}
                    defaultValue={values[`${priority}.${field}`]}
                    errors={policyErrors[`${priority}.${field}`]}
                  />
                ))}
                <CalendarCell
                  name={`${priority}.calendar`}
                  label={`${PRIORITY_LABELS[priority]}: counted in`}
                  defaultValue={values[`${priority}.calendar`]}
                  errors={policyErrors[`${priority}.calendar`]}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-4 max-w-xs">
        <NumberField
          label="At risk when less than this share is left (%)"
          name="atRiskPercent"
          min="0"
          max="100"
          defaultValue={values.atRiskPercent}
          errors={policyErrors.atRiskPercent}
        />
      </div>
    </Card>
  )
}

export function WaitingCard({ values, errors: policyErrors }: PolicyFieldsProps) {
  return (
    <Card aria-labelledby="waiting-heading">
      <CardTitle id="waiting-heading">Waiting on the family, and reopening</CardTitle>
      <div className="mt-4 grid gap-4 sm:grid-cols-3">
        {PERIOD_FIELDS.map((field) => (
          <NumberField key={field.name} {...field} max="365" defaultValue={values[field.name]} errors={policyErrors[field.name]} />
        ))}
      </div>
    </Card>
  )
}

/** One type's replacement for a priority's targets, as the loader lists them. */
export type TypeOverride = { type: TicketType; priority: Priority; label: string; hours: string[]; calendar: string }

export function TypeOverridesCard({
  overrides,
  values: overrideValues,
  errors: overrideErrors,
  saving,
}: {
  overrides: readonly TypeOverride[]
  values: Record<string, string>
  errors: FieldErrors
  /** The form is on its way. */
  saving: boolean
}) {
  return (
    <Card aria-labelledby="overrides-heading">
      <CardTitle id="overrides-heading">Targets for one type of request</CardTitle>
      <p className="mt-1 text-sm text-slate-600">
        Replace a priority’s targets for one ticket type, for example faster targets for tribunal deadlines.
      </p>
      {overrides.length ? (
        <div className="mt-3 overflow-x-auto">
          <table className="text-sm">
            <caption className="sr-only">Targets by ticket type</caption>
            <TableHead
              columns={[{ key: 'row', label: 'Type and priority' }, ...TARGET_COLUMNS, { key: 'remove', label: 'Remove', srOnly: true }]}
            />
            <tbody>
              {overrides.map((o) => (
                <tr key={`${o.type}-${o.priority}`} className="border-t border-slate-100">
                  <th scope="row" className="px-2 py-2 text-left font-medium text-slate-900">
                    {o.label}
                  </th>
                  {o.hours.map((hours, i) => (
                    <td key={TARGET_FIELDS[i]!.field} className="px-2 py-2">
                      {hours}
                    </td>
                  ))}
                  <td className="px-2 py-2">{o.calendar}</td>
                  <td className="px-2 py-2">
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove-override" />
                      <input type="hidden" name="type" value={o.type} />
                      <input type="hidden" name="priority" value={o.priority} />
                      <Button variant="quiet" aria-label={`Remove the targets for ${o.label}`}>
                        Remove
                      </Button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="mt-3 text-sm text-slate-700">None yet: every type follows its priority’s targets.</p>
      )}
      <Form method="post" noValidate className="mt-4 space-y-3" aria-labelledby="add-override-heading">
        <h3 id="add-override-heading" className="font-semibold text-slate-900">
          Add or replace
        </h3>
        <input type="hidden" name="intent" value="save-override" />
        <div className="grid gap-4 sm:grid-cols-2 lg:max-w-xl">
          <SelectField
            label="Ticket type"
            name="type"
            placeholder="Choose a type"
            options={TICKET_TYPES.map((t: TicketType) => ({ value: t, label: TYPE_LABELS[t] }))}
            defaultValue={overrideValues.type}
            errors={overrideErrors.type}
            required
          />
          <SelectField
            label="Priority"
            name="priority"
            placeholder="Choose a priority"
            options={PRIORITIES.map((p: Priority) => ({ value: p, label: PRIORITY_LABELS[p] }))}
            defaultValue={overrideValues.priority}
            errors={overrideErrors.priority}
            required
          />
        </div>
        <div className="overflow-x-auto">
          <table className="text-sm">
            <TableHead columns={[{ key: 'row', label: 'Targets', srOnly: true }, ...TARGET_COLUMNS]} />
            <tbody>
              <tr>
                <th scope="row" className="px-2 py-3 text-left align-top font-medium text-slate-900">
                  New targets
                </th>
                {TARGET_FIELDS.map(({ field, label }) => (
                  <HoursCell
                    key={field}
                    name={`override.${field}`}
                    label={`${label}, hours`}
                    defaultValue={overrideValues[`override.${field}`]}
                    errors={overrideErrors[`override.${field}`]}
                  />
                ))}
                <CalendarCell
                  name="override.calendar"
                  label="Counted in"
                  defaultValue={overrideValues['override.calendar'] ?? 'business'}
                  errors={overrideErrors['override.calendar']}
                />
              </tr>
            </tbody>
          </table>
        </div>
        <Button variant="secondary" disabled={saving}>
          {saving ? 'Saving…' : 'Save these targets'}
        </Button>
      </Form>
    </Card>
  )
}
