import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from '@remix-run/react'
import type { ReactNode } from 'react'
import { GeneralErrorBoundary } from './components/error-boundary.tsx'
import { Alert, buttonClass } from './components/ui.tsx'
import styles from './styles/tailwind.css?url'
import { visibleNotificationsWhere } from '../../services/ticket-access.server.ts'
import { getUser, homePath, staffMemberships } from './utils/auth.server.ts'
import { readFlash } from './utils/flash.server.ts'
import { useNonce } from './utils/nonce-provider.ts'

export const links: LinksFunction = () => [
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
  { rel: 'stylesheet', href: styles },
]

export const meta: MetaFunction = () => [{ title: 'Caseway' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [user, { flash, headers }] = await Promise.all([getUser(context, request), readFlash(context, request)])
  // The ticket page marks its own notifications read while this loader runs
  // beside it: they are not counted, so the number is right on arrival.
  const viewing = new URL(request.url).pathname.match(/^\/tickets\/([^/]+)\/(\d{1,9})(?:\.data)?$/)
  const unread = user
    ? await context.db.notification.count({
        where: {
          ...(await visibleNotificationsWhere(context.db, user.id)),
          readAt: null,
          ...(viewing ? { NOT: { ticket: { is: { number: Number(viewing[2]), org: { slug: viewing[1] } } } } } : {}),
        },
      })
    : 0
  // A family whose address refuses our mail is told on every page (staff see it in Settings → Team).
  const mailFails =
    user && staffMemberships(user).length === 0
      ? (await context.db.user.findUnique({ where: { id: user.id }, select: { mailProblem: true } }))?.mailProblem != null
      : false
  return data(
    {
      user: user
        ? {
            email: user.email,
            mailFails,
            name: user.name,
            home: homePath(user),
            isStaff: staffMemberships(user).length > 0,
            isAdmin: user.memberships.some((m) => m.role === 'admin'),
            unread,
          }
        : null,
      flash,
    },
    { headers },
  )
}

/**
 * A flash belongs to the request that made it. Remix reloads no loader after an
 * action that answers 4xx or 5xx, so the last page's flash ("Saved reply added")
 * would stay beside the new error; reloading this one clears it (its cookie is
 * gone), and shows who is signed in now.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus !== undefined && actionStatus >= 400 ? true : defaultShouldRevalidate

function Document({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  return (
    <html lang="en-GB" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-full flex-col">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

/** Staff work surfaces (the queue, triage) take the whole width; other pages keep a readable column. */
const WORK_SURFACES = ['/staff/tickets', '/staff/triage', '/staff/cases']
function widthClass(pathname: string) {
  return WORK_SURFACES.some((path) => pathname === path || pathname.startsWith(`${path}/`)) ? 'sm:px-6' : 'max-w-6xl'
}

const navLinkClass =
  'inline-flex min-h-10 items-center rounded-md px-2 font-medium text-slate-700 hover:bg-slate-100 hover:text-indigo-900 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-900'

function Header() {
  const root = useRouteLoaderData<typeof loader>('root')
  const user = root?.user
  // The start and sign-in pages carry their own "Sign in".
  const { pathname } = useLocation()
  const offerSignIn = pathname !== '/' && pathname !== '/login'
  const signOut = user ? (
    <Form method="post" action="/logout" className="order-2 ml-auto sm:order-3 sm:ml-0">
      <button type="submit" className={buttonClass('secondary')}>
        Sign out
      </button>
    </Form>
  ) : null
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 ${widthClass(pathname)}`}>
        <Link to={user?.home ?? '/'} className="order-1 inline-flex min-h-10 items-center text-lg font-bold tracking-tight text-indigo-800">
          Caseway
        </Link>
        <nav
          aria-label="Main"
          className={
            user
              ? 'order-3 -mx-2 flex w-full flex-wrap items-center gap-x-1 gap-y-1 text-sm sm:order-2 sm:mx-0 sm:ml-auto sm:w-auto'
              : 'order-2 ml-auto flex flex-wrap items-center gap-x-1 gap-y-1 text-sm'
          }
        >
          {user ? (
            <>
              {user.isStaff ? (
                <>
                  <NavLink to="/staff/tickets" className={navLinkClass}>
                    Ticket queue
                  </NavLink>
                  <NavLink to="/staff/cases" className={navLinkClass}>
                    Cases
                  </NavLink>
                  <NavLink to="/staff/tasks" className={navLinkClass}>
                    My tasks
                  </NavLink>
                  <NavLink to="/staff/time" className={navLinkClass}>
                    Time
                  </NavLink>
                </>
              ) : null}
              {user.isAdmin ? (
                <>
                  <NavLink to="/staff/triage" className={navLinkClass}>
                    Triage
                  </NavLink>
                  <NavLink to="/staff/settings" className={navLinkClass}>
                    Settings
                  </NavLink>
                </>
              ) : null}
              <NavLink to="/my/tickets" className={navLinkClass}>
                My requests
              </NavLink>
              <NavLink to="/notifications" className={navLinkClass}>
                Notifications
                {user.unread ? (
                  <span className="ml-1.5 rounded-full bg-red-700 px-1.5 text-xs font-bold text-white">
                    {user.unread}
                    <span className="sr-only"> unread</span>
                  </span>
                ) : null}
              </NavLink>
              <NavLink to="/account" className={navLinkClass}>
                <span className="sm:hidden">Account</span>
                <span className="hidden sm:inline">
                  <span className="sr-only">Account: </span>
                  {user.name}
                </span>
              </NavLink>
            </>
          ) : (
            <>
              <NavLink to="/orgs" className={navLinkClass}>
                Find an organisation
              </NavLink>
              {offerSignIn ? (
                <Link to={`/login?${new URLSearchParams({ redirectTo: pathname })}`} className={buttonClass('secondary')}>
                  Sign in
                </Link>
              ) : null}
            </>
          )}
        </nav>
        {/* Last in the tab order; on phones it sits beside the name of the site. */}
        {signOut}
      </div>
    </header>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  return <Document>{children}</Document>
}

function MailFailsNotice({ email }: { email: string }) {
  return (
    <section aria-labelledby="mail-fails" className="mb-6 rounded-md border border-amber-400 bg-amber-50 px-4 py-3 text-amber-950">
      <h2 id="mail-fails" className="font-semibold">
        Our emails to you are not arriving
      </h2>
      <p className="mt-1">
        Mail to {email} was refused, so you only see our replies here.{' '}
        <Link to="/account#mail-problem" className="font-medium underline underline-offset-2">
          How to fix it
        </Link>
      </p>
    </section>
  )
}

export default function App() {
  const { flash, user } = useLoaderData<typeof loader>()
  const { pathname } = useLocation()
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1} className={`mx-auto w-full flex-1 px-4 py-6 focus:outline-none sm:py-8 ${widthClass(pathname)}`}>
        {flash ? (
          <div className="mb-6">
            <Alert kind={flash.kind}>{flash.text}</Alert>
          </div>
        ) : null}
        {user?.mailFails && pathname !== '/account' ? <MailFailsNotice email={user.email} /> : null}
        <Outlet />
      </main>
    </>
  )
}

export function ErrorBoundary() {
  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
      <GeneralErrorBoundary />
    </main>
  )
}
