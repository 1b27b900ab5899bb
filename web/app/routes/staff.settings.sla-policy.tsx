import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import type { SlaPolicyJson } from '../../../domain/sla.ts'
import { PRIORITIES, PRIORITY_LABELS, TICKET_TYPES, TYPE_LABELS, type Priority, type TicketType } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import {
  Alert,
  Button,
  Card,
  CardTitle,
  CheckboxField,
  ErrorList,
  RecentChanges,
  SelectField,
  TableHead,
  TextAreaField,
  TextField,
} from '../components/ui.tsx'
import { recentChanges } from '../../../services/audit.server.ts'
import { applySlaPolicy, organisationSlaPolicy, saveSlaPolicy, SlaPolicyConflictError } from '../../../services/sla-policy.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import {
  minutesToHours,
  policyFormValues,
  policyFromForm,
  SlaSettingsActionSchema,
  TARGET_FIELDS,
  WEEKDAYS,
  withTypeOverride,
} from '../utils/sla-policy-form.ts'
import { isTemporalUnreachable } from '../../../services/temporal.server.ts'
import { formValues, parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'SLA policy · Settings · Caseway' }]

const CALENDAR_OPTIONS = [
  { value: 'business', label: 'Business hours' },
  { value: '24x7', label: 'Around the clock' },
]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const orgId = team.orgId
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { timezone: true } })
  const [{ policy, isDefault, revision }, openTickets, changes] = await Promise.all([
    organisationSlaPolicy(context.db, orgId),
    context.db.ticket.count({ where: { orgId, status: { not: 'closed' } } }),
    recentChanges(context.db, { orgId, actions: ['sla_policy.saved', 'sla_policy.applied'] }),
  ])
  const zones = Intl.supportedValuesOf('timeZone')
  return {
    isDefault,
    values: { ...policyFormValues(policy), revision } as Record<string, string>,
    overrides: TICKET_TYPES.flatMap((type) =>
      PRIORITIES.filter((priority) => policy.typeOverrides[type]?.[priority]).map((priority) => {
        const target = policy.typeOverrides[type]![priority]!
        return {
          type,
          priority,
          label: `${TYPE_LABELS[type]}, ${PRIORITY_LABELS[priority]}`,
          hours: TARGET_FIELDS.map(({ key }) => minutesToHours(target[key])),
          calendar: CALENDAR_OPTIONS.find((o) => o.value === target.calendar)!.label,
        }
      }),
    ),
    timezones: zones.includes(policy.timezone) ? zones : [policy.timezone, ...zones],
    openTickets,
    changes,
    timezone: org.timezone,
  }
}

