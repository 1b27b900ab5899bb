import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, linkClass } from '../components/ui.tsx'
import { findUsableResetToken, resetPassword } from '../../../services/password-reset.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { parseForm, ResetPasswordSchema } from '../utils/validation.ts'

export const meta: MetaFunction = () => [
  { title: 'Choose a new password · Caseway' },
  // The link carries a secret: keep the page out of search engines' indexes.
  { name: 'robots', content: 'noindex' },
]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const row = await findUsableResetToken(context, token)
  return { token: row ? token : null, email: row?.user.email ?? null }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = parseForm(await request.formData(), ResetPasswordSchema)
  if (!form.success) return data({ fieldErrors: form.fieldErrors, formError: null }, { status: 400 })
  const result = await resetPassword(context, form.data.token, form.data.password)
  if (!result.ok)
    return data({ fieldErrors: {}, formError: 'This link has expired or was already used. Ask for a new one.' }, { status: 400 })
  return redirectWithFlash(context, request, '/login', {
    kind: 'success',
    text: 'Your password was changed and you were signed out everywhere. Sign in with your new password.',
  })
}

export default function ResetPassword() {
  const { token, email } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold text-slate-900">Choose a new password</h1>
      <Card className="mt-6">
        {token ? (
          <Form method="post" className="space-y-5" noValidate>
            {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
            <p className="text-sm text-slate-700">For {email}. Every device signed in to this account will be signed out.</p>
            <input type="hidden" name="token" value={token} />
            {/* Lets password managers pair the new password with the account. */}
            <input type="hidden" name="username" autoComplete="username" value={email ?? ''} />
            <TextField
              label="New password"
              name="password"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters."
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
            <Button className="w-full" disabled={submitting}>
              Change password
            </Button>
          </Form>
        ) : (
          <Alert kind="error">
            This link has expired or was already used.{' '}
            <Link to="/forgot-password" className={linkClass}>
              Ask for a new link
            </Link>
            .
          </Alert>
        )}
      </Card>
    </div>
  )
}
