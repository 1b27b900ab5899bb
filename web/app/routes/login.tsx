import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, linkClass } from '../components/ui.tsx'
import { createSessionAndRedirect, getUser, homePath, signIn } from '../utils/auth.server.ts'
import { safeRedirect } from '../utils/http.ts'
import { passRetryAfter, retryAfterSeconds, throttledMessage } from '../utils/sign-in-throttle.server.ts'
import { LoginSchema, parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Sign in · Caseway' }]
export const headers = passRetryAfter

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(context, request)
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo'), homePath(user)))
  return null
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(await request.formData(), LoginSchema)
  if (!form.success) {
    return data({ fieldErrors: form.fieldErrors, formError: null, email: form.values.email ?? '' }, { status: 400 })
  }
  const { email, password, redirectTo } = form.data
  const result = await signIn(context, request, { email, password })
  if (result.status === 'throttled') {
    return data(
      { fieldErrors: {} as FieldErrors, formError: throttledMessage(result.retryAfterMs), email },
      { status: 429, headers: { 'Retry-After': retryAfterSeconds(result.retryAfterMs) } },
    )
  }
  if (result.status === 'invalid') {
    return data({ fieldErrors: {} as FieldErrors, formError: 'That email and password do not match an account.', email }, { status: 400 })
  }
  return createSessionAndRedirect(context, request, result.userId, safeRedirect(redirectTo, '/'))
}

export default function Login() {
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const submitting = useNavigation().state === 'submitting'
  const redirectTo = searchParams.get('redirectTo') ?? ''
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold text-slate-900">Sign in</h1>
      <Card className="mt-6">
        <Form method="post" className="space-y-5" noValidate>
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            defaultValue={actionData?.email}
            errors={actionData?.fieldErrors.email}
            required
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            errors={actionData?.fieldErrors.password}
            required
          />
          <Button className="w-full" disabled={submitting}>
            Sign in
          </Button>
        </Form>
        <p className="mt-4 text-sm">
          <Link to="/forgot-password" className={linkClass}>
            Forgot your password?
          </Link>
        </p>
      </Card>
      <p className="mt-4 text-sm text-slate-700">
        New to Caseway?{' '}
        <Link to={`/signup${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ''}`} className={linkClass}>
          Create an account
        </Link>
      </p>
    </div>
  )
}
