import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { TextAreaField, TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Button, Card, CardTitle, RecentChanges } from '../components/ui.tsx'
import { recentChanges } from '../../../services/audit.server.ts'
import { createSavedReply, deleteSavedReply, savedReplies } from '../../../services/saved-replies.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import { messageBody } from '../../../domain/input-schemas.ts'
import { MESSAGE_MAX } from '../../../domain/limits.ts'
import { parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Saved replies · Settings · Caseway' }]

const SavedReplyActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({
      intent: z.literal('create-reply'),
      title: z.string({ error: 'Give it a title' }).trim().min(1, 'Give it a title').max(100, 'Keep the title under 100 characters'),
      body: messageBody('Write the reply'),
    }),
    z.object({ intent: z.literal('delete-reply'), replyId: z.uuid({ error: 'Unknown saved reply' }) }),
  ],
  { error: 'Unknown action' },
)

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } })
  const [replies, changes] = await Promise.all([
    savedReplies(context.db, team.orgId),
    recentChanges(context.db, { orgId: team.orgId, actions: ['saved_reply.created', 'saved_reply.deleted'] }),
  ])
  return { replies, changes, timezone: org.timezone, submissionToken: newSubmissionToken() }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, SavedReplyActionSchema)
  if (!form.success)
    return data({ fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null, values: form.values }, { status: 400 })
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const actor = { actorId: user.id, via: 'portal' as const }
  if (form.data.intent === 'create-reply') {
    const { title, body } = form.data
    return submitOnce(context, request, formData, { form: 'saved-reply', actorId: user.id }, async () => {
      if (!(await createSavedReply(context.db, { orgId: team.orgId, title, body, ...actor })))
        return data(
          { fieldErrors: { title: ['There is already a saved reply with this title'] }, formError: null, values: { title, body } },
          { status: 409 },
        )
      return redirectOnce(context, request, back, { kind: 'success', text: `Saved reply “${title}” added.` })
    })
  }
  if (!(await deleteSavedReply(context.db, { orgId: team.orgId, id: form.data.replyId, ...actor })))
    return data({ fieldErrors: {}, formError: 'That saved reply was already deleted.', values: {} }, { status: 404 })
  return redirectWithFlash(context, request, back, { kind: 'success', text: 'Saved reply deleted.' })
}

export default function SavedReplies() {
  const { replies, changes, timezone, submissionToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        Replies the team sends often. On a ticket, staff choose one to fill the reply box, then make it fit the family before sending.
      </p>
      {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
      <Card aria-labelledby="new-reply-heading">
        <CardTitle id="new-reply-heading">Add a saved reply</CardTitle>
        <Form method="post" noValidate className="mt-3 max-w-2xl space-y-4" key={replies.length}>
          <input type="hidden" name="intent" value="create-reply" />
          <SubmissionToken value={submissionToken} />
          <TextField
            label="Title"
            name="title"
            hint="What staff pick it by, like “Asking for the decision letter”."
            defaultValue={actionData?.values.title}
            errors={actionData?.fieldErrors.title}
            required
          />
          <TextAreaField
            label="Reply text"
            name="body"
            rows={6}
            defaultValue={actionData?.values.body}
            errors={actionData?.fieldErrors.body}
            maxCharacters={MESSAGE_MAX}
            required
          />
          <SubmitButton token={submissionToken} pendingText="Adding…">
            Add saved reply
          </SubmitButton>
        </Form>
      </Card>
      <Card aria-labelledby="replies-heading">
        <CardTitle id="replies-heading">Saved replies</CardTitle>
        {replies.length ? (
          <ul className="mt-3 divide-y divide-slate-100" aria-label="Saved replies">
            {replies.map((reply) => (
              <li key={reply.id} className="flex items-start justify-between gap-4 py-3">
                <div className="min-w-0">
                  <p className="font-medium text-slate-900">{reply.title}</p>
                  <p className="mt-1 line-clamp-3 whitespace-pre-line text-sm text-slate-700">{reply.body}</p>
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="delete-reply" />
                  <input type="hidden" name="replyId" value={reply.id} />
                  <Button variant="danger" aria-label={`Delete ${reply.title}`}>
                    Delete
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-700">No saved replies yet.</p>
        )}
      </Card>
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
