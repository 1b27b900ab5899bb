import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { DateTime } from 'luxon'
import { z } from 'zod'
import { formatMinutes } from '../../../domain/durations.ts'
import { CalendarDateSchema } from '../../../domain/input-schemas.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, CardTitle, OrganisationSwitch, PageHeader } from '../components/ui.tsx'
import { timeByAdvocate } from '../../../services/time-entries.server.ts'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { notFound } from '../utils/http.ts'

export const meta: MetaFunction = () => [{ title: 'Time · Caseway' }]

/** A year of entries at most: the report is one indexed query over (organisation, day). */
const RangeSchema = z
  .object({ from: CalendarDateSchema, to: CalendarDateSchema })
  .refine((r) => r.from <= r.to, { path: ['to'], error: 'The end of the range must be on or after its start' })
  .refine((r) => DateTime.fromISO(r.to).diff(DateTime.fromISO(r.from), 'days').days <= 366, {
    path: ['to'],
    error: 'Choose a range of at most a year',
  })

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const url = new URL(request.url)
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response('Time logs are for an organisation’s staff.', { status: 403 })
  const orgSlug = url.searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('You are not on the team of that organisation.')
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } })
  const today = DateTime.now().setZone(org.timezone)
  const defaults = { from: today.startOf('month').toISODate()!, to: today.toISODate()! }
  const asked = { from: url.searchParams.get('from') ?? defaults.from, to: url.searchParams.get('to') ?? defaults.to }
  const range = RangeSchema.safeParse(asked)
  const errors = range.success ? {} : z.flattenError(range.error).fieldErrors
  // Admins see the whole team's time; staff their own.
  const everyone = team.role === 'admin'
  const rows = range.success
    ? await timeByAdvocate(context.db, { orgId: team.orgId, ...range.data, userId: everyone ? undefined : user.id })
    : []
  return {
    org: { slug: team.org.slug, name: team.org.name },
    orgs: teams.length > 1 ? teams.map((m) => m.org) : [],
    everyone,
    range: asked,
    errors: errors as Record<string, string[] | undefined>,
    rows: rows.map((r) => ({ ...r, total: formatMinutes(r.minutes) })),
    total: formatMinutes(rows.reduce((sum, r) => sum + r.minutes, 0)),
  }
}

export default function TimeReport() {
  const { org, orgs, everyone, range, errors, rows, total } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <PageHeader title={everyone ? 'Time by advocate' : 'My time'} eyebrow={org.name}>
        <OrganisationSwitch orgs={orgs} current={org.slug} href={(slug) => `/staff/time?org=${slug}`} />
      </PageHeader>
      <Card>
        <Form method="get" className="flex flex-wrap items-end gap-4" aria-label="Date range">
          {orgs.length ? <input type="hidden" name="org" value={org.slug} /> : null}
          <TextField label="From" name="from" type="date" defaultValue={range.from} errors={errors.from} required />
          <TextField label="To" name="to" type="date" defaultValue={range.to} errors={errors.to} required />
          <Button variant="secondary">Show</Button>
        </Form>
      </Card>
      <Card aria-labelledby="time-table-heading">
        <CardTitle id="time-table-heading">
          {everyone ? 'Logged by each member of the team' : 'Logged by you'}, {range.from} to {range.to}
        </CardTitle>
        {Object.keys(errors).length ? (
          <Alert kind="error">Choose a valid range to see the totals.</Alert>
        ) : rows.length ? (
          <table className="mt-3 w-full text-left text-sm">
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Advocate
                </th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">
                  Entries
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  Time
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.userId}>
                  <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                    {r.name}
                  </th>
                  <td className="py-2 pr-4 text-right">{r.entries}</td>
                  <td className="py-2 text-right">{r.total}</td>
                </tr>
              ))}
            </tbody>
            <tfoot className="border-t border-slate-300">
              <tr>
                <th scope="row" className="py-2 pr-4 font-semibold">
                  Total
                </th>
                <td />
                <td className="py-2 text-right font-semibold">{total}</td>
              </tr>
            </tfoot>
          </table>
        ) : (
          <p className="mt-3 text-sm text-slate-700">No time logged in this range.</p>
        )}
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
