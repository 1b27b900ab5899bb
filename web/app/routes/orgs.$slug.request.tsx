import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { TICKET_TYPES, TYPE_LABELS } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Alert, Button, Card, SelectField, TextAreaField, TextField } from '../components/ui.tsx'
import { createTicket, TicketServiceError } from '../services/tickets.server.ts'
import { requireUser, type SessionUser } from '../utils/auth.server.ts'
import { requireOrganisation } from '../utils/organisations.server.ts'
import { roleHasPermission } from '../utils/permissions.ts'
import { parseForm, TicketRequestSchema, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Request support from ${data.org.name} · Caseway` : 'Request support · Caseway' },
]

/**
 * Families ask for help; the organisation's own staff work its queue instead.
 * A person is a family towards every organisation they are not staff of.
 */
function requireFamilyOf(user: SessionUser, orgId: string) {
  const membership = user.memberships.find((m) => m.orgId === orgId)
  const role = membership && membership.role !== 'family' ? membership.role : 'family'
  if (!roleHasPermission(role, 'create:ticket:own')) {
    throw new Response('You are on this organisation’s team, so you cannot send it a request as a family.', { status: 403 })
  }
}

async function load(request: Request, context: LoaderFunctionArgs['context'], slug: string | undefined) {
  const user = await requireUser(context, request)
  const org = await requireOrganisation(context, slug)
  requireFamilyOf(user, org.id)
  return { user, org }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { org } = await load(request, context, params.slug)
  if (!org.acceptsRequests) throw redirect(`/orgs/${org.slug}`)
  return { org: { slug: org.slug, name: org.name, responseTime: org.responseTime, departments: org.departments } }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = parseForm(await request.formData(), TicketRequestSchema)
  const { user, org } = await load(request, context, params.slug)
  if (!form.success) {
    return data({ fieldErrors: form.fieldErrors, formError: null, values: form.values }, { status: 400 })
  }
  try {
    const ticket = await createTicket(context, {
      orgId: org.id,
      requesterId: user.id,
      subject: form.data.subject,
      type: form.data.type,
      body: form.data.message,
      childName: form.data.childName,
      departmentId: form.data.departmentId,
    })
    return redirect(`/tickets/${org.slug}/${ticket.number}`)
  } catch (error) {
    if (!(error instanceof TicketServiceError)) throw error
    const values = Object.fromEntries(
      Object.entries({ ...form.data, childName: form.data.childName ?? '', departmentId: form.data.departmentId ?? '' }),
    ) as Record<string, string>
    return data(
      { fieldErrors: {} as FieldErrors, formError: error.message, values },
      { status: error.code === 'unavailable' ? 503 : error.code === 'not_accepting' ? 409 : 400 },
    )
  }
}

export default function RequestSupport() {
  const { org } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const errors = actionData?.fieldErrors
  const values = actionData?.values
  return (
    <div className="mx-auto max-w-2xl">
      <p className="text-sm">
        <Link to={`/orgs/${org.slug}`} className="text-indigo-800 underline-offset-4 hover:underline">
          {org.name}
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-bold text-slate-900">Request support</h1>
      <p className="mt-2 text-slate-700">
        Tell {org.name} what you need. They usually respond {org.responseTime}, and you can follow every reply in
        Caseway.
      </p>
      <Card className="mt-6">
        <Form method="post" className="space-y-5" noValidate>
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          <SelectField
            label="Type"
            name="type"
            placeholder="Choose what you need help with"
            options={TICKET_TYPES.map((type) => ({ value: type, label: TYPE_LABELS[type] }))}
            defaultValue={values?.type}
            errors={errors?.type}
            required
          />
          {org.departments.length ? (
            <SelectField
              label="Team"
              name="departmentId"
              placeholder="Not sure: let the organisation decide"
              options={org.departments.map((d) => ({ value: d.id, label: d.name }))}
              defaultValue={values?.departmentId}
              errors={errors?.departmentId}
              required={false}
            />
          ) : null}
          <TextField label="Subject" name="subject" defaultValue={values?.subject} errors={errors?.subject} required />
          <TextField
            label="Child's name"
            name="childName"
            defaultValue={values?.childName}
            errors={errors?.childName}
            required={false}
          />
          <TextAreaField
            label="Message"
            name="message"
            rows={8}
            hint="What is happening, any deadlines, and what help you would like."
            defaultValue={values?.message}
            errors={errors?.message}
            required
          />
          <Button disabled={submitting}>Send request</Button>
        </Form>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
