import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { OrganisationSettingsForm } from '../components/organisation-settings-form.tsx'
import { RecentChanges } from '../components/ui.tsx'
import { recentChanges } from '../../../services/audit.server.ts'
import {
  ABOUT_MAX,
  organisationProfile,
  OrganisationProfileSchema,
  saveOrganisationProfile,
  type OrganisationProfile,
} from '../../../services/organisation-settings.server.ts'
import { requireUser } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { requireTeamPermission } from '../utils/permissions.server.ts'
import { formValues, parseForm, type FieldErrors } from '../utils/validation.ts'
import type { CasewayContext } from '../context.ts'

export const meta: MetaFunction = () => [{ title: 'Organisation · Settings · Caseway' }]

/** A ticked box sends "on"; an unticked one sends nothing. */
const checkbox = z
  .enum(['on', ''], { error: 'Tick the box or leave it empty' })
  .optional()
  .transform((v) => v === 'on')

const ProfileFormSchema = OrganisationProfileSchema.extend({
  intent: z.literal('save-profile', { error: 'Unknown action' }),
  revision: z.string().max(64),
  acceptsRequests: checkbox,
  assignOnFirstReply: checkbox,
})

async function requireProfileAdmin(context: CasewayContext, request: Request) {
  const user = await requireUser(context, request)
  return { user, ...requireTeamPermission(user, request, 'edit:profile:org', 'Only the organisation’s admins can change its profile.') }
}

/** The stored profile as the form sends it back. */
function profileFormValues(profile: OrganisationProfile, revision: string): Record<string, string> {
  const { acceptsRequests, assignOnFirstReply, ...text } = profile
  return {
    ...Object.fromEntries(Object.entries(text).map(([key, value]) => [key, value ?? ''])),
    acceptsRequests: acceptsRequests ? 'on' : '',
    assignOnFirstReply: assignOnFirstReply ? 'on' : '',
    revision,
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team } = await requireProfileAdmin(context, request)
  const [{ profile, revision }, org, changes] = await Promise.all([
    organisationProfile(context.db, team.orgId),
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    recentChanges(context.db, { orgId: team.orgId, actions: ['organisation.profile_saved'] }),
  ])
  return {
    values: profileFormValues(profile, revision),
    publicHref: `/orgs/${team.org.slug}`,
    aboutMax: ABOUT_MAX,
    changes,
    timezone: org.timezone,
  }
}

type ActionData = { fieldErrors: FieldErrors; formError: string | null; values: Record<string, string> }

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireProfileAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, ProfileFormSchema)
  if (!form.success)
    return data<ActionData>({ fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null, values: form.values }, { status: 400 })
  const { intent: _intent, revision, ...profile } = form.data
  const saved = await saveOrganisationProfile(context.db, { orgId: team.orgId, actorId: user.id, via: 'portal', profile, revision })
  if (saved.status === 'conflict')
    return data<ActionData>(
      {
        fieldErrors: {},
        formError:
          'Someone else saved the profile while you were editing it, so yours was not saved. Your changes are still below: ' +
          'reload the page to see theirs, then make yours again.',
        values: formValues(formData),
      },
      { status: 409 },
    )
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  if (saved.status === 'unchanged') return redirectWithFlash(context, request, back, { kind: 'info', text: 'Nothing had changed.' })
  const stopped = saved.changed.includes('acceptsRequests') && !profile.acceptsRequests
  const started = saved.changed.includes('acceptsRequests') && profile.acceptsRequests
  return redirectWithFlash(context, request, back, {
    kind: 'success',
    text: [
      'Organisation profile saved.',
      stopped ? 'You are out of the directory and families cannot send new requests; open tickets carry on.' : '',
      started ? 'Families can find you in the directory and send requests again.' : '',
    ]
      .filter(Boolean)
      .join(' '),
  })
}

export default function OrganisationSettings() {
  const { values: stored, publicHref, aboutMax, changes, timezone } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const navigation = useNavigation()
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">
        How your organisation appears to families, how they can reach you, and whether you are taking new requests. Changes show at once.
      </p>
      <OrganisationSettingsForm
        // Remounted with each stored revision, so the boxes show what was saved.
        key={stored.revision}
        values={actionData?.values ?? stored}
        errors={actionData?.fieldErrors ?? {}}
        formError={actionData?.formError ?? null}
        publicHref={publicHref}
        aboutMax={aboutMax}
        saving={navigation.state === 'submitting'}
      />
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
