import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { InviteCard, TeamList } from '../components/team-settings.tsx'
import { Alert, Button, Card, CardTitle, RecentChanges } from '../components/ui.tsx'
import { AccountError, TEAM_ROLES, TeamMemberInput } from '../../../services/accounts.server.ts'
import { MAX_CASE_CAPACITY } from '../../../domain/limits.ts'
import { TICKET_TYPES } from '../../../domain/ticket.ts'
import { recentChanges } from '../../../services/audit.server.ts'
import { advocateLoads, describeLoad, setMemberCapacity } from '../../../services/capacity.server.ts'
import { departments, memberDepartments, setMemberDepartments } from '../../../services/departments.server.ts'
import { sendDigestsNow } from '../../../services/mail-choices.server.ts'
import { changeMemberRole, inviteTeamMember, removeTeamMember, resendInvitation, teamMembers } from '../../../services/team.server.ts'
import type { CasewayContext } from '../context.ts'
import { requireUser } from '../utils/auth.server.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { formatDateTime } from '../utils/format.ts'
import { requireTeamPermission } from '../utils/permissions.server.ts'
import { parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Team · Settings · Caseway' }]

const MembershipId = z.uuid({ error: 'Unknown team member' })

const TeamActionSchema = z.discriminatedUnion(
  'intent',
  [
    // Its fields, not strictly: the form also carries its one-time token.
    z.object({ ...TeamMemberInput.shape, intent: z.literal('invite') }),
    z.object({
      intent: z.literal('change-role'),
      membershipId: MembershipId,
      role: z.enum(TEAM_ROLES, { error: 'Choose staff or admin' }),
    }),
    z.object({
      intent: z.literal('remove'),
      membershipId: MembershipId,
      handTo: z
        .union([z.literal(''), z.uuid({ error: 'Choose a colleague from the list' })])
        .optional()
        .transform((v) => v || null),
    }),
    z.object({ intent: z.literal('resend-invitation'), membershipId: MembershipId }),
    z.object({ intent: z.literal('send-digests') }),
    z.object({
      intent: z.literal('set-capacity'),
      membershipId: MembershipId,
      caseCapacity: z
        .union([
          z.literal('').transform(() => null),
          z.coerce
            .number({ error: 'Enter a whole number of cases, or leave it blank for no limit' })
            .int({ error: 'Enter a whole number of cases' })
            .min(0, { error: 'Capacity cannot be negative' })
            .max(MAX_CASE_CAPACITY, { error: `At most ${MAX_CASE_CAPACITY} cases` }),
        ])
        .optional()
        .transform((v) => v ?? null),
      // One checkbox a type; parseForm keeps the last, so the action reads them all.
      specialisms: z.array(z.enum(TICKET_TYPES, { error: 'Choose ticket types from the list' })).max(TICKET_TYPES.length),
    }),
    z.object({
      intent: z.literal('set-departments'),
      membershipId: MembershipId,
      // One checkbox a department; parseForm keeps the last, so the action reads them all.
      departmentIds: z.array(z.uuid({ error: 'Choose departments from the list' })).max(200),
    }),
  ],
  { error: 'Unknown action' },
)

// Another organisation's member, a family, or someone removed meanwhile.
const GONE = 'That person is not on the team.'

const TEAM_ACTIONS = [
  'team.member_invited',
  'team.invitation_resent',
  'team.role_changed',
  'team.member_removed',
  'team.departments_changed',
  'team.capacity_changed',
  'team.capacity_overridden',
  'mail.digests_sent_now',
] as const

async function requireTeamAdmin(context: CasewayContext, request: Request) {
  const user = await requireUser(context, request)
  return { user, ...requireTeamPermission(user, request, 'manage:team:org', 'Only the organisation’s admins can look after its team.') }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, team } = await requireTeamAdmin(context, request)
  const [members, loads, org, changes, allDepartments, restrictions] = await Promise.all([
    teamMembers(context.db, team.orgId),
    advocateLoads(context.db, team.orgId),
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    recentChanges(context.db, { orgId: team.orgId, actions: TEAM_ACTIONS }),
    departments(context.db, team.orgId),
    memberDepartments(context.db, team.orgId),
  ])
  return {
    members: members.map((m) => {
      const load = loads.find((l) => l.userId === m.userId)
      return {
        ...m,
        caseCapacity: load?.capacity ?? null,
        specialisms: load?.specialisms ?? [],
        load: load ? describeLoad(load) : '0 cases',
        atCapacity: load?.atCapacity ?? false,
        departmentIds: restrictions.get(m.membershipId) ?? [],
        joinedAt: formatDateTime(m.joinedAt, org.timezone),
        mailProblem: m.mailProblem ? { text: m.mailProblem.text, at: formatDateTime(m.mailProblem.at, org.timezone) } : null,
        isYou: m.userId === user.id,
        resendToken: m.invited ? newSubmissionToken() : null,
      }
    }),
    departments: allDepartments.map((d) => ({ id: d.id, name: d.name, archived: d.archived })),
    changes,
    timezone: org.timezone,
    inviteToken: newSubmissionToken(),
  }
}

