import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Card, linkClass } from '../components/ui.tsx'
import { AccountError, createAccount } from '../../../services/accounts.server.ts'
import { createSessionAndRedirect, getUser, homePath } from '../utils/auth.server.ts'
import { safeRedirect } from '../utils/http.ts'
import { newSubmissionToken, submitOnce, submitted } from '../utils/submissions.server.ts'
import { parseForm, SignUpSchema, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Create an account · Caseway' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(context, request)
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo'), homePath(user)))
  return { submissionToken: newSubmissionToken() }
}

/** A family's own account; staff accounts are made by their organisation (npm run cli). */
export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData()
  const form = parseForm(formData, SignUpSchema)
  if (!form.success) return data({ fieldErrors: form.fieldErrors, formError: null, values: form.values }, { status: 400 })
  const next = safeRedirect(form.data.redirectTo, '/orgs')
  return submitOnce(context, request, formData, { form: 'sign-up', actorId: null }, async () => {
    try {
      const { name, email, password } = form.data
      const user = await createAccount(context.db, { name, email, password })
      context.log.info({ userId: user.id, event: 'signed_up' }, 'family signed up')
      // A repeat never signs anyone in: it is sent to sign in, which sends someone already signed in on.
      return submitted(await createSessionAndRedirect(context, request, user.id, next), {
        redirectTo: `/login?${new URLSearchParams({ redirectTo: next })}`,
        flash: { kind: 'success', text: 'Your account is ready.' },
      })
    } catch (error) {
      if (!(error instanceof AccountError)) throw error
      const { password: _password, ...values } = { ...form.data }
      return data(
        {
          fieldErrors: {} as FieldErrors,
          formError: 'An account with this email already exists. Sign in, or reset your password if you have forgotten it.',
          values: values as Record<string, string>,
        },
        { status: 400 },
      )
    }
  })
}

export default function SignUp() {
  const { submissionToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const redirectTo = searchParams.get('redirectTo') ?? ''
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold text-slate-900">Create an account</h1>
      <p className="mt-2 text-slate-700">To ask an advocacy organisation for help and follow their replies.</p>
      <Card className="mt-6">
        <Form method="post" className="space-y-5" noValidate>
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <SubmissionToken value={submissionToken} />
          <TextField
            label="Your name"
            name="name"
            autoComplete="name"
            defaultValue={actionData?.values.name}
            errors={actionData?.fieldErrors.name}
            required
          />
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            defaultValue={actionData?.values.email}
            errors={actionData?.fieldErrors.email}
            required
          />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            errors={actionData?.fieldErrors.password}
            required
          />
          <SubmitButton token={submissionToken} pendingText="Creating your account…" className="w-full">
            Create account
          </SubmitButton>
        </Form>
      </Card>
      <p className="mt-4 text-sm text-slate-700">
        Already have an account?{' '}
        <Link to={`/login${redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ''}`} className={linkClass}>
          Sign in
        </Link>
      </p>
    </div>
  )
}