type ActionData = { intent: string; fieldErrors: FieldErrors; formError?: string; values: Record<string, string> }

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, SlaSettingsActionSchema)
  if (!form.success)
    return data<ActionData>(
      { intent: form.values.intent ?? '', fieldErrors: form.fieldErrors, formError: form.formErrors[0], values: form.values },
      { status: 400 },
    )
  const orgId = team.orgId
  const actor = { actorId: user.id, via: 'portal' as const }
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const save = (edit: (current: SlaPolicyJson) => SlaPolicyJson) =>
    saveSlaPolicy(context, { orgId, policy: ({ policy }) => edit(policy), ...actor, applyToOpenTickets: false })
  const input = form.data

  switch (input.intent) {
    case 'save-policy': {
      try {
        await saveSlaPolicy(context, {
          orgId,
          ...actor,
          applyToOpenTickets: false,
          policy: (current) => {
            if (current.revision !== input.revision) throw new SlaPolicyConflictError()
            return policyFromForm(input, current.policy.typeOverrides)
          },
        })
      } catch (error) {
        if (!(error instanceof SlaPolicyConflictError)) throw error
        return data<ActionData>(
          {
            intent: 'save-policy',
            fieldErrors: {},
            formError:
              'Someone else saved the SLA policy while you were editing it, so yours was not saved. Your changes are still below: ' +
              'reload the page to see theirs, then make yours again.',
            values: formValues(formData),
          },
          { status: 409 },
        )
      }
      if (!input.applyToOpenTickets)
        return redirectWithFlash(context, request, back, { kind: 'success', text: 'SLA policy saved. Tickets created from now on get it.' })
      return applyToOpenTickets({ saved: true })
    }
    case 'save-override': {
      await save((current) => ({ ...current, typeOverrides: withTypeOverride(current.typeOverrides, input) }))
      return redirectWithFlash(context, request, back, {
        kind: 'success',
        text: `Targets for ${TYPE_LABELS[input.type]} at ${PRIORITY_LABELS[input.priority]} priority saved, for tickets created from now on.`,
      })
    }
    case 'remove-override': {
      await save((current) => ({ ...current, typeOverrides: withTypeOverride(current.typeOverrides, { ...input, target: null }) }))
      return redirectWithFlash(context, request, back, {
        kind: 'success',
        text: `${TYPE_LABELS[input.type]} tickets at ${PRIORITY_LABELS[input.priority]} priority now follow the priority’s targets.`,
      })
    }
    case 'apply-policy':
      return applyToOpenTickets({ saved: false })
  }

  async function applyToOpenTickets({ saved }: { saved: boolean }) {
    try {
      const applied = await applySlaPolicy(context, { orgId, ...actor })
      return redirectWithFlash(context, request, back, {
        kind: 'success',
        text: `${saved ? 'SLA policy saved. ' : ''}${
          applied.length
            ? `${applied.length} open ${applied.length === 1 ? 'ticket now uses' : 'tickets now use'} the current policy.`
            : 'No ticket is open, so there was none to apply it to.'
        }`,
      })
    } catch (error) {
      if (!isTemporalUnreachable(error)) throw error
      context.log.warn({ err: error, orgId }, 'could not apply the SLA policy to open tickets')
      return redirectWithFlash(context, request, back, {
        kind: 'error',
        text: `${saved ? 'SLA policy saved, but the' : 'The'} open tickets could not all be reached just now. Use “Apply to open tickets” again in a minute.`,
      })
    }
  }
}

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

