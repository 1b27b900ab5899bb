import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { tagName } from '../../../domain/input-schemas.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, CardTitle, linkClass, RecentChanges } from '../components/ui.tsx'
import { recentChanges } from '../../../services/audit.server.ts'
import { mergeTags, organisationTags, renameTag } from '../../../services/tags.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import { parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Tags · Settings · Caseway' }]

const TagActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('rename-tag'), tagId: z.uuid({ error: 'Unknown tag' }), name: tagName('Enter the new name') }),
    z.object({
      intent: z.literal('merge-tag'),
      tagId: z.uuid({ error: 'Unknown tag' }),
      intoId: z.uuid({ error: 'Choose the tag to merge it into' }),
    }),
  ],
  { error: 'Unknown action' },
)

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team, teams } = await requireSettingsAdmin(context, request)
  const [org, tags, changes] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    organisationTags(context.db, team.orgId),
    recentChanges(context.db, { orgId: team.orgId, actions: ['tag.renamed', 'tag.merged'] }),
  ])
  const orgParam = teams.length > 1 ? `&org=${team.org.slug}` : ''
  return {
    tags: tags.map((t) => ({ ...t, queueHref: `/staff/tickets?view=all&tag=${t.id}${orgParam}` })),
    changes,
    timezone: org.timezone,
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const form = parseForm(await request.formData(), TagActionSchema)
  const failed = (status: number, tagId: string | undefined, fieldErrors: Record<string, string[]>, formError: string | null = null) =>
    data({ tagId: tagId ?? null, fieldErrors, formError, values: form.success ? {} : form.values }, { status })
  if (!form.success) return failed(400, form.values.tagId, form.fieldErrors as Record<string, string[]>, form.formErrors[0] ?? null)
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const actor = { actorId: user.id, via: 'portal' as const }
  if (form.data.intent === 'rename-tag') {
    const { tagId, name } = form.data
    const renamed = await renameTag(context.db, { orgId: team.orgId, tagId, name, ...actor })
    if (renamed.status === 'not_found') return failed(404, tagId, {}, 'That tag no longer exists.')
    if (renamed.status === 'taken')
      return failed(409, tagId, { name: [`There is already a tag “${renamed.other.name}”: merge this one into it instead`] })
    return redirectWithFlash(context, request, back, { kind: 'success', text: `Tag renamed to “${renamed.tag.name}”.` })
  }
  const merged = await mergeTags(context.db, { orgId: team.orgId, fromId: form.data.tagId, intoId: form.data.intoId, ...actor })
  if (merged.status === 'same') return failed(400, form.data.tagId, { intoId: ['Choose a different tag to merge it into'] })
  if (merged.status === 'not_found') return failed(404, form.data.tagId, {}, 'One of those tags no longer exists.')
  return redirectWithFlash(context, request, back, {
    kind: 'success',
    text: `Merged into “${merged.into.name}”: ${merged.moved} ${merged.moved === 1 ? 'ticket' : 'tickets'} moved.`,
  })
}

export default function Tags() {
  const { tags, changes, timezone } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errorsFor = (tagId: string) => (actionData?.tagId === tagId ? actionData : null)
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        The labels the team puts on tickets, like “Tribunal prep”. Staff add them on a ticket; here you rename one everywhere, or merge two
        that mean the same. Families never see tags.
      </p>
      {actionData?.formError && !actionData.tagId ? <Alert kind="error">{actionData.formError}</Alert> : null}
      <Card aria-labelledby="tags-heading">
        <CardTitle id="tags-heading">Tags</CardTitle>
        {tags.length ? (
          <ul className="mt-3 divide-y divide-slate-100" aria-label="Tags">
            {tags.map((tag) => {
              const mine = errorsFor(tag.id)
              const others = tags.filter((t) => t.id !== tag.id).map((t) => ({ value: t.id, label: t.name }))
              return (
                <li key={tag.id} className="grid gap-4 py-4 lg:grid-cols-[minmax(12rem,1fr)_2fr_2fr] lg:items-end">
                  <div>
                    <p className="font-medium text-slate-900">{tag.name}</p>
                    <Link to={tag.queueHref} className={`${linkClass} text-sm`}>
                      {tag.tickets} {tag.tickets === 1 ? 'ticket' : 'tickets'}
                    </Link>
                    {mine?.formError ? <Alert kind="error">{mine.formError}</Alert> : null}
                  </div>
                  <Form method="post" noValidate className="flex flex-wrap items-end gap-3" key={`rename-${tag.name}`}>
                    <input type="hidden" name="intent" value="rename-tag" />
                    <input type="hidden" name="tagId" value={tag.id} />
                    <div className="min-w-48 flex-1">
                      <TextField
                        id={`rename-${tag.id}`}
                        label={
                          <>
                            New name<span className="sr-only"> for {tag.name}</span>
                          </>
                        }
                        name="name"
                        defaultValue={mine?.values.name ?? tag.name}
                        errors={mine?.fieldErrors.name}
                        required
                      />
                    </div>
                    <Button variant="secondary">Rename</Button>
                  </Form>
                  {others.length ? (
                    <Form method="post" noValidate className="flex flex-wrap items-end gap-3">
                      <input type="hidden" name="intent" value="merge-tag" />
                      <input type="hidden" name="tagId" value={tag.id} />
                      <div className="min-w-48 flex-1">
                        <SelectField
                          id={`merge-${tag.id}`}
                          label={
                            <>
                              Merge into<span className="sr-only"> (from {tag.name})</span>
                            </>
                          }
                          name="intoId"
                          placeholder="Choose a tag"
                          options={others}
                          errors={mine?.fieldErrors.intoId}
                          required
                        />
                      </div>
                      <Button variant="secondary">Merge</Button>
                    </Form>
                  ) : null}
                </li>
              )
            })}
          </ul>
        ) : (
          <p className="mt-3 text-sm text-slate-700">No tags yet. Staff add them on a ticket’s page.</p>
        )}
      </Card>
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