type ActionData = {
  intent: string
  fieldErrors: FieldErrors
  formError: string | null
  values: Record<string, string>
  membershipId?: string
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireTeamAdmin(context, request)
  const formData = await request.formData()
  const form = parseForm(formData, TeamActionSchema, {
    departmentIds: formData.getAll('departmentIds'),
    specialisms: formData.getAll('specialisms'),
  })
  if (!form.success)
    return data<ActionData>(
      {
        intent: form.values.intent ?? '',
        fieldErrors: form.fieldErrors,
        formError: form.fieldErrors.membershipId?.[0] ?? form.formErrors[0] ?? null,
        values: form.values,
        membershipId: form.values.membershipId,
      },
      { status: 400 },
    )
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const flash = (text: string, kind: 'success' | 'info' = 'success') => redirectOnce(context, request, back, { kind, text })
  const refuse = (status: number, formError: string, extra: Partial<ActionData> = {}) =>
    data<ActionData>({ intent: form.data.intent, fieldErrors: {}, formError, values: {}, ...extra }, { status })
  const actor = { actorId: user.id, via: 'portal' as const, orgId: team.orgId }
  const input = form.data

  switch (input.intent) {
    case 'invite': {
      const { name, email, role } = input
      return submitOnce(context, request, formData, { form: 'team-invite', actorId: user.id }, async () => {
        try {
          const invited = await inviteTeamMember(context, { ...actor, member: { name, email, role } })
          return flash(
            invited.mailed === 'set-password'
              ? `Invitation sent to ${invited.name} (${invited.email}). Their link to choose a password works for 7 days.`
              : `${invited.name} (${invited.email}) is on the team now, and was told by email. They sign in with the password they already have.`,
          )
        } catch (error) {
          if (!(error instanceof AccountError)) throw error
          return refuse(409, 'Not invited.', { fieldErrors: { email: [error.message] }, values: { name, email, role } })
        }
      })
    }
    case 'change-role': {
      const changed = await changeMemberRole(context.db, { ...actor, membershipId: input.membershipId, role: input.role })
      if (changed.status === 'not_found') return refuse(404, GONE)
      if (changed.status === 'refused') return refuse(409, `Not changed: ${changed.message}`, { membershipId: input.membershipId })
      if (changed.status === 'unchanged') return flash(`${changed.name} already has that role.`, 'info')
      return flash(`${changed.name} is now ${input.role === 'admin' ? 'an admin' : 'staff'}.`)
    }
    case 'remove': {
      const removed = await removeTeamMember(context, { ...actor, membershipId: input.membershipId, handTo: input.handTo })
      if (removed.status === 'not_found') return refuse(404, GONE)
      if (removed.status === 'refused') return refuse(409, `Not removed: ${removed.message}`, { membershipId: input.membershipId })
      if (removed.status === 'needs_handover') {
        const held =
          removed.heldTickets === 1
            ? 'a ticket assigned. Choose who takes it'
            : `${removed.heldTickets} tickets assigned. Choose who takes them`
        return refuse(400, `Not removed: ${removed.name} has ${held} over.`, {
          membershipId: input.membershipId,
          fieldErrors: { handTo: ['Choose who takes their tickets'] },
        })
      }
      if (removed.status === 'unavailable')
        return refuse(
          503,
          `Not removed: ${removed.handedOver} of their tickets were handed over, but ${removed.left} could not be reached just now. ` +
            `${removed.name} stays on the team; try again in a minute.`,
          { membershipId: input.membershipId },
        )
      const handed = removed.handedOver
        ? ` ${removed.handedOver === 1 ? 'Their ticket is' : `Their ${removed.handedOver} tickets are`} with ${removed.handedTo} now.`
        : ''
      return flash(`${removed.name} is no longer on the team.${handed}`)
    }
    case 'resend-invitation':
      // Each new link mails the person again: one per click.
      return submitOnce(context, request, formData, { form: 'team-resend-invitation', actorId: user.id }, async () => {
        const sent = await resendInvitation(context, { ...actor, membershipId: input.membershipId })
        if (sent.status === 'not_found') return refuse(404, GONE)
        if (sent.status === 'refused') return refuse(409, `Not sent: ${sent.message}`, { membershipId: input.membershipId })
        return flash(`A new invitation link was sent to ${sent.name} (${sent.email}).`)
      })
    case 'send-digests': {
      const told = await sendDigestsNow(context, actor)
      return told
        ? flash(`${told === 1 ? 'One digest is' : `${told} digests are`} on the way (each with the notices waiting for it).`)
        : flash('Nobody on the team takes a daily digest.', 'info')
    }
    case 'set-departments': {
      const saved = await setMemberDepartments(context.db, {
        ...actor,
        membershipId: input.membershipId,
        departmentIds: input.departmentIds,
      })
      if (saved.status === 'not_found') return refuse(404, GONE)
      if (saved.status === 'refused') return refuse(409, `Not changed: ${saved.message}`, { membershipId: input.membershipId })
      const scope = saved.departments.length ? `sees the tickets of ${saved.departments.join(', ')}` : 'sees every department’s tickets'
      return saved.status === 'unchanged' ? flash(`${saved.name} already ${scope}.`, 'info') : flash(`${saved.name} now ${scope}.`)
    }
    case 'set-capacity': {
      const saved = await setMemberCapacity(context.db, {
        ...actor,
        membershipId: input.membershipId,
        caseCapacity: input.caseCapacity,
        specialisms: input.specialisms,
      })
      if (saved.status === 'not_found') return refuse(404, GONE)
      const capacity = input.caseCapacity === null ? 'no case limit' : `a capacity of ${input.caseCapacity} cases`
      return saved.status === 'unchanged'
        ? flash(`${saved.name} already has ${capacity} and those specialisms.`, 'info')
        : flash(`${saved.name} now has ${capacity}.`)
    }
  }
}

