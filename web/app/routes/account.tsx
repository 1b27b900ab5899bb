import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextField } from '../components/form-fields.tsx'
import { MAIL_CHOICE_LABELS, MAIL_CHOICES, MAIL_TOPIC_LABELS } from '../../../domain/mail-preferences.ts'
import {
  clearMailProblem,
  mailChoicesOf,
  mailChoicesSchemaFor,
  mailProblemOf,
  nextDigestOf,
  saveMailChoices,
} from '../../../services/mail-choices.server.ts'
import { Alert, Button, Card, CardTitle, DetailList, PageHeader } from '../components/ui.tsx'
import { changePassword, checkPassword, requireUser, signOutEverywhere } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { passRetryAfter, retryAfterSeconds, throttledMessage } from '../utils/sign-in-throttle.server.ts'
import { ChangePasswordSchema, parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Your account · Caseway' }]
export const headers = passRetryAfter

const ROLE_WORDS = { family: 'Family', staff: 'Advocate', admin: 'Admin' } as const

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const sessions = await context.db.session.count({ where: { userId: user.id, expiresAt: { gt: new Date() } } })
  return {
    user: { name: user.name, email: user.email },
    memberships: user.memberships.map((m) => ({ org: m.org.name, slug: m.org.slug, role: ROLE_WORDS[m.role] })),
    sessions,
    mailChoices: await mailChoicesOf(context, user.id),
    mailProblem: await mailProblemOf(context, user.id),
    nextDigest: await nextDigestOf(context, user.id),
  }
}

const CHOICE_OPTIONS = MAIL_CHOICES.map((value) => ({ value, label: MAIL_CHOICE_LABELS[value] }))

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request)
  const formData = await request.formData()
  const intent = formData.get('intent')
  if (intent === 'sign-out-everywhere') {
    const headers = await signOutEverywhere(context, request, user.id)
    return redirectWithFlash(context, request, '/login', { kind: 'success', text: 'You are signed out on every device.' }, { headers })
  }
  if (intent === 'mail-problem-fixed') {
    await clearMailProblem(context, user.id)
    return redirectWithFlash(context, request, '/account', { kind: 'success', text: 'Thank you: our next email will try again.' })
  }
  if (intent === 'mail-choices') {
    const choices = parseForm(formData, await mailChoicesSchemaFor(context, user.id))
    if (!choices.success) return data({ fieldErrors: choices.fieldErrors, formError: null }, { status: 400 })
    await saveMailChoices(context, user.id, choices.data)
    return redirectWithFlash(context, request, '/account', { kind: 'success', text: 'Your email choices are saved.' })
  }
  const form = parseForm(formData, ChangePasswordSchema)
  if (!form.success) return data({ fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null }, { status: 400 })
  const current = await checkPassword(context, request, user, form.data.currentPassword)
  if (current.status === 'throttled')
    return data(
      { fieldErrors: { currentPassword: [throttledMessage(current.retryAfterMs)] } as FieldErrors, formError: null },
      { status: 429, headers: { 'Retry-After': retryAfterSeconds(current.retryAfterMs) } },
    )
  if (current.status === 'invalid')
    return data(
      { fieldErrors: { currentPassword: ['That is not your current password'] } as FieldErrors, formError: null },
      { status: 400 },
    )
  const setCookie = await changePassword(context, request, user.id, form.data.password)
  return redirectWithFlash(
    context,
    request,
    '/account',
    { kind: 'success', text: 'Password changed. Other devices were signed out; this one stays signed in.' },
    { headers: { 'Set-Cookie': setCookie } },
  )
}

export default function Account() {
  const { user, memberships, sessions, mailChoices, mailProblem, nextDigest } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <PageHeader title="Your account" />
      <Card>
        <DetailList
          items={[
            { label: 'Name', value: user.name },
            { label: 'Email', value: user.email },
            ...(memberships.length ? [{ label: 'Organisations', value: memberships.map((m) => `${m.org} (${m.role})`).join(', ') }] : []),
          ]}
        />
      </Card>

      {mailProblem ? (
        <Card aria-labelledby="mail-problem">
          <CardTitle id="mail-problem">Our emails to you are not arriving</CardTitle>
          <p className="mt-2 text-slate-700">
            The last email we sent to <strong>{user.email}</strong> was refused by its mail server, so for now you only see our replies
            here. The server said: <q className="break-words">{mailProblem.problem}</q>
          </p>
          <p className="mt-3 font-medium text-slate-900">To fix it:</p>
          <ol className="mt-1 list-decimal space-y-1 pl-6 text-slate-700">
            <li>Check that {user.email} is spelled right and still works: send yourself a test email.</li>
            <li>If your mailbox is full, delete some old mail. If mail from us goes to spam, mark it as not spam.</li>
            <li>If the address is wrong or closed, ask your advocate to change it for you.</li>
          </ol>
          <Form method="post" className="mt-4">
            <input type="hidden" name="intent" value="mail-problem-fixed" />
            <Button disabled={busy}>I have fixed it: send emails again</Button>
          </Form>
        </Card>
      ) : null}

      <Card aria-labelledby="mail">
        <CardTitle id="mail">Email notifications</CardTitle>
        <p className="mt-2 text-slate-700">
          Every notice is in the app. Choose which also come to {user.email} by email. Mail about your account (a password link) always
          comes.
        </p>
        {nextDigest ? (
          <p className="mt-2 text-slate-700">
            Your digest comes at {nextDigest.hour}:00 each morning; the next one on {nextDigest.day}.
          </p>
        ) : null}
        <Form method="post" className="mt-4 space-y-5">
          <input type="hidden" name="intent" value="mail-choices" />
          {mailChoices.map(({ topic, choice }) => (
            <SelectField
              key={topic}
              label={MAIL_TOPIC_LABELS[topic]}
              name={topic}
              options={CHOICE_OPTIONS}
              defaultValue={choice}
              errors={actionData?.fieldErrors[topic]}
            />
          ))}
          <Button disabled={busy}>Save email choices</Button>
        </Form>
      </Card>

      <Card aria-labelledby="password-heading">
        <CardTitle id="password-heading">Change password</CardTitle>
        <Form method="post" className="mt-4 space-y-5" noValidate>
          <input type="hidden" name="intent" value="change-password" />
          <input type="hidden" name="username" autoComplete="username" value={user.email} />
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          <TextField
            label="Current password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            errors={actionData?.fieldErrors.currentPassword}
            required
          />
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters. Other devices will be signed out."
            errors={actionData?.fieldErrors.password}
            required
          />
          <TextField
            label="New password again"
            name="confirm"
            type="password"
            autoComplete="new-password"
            errors={actionData?.fieldErrors.confirm}
            required
          />
          <Button disabled={busy}>Change password</Button>
        </Form>
      </Card>

      <Card aria-labelledby="sessions-heading">
        <CardTitle id="sessions-heading">Devices</CardTitle>
        <p className="mt-2 text-slate-700">
          You are signed in on {sessions} {sessions === 1 ? 'device or browser' : 'devices or browsers'}. Lost a phone, or used a shared
          computer? Sign out everywhere, this device included.
        </p>
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="sign-out-everywhere" />
          <Button variant="danger" disabled={busy}>
            Sign out everywhere
          </Button>
        </Form>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
