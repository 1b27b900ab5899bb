import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { signOut } from '../utils/auth.server.ts'

// Signing out changes state, so only a POST does it; a visit just goes home.
export async function loader() {
  return redirect('/')
}

export async function action({ request, context }: ActionFunctionArgs) {
  return signOut(context, request)
}
