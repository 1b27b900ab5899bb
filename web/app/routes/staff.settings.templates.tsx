import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { TEMPLATE_ACTIONS } from '../../../domain/templates.ts'
import { TICKET_TYPES, TYPE_LABELS } from '../../../domain/ticket.ts'
import { recentChanges } from '../../../services/audit.server.ts'
import * as templates from '../../../services/ticket-templates.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextAreaField, TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { PRIORITY_OPTIONS, TemplateCard } from '../components/template-card.tsx'
import { Alert, Card, CardTitle, RecentChanges } from '../components/ui.tsx'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { TemplateActionSchema, type TemplateAction } from '../utils/template-forms.ts'
import { parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Templates · Settings · Caseway' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const [org, list, changes] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    templates.organisationTemplates(context.db, team.orgId),
    recentChanges(context.db, { orgId: team.orgId, actions: TEMPLATE_ACTIONS.filter((a) => a !== 'template.applied') }),
  ])
  return { templates: list, changes, timezone: org.timezone, createToken: newSubmissionToken(), itemToken: newSubmissionToken() }
}

type Failure = {
  templateId: string | null
  fieldErrors: Record<string, string[] | undefined>
  formError: string | null
  values: Record<string, string>
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, TemplateActionSchema)
  const failed = (status: number, failure: Partial<Failure>) =>
    data<Failure>({ templateId: null, fieldErrors: {}, formError: null, values: form.success ? {} : form.values, ...failure }, { status })
  if (!form.success)
    return failed(400, { templateId: form.values.templateId ?? null, fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null })
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const scope = { orgId: team.orgId, actorId: user.id, via: 'portal' as const }
  const command = form.data
  const done = (text: string) => redirectWithFlash(context, request, back, { kind: 'success', text })
  if (command.intent === 'create-template')
    return submitOnce(context, request, formData, { form: 'ticket-template', actorId: user.id }, async () => {
      const created = await templates.createTemplate(context.db, { ...scope, ...command })
      if (created.status !== 'changed')
        return failed(409, { fieldErrors: { name: [`There is already a ${TYPE_LABELS[command.type]} template of this name`] } })
      const made = created.template
      return redirectOnce(context, request, back, {
        kind: 'success',
        text: `Template “${made.name}” added${made.isDefault ? `: the default for ${TYPE_LABELS[made.type]}` : ''}.`,
      })
    })
  if (command.intent === 'add-item')
    return submitOnce(context, request, formData, { form: 'ticket-template-item', actorId: user.id }, async () => {
      const added = await templates.addTemplateItem(context.db, { ...scope, ...command })
      if (added.status !== 'changed') return failed(404, { formError: 'That template no longer exists.' })
      return redirectOnce(context, request, back, { kind: 'success', text: `Step “${command.title}” added.` })
    })
  if (command.intent === 'delete-template') {
    if (!(await templates.deleteTemplate(context.db, { ...scope, templateId: command.templateId })))
      return failed(404, { formError: 'That template was already deleted.' })
    return done('Template deleted. Tickets made from it keep their checklists.')
  }
  const result = await change(context.db, scope, command)
  if (result.status === 'not_found') return failed(404, { formError: 'That template no longer exists.' })
  if (result.status === 'name_taken')
    return failed(409, { templateId: result.templateId, fieldErrors: { name: ['Another template of this type has that name'] } })
  return done(result.words)
}

type Change = Exclude<TemplateAction, { intent: 'create-template' | 'add-item' | 'delete-template' }>

