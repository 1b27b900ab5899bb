import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { MESSAGE_MAX } from '../../../domain/limits.ts'
import { TICKET_TYPES, TYPE_LABELS } from '../../../domain/ticket.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { FileField, SelectField, TextAreaField, TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Card, linkClass } from '../components/ui.tsx'
import { ACCEPT_ATTRIBUTE, ATTACHMENT_HINT } from '../../../services/attachments.server.ts'
import { assignToFamilysAdvocate } from '../../../services/auto-assignment.server.ts'
import { readFormWithFiles } from '../../shared/multipart.ts'
import { createTicket, TicketServiceError } from '../../../services/ticket-creation.server.ts'
import { getUser, type SessionUser } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { newSubmissionToken, submitOnce, submitted, type Repeat } from '../utils/submissions.server.ts'
import { requireOrganisation } from '../utils/organisations.server.ts'
import { formValues, parseForm, SignUpSchema, TicketRequestSchema, type FieldErrors } from '../utils/validation.ts'
import { passRetryAfter, retryAfterSeconds, throttledMessage } from '../utils/sign-in-throttle.server.ts'
import { mayRequestAsFamily, requesterSignedOut, type Requester } from './orgs.$slug.request.server.ts'

export const headers = passRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Request support from ${data.org.name} · Caseway` : 'Request support · Caseway' },
]

const ON_THE_TEAM = 'You are on this organisation’s team, so you cannot send it a request as a family.'

/** Families ask for help; the organisation's own staff work its queue instead. */
function requireFamilyOf(user: SessionUser, orgId: string) {
  if (!mayRequestAsFamily(user.memberships.find((m) => m.orgId === orgId)?.role)) throw new Response(ON_THE_TEAM, { status: 403 })
}

/** The family's own closed or resolved request this one follows up (?followUp=<number>), if any. */
async function findFollowUp(context: LoaderFunctionArgs['context'], orgId: string, user: SessionUser | null, value: string | null) {
  if (!user || !value || !/^\d{1,9}$/.test(value)) return null
  return context.db.ticket.findFirst({
    where: { orgId, number: Number(value), requesterId: user.id, status: { in: ['resolved', 'closed'] } },
    select: { id: true, number: true, subject: true },
  })
}

// Open to everyone: a family without an account creates it with the request.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const [org, user] = await Promise.all([requireOrganisation(context, params.slug), getUser(context, request)])
  if (user) requireFamilyOf(user, org.id)
  if (!org.acceptsRequests) throw redirect(`/orgs/${org.slug}`)
  const followUp = await findFollowUp(context, org.id, user, new URL(request.url).searchParams.get('followUp'))
  return {
    org: { slug: org.slug, name: org.name, responseTime: org.responseTime, departments: org.departments },
    signedIn: user ? { name: user.name, email: user.email } : null,
    followUp,
    attachments: { accept: ACCEPT_ATTRIBUTE, hint: ATTACHMENT_HINT },
    submissionToken: newSubmissionToken(),
  }
}

/** What a signed-out sender is told, by whether their account was made with the request or already there. */
const SIGNED_IN_NOW = {
  new: { sent: ', and your account is ready', failed: ' Your account was created and you are signed in, so you can simply send it again.' },
  existing: { sent: ': you are signed in', failed: ' You are signed in, so you can simply send it again.' },
}

type ActionData = { fieldErrors: FieldErrors; formError: string | null; values: Record<string, string>; emailTaken?: boolean }

/** Everything typed, to fill the form in again; never the password, and files cannot be given back. */
function typedValues(formData: FormData): Record<string, string> {
  const { password: _password, ...values } = formValues(formData)
  return values
}

/** The form again, with everything typed, when the email's account is not the one signing in. */
function accountRefused(refusal: Extract<Requester, { ok: false }>, formData: FormData, filesChosen: boolean) {
  const files = filesChosen ? 'Please choose your files again.' : null
  const answer = (status: number, formError: string | null, more: Partial<ActionData> = {}, headers?: HeadersInit) =>
    data<ActionData>(
      { fieldErrors: {}, formError: [formError, files].filter(Boolean).join(' ') || null, values: typedValues(formData), ...more },
      { status, headers },
    )
  switch (refusal.reason) {
    case 'password':
      return answer(400, null, { emailTaken: true, fieldErrors: { password: ['That email and password do not match an account.'] } })
    case 'throttled':
      return answer(
        429,
        throttledMessage(refusal.retryAfterMs),
        { emailTaken: true },
        { 'Retry-After': retryAfterSeconds(refusal.retryAfterMs) },
      )
    case 'team':
      return answer(403, ON_THE_TEAM)
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const upload = await readFormWithFiles(request)
  const [org, user] = await Promise.all([requireOrganisation(context, params.slug), getUser(context, request)])
  if (user) requireFamilyOf(user, org.id)
  const form = parseForm(upload.formData, TicketRequestSchema)
  // Signed out: the same form carries the new account.
  const account = user ? null : parseForm(upload.formData, SignUpSchema)
  const fileError = upload.ok ? null : upload.error
  if (!form.success || (account && !account.success) || fileError) {
    return data<ActionData>(
      {
        fieldErrors: {
          ...(form.success ? {} : form.fieldErrors),
          ...(account && !account.success ? account.fieldErrors : {}),
          ...(fileError ? { attachments: [fileError] } : {}),
        },
        formError: null,
        values: typedValues(upload.formData),
      },
      { status: 400 },
    )
  }
  if (!org.acceptsRequests) throw redirect(`/orgs/${org.slug}`)

  // The account and the ticket are made once per rendered form: a double click or a resent POST lands on the same ticket.
  return submitOnce(context, request, upload.formData, { form: 'support-request', actorId: user?.id ?? null }, async (submission) => {
    const headers = new Headers()
    let requesterId = user?.id
    let signedInNow: 'new' | 'existing' | null = null
    if (!requesterId && account?.success) {
      const { name, email, password } = account.data
      const requester = await requesterSignedOut(context, request, org.id, { name, email, password })
      if (!requester.ok) return accountRefused(requester, upload.formData, upload.ok && upload.uploads.length > 0)
      requesterId = requester.userId
      signedInNow = requester.account
      headers.append('Set-Cookie', requester.setCookie)
    }
    const followUp = await findFollowUp(context, org.id, user, upload.formData.get('followUp') as string | null)
    const replyHere = org.responseTime
      ? `They usually respond ${org.responseTime}; you will see their reply here.`
      : 'You will see their reply here.'
    // What a repeat is told: the same ticket, but it signs nobody in.
    const repeat = (number: number): Repeat => ({
      redirectTo: `/tickets/${org.slug}/${number}`,
      flash: { kind: 'success', text: `Request sent to ${org.name}. ${replyHere}` },
    })
    try {
      const ticket = await createTicket(context, {
        orgId: org.id,
        requesterId: requesterId!,
        subject: form.data.subject,
        type: form.data.type,
        body: form.data.message,
        childName: form.data.childName,
        departmentId: form.data.departmentId,
        attachments: upload.ok ? upload.uploads : [],
        followUpOfId: followUp?.id,
        // Recorded with the ticket, so a repeat finds it even if this process dies before answering.
        inTransaction: (tx, created) => submission.recordWithin(tx, repeat(created.number)),
      })
      await assignToFamilysAdvocate(context, ticket)
      const text = [
        `Request sent to ${org.name}${signedInNow ? SIGNED_IN_NOW[signedInNow].sent : ''}.`,
        replyHere,
        ticket.view ? '' : 'It may take a moment to show its progress.',
      ]
        .filter(Boolean)
        .join(' ')
      const answer = await redirectWithFlash(context, request, repeat(ticket.number).redirectTo, { kind: 'success', text }, { headers })
      return submitted(answer, repeat(ticket.number))
    } catch (error) {
      if (!(error instanceof TicketServiceError)) throw error
      const values: Record<string, string> = {
        type: form.data.type,
        subject: form.data.subject,
        childName: form.data.childName ?? '',
        departmentId: form.data.departmentId ?? '',
        message: form.data.message,
      }
      const files = upload.ok && upload.uploads.length ? ' Please choose your files again.' : ''
      const signedUp = signedInNow ? SIGNED_IN_NOW[signedInNow].failed : ''
      return data<ActionData>(
        { fieldErrors: {}, formError: `${error.message}${signedUp}${files}`, values },
        { status: error.code === 'unavailable' ? 503 : error.code === 'not_accepting' ? 409 : 400, headers },
      )
    }
  })
}

export default function RequestSupport() {
  const { org, signedIn, followUp, attachments, submissionToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = actionData?.fieldErrors
  const values = actionData?.values
  // The email given has an account: its password sends the request from it.
  const existingAccount = actionData?.emailTaken === true
  const loginHref = `/login?${new URLSearchParams({ redirectTo: `/orgs/${org.slug}/request` })}`
  return (
    <div className="mx-auto max-w-2xl">
      <p className="text-sm">
        <Link to={`/orgs/${org.slug}`} className={linkClass}>
          {org.name}
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-bold text-slate-900">Request support</h1>
      <p className="mt-2 text-slate-700">
        Tell {org.name} what you need{org.responseTime ? `. They usually respond ${org.responseTime}, and` : ', and'} you can follow every
        reply in Caseway.
      </p>
      <Card className="mt-6">
        <Form method="post" encType="multipart/form-data" className="space-y-5" noValidate>
          <SubmissionToken value={submissionToken} />
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          {followUp ? (
            <>
              <input type="hidden" name="followUp" value={followUp.number} />
              <p className="rounded-md bg-slate-100 px-4 py-3 text-sm text-slate-800">
                This request follows up #{followUp.number} “{followUp.subject}”.
              </p>
            </>
          ) : null}
          {signedIn ? (
            <p className="text-sm text-slate-600">
              Sending as {signedIn.name} ({signedIn.email}).
            </p>
          ) : (
            <fieldset className="space-y-5 rounded-md border border-slate-200 p-4">
              <legend className="px-1 text-base font-semibold text-slate-900">Your account</legend>
              {existingAccount ? (
                <Alert kind="info">
                  <p>
                    An account with this email already exists. If it is yours, enter its password and send your request again: it goes from
                    that account, with everything you typed here.
                  </p>
                  <p className="mt-2">
                    Forgotten the password?{' '}
                    <Link to="/forgot-password" target="_blank" className={linkClass}>
                      Reset it in a new tab
                    </Link>
                    , then come back here.
                  </p>
                </Alert>
              ) : (
                <p className="text-sm text-slate-700">
                  You will use it to follow replies. Already have one?{' '}
                  <Link to={loginHref} className={linkClass}>
                    Sign in
                  </Link>
                </p>
              )}
              <TextField label="Your name" name="name" autoComplete="name" defaultValue={values?.name} errors={errors?.name} required />
              <TextField
                label="Email"
                name="email"
                type="email"
                autoComplete="email"
                defaultValue={values?.email}
                errors={errors?.email}
                required
              />
              <TextField
                label="Password"
                name="password"
                type="password"
                autoComplete={existingAccount ? 'current-password' : 'new-password'}
                hint={existingAccount ? 'The password you sign in to Caseway with.' : 'At least 10 characters.'}
                errors={errors?.password}
                required
              />
            </fieldset>
          )}
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
          <TextField
            label="Subject"
            name="subject"
            defaultValue={values?.subject ?? (followUp ? `Follow-up: ${followUp.subject}`.slice(0, 200) : undefined)}
            errors={errors?.subject}
            required
          />
          <TextField label="Child's name" name="childName" defaultValue={values?.childName} errors={errors?.childName} required={false} />
          <TextAreaField
            label="Message"
            name="message"
            rows={8}
            hint="What is happening, any deadlines, and what help you would like."
            defaultValue={values?.message}
            errors={errors?.message}
            maxCharacters={MESSAGE_MAX}
            required
          />
          <FileField
            label="Attachments"
            name="attachments"
            accept={attachments.accept}
            hint={attachments.hint}
            errors={errors?.attachments}
            required={false}
          />
          <SubmitButton token={submissionToken} pendingText="Sending…">
            Send request
          </SubmitButton>
        </Form>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
