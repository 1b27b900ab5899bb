/**
 * The owner's task board: their tasks of one organisation in three columns, To
 * do, Doing and Done, each card naming its ticket (a link) and its case, with
 * overdue said in words. A plain form per card moves it; no JavaScript needed.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { TASK_STATUS_LABELS, TASK_STATUSES } from '../../../domain/tasks.ts'
import { ownerTasks, updateTask } from '../../../services/tasks.server.ts'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { Button, Card, CardTitle, DateTime, linkClass, OrganisationSwitch, PageHeader } from '../components/ui.tsx'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { formatDateTime } from '../utils/format.ts'
import { notFound } from '../utils/http.ts'

export const meta: MetaFunction = () => [{ title: 'My tasks · Caseway' }]

async function requireTeam(context: LoaderFunctionArgs['context'], request: Request) {
  const user = await requireUser(context, request)
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response('Tasks are for an organisation’s staff.', { status: 403 })
  const orgSlug = new URL(request.url).searchParams.get('org')
  const team = orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('You are not on the team of that organisation.')
  return { user, team, teams }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, team, teams } = await requireTeam(context, request)
  const [org, tasks] = await Promise.all([
    context.db.organisation.findUniqueOrThrow({ where: { id: team.orgId }, select: { timezone: true } }),
    ownerTasks(context.db, { orgId: team.orgId, ownerId: user.id }),
  ])
  return {
    org: { slug: team.org.slug, name: team.org.name },
    orgs: teams.length > 1 ? teams.map((m) => m.org) : [],
    columns: TASK_STATUSES.map((status) => ({
      status,
      label: TASK_STATUS_LABELS[status],
      tasks: tasks
        .filter((task) => task.status === status)
        .map((task) => ({
          id: task.id,
          title: task.title,
          due: task.dueAt ? formatDateTime(task.dueAt, org.timezone) : null,
          overdue: task.overdue && task.status !== 'done',
          ticket: task.ticket
            ? { number: task.ticket.number, subject: task.ticket.subject, href: `/tickets/${team.org.slug}/${task.ticket.number}` }
            : null,
          case: task.case
            ? { caseRef: task.case.caseRef, href: `/staff/cases/${task.case.number}?org=${encodeURIComponent(team.org.slug)}` }
            : null,
        })),
    })),
  }
}

const MoveSchema = z.object({ taskId: z.uuid({ error: 'Choose a task' }), status: z.enum(TASK_STATUSES, { error: 'Choose a status' }) })

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, team } = await requireTeam(context, request)
  const parsed = MoveSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return new Response('Choose a task and a status.', { status: 400 })
  const result = await updateTask(context, {
    actorId: user.id,
    via: 'portal',
    orgId: team.orgId,
    taskId: parsed.data.taskId,
    change: { status: parsed.data.status },
  })
  const to = `/staff/tasks?org=${encodeURIComponent(team.org.slug)}`
  if (result.status === 'not_found') throw notFound('That task is not there.')
  if (result.status === 'refused') return redirectWithFlash(context, request, to, { kind: 'error', text: result.message })
  return redirectWithFlash(context, request, to, {
    kind: 'success',
    text: `“${result.task.title}” is now ${TASK_STATUS_LABELS[parsed.data.status]}.`,
  })
}

export default function TaskBoard() {
  const { org, orgs, columns } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <PageHeader title="My tasks" eyebrow={org.name}>
        <OrganisationSwitch orgs={orgs} current={org.slug} href={(slug) => `/staff/tasks?org=${slug}`} />
      </PageHeader>
      <div className="grid gap-4 md:grid-cols-3">
        {columns.map((column) => (
          <Card key={column.status} aria-labelledby={`column-${column.status}`}>
            <CardTitle id={`column-${column.status}`}>
              {column.label} <span className="text-sm font-normal text-slate-600">({column.tasks.length})</span>
            </CardTitle>
            <ul className="mt-3 space-y-3" aria-label={`${column.label} tasks`}>
              {column.tasks.map((task) => (
                <li key={task.id} className="rounded border border-slate-200 p-3 text-sm">
                  <p className="font-medium text-slate-900">
                    {task.title}
                    {task.overdue ? <strong className="ml-2 rounded bg-rose-100 px-1.5 text-rose-900">Overdue</strong> : null}
                  </p>
                  <p className="text-slate-600">
                    {task.due ? (
                      <>
                        Due <DateTime value={task.due} />
                      </>
                    ) : (
                      'No due date'
                    )}
                  </p>
                  {task.ticket ? (
                    <p>
                      <a className={linkClass} href={task.ticket.href}>
                        Ticket #{task.ticket.number}
                      </a>{' '}
                      {task.ticket.subject}
                    </p>
                  ) : null}
                  {task.case ? (
                    <p>
                      <a className={linkClass} href={task.case.href}>
                        Case {task.case.caseRef}
                      </a>
                    </p>
                  ) : null}
                  <Form method="post" className="mt-2 flex flex-wrap gap-2">
                    <input type="hidden" name="taskId" value={task.id} />
                    {TASK_STATUSES.filter((status) => status !== column.status).map((status) => (
                      <Button
                        key={status}
                        variant="secondary"
                        name="status"
                        value={status}
                        aria-label={`Move “${task.title}” to ${TASK_STATUS_LABELS[status]}`}
                      >
                        Move to {TASK_STATUS_LABELS[status]}
                      </Button>
                    ))}
                  </Form>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