async function change(
  db: Parameters<typeof templates.editTemplate>[0],
  scope: { orgId: string; actorId: string; via: 'portal' },
  command: Change,
) {
  const { templateId } = command
  const outcome = (r: templates.TemplateResult, words: string) =>
    r.status === 'changed' ? { status: 'changed' as const, words, templateId } : { status: r.status, words: '', templateId }
  switch (command.intent) {
    case 'edit-template':
      return outcome(await templates.editTemplate(db, { ...scope, ...command }), `Template “${command.name}” saved.`)
    case 'set-default': {
      const r = await templates.setDefaultTemplate(db, { ...scope, templateId })
      return outcome(r, r.status === 'changed' ? `“${r.template.name}” is now the default for ${TYPE_LABELS[r.template.type]}.` : '')
    }
    case 'move-item':
      return outcome(await templates.moveTemplateItem(db, { ...scope, ...command }), `Step moved ${command.direction}.`)
    case 'item-staff-only': {
      const staffOnly = command.staffOnly === '1'
      const r = await templates.setTemplateItemStaffOnly(db, { ...scope, templateId, itemId: command.itemId, staffOnly })
      return outcome(r, staffOnly ? 'Step kept for staff.' : 'Step shown to families.')
    }
    case 'remove-item':
      return outcome(await templates.removeTemplateItem(db, { ...scope, ...command }), 'Step removed.')
  }
}

export default function Templates() {
  const { templates: list, changes, timezone, createToken, itemToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const creating = actionData && !actionData.templateId && 'values' in actionData ? actionData : null
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        The standard checklist for each type of ticket, with a priority and tags if you like. A family’s new request takes the default
        template of its type; staff can apply another on the ticket. Changing a template never changes tickets already made.
      </p>
      {actionData?.formError && !actionData.templateId ? <Alert kind="error">{actionData.formError}</Alert> : null}
      <Card aria-labelledby="new-template-heading">
        <CardTitle id="new-template-heading">Add a template</CardTitle>
        <Form method="post" noValidate className="mt-3 grid max-w-4xl gap-4 md:grid-cols-2" key={list.length}>
          <input type="hidden" name="intent" value="create-template" />
          <SubmissionToken value={createToken} />
          <SelectField
            label="Type of ticket"
            name="type"
            placeholder="Choose a type"
            options={TICKET_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
            defaultValue={creating?.values.type}
            errors={creating?.fieldErrors.type}
            required
          />
          <TextField label="Name" name="name" defaultValue={creating?.values.name} errors={creating?.fieldErrors.name} required />
          <SelectField
            label="Default priority"
            name="priority"
            options={PRIORITY_OPTIONS}
            defaultValue={creating?.values.priority}
            errors={creating?.fieldErrors.priority}
            required={false}
          />
          <TextField
            label="Tags"
            name="tags"
            hint="Separated by commas, like “EHCP, Assessment”."
            defaultValue={creating?.values.tags}
            errors={creating?.fieldErrors.tags}
            required={false}
          />
          <div className="md:col-span-2">
            <TextAreaField
              label="Checklist steps"
              name="steps"
              rows={6}
              hint="One step a line, in order. Start a line with “staff:” to keep that step from the family."
              defaultValue={creating?.values.steps}
              errors={creating?.fieldErrors.steps}
              required={false}
            />
          </div>
          <div className="md:col-span-2">
            <SubmitButton token={createToken} pendingText="Adding…">
              Add template
            </SubmitButton>
          </div>
        </Form>
      </Card>
      {TICKET_TYPES.map((type) => {
        const ofType = list.filter((t) => t.type === type)
        return (
          <section key={type} aria-labelledby={`type-${type}`} className="space-y-3">
            <h2 id={`type-${type}`} className="text-lg font-semibold text-slate-900">
              {TYPE_LABELS[type]}
            </h2>
            {ofType.length ? (
              ofType.map((template) => (
                <TemplateCard
                  key={template.id}
                  template={template}
                  itemToken={itemToken}
                  failure={actionData?.templateId === template.id ? actionData : null}
                />
              ))
            ) : (
              <p className="text-sm text-slate-700">No template yet: new {TYPE_LABELS[type]} tickets start with an empty checklist.</p>
            )}
          </section>
        )
      })}
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
