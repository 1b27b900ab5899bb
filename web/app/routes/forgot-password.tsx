import type { ActionFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, linkClass } from '../components/ui.tsx'
import { requestPasswordReset } from '../../../services/password-reset.server.ts'
import { chargeAuthAttempt, passRetryAfter, resetThrottledMessage, retryAfterSeconds } from '../utils/sign-in-throttle.server.ts'
import { ForgotPasswordSchema, parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Forgot your password · Caseway' }]
export const headers = passRetryAfter

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(await request.formData(), ForgotPasswordSchema)
  if (!form.success)
    return data({ sent: false as const, fieldErrors: form.fieldErrors, formError: null, email: form.values.email ?? '' }, { status: 400 })
  const { email } = form.data
  // Counted for every email, with an account or not: the limit tells nobody which have one.
  const attempt = await chargeAuthAttempt(context, request, 'password-reset', email)
  if (!attempt.allowed)
    return data(
      { sent: false as const, fieldErrors: {} as FieldErrors, formError: resetThrottledMessage(attempt.retryAfterMs), email },
      { status: 429, headers: { 'Retry-After': retryAfterSeconds(attempt.retryAfterMs) } },
    )
  await requestPasswordReset(context, email)
  // The same answer whether or not the email has an account.
  return { sent: true as const, fieldErrors: {} as FieldErrors, formError: null, email }
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold text-slate-900">Forgot your password?</h1>
      <p className="mt-2 text-slate-700">Enter your email and we will send you a link to choose a new one.</p>
      <Card className="mt-6">
        {actionData?.sent ? (
          <Alert kind="success">
            If {actionData.email} has a Caseway account, a link to reset its password is on its way. It works for one hour.
          </Alert>
        ) : (
          <Form method="post" className="space-y-5" noValidate>
            {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
            <TextField
              label="Email"
              name="email"
              type="email"
              autoComplete="email"
              defaultValue={actionData?.email}
              errors={actionData?.fieldErrors.email}
              required
            />
            <Button className="w-full" disabled={submitting}>
              Send reset link
            </Button>
          </Form>
        )}
      </Card>
      <p className="mt-4 text-sm">
        <Link to="/login" className={linkClass}>
          Back to sign in
        </Link>
      </p>
    </div>
  )
}
