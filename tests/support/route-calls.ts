/**
 * Portal loaders and actions called directly, as the browser would reach them:
 * a request with a signed session cookie (or none), and what the route
 * answered, thrown or returned.
 */
import { randomUUID } from 'node:crypto'
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import type { ServiceContext } from '../../services/context.ts'
import { sessionCookie } from '../../web/app/utils/cookies.server.ts'
import type { StackConnection } from './stack.ts'

/** Someone signed in with a fresh session, or with a session they already have; null is signed out. */
export type Person = { id: string } | { sessionId: string } | null

export type Outcome = { status: number; location?: string | null; data?: unknown }

/** A form's fields; a list is a field sent once per value (checkboxes of one name). */
export type FormFields = Record<string, string | readonly string[]>

export type Route = {
  loader?: (args: LoaderFunctionArgs) => Promise<unknown>
  action?: (args: ActionFunctionArgs) => Promise<unknown>
}

export function routeCalls(stack: StackConnection, context: ServiceContext) {
  /** A request as the browser would send it, signed in as `person` (a fresh session) or signed out. */
  async function requestAs(person: Person, url: string, init: { method?: string; form?: FormFields } = {}) {
    const full = new URL(url, stack.stack.webUrl).toString()
    const headers = new Headers()
    if (person) {
      const sessionId =
        'sessionId' in person
          ? person.sessionId
          : (await stack.db.session.create({ data: { userId: person.id, expiresAt: new Date(Date.now() + 3_600_000) } })).id
      const cookie = await sessionCookie(context.env, new Request(full)).serialize(sessionId)
      headers.set('Cookie', cookie.split(';')[0]!)
    }
    if (init.form) headers.set('Content-Type', 'application/x-www-form-urlencoded')
    return new Request(full, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      // Each post is a newly rendered form: its one-time token is fresh (form-submissions.test.ts posts the same one twice).
      body: init.form ? formBody({ submissionToken: randomUUID(), ...init.form }) : undefined,
    })
  }

  async function load(route: Route, person: Person, url: string, params: Record<string, string> = {}) {
    const request = await requestAs(person, url)
    return outcome(() => route.loader!({ request, params, context: context as never }))
  }

  async function act(route: Route, person: Person, url: string, form: FormFields, params: Record<string, string> = {}) {
    const request = await requestAs(person, url, { form })
    return outcome(() => route.action!({ request, params, context: context as never }))
  }

  return { requestAs, load, act }
}

function formBody(form: FormFields): string {
  return new URLSearchParams(
    Object.entries(form).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : value.map((v) => [name, v]))),
  ).toString()
}

/** What a loader or action answered: a thrown or returned Response, data() with a status, or plain data (200). */
export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  let value: unknown
  try {
    value = await run()
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, location: thrown.headers.get('Location') }
    throw thrown
  }
  if (value instanceof Response) return { status: value.status, location: value.headers.get('Location') }
  if (value && typeof value === 'object' && 'type' in value && (value as { type: unknown }).type === 'DataWithResponseInit') {
    const { data, init } = value as unknown as { data: unknown; init?: { status?: number } }
    return { status: init?.status ?? 200, data }
  }
  return { status: 200, data: value }
}
