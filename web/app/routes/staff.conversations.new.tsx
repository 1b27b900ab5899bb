import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { EmailSchema, messageBody } from '../../../domain/input-schemas.ts'
import { MESSAGE_MAX } from '../../../domain/limits.ts'
import {
  CONVERSATION_KIND_LABELS,
  CONVERSATION_KINDS,
  ConversationSubjectSchema,
  DocumentNameSchema,
  FamilyNameSchema,
} from '../../../domain/conversations.ts'
import { findFamilies, startConversation } from '../../../services/conversations.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { ErrorList, TextAreaField, TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Button, Card, linkClass, PageHeader } from '../components/ui.tsx'
import { requireUser } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { requireTeamPermission } from '../utils/permissions.server.ts'
import { newSubmissionToken, submitOnce, submitted, type Repeat } from '../utils/submissions.server.ts'
import { formValues, parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Message a family · Caseway' }]

const REFUSAL = 'Only the organisation’s advocates and admins can start a conversation with a family.'
const NEW_FAMILY = 'new'

/** The form: a family picked from the list (or a new one by email), the kind, and the message. */
const ConversationFormSchema = z
  .object({
    familyId: z.union([z.literal(NEW_FAMILY), z.uuid()], { error: 'Choose the family, or a new family by email' }),
    newEmail: z.string().optional(),
    newName: z.string().optional(),
    kind: z.enum(CONVERSATION_KINDS, { error: 'Choose a general message or a document request' }),
    document: z.string().optional(),
    subject: ConversationSubjectSchema,
    message: messageBody(),
  })
  .superRefine((form, ctx) => {
    const check = (path: string, schema: z.ZodType, value: unknown) => {
      const parsed = schema.safeParse(value ?? '')
      if (!parsed.success) ctx.addIssue({ code: 'custom', path: [path], message: parsed.error.issues[0]!.message })
    }
    if (form.familyId === NEW_FAMILY) {
      check('newEmail', EmailSchema, form.newEmail)
      check('newName', FamilyNameSchema, form.newName)
    }
    if (form.kind === 'document_request') check('document', DocumentNameSchema, form.document)
  })

function requireStarter(user: Awaited<ReturnType<typeof requireUser>>, request: Request) {
  return requireTeamPermission(user, request, 'start:conversation:org', REFUSAL)
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context, request)
  const { team } = requireStarter(user, request)
  const query = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 100)
  const families = await findFamilies(context, team.orgId, query)
  return { org: { name: team.org.name, slug: team.org.slug }, query, families, submissionToken: newSubmissionToken() }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request)
  const { team } = requireStarter(user, request)
  const formData = await request.formData()
  const form = parseForm(formData, ConversationFormSchema)
  const values = formValues(formData)
  if (!form.success) return data({ fieldErrors: form.fieldErrors as Record<string, string[]>, formError: null, values }, { status: 400 })
  const input = form.data
  return submitOnce(context, request, formData, { form: 'start-conversation', actorId: user.id }, async (submission) => {
    const repeat = (number: number): Repeat => ({
      redirectTo: `/tickets/${team.org.slug}/${number}`,
      flash: { kind: 'success', text: 'Conversation started: the family has been told.' },
    })
    const result = await startConversation(context, {
      orgId: team.orgId,
      authorId: user.id,
      via: 'portal',
      family: input.familyId === NEW_FAMILY ? { email: input.newEmail!, name: input.newName! } : { id: input.familyId },
      kind: input.kind,
      document: input.document,
      subject: input.subject,
      body: input.message,
      inTransaction: (tx, created) => submission.recordWithin(tx, repeat(created.number)),
    })
    if (result.status === 'family_not_found')
      return data(
        { fieldErrors: { familyId: ['That family is not one of this organisation’s'] }, formError: null, values },
        { status: 400 },
      )
    if (result.status !== 'started')
      return data({ fieldErrors: {}, formError: result.message, values }, { status: result.status === 'unavailable' ? 503 : 409 })
    const invited = result.invited ? ' They are new to Caseway, so they were sent an invitation to choose a password.' : ''
    const answer = await redirectWithFlash(context, request, repeat(result.ticket.number).redirectTo, {
      kind: 'success',
      text: `Conversation started: the family has been told.${invited}`,
    })
    return submitted(answer, repeat(result.ticket.number))
  })
}

