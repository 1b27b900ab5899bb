/**
 * A case's team tab: its advocate, its cover (current and past), handover
 * notes newest first (the incoming advocate reads them first), and for admins
 * adding and ending cover, reassigning the case (with a handover note) or
 * everything its advocate holds. The case's advocate may
 * leave a handover note. Anyone else is told the case does not exist (404).
 * Renders alone, or inside the case page's layout.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextAreaField } from '../components/form-fields.tsx'
import { SubmissionToken, SubmitButton } from '../components/submission.tsx'
import { Alert, Button, Card, CardTitle, DateTime, EmptyState } from '../components/ui.tsx'
import { caseHandovers, HANDOVER_NOTE_MAX, writeHandoverNote } from '../../../services/case-handovers.server.ts'
import { coverUntilWords } from '../../../domain/case-cover.ts'
import { formatCalendarDate } from '../../../domain/statutory-words.ts'
import { addCaseCover, caseCovers, endCaseCover } from '../../../services/case-cover.server.ts'
import { CoverCard } from '../components/case-cover-card.tsx'
import { reassignCase, reassignEverything } from '../../../services/reassignment.server.ts'
import type { CasewayContext } from '../context.ts'
import { requireCaseAccess } from '../utils/case-access.server.ts'
import { formatDateTime } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'
import { newSubmissionToken, redirectOnce, submitOnce } from '../utils/submissions.server.ts'
import { parseForm } from '../utils/validation.ts'

export const meta: MetaFunction = () => [{ title: 'Team · Case · Caseway' }]

const Note = z
  .string()
  .trim()
  .max(HANDOVER_NOTE_MAX, { error: `At most ${HANDOVER_NOTE_MAX} characters` })
const Colleague = z.uuid({ error: 'Choose a colleague from the list' })

const TeamTabSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('handover'), note: Note.min(1, { error: 'Write the handover note' }) }),
    z.object({ intent: z.literal('reassign'), toId: Colleague, note: Note.optional() }),
    z.object({ intent: z.literal('reassign-everything'), toId: Colleague }),
    z.object({
      intent: z.literal('add-cover'),
      advocateId: Colleague,
      // Blank: until an admin ends it by hand.
      endsOn: z
        .union([z.literal(''), z.iso.date()], { error: 'Enter the last day of cover as a date' })
        .optional()
        .transform((v) => v || undefined),
    }),
    z.object({ intent: z.literal('end-cover'), coverId: z.uuid({ error: 'Choose a cover to end' }) }),
  ],
  { error: 'Unknown action' },
)

/** The case through the workspace's one door (404 outside the rule), with what this tab shows of it. */
async function requireCase(context: CasewayContext, request: Request, params: { number?: string }) {
  const access = await requireCaseAccess(context, request, params)
  const kase = await context.db.case.findUniqueOrThrow({
    where: { id: access.case.id },
    select: {
      id: true,
      orgId: true,
      number: true,
      caseRef: true,
      status: true,
      childName: true,
      advocateId: true,
      advocate: { select: { name: true } },
    },
  })
  return { user: access.user, kase, admin: access.team.role === 'admin' }
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { user, kase, admin } = await requireCase(context, request, params)
  const [handovers, covers, org, team] = await Promise.all([
    caseHandovers(context.db, kase.id),
    caseCovers(context.db, { caseId: kase.id }),
    context.db.organisation.findUniqueOrThrow({ where: { id: kase.orgId }, select: { timezone: true } }),
    admin
      ? context.db.membership.findMany({
          where: { orgId: kase.orgId, role: { in: ['staff', 'admin'] } },
          orderBy: { user: { name: 'asc' } },
          select: { user: { select: { id: true, name: true } } },
        })
      : [],
  ])
  return {
    kase: { number: kase.number, caseRef: kase.caseRef, closed: kase.status === 'closed', childName: kase.childName },
    advocate: kase.advocate?.name ?? null,
    youAreAdvocate: kase.advocateId === user.id,
    admin,
    colleagues: team.filter((m) => m.user.id !== kase.advocateId).map((m) => ({ value: m.user.id, label: m.user.name })),
    handovers: handovers.map((h) => ({
      id: h.id,
      note: h.note,
      from: h.from?.name ?? null,
      to: h.to?.name ?? null,
      author: h.author?.name ?? 'Someone',
      forYou: h.to?.id === user.id,
      at: formatDateTime(h.createdAt, org.timezone),
    })),
    covers: covers.map((c) => ({
      id: c.id,
      name: c.advocate.name,
      active: c.active,
      // In words, not ISO: "until 14 December 2026".
      period: `from ${formatCalendarDate(c.startsOn)} ${coverUntilWords(c.endsOn)}`,
      ended: c.endedAt ? `ended by ${c.endedBy?.name ?? 'an admin'} ${formatDateTime(c.endedAt, org.timezone).text}` : null,
    })),
    coverToken: newSubmissionToken(),
    handoverToken: newSubmissionToken(),
    reassignToken: newSubmissionToken(),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { user, kase, admin } = await requireCase(context, request, params)
  const formData = await request.formData()
  const form = parseForm(formData, TeamTabSchema)
  if (!form.success)
    return data(
      { intent: form.values.intent ?? '', formError: Object.values(form.fieldErrors).flat()[0] ?? 'Check the form.' },
      { status: 400 },
    )
  const input = form.data
  const here = new URL(request.url)
  const back = `${here.pathname}${here.search}`
  const refuse = (status: number, formError: string) => data({ intent: input.intent, formError }, { status })
  const actor = { orgId: kase.orgId, actor: { id: user.id }, via: 'portal' as const }
  if (input.intent !== 'handover' && !admin)
    return refuse(403, input.intent.endsWith('cover') ? 'Only an admin can add or end cover.' : 'Only an admin can reassign a case.')

  switch (input.intent) {
    case 'add-cover':
      return submitOnce(context, request, formData, { form: 'case-cover', actorId: user.id }, async () => {
        const added = await addCaseCover(context.db, {
          ...actor,
          caseId: kase.id,
          advocateId: input.advocateId,
          endsOn: input.endsOn ?? null,
        })
        if (added.status === 'not_found') throw notFound('Case not found')
        if (added.status === 'refused' || added.status === 'exists') return refuse(409, `No cover added: ${added.message}`)
        return redirectOnce(context, request, back, { kind: 'success', text: 'Cover added: they see the case and its tickets now.' })
      })
    case 'end-cover': {
      const ended = await endCaseCover(context.db, { ...actor, caseId: kase.id, coverId: input.coverId })
      if (ended.status === 'not_found') throw notFound('Cover not found')
      if (ended.status === 'refused') return refuse(403, ended.message)
      return redirectOnce(context, request, back, { kind: 'success', text: 'Cover ended.' })
    }
    case 'handover':
      return submitOnce(context, request, formData, { form: 'case-handover', actorId: user.id }, async () => {
        const written = await writeHandoverNote(context.db, {
          ...actor,
          caseId: kase.id,
          author: { id: user.id },
          toId: null,
          note: input.note,
        })
        if (written.status === 'not_found') throw notFound('Case not found')
        if (written.status === 'refused') return refuse(403, written.message)
        return redirectOnce(context, request, back, { kind: 'success', text: 'Handover note saved: the next advocate sees it first.' })
      })
    case 'reassign':
      return submitOnce(context, request, formData, { form: 'case-reassign', actorId: user.id }, async () => {
        const moved = await reassignCase(context, { ...actor, caseId: kase.id, toId: input.toId, note: input.note })
        if (moved.status === 'not_found') throw notFound('Case not found')
        if (moved.status !== 'reassigned') return refuse(moved.status === 'refused' ? 409 : 503, `Not reassigned: ${moved.message}`)
        const left = moved.left ? ` ${moved.left} could not be reached just now: reassign again to finish.` : ''
        return redirectOnce(context, request, back, {
          kind: moved.left ? 'info' : 'success',
          text: `${moved.caseRef} is with ${moved.to} now, with ${moved.tickets} open tickets. The family has been told.${left}`,
        })
      })
    case 'reassign-everything': {
      if (!kase.advocateId) return refuse(409, 'This case has no advocate whose work could be handed over.')
      const bulk = await reassignEverything(context, { ...actor, fromId: kase.advocateId, toId: input.toId })
      if (bulk.status === 'not_found') return refuse(409, 'Its advocate is no longer on the team.')
      if (bulk.status === 'refused') return refuse(409, `Not reassigned: ${bulk.message}`)
      const summary = `${bulk.cases} cases and ${bulk.tickets} tickets moved from ${bulk.from} to ${bulk.to}.`
      const left =
        bulk.status === 'partly_done' ? ` ${bulk.casesLeft} cases and ${bulk.ticketsLeft} tickets are left: run it again to finish.` : ''
      return redirectOnce(context, request, back, { kind: left ? 'info' : 'success', text: summary + left })
    }
  }
}

export default function CaseTeam() {
  const { kase, advocate, youAreAdvocate, admin, colleagues, covers, coverToken, handovers, handoverToken, reassignToken } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errorFor = (intent: string) => (actionData && actionData.intent === intent ? actionData.formError : null)
  return (
    <div className="space-y-6">
      <h2 className="text-xl font-semibold text-slate-900">Team</h2>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card aria-labelledby="handovers-heading">
          <CardTitle id="handovers-heading">Handover notes</CardTitle>
          {handovers.length ? (
            <ol className="mt-3 space-y-4">
              {handovers.map((h) => (
                <li key={h.id} className="rounded-md border border-slate-200 p-3">
                  <p className="text-sm text-slate-700">
                    {h.author}
                    {h.to ? ` for ${h.to}` : ''}, <DateTime value={h.at} />
                    {h.forYou ? <strong className="ml-2 font-semibold text-indigo-900">For you</strong> : null}
                  </p>
                  <p className="mt-1 whitespace-pre-line text-slate-900">{h.note}</p>
                </li>
              ))}
            </ol>
          ) : (
            <EmptyState>No handover notes yet.</EmptyState>
          )}
          {(youAreAdvocate || admin) && !kase.closed ? (
            <Form method="post" className="mt-4 space-y-3">
              <input type="hidden" name="intent" value="handover" />
              <SubmissionToken value={handoverToken} />
              {errorFor('handover') ? <Alert kind="error">{errorFor('handover')}</Alert> : null}
              <TextAreaField id="handover-note" name="note" label="New handover note" rows={4} maxCharacters={5000} required />
              <SubmitButton token={handoverToken}>Save handover note</SubmitButton>
            </Form>
          ) : null}
        </Card>
        <Card aria-labelledby="advocate-heading" className="h-fit">
          <CardTitle id="advocate-heading">Advocate</CardTitle>
          <p className="mt-2 text-slate-900">{advocate ?? 'No advocate yet'}</p>
          {admin && !kase.closed ? (
            <>
              <Form method="post" className="mt-4 space-y-3">
                <input type="hidden" name="intent" value="reassign" />
                <SubmissionToken value={reassignToken} />
                {errorFor('reassign') ? <Alert kind="error">{errorFor('reassign')}</Alert> : null}
                <SelectField
                  id="reassign-to"
                  name="toId"
                  label="Reassign the case to"
                  placeholder="Choose a colleague"
                  options={colleagues}
                  required
                />
                <TextAreaField id="reassign-note" name="note" label="Handover note for them (optional)" rows={3} maxCharacters={5000} />
                <SubmitButton token={reassignToken}>Reassign case</SubmitButton>
              </Form>
              {advocate ? (
                <Form method="post" className="mt-6 space-y-3 border-t border-slate-200 pt-4">
                  <input type="hidden" name="intent" value="reassign-everything" />
                  {errorFor('reassign-everything') ? <Alert kind="error">{errorFor('reassign-everything')}</Alert> : null}
                  <SelectField
                    id="everything-to"
                    name="toId"
                    label={`Reassign everything ${advocate} holds to`}
                    hint="Every open case and ticket of theirs, in one go. If some cannot be reached, run it again: it finishes what is left."
                    placeholder="Choose a colleague"
                    options={colleagues}
                    required
                  />
                  <Button variant="secondary">Reassign everything {advocate} holds</Button>
                </Form>
              ) : null}
            </>
          ) : null}
        </Card>
        <CoverCard covers={covers} admin={admin} closed={kase.closed} colleagues={colleagues} token={coverToken} errorFor={errorFor} />
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
