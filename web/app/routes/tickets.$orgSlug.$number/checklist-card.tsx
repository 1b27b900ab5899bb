/**
 * The staff view's Checklist card: progress in words, a form per item to tick
 * or untick it (its checkbox and a button, so it works without JavaScript),
 * rename, move or remove it, and a form to add one, staff only if ticked.
 * "Tell the family" (beside ticking a step they see, and on adding one) has
 * the family notified of it.
 */
import { Form } from '@remix-run/react'
import { CheckboxField, SelectField, TextField } from '../../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../../components/submission.tsx'
import { Alert, Button, Card, CardTitle, Marker } from '../../components/ui.tsx'
import { useFormState } from './conversation.tsx'
import type { StaffData } from './types.ts'

type Item = StaffData['checklist']['items'][number]

function ItemForms({ item }: { item: Item }) {
  const rename = useFormState('rename-checklist-item')
  const renaming = rename.values.itemId === item.id
  return (
    <li className="space-y-2 py-3 text-sm">
      <Form method="post" className="flex flex-wrap items-start justify-between gap-2">
        <input type="hidden" name="intent" value="tick-checklist-item" />
        <input type="hidden" name="itemId" value={item.id} />
        <div className="min-w-0">
          <label className="flex items-start gap-2 break-words text-slate-900">
            <input
              type="checkbox"
              name="done"
              value="1"
              defaultChecked={item.done}
              className="mt-0.5 size-4 rounded border-slate-400 text-indigo-700 focus:ring-indigo-600"
            />
            <span className={item.done ? 'line-through decoration-slate-500' : undefined}>{item.title}</span>
          </label>
          <p className="ml-6 text-slate-600">
            {item.done ? `Done${item.doneBy ? ` by ${item.doneBy}` : ''}${item.doneAt ? `, ${item.doneAt.text}` : ''}` : 'Not done'}
          </p>
          {item.done || item.staffOnly ? null : (
            <label className="ml-6 mt-1 flex items-center gap-2 text-slate-700">
              <input type="checkbox" name="tellFamily" value="1" className="size-4 accent-indigo-700" />
              Tell the family when ticked<span className="sr-only"> (“{item.title}”)</span>
            </label>
          )}
        </div>
        <div className="flex items-center gap-2">
          {item.staffOnly ? <Marker tone="slate">Staff only</Marker> : null}
          <Button variant="secondary" aria-label={`Save whether “${item.title}” is done`}>
            Save
          </Button>
        </div>
      </Form>
      <details className="ml-6" open={renaming || undefined}>
        <summary className="cursor-pointer text-indigo-800 underline-offset-4 hover:underline">
          Change<span className="sr-only"> “{item.title}”</span>
        </summary>
        <div className="mt-2 space-y-3">
          <Form method="post" className="space-y-2" noValidate>
            <input type="hidden" name="intent" value="rename-checklist-item" />
            <input type="hidden" name="itemId" value={item.id} />
            <TextField
              id={`checklist-title-${item.id}`}
              label="Title"
              name="title"
              defaultValue={renaming ? rename.values.title : item.title}
              errors={renaming ? rename.fieldErrors.title : undefined}
              autoComplete="off"
              required
            />
            <Button variant="secondary">Rename</Button>
          </Form>
          <div className="flex flex-wrap gap-2">
            {(['up', 'down'] as const)
              .filter((direction) => (direction === 'up' ? !item.first : !item.last))
              .map((direction) => (
                <Form method="post" key={direction}>
                  <input type="hidden" name="intent" value="move-checklist-item" />
                  <input type="hidden" name="itemId" value={item.id} />
                  <input type="hidden" name="direction" value={direction} />
                  <Button variant="secondary" aria-label={`Move “${item.title}” ${direction}`}>
                    Move {direction}
                  </Button>
                </Form>
              ))}
            <Form method="post">
              <input type="hidden" name="intent" value="remove-checklist-item" />
              <input type="hidden" name="itemId" value={item.id} />
              <Button variant="danger" aria-label={`Remove “${item.title}”`}>
                Remove
              </Button>
            </Form>
          </div>
        </div>
      </details>
    </li>
  )
}

/** Applying a template adds its steps the ticket lacks, and its tags; nothing is taken away. */
function TemplateForm({ checklist }: Pick<StaffData, 'checklist'>) {
  const apply = useFormState('apply-template')
  if (!checklist.templates.length) return null
  return (
    <Form method="post" className="space-y-3 border-t border-slate-100 pt-4" noValidate>
      <input type="hidden" name="intent" value="apply-template" />
      <p className="text-sm text-slate-700">Template: {checklist.template ?? 'none'}</p>
      <SelectField
        id="checklist-template"
        label="Apply a template"
        name="templateId"
        placeholder="Choose a template"
        options={checklist.templates}
        hint="Adds its steps this ticket does not have yet, and its tags."
        defaultValue={apply.values.templateId}
        errors={apply.fieldErrors.templateId}
        required
      />
      <Button variant="secondary">Apply template</Button>
    </Form>
  )
}

export function ChecklistCard({ checklist, checklistToken }: Pick<StaffData, 'checklist' | 'checklistToken'>) {
  const add = useFormState('add-checklist-item')
  const refusals = [
    useFormState('tick-checklist-item'),
    useFormState('rename-checklist-item'),
    useFormState('move-checklist-item'),
    useFormState('remove-checklist-item'),
  ].map((s) => s.formError)
  const refused = refusals.find(Boolean)
  return (
    <Card aria-labelledby="checklist-heading">
      <CardTitle id="checklist-heading">Checklist</CardTitle>
      <div className="mt-3 space-y-4">
        <p className="text-sm text-slate-700">
          {checklist.progress.total ? <span className="font-semibold text-slate-900">{checklist.progress.words}</span> : 'No steps yet.'}{' '}
          The family sees the steps that are not staff only.
        </p>
        {refused ? <Alert kind="error">{refused}</Alert> : null}
        {checklist.items.length ? (
          <ul className="divide-y divide-slate-100" aria-label="Checklist items">
            {checklist.items.map((item) => (
              <ItemForms key={item.id} item={item} />
            ))}
          </ul>
        ) : null}
        <Form method="post" className="space-y-3" key={`checklist-${checklist.items.length}`} noValidate>
          <input type="hidden" name="intent" value="add-checklist-item" />
          <SubmissionToken value={checklistToken} />
          {add.formError ? <Alert kind="error">{add.formError}</Alert> : null}
          <TextField
            id="checklist-new-title"
            label="Add a step"
            name="title"
            hint="Like “Request the EHCP draft”."
            defaultValue={add.values.title}
            errors={add.fieldErrors.title}
            autoComplete="off"
            required
          />
          <CheckboxField
            id="checklist-new-staff-only"
            label="Staff only"
            name="staffOnly"
            hint="The family does not see this step."
            defaultChecked={add.values.staffOnly === '1'}
          />
          <CheckboxField
            id="checklist-new-tell-family"
            label="Tell the family"
            name="tellFamily"
            hint="They get a notification and an email about this step. Not for a staff-only step."
            defaultChecked={add.values.tellFamily === '1'}
          />
          <SubmitButton token={checklistToken} variant="secondary" pendingText="Adding…">
            Add step
          </SubmitButton>
        </Form>
        <TemplateForm checklist={checklist} />
      </div>
    </Card>
  )
}
