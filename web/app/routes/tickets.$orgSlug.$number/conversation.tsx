/** What both views of a ticket share: the state of their forms, and the list of messages. */
import { useActionData, useNavigation } from '@remix-run/react'
import { DateTime } from '../../components/ui.tsx'
import type { FieldErrors } from '../../utils/validation.ts'
import type { action } from './route.tsx'
import type { Intent, Message } from './types.ts'

/** Errors and typed values from the last submission of one form, and whether it is on its way. */
export function useFormState(intent: Intent) {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const mine = actionData?.intent === intent ? actionData : undefined
  return {
    fieldErrors: mine?.fieldErrors ?? ({} as FieldErrors),
    formError: mine?.formError ?? null,
    values: mine?.values ?? ({} as Record<string, string>),
    confirm: mine && 'confirm' in mine ? (mine.confirm ?? null) : null,
    submitting: navigation.state === 'submitting' && navigation.formData?.get('intent') === intent,
  }
}

function PaperclipIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" className="size-4 text-slate-600">
      <path
        d="M14.5 9.5 9.3 14.7a3.2 3.2 0 0 1-4.5-4.5l5.9-5.9a2.1 2.1 0 0 1 3 3l-5.9 5.9a1.1 1.1 0 0 1-1.5-1.5l5.2-5.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}

export function MessageList({ messages, empty }: { messages: readonly (Message & { originalMailHref?: string | null })[]; empty: string }) {
  if (!messages.length) return <p className="text-slate-600">{empty}</p>
  return (
    <ol className="space-y-4">
      {messages.map((m) => (
        <li key={m.id}>
          <article
            className={`rounded-lg p-4 ring-1 ${
              m.internal ? 'bg-amber-50 ring-amber-300' : m.fromFamily ? 'bg-white ring-slate-200' : 'bg-indigo-50 ring-indigo-100'
            }`}
          >
            <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <span className="font-semibold text-slate-900">
                {m.author}
                {m.internal ? <span className="ml-2 font-normal text-amber-900">Internal note</span> : null}
              </span>
              <span className="text-slate-600">
                {m.originalMailHref ? (
                  <>
                    By email ·{' '}
                    <a href={m.originalMailHref} className="text-indigo-800 underline underline-offset-2" target="_blank" rel="noreferrer">
                      View original mail
                    </a>{' '}
                    ·{' '}
                  </>
                ) : null}
                <DateTime value={m.at} />
              </span>
            </header>
            <p className="mt-2 whitespace-pre-wrap break-words text-slate-900">{m.body}</p>
            {m.attachments.length ? (
              <ul className="mt-3 flex flex-wrap gap-2" aria-label="Attached files">
                {m.attachments.map((a) => (
                  <li key={a.id}>
                    <a
                      href={a.href}
                      className="inline-flex min-h-10 items-center gap-2 rounded-md bg-white px-3 py-1.5 text-sm ring-1 ring-slate-300 hover:bg-slate-50"
                    >
                      <PaperclipIcon />
                      <span className="font-medium text-indigo-800 underline underline-offset-2">{a.filename}</span>
                      <span className="text-slate-600">({a.size})</span>
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </article>
        </li>
      ))}
    </ol>
  )
}