const radioClass = 'h-4 w-4 border-slate-400 text-indigo-700 focus:ring-2 focus:ring-indigo-600'

export default function NewConversation() {
  const { org, query, families, submissionToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors = actionData?.fieldErrors
  const values = actionData?.values
  const chosenFamily = values?.familyId ?? (families.length === 1 ? families[0]!.id : undefined)
  return (
    <div className="space-y-6">
      <PageHeader title="Message a family" eyebrow={org.name}>
        <Link to="/staff/tickets" className={linkClass}>
          Back to the queue
        </Link>
      </PageHeader>
      <Card>
        <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
          <div className="min-w-64 grow">
            <TextField label="Find a family" name="q" type="search" defaultValue={query} hint="By name or email." />
          </div>
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </Form>
      </Card>
      <Card>
        <Form method="post" className="space-y-6" noValidate>
          <SubmissionToken value={submissionToken} />
          {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
          <fieldset aria-describedby={errors?.familyId ? 'familyId-error' : undefined}>
            <legend className="text-base font-semibold text-slate-900">Family</legend>
            {families.length === 0 ? (
              <p className="mt-2 text-sm text-slate-700">
                No family of {org.name} matches “{query}”.
              </p>
            ) : null}
            <ul className="mt-2 space-y-2">
              {families.map((family) => (
                <li key={family.id}>
                  <label className="flex items-center gap-3">
                    <input
                      type="radio"
                      name="familyId"
                      value={family.id}
                      defaultChecked={chosenFamily === family.id}
                      className={radioClass}
                    />
                    <span>
                      {family.name} <span className="text-slate-600">({family.email})</span>
                    </span>
                  </label>
                </li>
              ))}
              <li>
                <label className="flex items-center gap-3">
                  <input
                    type="radio"
                    name="familyId"
                    value={NEW_FAMILY}
                    defaultChecked={chosenFamily === NEW_FAMILY}
                    className={radioClass}
                  />
                  <span>A new family, by email (they are invited to Caseway)</span>
                </label>
              </li>
            </ul>
            <ErrorList id="familyId-error" errors={errors?.familyId} />
            <div className="mt-3 grid gap-4 sm:grid-cols-2">
              <TextField
                label="New family’s email"
                name="newEmail"
                type="email"
                defaultValue={values?.newEmail}
                errors={errors?.newEmail}
              />
              <TextField label="New family’s name" name="newName" defaultValue={values?.newName} errors={errors?.newName} />
            </div>
          </fieldset>
          <fieldset aria-describedby={errors?.kind ? 'kind-error' : undefined}>
            <legend className="text-base font-semibold text-slate-900">Kind of message</legend>
            <ul className="mt-2 space-y-2">
              {CONVERSATION_KINDS.map((kind) => (
                <li key={kind}>
                  <label className="flex items-center gap-3">
                    <input
                      type="radio"
                      name="kind"
                      value={kind}
                      defaultChecked={(values?.kind ?? 'general') === kind}
                      className={radioClass}
                    />
                    <span>{CONVERSATION_KIND_LABELS[kind]}</span>
                  </label>
                </li>
              ))}
            </ul>
            <ErrorList id="kind-error" errors={errors?.kind} />
            <div className="mt-3">
              <TextField
                label="Document you need"
                name="document"
                hint="For a document request: the family is asked to upload it, like “Latest EHCP draft”."
                defaultValue={values?.document}
                errors={errors?.document}
              />
            </div>
          </fieldset>
          <TextField label="Subject" name="subject" defaultValue={values?.subject} errors={errors?.subject} required />
          <TextAreaField
            label="Message"
            name="message"
            rows={8}
            defaultValue={values?.message}
            errors={errors?.message}
            maxCharacters={MESSAGE_MAX}
            required
          />
          <SubmitButton token={submissionToken} pendingText="Sending…">
            Send
          </SubmitButton>
        </Form>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
