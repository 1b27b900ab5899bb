/**
 * A case's statutory timeline: the day each stage began, the council's legal
 * deadlines that follow (in plain words, with the regulation), and exceptions
 * the Regulations allow. Recording goes to the case workflow, which works the
 * deadlines out and watches them; this page reads what it saved.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { periodAllowsException, type StatutoryDeadline, type StatutoryDeadlineState } from '../../../domain/statutory-timeline.ts'
import {
  STATUTORY_EXCEPTION_LABELS,
  STATUTORY_EXCEPTION_REASONS,
  STATUTORY_STAGE_LABELS,
  STATUTORY_STAGES,
} from '../../../domain/statutory-periods.ts'
import { DeadlineExceptionSchema, StageDateSchema } from '../../../domain/statutory-schemas.ts'
import { DEADLINE_STATE_LABELS, describeDeadline, formatCalendarDate } from '../../../domain/statutory-words.ts'
import { recordCaseStage, recordDeadlineException, type CaseCommandResult } from '../../../services/case-commands.server.ts'
import { readCaseTimeline } from '../../../services/case-timeline.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { SelectField, TextField } from '../components/form-fields.tsx'
import { Alert, Button, Card, CardTitle, EmptyState } from '../components/ui.tsx'
import { requireCaseAccess } from '../utils/case-access.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { notFound } from '../utils/http.ts'
import { parseForm, type FieldErrors } from '../utils/validation.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `LA deadlines · ${data.caseRef} · Caseway` : 'Caseway' }]

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const access = await requireCaseAccess(context, request, params)
  const timeline = await readCaseTimeline(context, access.case.id)
  if (!timeline) throw notFound('Case not found')
  return {
    caseRef: access.case.caseRef,
    closed: access.case.status === 'closed',
    stages: STATUTORY_STAGES.map((stage) => ({ stage, label: STATUTORY_STAGE_LABELS[stage], date: timeline.stages[stage] ?? '' })),
    deadlines: timeline.deadlines.map((deadline) => ({
      key: deadline.key,
      state: deadline.state,
      sentence: describeDeadline(deadline, timeline.childName, 'staff'),
      dueDate: formatCalendarDate(deadline.dueDate),
      reason: deadline.reason ? STATUTORY_EXCEPTION_LABELS[deadline.reason] : null,
    })),
    exceptionChoices: timeline.deadlines.filter(mayTakeException).map((deadline) => ({
      value: deadline.key,
      label: describeDeadline(deadline, timeline.childName, 'staff'),
    })),
  }
}

function mayTakeException(deadline: StatutoryDeadline): boolean {
  return periodAllowsException(deadline.key) && deadline.state !== 'met' && deadline.state !== 'exception'
}

const StageFormSchema = z.object({ ...StageDateSchema.shape, intent: z.literal('record-stage', { error: 'Unknown action' }) })
const ExceptionFormSchema = z.object({
  ...DeadlineExceptionSchema.shape,
  intent: z.literal('record-exception', { error: 'Unknown action' }),
})
const IntentSchema = z.object({ intent: z.enum(['record-stage', 'record-exception'], { error: 'Unknown action' }) })

interface ActionData {
  /** Which form the answer is for: a stage's name, or "exception". */
  form: string
  fieldErrors: FieldErrors
  formError: string | null
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const access = await requireCaseAccess(context, request, params)
  const formData = await request.formData()
  const intent = parseForm(formData, IntentSchema)
  if (!intent.success) return data<ActionData>({ form: '', fieldErrors: {}, formError: 'Unknown action' }, { status: 400 })
  if (intent.data.intent === 'record-stage') {
    const form = parseForm(formData, StageFormSchema)
    const stage = String(formData.get('stage') ?? '')
    if (!form.success)
      return data<ActionData>({ form: stage, fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null }, { status: 400 })
    const result = await recordCaseStage(context, { case: access.case, actor: access.user, stage: form.data.stage, date: form.data.date })
    return answer(result, stage, `${STATUTORY_STAGE_LABELS[form.data.stage]}: ${formatCalendarDate(form.data.date)} recorded.`)
  }
  const form = parseForm(formData, ExceptionFormSchema)
  if (!form.success)
    return data<ActionData>({ form: 'exception', fieldErrors: form.fieldErrors, formError: form.formErrors[0] ?? null }, { status: 400 })
  const result = await recordDeadlineException(context, {
    case: access.case,
    actor: access.user,
    key: form.data.key,
    reason: form.data.reason,
  })
  return answer(result, 'exception', 'Exception recorded: that deadline no longer counts as overdue.')

  async function answer(result: CaseCommandResult, formName: string, success: string) {
    if (result.status === 'applied')
      return redirectWithFlash(context, request, `${new URL(request.url).pathname}${access.orgQuery}`, { kind: 'success', text: success })
    const status = result.status === 'refused' ? 409 : 503
    return data<ActionData>({ form: formName, fieldErrors: {}, formError: result.message }, { status })
  }
}

