/** The ticket as its family sees it: where it stands, the conversation, and a reply or a way to reopen. */
import { Form, Link } from '@remix-run/react'
import { MESSAGE_MAX } from '../../../../domain/limits.ts'
import { FileField, TextAreaField } from '../../components/form-fields.tsx'
import { Alert, Badge, Button, Card, CardTitle, DateTime, DetailList, linkClass } from '../../components/ui.tsx'
import { statusTone } from '../../utils/format.ts'
import { SubmissionToken, SubmitButton } from '../../components/submission.tsx'
import { MessageList, useFormState } from './conversation.tsx'
import type { FamilyData } from './types.ts'

export function FamilyTicket({ data }: { data: FamilyData }) {
  const { ticket, messages, attachments, submissionToken, checklist } = data
  const reply = useFormState('reply')
  const reopen = useFormState('reopen')
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link to="/my/tickets" className={linkClass}>
            My requests
          </Link>{' '}
          · #{ticket.number} · {ticket.organisation.name}
        </p>
        <h1 className="mt-1 break-words text-2xl font-bold text-slate-900">
          {ticket.conversation ? <span className="block text-sm font-semibold text-slate-600">Conversation</span> : null}
          {ticket.subject}
        </h1>
      </div>
      <Card>
        <div className="flex flex-wrap items-center gap-3">
          <Badge tone={statusTone(ticket.status)}>
            <span role="status">{ticket.statusLabel}</span>
          </Badge>
          <p className="text-slate-800">{ticket.statusHint}</p>
        </div>
        {ticket.replyBy ? (
          <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-amber-950 ring-1 ring-amber-200">
            Please reply by <DateTime value={ticket.replyBy} />. If we do not hear from you by then, this request will close.
          </p>
        ) : null}
        {ticket.laDeadline ? (
          <p className="mt-3 text-slate-800">
            The local authority should answer by <DateTime value={ticket.laDeadline} />.
          </p>
        ) : null}
        {ticket.coverNotices.map((notice) => (
          <p key={notice} className="mt-3 rounded-md border border-sky-200 bg-sky-50 p-3 text-slate-800">
            {notice}
          </p>
        ))}
        {ticket.laDates.length ? (
          <div className="mt-3">
            <h2 className="font-semibold text-slate-900">The council’s dates</h2>
            <ul className="mt-1 list-disc space-y-1 pl-5 text-slate-800">
              {ticket.laDates.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <div className="mt-4">
          <DetailList
            items={[
              { label: 'Advocate', value: ticket.advocate ?? 'Not assigned yet' },
              ...(ticket.childName ? [{ label: 'Child', value: ticket.childName }] : []),
              { label: 'Type', value: ticket.type },
              { label: 'Sent', value: <DateTime value={ticket.createdAt} /> },
            ]}
          />
        </div>
        {ticket.canReopen ? (
          <Form method="post" className="mt-5 space-y-3 border-t border-slate-200 pt-4">
            <input type="hidden" name="intent" value="reopen" />
            {reopen.formError ? <Alert kind="error">{reopen.formError}</Alert> : null}
            <p className="text-slate-800">
              Still need help?{' '}
              {ticket.reopenUntil ? (
                <>
                  You can reopen this request until <DateTime value={ticket.reopenUntil} />.
                </>
              ) : (
                'You can reopen this request.'
              )}
            </p>
            <Button variant="secondary" disabled={reopen.submitting}>
              Reopen
            </Button>
          </Form>
        ) : null}
      </Card>
      {checklist.items.length ? (
        <Card aria-labelledby="checklist-heading">
          <CardTitle id="checklist-heading">Checklist</CardTitle>
          <p className="mt-2 text-slate-800">
            <span className="font-semibold">{checklist.progress.words}</span>: the steps your advocate is working through.
          </p>
          <ul className="mt-3 space-y-2" aria-label="Checklist steps">
            {checklist.items.map((item) => (
              <li key={item.id} className="flex items-start gap-2 text-slate-900">
                <span aria-hidden="true" className={item.done ? 'text-emerald-700' : 'text-slate-500'}>
                  {item.done ? '✓' : '○'}
                </span>
                <span className="min-w-0 break-words">
                  {item.title}{' '}
                  <span className="text-sm text-slate-600">
                    {item.done ? (
                      <>
                        (done
                        {item.doneAt ? (
                          <>
                            , <DateTime value={item.doneAt} />
                          </>
                        ) : null}
                        )
                      </>
                    ) : (
                      '(not done yet)'
                    )}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      <section aria-labelledby="conversation-heading" className="space-y-4">
        <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
          Conversation
        </h2>
        <MessageList messages={messages} empty="No messages yet." />
      </section>
      {ticket.canReply ? (
        <Card aria-labelledby="reply-heading">
          <CardTitle id="reply-heading">{ticket.awaitedDocument ? `Send us: ${ticket.awaitedDocument}` : 'Reply'}</CardTitle>
          {ticket.awaitedDocument ? (
            <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-amber-950 ring-1 ring-amber-200">
              Your advocate has asked you for this document: <strong>{ticket.awaitedDocument}</strong>. Attach it below, with a short
              message, and press Send reply.
            </p>
          ) : null}
          <Form method="post" encType="multipart/form-data" className="mt-4 space-y-4" key={messages.length} noValidate>
            <input type="hidden" name="intent" value="reply" />
            <SubmissionToken value={submissionToken} />
            {reply.formError ? <Alert kind="error">{reply.formError}</Alert> : null}
            <TextAreaField
              label="Message"
              name="body"
              rows={5}
              defaultValue={reply.values.body}
              errors={reply.fieldErrors.body}
              maxCharacters={MESSAGE_MAX}
              required
            />
            <FileField
              label={ticket.awaitedDocument ? `The document: ${ticket.awaitedDocument}` : 'Attachments'}
              name="attachments"
              accept={attachments.accept}
              hint={attachments.hint}
              errors={reply.fieldErrors.attachments}
              required={false}
            />
            <SubmitButton token={submissionToken} pendingText="Sending…">
              Send reply
            </SubmitButton>
          </Form>
        </Card>
      ) : (
        <Card>
          <p className="text-slate-800">
            This request is closed, so it cannot take new messages. If you still need help,{' '}
            <Link to={ticket.followUpHref ?? `/orgs/${ticket.organisation.slug}/request`} className={linkClass}>
              start a follow-up request
            </Link>
            .
          </p>
        </Card>
      )}
    </div>
  )
}
