import type { LoaderFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'

/** Settings open on the organisation's profile, for the same organisation. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireSettingsAdmin(context, request)
  return redirect(`/staff/settings/organisation${new URL(request.url).search}`)
}
