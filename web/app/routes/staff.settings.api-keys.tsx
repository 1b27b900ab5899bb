import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { TextField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Badge, Button, Card, CardTitle, DateTime, linkClass, RecentChanges, TableHead } from '../components/ui.tsx'
import { ApiKeyNameSchema, createApiKey, listApiKeys, revokeApiKey } from '../../../services/api-keys.server.ts'
import { recentChanges } from '../../../services/audit.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { newSubmissionToken, submitOnce, submitted } from '../utils/submissions.server.ts'
import { formatDateTime } from '../utils/format.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import { parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'API keys · Settings · Caseway' }]

const ApiKeyActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('create-key'), name: ApiKeyNameSchema }),
    z.object({ intent: z.literal('revoke-key'), keyId: z.uuid({ error: 'Unknown key' }) }),
  ],
  { error: 'Unknown action' },
)

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const org = await context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } })
  const [keys, changes] = await Promise.all([
    listApiKeys(context.db, team.orgId),
    recentChanges(context.db, { orgId: team.orgId, actions: ['api_key.created', 'api_key.revoked'] }),
  ])
  const at = (date: Date | null) => (date ? formatDateTime(date, org.timezone) : null)
  return {
    apiUrl: `${context.env.publicUrl}/api/v1`,
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      createdBy: k.createdBy?.name ?? 'the command line',
      createdAt: at(k.createdAt)!,
      lastUsedAt: at(k.lastUsedAt),
      revokedAt: at(k.revokedAt),
    })),
    changes,
    timezone: org.timezone,
    submissionToken: newSubmissionToken(),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, ApiKeyActionSchema)
  if (!form.success)
    return data(
      { created: null, nameErrors: form.fieldErrors.name ?? null, formError: form.fieldErrors.keyId?.[0] ?? form.formErrors[0] ?? null },
      { status: 400 },
    )
  const here = new URL(request.url)
  if (form.data.intent === 'create-key') {
    const { name } = form.data
    return submitOnce(context, request, formData, { form: 'api-key', actorId: user.id }, async () => {
      const key = await createApiKey(context.db, { orgId: team.orgId, name, createdById: user.id, via: 'portal' })
      context.log.info({ orgId: team.orgId, prefix: key.prefix }, 'API key created')
      // Answered, not redirected: the key is shown on this one page and never again, so a repeat is told where it went.
      return submitted(data({ created: { name: key.name, key: key.key }, nameErrors: null, formError: null }), {
        redirectTo: `${here.pathname}${here.search}`,
        flash: {
          kind: 'info',
          text: `Key “${key.name}” (starts with ${key.prefix}) was already made, and shown once. If it was not copied, revoke it and make another.`,
        },
      })
    })
  }
  const revoked = await revokeApiKey(context.db, { orgId: team.orgId, id: form.data.keyId, actorId: user.id, via: 'portal' })
  if (!revoked)
    return data({ created: null, nameErrors: null, formError: 'That key is already revoked, or is not one of yours.' }, { status: 404 })
  context.log.info({ orgId: team.orgId, keyId: form.data.keyId }, 'API key revoked')
  return redirectWithFlash(context, request, `${here.pathname}${here.search}`, {
    kind: 'success',
    text: 'Key revoked. Requests made with it are refused from now on.',
  })
}

export default function ApiKeys() {
  const { apiUrl, keys, changes, timezone, submissionToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        Case-management systems and scripts use a key to create tickets, follow them and send events, through the API at{' '}
        <code className="break-all rounded bg-slate-100 px-1">{apiUrl}</code>. Its{' '}
        <a href="/api/v1/openapi.json" className={linkClass}>
          OpenAPI description
        </a>{' '}
        lists every endpoint. A key sees only this organisation’s tickets.
      </p>
      {actionData?.formError ? <Alert kind="error">{actionData.formError}</Alert> : null}
      {actionData?.created ? (
        <Alert kind="success">
          <p className="font-semibold">Key “{actionData.created.name}” made. Copy it now: it is not shown again.</p>
          <p className="mt-2">
            <label htmlFor="new-key" className="sr-only">
              The new key
            </label>
            <input
              id="new-key"
              readOnly
              value={actionData.created.key}
              onFocus={(event) => event.currentTarget.select()}
              className="block w-full rounded-md border border-emerald-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
            />
          </p>
          <p className="mt-2 text-sm">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </p>
        </Alert>
      ) : null}

      <Card aria-labelledby="new-key-heading">
        <CardTitle id="new-key-heading">Make a key</CardTitle>
        {/* Remounted after each key is made, so the name box is empty for the next. */}
        <Form key={actionData?.created?.key ?? 'new'} method="post" noValidate className="mt-3 flex flex-wrap items-end gap-4">
          <input type="hidden" name="intent" value="create-key" />
          <SubmissionToken value={submissionToken} />
          <div className="min-w-64 flex-1 sm:max-w-sm">
            <TextField
              label="Name"
              name="name"
              hint="What uses it, like “CRM sync”."
              errors={actionData?.nameErrors ?? undefined}
              required
            />
          </div>
          <SubmitButton token={submissionToken} pendingText="Making…">
            Make key
          </SubmitButton>
        </Form>
      </Card>

      <Card aria-labelledby="keys-heading">
        <CardTitle id="keys-heading">Keys</CardTitle>
        {keys.length ? (
          <div className="mt-3 overflow-x-auto">
            <table className="w-full text-left text-sm">
              <TableHead
                columns={[
                  { key: 'name', label: 'Name' },
                  { key: 'prefix', label: 'Starts with' },
                  { key: 'made', label: 'Made' },
                  { key: 'used', label: 'Last used' },
                  { key: 'state', label: 'State', srOnly: true },
                ]}
              />
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-t border-slate-100 align-top">
                    <th scope="row" className="px-2 py-2 font-medium text-slate-900">
                      {k.name}
                    </th>
                    <td className="px-2 py-2 font-mono">{k.prefix}…</td>
                    <td className="px-2 py-2">
                      <DateTime value={k.createdAt} /> <span className="text-slate-600">by {k.createdBy}</span>
                    </td>
                    <td className="px-2 py-2">{k.lastUsedAt ? <DateTime value={k.lastUsedAt} /> : 'Never'}</td>
                    <td className="px-2 py-2">
                      {k.revokedAt ? (
                        <Badge tone="bg-slate-100 text-slate-700 ring-slate-300">
                          Revoked <DateTime value={k.revokedAt} />
                        </Badge>
                      ) : (
                        <Form
                          method="post"
                          onSubmit={(event) => {
                            if (!window.confirm(`Revoke “${k.name}”? Whatever uses it stops working at once.`)) event.preventDefault()
                          }}
                        >
                          <input type="hidden" name="intent" value="revoke-key" />
                          <input type="hidden" name="keyId" value={k.id} />
                          <Button variant="danger" aria-label={`Revoke ${k.name}`}>
                            Revoke
                          </Button>
                        </Form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="mt-3 text-sm text-slate-700">No keys yet.</p>
        )}
      </Card>

      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