export default function SlaPolicySettings() {
  const { isDefault, values: stored, overrides, timezones, openTickets, changes, timezone } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const navigation = useNavigation()
  const busy = (intent: string) => navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
  const policyErrors = actionData?.intent === 'save-policy' ? actionData.fieldErrors : {}
  const values = actionData?.intent === 'save-policy' ? actionData.values : stored
  const overrideErrors = actionData?.intent === 'save-override' ? actionData.fieldErrors : {}
  const overrideValues = actionData?.intent === 'save-override' ? actionData.values : {}
  const otherError = actionData && !['save-policy', 'save-override'].includes(actionData.intent) ? (actionData.formError ?? 'Check the form and try again.') : null
  const problems = Object.keys(policyErrors).length
  const policyFormError = actionData?.intent === 'save-policy' ? actionData.formError : null

  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        How quickly the team answers and resolves requests, counted in your business hours. A saved policy applies to tickets created from
        then on; tickets already open keep the one they started with unless you apply it to them.
        {isDefault ? ' You are using the default policy.' : ''}
      </p>
      {otherError ? <Alert kind="error">{otherError}</Alert> : null}

      <Form method="post" noValidate className="space-y-6" aria-labelledby="policy-heading">
        <h2 id="policy-heading" className="sr-only">
          SLA policy
        </h2>
        <input type="hidden" name="intent" value="save-policy" />
        <input type="hidden" name="revision" value={values.revision} />
        {policyFormError ? <Alert kind="error">{policyFormError}</Alert> : null}
        {problems ? (
          <Alert kind="error">
            {problems === 1 ? 'One field needs' : `${problems} fields need`} a look before the policy can be saved.
          </Alert>
        ) : null}

        <Card aria-labelledby="hours-heading">
          <CardTitle id="hours-heading">Business hours</CardTitle>
          <div className="mt-4 grid gap-4 sm:grid-cols-3">
            <SelectField
              label="Time zone"
              name="timezone"
              options={timezones.map((zone) => ({ value: zone, label: zone.replaceAll('_', ' ') }))}
              defaultValue={values.timezone}
              errors={policyErrors.timezone}
              required
            />
            <TextField label="Opening time" name="start" type="time" defaultValue={values.start} errors={policyErrors.start} required />
            <TextField label="Closing time" name="end" type="time" defaultValue={values.end} errors={policyErrors.end} required />
          </div>
          <fieldset className="mt-4" aria-describedby={policyErrors.days?.length ? 'days-error' : undefined}>
            <legend className="text-sm font-medium text-slate-800">Working days</legend>
            <div className="mt-1 flex flex-wrap gap-x-5">
              {WEEKDAYS.map(({ day, label }) => (
                <CheckboxField key={day} label={label} name={`day-${day}`} value="on" defaultChecked={values[`day-${day}`] === 'on'} />
              ))}
            </div>
            <ErrorList id="days-error" errors={policyErrors.days} />
          </fieldset>
          <div className="mt-4 max-w-md">
            <TextAreaField
              label="Holidays"
              name="holidays"
              rows={4}
              hint="Days the team does not work, one per line, like 2026-12-25. Business-hours targets skip them."
              defaultValue={values.holidays}
              errors={policyErrors.holidays}
              required={false}
            />
          </div>
        </Card>

        <Card aria-labelledby="targets-heading">
          <CardTitle id="targets-heading">Targets by priority</CardTitle>
          <p className="mt-1 text-sm text-slate-600">
            In hours: business hours for targets counted in business hours (a working day of 9:00 to 17:00 is 8), clock hours for those
            counted around the clock.
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

        <Card aria-labelledby="waiting-heading">
          <CardTitle id="waiting-heading">Waiting on the family, and reopening</CardTitle>
          <div className="mt-4 grid gap-4 sm:grid-cols-3">
            {PERIOD_FIELDS.map((field) => (
              <NumberField key={field.name} {...field} max="365" defaultValue={values[field.name]} errors={policyErrors[field.name]} />
            ))}
          </div>
        </Card>

        <div className="flex flex-wrap items-center gap-4">
          <CheckboxField
            name="applyToOpenTickets"
            value="on"
            label={`Also apply it to the ${openTickets} ${openTickets === 1 ? 'ticket' : 'tickets'} already open`}
            defaultChecked={values.applyToOpenTickets === 'on'}
          />
          <Button disabled={busy('save-policy')}>{busy('save-policy') ? 'Saving…' : 'Save policy'}</Button>
        </div>
      </Form>

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
                columns={[
                  { key: 'row', label: 'Type and priority' },
                  ...TARGET_COLUMNS,
                  { key: 'remove', label: 'Remove', srOnly: true },
                ]}
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
          <Button variant="secondary" disabled={busy('save-override')}>
            {busy('save-override') ? 'Saving…' : 'Save these targets'}
          </Button>
        </Form>
      </Card>

      <Card aria-labelledby="apply-heading">
        <CardTitle id="apply-heading">Open tickets</CardTitle>
        <p className="mt-1 text-sm text-slate-700">
          {openTickets} {openTickets === 1 ? 'ticket is' : 'tickets are'} open. Each keeps the policy it started with until you apply the
          current one: every target keeps the time already used and gets the new budget.
        </p>
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="apply-policy" />
          <Button variant="secondary" disabled={busy('apply-policy') || openTickets === 0}>
            {busy('apply-policy') ? 'Applying…' : 'Apply to open tickets'}
          </Button>
        </Form>
      </Card>

      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
