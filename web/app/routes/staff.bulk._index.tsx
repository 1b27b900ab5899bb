/**
 * The queue's change bar posts here: one change for the chosen tickets, started
 * as a bulk job (services/bulk-changes.server.ts) whose page follows it. Once
 * per submission token, so a resent form starts nothing twice.
 */
import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { startBulkChange } from '../../../services/bulk-changes.server.ts'
import { requireUser, staffMemberships } from '../utils/auth.server.ts'
import { BulkFormSchema, bulkFormFields, permissionFor } from '../utils/bulk-change.server.ts'
import { redirectWithFlash } from '../utils/flash.server.ts'
import { notFound } from '../utils/http.ts'
import { roleHasPermission } from '../utils/permissions.ts'
import { redirectOnce, submitOnce } from '../utils/submissions.server.ts'

export async function loader() {
  return redirect('/staff/tickets')
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context, request)
  const teams = staffMemberships(user)
  if (!teams.length) throw new Response('Bulk changes are for an organisation’s staff.', { status: 403 })
  const formData = await request.formData()
  const orgSlug = formData.get('org')
  const team = typeof orgSlug === 'string' && orgSlug ? teams.find((m) => m.org.slug === orgSlug) : teams[0]
  if (!team) throw notFound('You are not on the team of that organisation.')
  const queue = teams.length > 1 ? `/staff/tickets?org=${team.org.slug}` : '/staff/tickets'
  const parsed = BulkFormSchema.safeParse(bulkFormFields(formData))
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join(' ')
    return redirectWithFlash(context, request, queue, { kind: 'error', text: `Nothing was changed. ${message}` })
  }
  const { numbers, action } = parsed.data
  if (!roleHasPermission(team.role, permissionFor(action, user.id))) throw new Response('You may not make that change.', { status: 403 })
  return submitOnce(context, request, formData, { form: 'bulk-change', actorId: user.id }, async () => {
    const started = await startBulkChange(context, { orgId: team.orgId, actor: user, ticketNumbers: numbers, action, via: 'portal' })
    switch (started.status) {
      case 'started':
        return redirectOnce(context, request, `/staff/bulk/${started.jobId}`, {
          kind: 'info',
          text: `Changing ${started.total === 1 ? '1 ticket' : `${started.total} tickets`}.`,
        })
      case 'unknown_tickets':
        return redirectWithFlash(context, request, queue, {
          kind: 'error',
          text: `Nothing was changed: there is no ticket ${started.numbers.map((n) => `#${n}`).join(', ')} in your queue.`,
        })
      case 'too_many':
      case 'unavailable':
        return redirectWithFlash(context, request, queue, { kind: 'error', text: started.message })
    }
  })
}
