/** A case's cover on its team tab: who covers it now and before, and for admins adding and ending cover. */
import { Form } from '@remix-run/react'
import { SelectField, TextField } from './form-fields.tsx'
import { SubmissionToken, SubmitButton } from './submission.tsx'
import { Alert, Button, Card, CardTitle, EmptyState } from './ui.tsx'

export interface CoverRow {
  id: string
  name: string
  active: boolean
  period: string
  ended: string | null
}

export function CoverCard({
  covers,
  admin,
  closed,
  colleagues,
  token,
  errorFor,
}: {
  covers: CoverRow[]
  admin: boolean
  closed: boolean
  colleagues: { value: string; label: string }[]
  token: string
  errorFor: (intent: string) => string | null
}) {
  return (
    <Card aria-labelledby="cover-heading" className="h-fit">
      <CardTitle id="cover-heading">Cover</CardTitle>
      {errorFor('end-cover') ? <Alert kind="error">{errorFor('end-cover')}</Alert> : null}
      {covers.length ? (
        <ul className="mt-3 space-y-3">
          {covers.map((c) => (
            <li key={c.id} className="rounded-md border border-slate-200 p-3">
              <p className="text-slate-900">
                <strong className="font-semibold">{c.name}</strong>{' '}
                <span className="text-sm text-slate-700">({c.active ? 'covering now' : 'past cover'})</span>
              </p>
              <p className="text-sm text-slate-700">
                {c.period}
                {c.ended ? `; ${c.ended}` : ''}
              </p>
              {admin && c.active ? (
                <Form method="post" className="mt-2">
                  <input type="hidden" name="intent" value="end-cover" />
                  <input type="hidden" name="coverId" value={c.id} />
                  <Button variant="secondary">End {c.name}’s cover</Button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>No cover on this case.</EmptyState>
      )}
      {admin && !closed ? (
        <Form method="post" className="mt-4 space-y-3 border-t border-slate-200 pt-4">
          <input type="hidden" name="intent" value="add-cover" />
          <SubmissionToken value={token} />
          {errorFor('add-cover') ? <Alert kind="error">{errorFor('add-cover')}</Alert> : null}
          <SelectField
            id="cover-advocate"
            name="advocateId"
            label="Cover advocate"
            placeholder="Choose a colleague"
            options={colleagues}
            required
          />
          <TextField
            id="cover-ends"
            name="endsOn"
            type="date"
            label="Last day of cover"
            hint="Leave blank to cover until you end it."
            required={false}
          />
          <SubmitButton token={token}>Add cover</SubmitButton>
        </Form>
      ) : null}
    </Card>
  )
}
