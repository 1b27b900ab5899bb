/**
 * The queue's change bar: one change (status, priority, assignee or a tag) for
 * the tickets chosen by their checkboxes (queue-table.tsx SelectTicket, which
 * belong to this form by its id), or for every ticket on the page. A plain
 * form: without JavaScript "Select all on this page" sends the page's
 * numbers; with it, the box also ticks the rows so the choice shows.
 */
import { Form } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { SubmissionToken, SubmitButton } from './submission.tsx'

export const BULK_FORM_ID = 'bulk-change'

export interface ChangeChoices {
  statuses: readonly { value: string; label: string }[]
  priorities: readonly { value: string; label: string }[]
  assignees: readonly { value: string; label: string }[]
}

const control =
  'block min-h-11 w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700 sm:text-sm'

export function ChangeBar({
  token,
  org,
  pageNumbers,
  choices,
}: {
  token: string
  /** The organisation's slug, for staff of several. */
  org: string | null
  pageNumbers: readonly number[]
  choices: ChangeChoices
}) {
  const all = useRef<HTMLInputElement>(null)
  useEffect(() => {
    // A row unticked after "select all" means the rows chosen, not the page.
    const untick = (event: Event) => {
      const box = event.target as HTMLInputElement
      if (box.matches('[data-bulk-select]') && !box.checked && all.current) all.current.checked = false
    }
    document.addEventListener('change', untick)
    return () => document.removeEventListener('change', untick)
  }, [])
  const tickRows = (checked: boolean) =>
    document.querySelectorAll<HTMLInputElement>('[data-bulk-select]').forEach((box) => (box.checked = checked))
  return (
    <Form
      method="post"
      action="/staff/bulk"
      id={BULK_FORM_ID}
      aria-label="Change the chosen tickets"
      className="flex flex-wrap items-end gap-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200"
    >
      <SubmissionToken value={token} />
      {org ? <input type="hidden" name="org" value={org} /> : null}
      {pageNumbers.map((n) => (
        <input key={n} type="hidden" name="pageTicket" value={n} />
      ))}
      <label className="flex min-h-11 items-center gap-2 text-sm font-medium text-slate-900">
        <input
          ref={all}
          type="checkbox"
          name="allOnPage"
          value="yes"
          onChange={(e) => tickRows(e.currentTarget.checked)}
          className="size-5 rounded border-slate-400 text-indigo-700"
        />
        Select all on this page
      </label>
      <div className="min-w-56">
        <label htmlFor="bulk-change-choice" className="block text-sm font-medium text-slate-900">
          Change
        </label>
        <select id="bulk-change-choice" name="change" required defaultValue="" className={control}>
          <option value="" disabled>
            Choose a change
          </option>
          <optgroup label="Set status">
            {choices.statuses.map((o) => (
              <option key={o.value} value={`status:${o.value}`}>
                Status: {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Set priority">
            {choices.priorities.map((o) => (
              <option key={o.value} value={`priority:${o.value}`}>
                Priority: {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Assign">
            {choices.assignees.map((o) => (
              <option key={o.value} value={`assign:${o.value}`}>
                Assign to {o.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Tag">
            <option value="tag">Add the tag named here →</option>
          </optgroup>
        </select>
      </div>
      <div className="min-w-44">
        <label htmlFor="bulk-change-tag" className="block text-sm font-medium text-slate-900">
          Tag <span className="font-normal text-slate-600">(for “Add the tag”)</span>
        </label>
        <input id="bulk-change-tag" name="tag" type="text" maxLength={60} className={control} />
      </div>
      <SubmitButton token={token} pendingText="Starting…">
        Apply to chosen tickets
      </SubmitButton>
    </Form>
  )
}
