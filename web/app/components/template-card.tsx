/** One ticket template on Settings → Templates: its details, its default, and its steps, each a plain form. */
import { Form } from '@remix-run/react'
import { PRIORITIES, PRIORITY_LABELS, type Priority, type TicketType } from '../../../domain/ticket.ts'
import { CheckboxField, SelectField, TextField } from './form-fields.tsx'
import { SubmissionToken, SubmitButton } from './submission.tsx'
import { Alert, Badge, Button, Card } from './ui.tsx'

export const PRIORITY_OPTIONS = [
  { value: '', label: 'No default (Normal)' },
  ...PRIORITIES.map((p) => ({ value: p, label: PRIORITY_LABELS[p] })),
]

interface TemplateCardProps {
  template: {
    id: string
    type: TicketType
    name: string
    isDefault: boolean
    priority: Priority | null
    tags: string[]
    items: { id: string; title: string; staffOnly: boolean }[]
  }
  itemToken: string
  /** The last submission's errors, when they were this template's. */
  failure: { fieldErrors: Record<string, string[] | undefined>; formError: string | null; values: Record<string, string> } | null
}

export function TemplateCard({ template, itemToken, failure }: TemplateCardProps) {
  const { id, name, items } = template
  const headingId = `template-${id}`
  const itemAction = (intent: string, itemId: string, label: string, extra: Record<string, string> = {}) => (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="templateId" value={id} />
      <input type="hidden" name="itemId" value={itemId} />
      {Object.entries(extra).map(([key, value]) => (
        <input key={key} type="hidden" name={key} value={value} />
      ))}
      <Button variant="secondary" className="text-sm">
        {label}
      </Button>
    </Form>
  )
  return (
    <Card aria-labelledby={headingId}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id={headingId} className="text-base font-semibold text-slate-900">
          {name} {template.isDefault ? <Badge tone="bg-indigo-50 text-indigo-800 ring-indigo-200">Default</Badge> : null}
        </h3>
        <div className="flex flex-wrap gap-2">
          {template.isDefault ? null : (
            <Form method="post">
              <input type="hidden" name="intent" value="set-default" />
              <input type="hidden" name="templateId" value={id} />
              <Button variant="secondary" aria-label={`Make ${name} the default`}>
                Make default
              </Button>
            </Form>
          )}
          <Form method="post">
            <input type="hidden" name="intent" value="delete-template" />
            <input type="hidden" name="templateId" value={id} />
            <Button variant="danger" aria-label={`Delete ${name}`}>
              Delete
            </Button>
          </Form>
        </div>
      </div>
      {failure?.formError ? <Alert kind="error">{failure.formError}</Alert> : null}
      <Form
        method="post"
        noValidate
        className="mt-3 grid gap-3 md:grid-cols-[2fr_1fr_2fr_auto] md:items-end"
        key={`${name}-${template.priority}`}
      >
        <input type="hidden" name="intent" value="edit-template" />
        <input type="hidden" name="templateId" value={id} />
        <TextField
          id={`name-${id}`}
          label="Name"
          name="name"
          defaultValue={failure?.values.name ?? name}
          errors={failure?.fieldErrors.name}
          required
        />
        <SelectField
          id={`priority-${id}`}
          label="Default priority"
          name="priority"
          options={PRIORITY_OPTIONS}
          defaultValue={failure?.values.priority ?? template.priority ?? ''}
          errors={failure?.fieldErrors.priority}
          required={false}
        />
        <TextField
          id={`tags-${id}`}
          label="Tags"
          name="tags"
          hint="Separated by commas."
          defaultValue={failure?.values.tags ?? template.tags.join(', ')}
          errors={failure?.fieldErrors.tags}
          required={false}
        />
        <Button variant="secondary" aria-label={`Save ${name}`}>
          Save
        </Button>
      </Form>
      <h4 className="mt-4 text-sm font-semibold text-slate-800">
        Checklist ({items.length} {items.length === 1 ? 'step' : 'steps'})
      </h4>
      {items.length ? (
        <ol className="mt-2 divide-y divide-slate-100" aria-label={`Steps of ${name}`}>
          {items.map((item, index) => (
            <li key={item.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="text-slate-900">
                {index + 1}. {item.title}
                {item.staffOnly ? <span className="ml-2 text-sm text-slate-600">(staff only)</span> : null}
              </span>
              <span className="flex flex-wrap gap-2">
                {index > 0 ? itemAction('move-item', item.id, 'Move up', { direction: 'up' }) : null}
                {index < items.length - 1 ? itemAction('move-item', item.id, 'Move down', { direction: 'down' }) : null}
                {itemAction('item-staff-only', item.id, item.staffOnly ? 'Show to family' : 'Staff only', {
                  staffOnly: item.staffOnly ? '0' : '1',
                })}
                {itemAction('remove-item', item.id, 'Remove')}
              </span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mt-2 text-sm text-slate-700">No steps yet.</p>
      )}
      <Form method="post" noValidate className="mt-3 flex flex-wrap items-end gap-3" key={items.length}>
        <input type="hidden" name="intent" value="add-item" />
        <input type="hidden" name="templateId" value={id} />
        <SubmissionToken value={itemToken} />
        <div className="min-w-56 flex-1">
          <TextField
            id={`step-${id}`}
            label={`New step for ${name}`}
            name="title"
            defaultValue={failure?.values.title}
            errors={failure?.fieldErrors.title}
            required
          />
        </div>
        <CheckboxField id={`step-staff-${id}`} label="Staff only" name="staffOnly" />
        <SubmitButton token={itemToken} pendingText="Adding…">
          Add step
        </SubmitButton>
      </Form>
    </Card>
  )
}