export default function TeamSettings() {
  const { members, departments: allDepartments, changes, timezone, inviteToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const invite = actionData?.intent === 'invite' ? actionData : null
  return (
    <div className="space-y-6">
      <p className="max-w-3xl text-slate-700">The people who work your organisation’s tickets, and what each may do.</p>
      {actionData?.formError && !invite ? <Alert kind="error">{actionData.formError}</Alert> : null}
      <InviteCard
        // Emptied after each invitation sent.
        key={members.length}
        values={invite?.values ?? {}}
        errors={invite?.fieldErrors ?? {}}
        submissionToken={inviteToken}
      />
      <TeamList
        members={members}
        departments={allDepartments}
        rowErrors={actionData?.membershipId && !invite ? { membershipId: actionData.membershipId, errors: actionData.fieldErrors } : null}
      />
      <Card aria-labelledby="digests-heading">
        <CardTitle id="digests-heading">Daily digests</CardTitle>
        <p className="mt-1 text-sm text-slate-700">
          People who choose a daily digest get their waiting notices in one email at 8:00 each morning. Send them now instead, for example
          to try it out; a digest with nothing in it is not sent.
        </p>
        <Form method="post" className="mt-3">
          <input type="hidden" name="intent" value="send-digests" />
          <Button variant="secondary">Send digests now</Button>
        </Form>
      </Card>
      <RecentChanges changes={changes} timezone={timezone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
