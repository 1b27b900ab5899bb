/** The reply-or-note form of a ticket, for its staff: the ticket page and the case's Ticket tab post it the same way. */
import { Form } from '@remix-run/react'
import { MESSAGE_MAX } from '../../../../domain/limits.ts'
import { FileField, SelectField, TextAreaField } from '../../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../../components/submission.tsx'
import { Alert, Button, Card, CardTitle } from '../../components/ui.tsx'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

type ReplyCardProps = Pick<
  StaffData,
  'ticket' | 'transitions' | 'permissions' | 'savedReplies' | 'replyDraft' | 'attachments' | 'submissionToken'
> & {
  /** Changes when the conversation does, so a sent form comes back empty. */
  formKey: string
}

export function ReplyCard({
  ticket,
  transitions,
  permissions,
  savedReplies,
  replyDraft,
  attachments,
  submissionToken,
  formKey,
}: ReplyCardProps) {
  const reply = useFormState('reply')
  // A staff reply moves a New ticket to In progress first, from where both are allowed.
  const afterReply = ticket.status === 'new' ? ['pending_family', 'resolved'] : transitions.map((t) => t.value)
  const replyThen = [
    { value: 'pending_family', label: 'Set to Pending family (waiting for their answer)' },
    { value: 'resolved', label: 'Set to Resolved' },
  ].filter((option) => afterReply.includes(option.value as (typeof transitions)[number]['value']))
  return (
    <Card aria-labelledby="reply-heading">
      <CardTitle id="reply-heading">Reply or add a note</CardTitle>
      {savedReplies.length ? (
        // A plain GET: works without scripts, and the page comes back with the text in the box.
        <Form method="get" className="mt-4 flex flex-wrap items-end gap-3" aria-label="Use a saved reply">
          <div className="min-w-56 flex-1">
            <SelectField
              id="saved-reply"
              label="Saved reply"
              name="savedReply"
              placeholder="Choose a saved reply"
              options={savedReplies.map((r) => ({ value: r.id, label: r.title }))}
              defaultValue={replyDraft?.id}
              required={false}
            />
          </div>
          <Button variant="secondary">Use saved reply</Button>
        </Form>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="mt-4 space-y-4" key={formKey} noValidate>
        <input type="hidden" name="intent" value="reply" />
        <SubmissionToken value={submissionToken} />
        {reply.formError ? <Alert kind="error">{reply.formError}</Alert> : null}
        {permissions.note ? (
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Send as</legend>
            <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
              {[
                { value: 'public', label: 'Reply', hint: 'the family sees it' },
                { value: 'internal', label: 'Internal note', hint: 'staff only' },
              ].map((option) => (
                <div key={option.value} className="inline-flex min-h-10 items-center gap-2">
                  <input
                    type="radio"
                    id={`visibility-${option.value}`}
                    name="visibility"
                    value={option.value}
                    defaultChecked={(reply.values.visibility || 'public') === option.value}
                    aria-describedby={`visibility-${option.value}-hint`}
                    className="size-5 accent-indigo-700"
                  />
                  <label htmlFor={`visibility-${option.value}`} className="text-slate-900">
                    {option.label}
                  </label>
                  <span id={`visibility-${option.value}-hint`} className="text-sm text-slate-600">
                    ({option.hint})
                  </span>
                </div>
              ))}
            </div>
          </fieldset>
        ) : (
          <input type="hidden" name="visibility" value="public" />
        )}
        <TextAreaField
          label="Message"
          name="body"
          rows={5}
          defaultValue={reply.values.body ?? replyDraft?.body}
          errors={reply.fieldErrors.body}
          maxCharacters={MESSAGE_MAX}
          required
        />
        <FileField
          label="Attachments"
          name="attachments"
          accept={attachments.accept}
          hint={attachments.hint}
          errors={reply.fieldErrors.attachments}
          required={false}
        />
        {permissions.changeStatus && replyThen.length ? (
          <SelectField
            label="After sending"
            name="thenStatus"
            options={[{ value: '', label: 'Keep the status as it is' }, ...replyThen]}
            defaultValue={reply.values.thenStatus ?? ''}
            errors={reply.fieldErrors.thenStatus}
            hint="Ignored for internal notes."
          />
        ) : null}
        {reply.confirm ? (
          <>
            <Alert kind="info">{reply.confirm}</Alert>
            <input type="hidden" name="confirm" value="1" />
          </>
        ) : null}
        <SubmitButton token={submissionToken} pendingText="Sending…">
          {reply.confirm ? 'Send and resolve anyway' : 'Send reply'}
        </SubmitButton>
      </Form>
    </Card>
  )
}