const STATE_CLASSES: Record<StatutoryDeadlineState, string> = {
  due: 'bg-sky-50 text-sky-900 ring-sky-300',
  met: 'bg-emerald-50 text-emerald-900 ring-emerald-300',
  overdue: 'bg-red-50 text-red-900 ring-red-400',
  ended: 'bg-slate-100 text-slate-800 ring-slate-300',
  exception: 'bg-amber-50 text-amber-950 ring-amber-400',
}

export default function CaseDeadlines() {
  const { closed, stages, deadlines, exceptionChoices } = useLoaderData<typeof loader>()
  const answer = useActionData<typeof action>()
  const errorsFor = (form: string) => (answer && answer.form === form ? answer : null)
  return (
    <div className="space-y-6">
      <h2 className="text-xl font-semibold text-slate-900">LA deadlines</h2>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card aria-labelledby="timeline-title">
          <CardTitle id="timeline-title">The council’s deadlines</CardTitle>
          {deadlines.length === 0 ? (
            <EmptyState>No deadlines yet: record the date a stage began, and the deadlines that follow appear here.</EmptyState>
          ) : (
            <ol className="mt-4 space-y-3">
              {deadlines.map((deadline) => (
                <li key={deadline.key} className="rounded-md border border-slate-200 p-3">
                  <p className="flex flex-wrap items-baseline gap-2">
                    <span className={`rounded px-2 py-0.5 text-sm font-semibold ring-1 ${STATE_CLASSES[deadline.state]}`}>
                      {DEADLINE_STATE_LABELS[deadline.state]}
                      {deadline.state === 'overdue' ? `: the council missed ${deadline.dueDate}` : ''}
                    </span>
                  </p>
                  <p className="mt-2 text-slate-900">{deadline.sentence}</p>
                  {deadline.reason ? <p className="mt-1 text-sm text-slate-700">Exception recorded: {deadline.reason}.</p> : null}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <div className="space-y-6">
          <Card aria-labelledby="stages-title">
            <CardTitle id="stages-title">Stage dates</CardTitle>
            <p className="mt-1 text-sm text-slate-700">The day each stage began, as the letters say. Correct a date by saving it again.</p>
            {closed ? <Alert kind="info">The case is closed: reopen it to record dates.</Alert> : null}
            <ul className="mt-4 space-y-4">
              {stages.map(({ stage, label, date }) => {
                const errors = errorsFor(stage)
                return (
                  <li key={stage}>
                    <Form method="post" className="flex flex-wrap items-end gap-3">
                      <input type="hidden" name="intent" value="record-stage" />
                      <input type="hidden" name="stage" value={stage} />
                      <div className="min-w-48 flex-1">
                        <TextField
                          id={`date-${stage}`}
                          name="date"
                          type="date"
                          label={label}
                          defaultValue={date}
                          errors={
                            errors ? [...(errors.fieldErrors.date ?? []), ...(errors.formError ? [errors.formError] : [])] : undefined
                          }
                          required
                        />
                      </div>
                      <Button variant="secondary" disabled={closed} aria-label={`Save: ${label}`}>
                        Save
                      </Button>
                    </Form>
                  </li>
                )
              })}
            </ul>
          </Card>
          {exceptionChoices.length > 0 ? (
            <Card aria-labelledby="exception-title">
              <CardTitle id="exception-title">Record an exception</CardTitle>
              <p className="mt-1 text-sm text-slate-700">
                SEND Regulations 2014, reg. 5(4), 10(4) and 13(3): a deadline need not be met for these reasons.
              </p>
              <Form method="post" className="mt-4 space-y-4">
                <input type="hidden" name="intent" value="record-exception" />
                <SelectField
                  name="key"
                  label="Deadline"
                  options={exceptionChoices}
                  errors={errorsFor('exception')?.fieldErrors.key}
                  required
                />
                <SelectField
                  name="reason"
                  label="Reason"
                  placeholder="Choose a reason"
                  options={STATUTORY_EXCEPTION_REASONS.map((reason) => ({ value: reason, label: STATUTORY_EXCEPTION_LABELS[reason] }))}
                  errors={[
                    ...(errorsFor('exception')?.fieldErrors.reason ?? []),
                    ...(errorsFor('exception')?.formError ? [errorsFor('exception')!.formError!] : []),
                  ]}
                  required
                />
                <Button disabled={closed}>Record exception</Button>
              </Form>
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  )
}

export const ErrorBoundary = GeneralErrorBoundary
