import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { DepartmentList, NewDepartmentCard } from '../components/department-settings.tsx'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Alert, RecentChanges } from '../components/ui.tsx'
import { recentChanges } from '../../../services/audit.server.ts'
import {
  createDepartment,
  DepartmentInput,
  departments,
  setDepartmentArchived,
  updateDepartment,
} from '../../../services/departments.server.ts'
import { teamMembers } from '../../../services/team.server.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'
import { parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Departments · Settings · Caseway' }]

const DepartmentId = z.uuid({ error: 'Unknown department' })

const DepartmentActionSchema = z.discriminatedUnion(
  'intent',
  [
    // Its fields, not strictly: the form also carries its one-time token.
    z.object({ ...DepartmentInput.shape, intent: z.literal('create') }),
    z.object({ ...DepartmentInput.shape, intent: z.literal('update'), departmentId: DepartmentId }),
    z.object({ intent: z.literal('archive'), departmentId: DepartmentId }),
    z.object({ intent: z.literal('restore'), departmentId: DepartmentId }),
  ],
  { error: 'Unknown action' },
)

// Another organisation's department, or a made-up id.
const GONE = 'That department is not part of this organisation.'

const DEPARTMENT_ACTIONS = [
  'department.created',
  'department.renamed',
  'department.lead_changed',
  'department.archived',
  'department.restored',
] as const

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireSettingsAdmin(context, request)
  const [list, members, org, changes] = await Promise.all([
    departments(context.db, team.orgId),
    teamMembers(context.db, team.orgId),
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    recentChanges(context.db, { orgId: team.orgId, actions: DEPARTMENT_ACTIONS }),
  ])
  return {
    departments: list,
    leads: members.map((m) => ({ value: m.userId, label: m.name })),
    changes,
    timezone: org.timezone,
    createToken: newSubmissionToken(),
  }
}

type ActionData = {
  intent: string
  fieldErrors: FieldErrors
  formError: string | null
  values: Record<string, string>
  departmentId?: string
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireSettingsAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, DepartmentActionSchema)
  if (!form.success)
    return data<ActionData>(
      {
        intent: form.values.intent ?? '',
        fieldErrors: form.fieldErrors,
        formError: form.fieldErrors.departmentId?.[0] ?? form.formErrors[0] ?? null,
        values: form.values,
        departmentId: form.values.departmentId,
      },
      { status: 400 },
    )
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const flash = (text: string, kind: 'success' | 'info' = 'success') => redirectOnce(context, request, back, { kind, text })
  const actor = { actorId: user.id, via: 'portal' as const, orgId: team.orgId }
  const input = form.data
  const refuse = (
    result: { status: 'not_found' } | { status: 'refused'; field?: string; message: string },
    values: Record<string, string> = {},
  ) =>
    result.status === 'not_found'
      ? data<ActionData>({ intent: input.intent, fieldErrors: {}, formError: GONE, values: {} }, { status: 404 })
      : data<ActionData>(
          {
            intent: input.intent,
            fieldErrors: result.field ? { [result.field]: [result.message] } : {},
            formError: result.field ? null : `Not changed: ${result.message}`,
            values,
            departmentId: 'departmentId' in input ? input.departmentId : undefined,
          },
          { status: 409 },
        )

  switch (input.intent) {
    case 'create':
      return submitOnce(context, request, formData, { form: 'department-create', actorId: user.id }, async () => {
        const created = await createDepartment(context.db, { ...actor, name: input.name, leadId: input.leadId })
        if (created.status !== 'created') return refuse(created, { name: input.name, leadId: input.leadId ?? '' })
        return flash(`Department “${created.name}” added. Families can choose it when they ask for help.`)
      })
    case 'update': {
      const saved = await updateDepartment(context.db, { ...actor, ...input })
      if (saved.status === 'not_found' || saved.status === 'refused') return refuse(saved, { name: input.name, leadId: input.leadId ?? '' })
      return saved.status === 'unchanged' ? flash(`${saved.name} is as it was.`, 'info') : flash(`${saved.name} saved.`)
    }
    case 'archive':
    case 'restore': {
      const changed = await setDepartmentArchived(context.db, {
        ...actor,
        departmentId: input.departmentId,
        archived: input.intent === 'archive',
      })
      if (changed.status === 'not_found' || changed.status === 'refused') return refuse(changed)
      if (changed.status === 'unchanged')
        return flash(`${changed.name} was already ${input.intent === 'archive' ? 'archived' : 'open'}.`, 'info')
      return flash(
        changed.status === 'archived'
          ? `${changed.name} archived: families no longer see it. Its tickets stay in it.`
          : `${changed.name} is open again: families can choose it.`,
      )
    }
  }
}

export default function DepartmentSettings() {
  const { departments: list, leads, changes, timezone, createToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const create = actionData?.intent === 'create' ? actionData : null
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        The teams families send their requests to. Every ticket belongs to one department; staff restricted to departments (Settings → Team)
        see only their departments’ tickets and those assigned to them.
      </p>
      {actionData?.formError && !create ? <Alert kind="error">{actionData.formError}</Alert> : null}
      <NewDepartmentCard
        // Emptied after each department added.
        key={list.length}
        leads={leads}
        values={create?.values ?? {}}
        errors={create?.fieldErrors ?? {}}
        submissionToken={createToken}
      />
      <DepartmentList
        departments={list}
        leads={leads}
        rowErrors={
          actionData?.departmentId && !create
            ? { departmentId: actionData.departmentId, errors: actionData.fieldErrors, values: actionData.values }
            : null
        }
      />
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
