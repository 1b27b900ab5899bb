import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { SlaPolicyJson } from '../../../domain/sla.ts'
import { PRIORITIES, PRIORITY_LABELS, TICKET_TYPES, TYPE_LABELS } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { CheckboxField, ErrorList, SelectField, TextAreaField, TextField } from '../components/form-fields.tsx'
import { CALENDAR_OPTIONS, TargetsByPriorityCard, TypeOverridesCard, WaitingCard } from '../components/sla-policy-fields.tsx'
import { Alert, Button, Card, CardTitle, RecentChanges } from '../components/ui.tsx'
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
import { OPEN_STATUSES } from '../../../services/queue.server.ts'
import type { CasewayContext } from '../context.ts'
import { formValues, parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'SLA policy · Settings · Caseway' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const orgId = team.orgId
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: { timezone: true } })
  const [{ policy, isDefault, revision }, tickets, changes] = await Promise.all([
    organisationSlaPolicy(context.db, orgId),
    reachableTickets(context, orgId),
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
    tickets,
    changes,
    timezone: org.timezone,
  }
}

/**
 * The tickets "apply" reaches: the open ones (as the queue counts them) and the
 * resolved ones, which a family reply would reopen.
 */
async function reachableTickets(context: CasewayContext, orgId: string, numbers?: number[]) {
  const [open, resolved] = await Promise.all([
    context.db.ticket.count({ where: { orgId, status: { in: [...OPEN_STATUSES] }, ...(numbers ? { number: { in: numbers } } : {}) } }),
    context.db.ticket.count({ where: { orgId, status: 'resolved', ...(numbers ? { number: { in: numbers } } : {}) } }),
  ])
  return { open, resolved }
}

const tickets = (n: number, what = '') => `${n} ${what}${n === 1 ? 'ticket' : 'tickets'}`

/** "6 open tickets and 1 resolved". */
function reachableWords({ open, resolved }: { open: number; resolved: number }): string {
  return `${tickets(open, 'open ')}${resolved ? ` and ${resolved} resolved` : ''}`
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
      const reached = await reachableTickets(context, orgId, applied)
      return redirectWithFlash(context, request, back, {
        kind: 'success',
        text: `${saved ? 'SLA policy saved. ' : ''}${
          applied.length
            ? `${reachableWords(reached)} ${applied.length === 1 ? 'now uses' : 'now use'} the current policy.`
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

export default function SlaPolicySettings() {
  const { isDefault, values: stored, overrides, timezones, tickets: reachable, changes, timezone } = useLoaderData<typeof loader>()
  const reachableCount = reachable.open + reachable.resolved
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const navigation = useNavigation()
  const busy = (intent: string) => navigation.state === 'submitting' && navigation.formData?.get('intent') === intent
  const policyErrors = actionData?.intent === 'save-policy' ? actionData.fieldErrors : {}
  const values = actionData?.intent === 'save-policy' ? actionData.values : stored
  const overrideErrors = actionData?.intent === 'save-override' ? actionData.fieldErrors : {}
  const overrideValues = actionData?.intent === 'save-override' ? actionData.values : {}
  const otherError =
    actionData && !['save-policy', 'save-override'].includes(actionData.intent)
      ? (actionData.formError ?? 'Check the form and try again.')
      : null
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

        <TargetsByPriorityCard values={values} errors={policyErrors} />

        <WaitingCard values={values} errors={policyErrors} />

        <div className="flex flex-wrap items-center gap-4">
          <CheckboxField
            name="applyToOpenTickets"
            value="on"
            label={`Also apply it to the ${reachableWords(reachable)}`}
            defaultChecked={values.applyToOpenTickets === 'on'}
          />
          <Button disabled={busy('save-policy')}>{busy('save-policy') ? 'Saving…' : 'Save policy'}</Button>
        </div>
      </Form>

      <TypeOverridesCard overrides={overrides} values={overrideValues} errors={overrideErrors} saving={busy('save-override')} />

      <Card aria-labelledby="apply-heading">
        <CardTitle id="apply-heading">Open tickets</CardTitle>
        <p className="mt-1 text-sm text-slate-700">
          {reachable.open === 1 ? '1 ticket is' : `${reachable.open} tickets are`} open
          {reachable.resolved
            ? `, and ${reachable.resolved} resolved (a family reply would reopen ${reachable.resolved === 1 ? 'it' : 'them'})`
            : ''}
          . Each keeps the policy it started with until you apply the current one: every target keeps the time already used and gets the new
          budget.
        </p>
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="apply-policy" />
          <Button variant="secondary" disabled={busy('apply-policy') || reachableCount === 0}>
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
