import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useLocation,
  useRouteLoaderData,
} from '@remix-run/react'
import type { ReactNode } from 'react'
import { GeneralErrorBoundary } from './components/error-boundary.tsx'
import { Alert, buttonClass } from './components/ui.tsx'
import styles from './styles/tailwind.css?url'
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
  return data(
    {
      user: user ? { name: user.name, home: homePath(user), isStaff: staffMemberships(user).length > 0 } : null,
      flash,
    },
    { headers },
  )
}

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

function Header() {
  const root = useRouteLoaderData<typeof loader>('root')
  const user = root?.user
  // The start and sign-in pages carry their own "Sign in".
  const { pathname } = useLocation()
  const offerSignIn = pathname !== '/' && pathname !== '/login'
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link to={user?.home ?? '/'} className="text-lg font-bold tracking-tight text-indigo-800">
          Caseway
        </Link>
        <nav aria-label="Main" className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
          {user ? (
            <>
              {user.isStaff ? (
                <Link to="/staff/tickets" className="font-medium text-slate-700 hover:text-indigo-800">
                  Ticket queue
                </Link>
              ) : null}
              <Link to="/my/tickets" className="font-medium text-slate-700 hover:text-indigo-800">
                My requests
              </Link>
              <span className="text-slate-500">{user.name}</span>
              <Form method="post" action="/logout">
                <button type="submit" className={buttonClass('secondary')}>
                  Sign out
                </button>
              </Form>
            </>
          ) : offerSignIn ? (
            <Link to={`/login?${new URLSearchParams({ redirectTo: pathname })}`} className={buttonClass('secondary')}>
              Sign in
            </Link>
          ) : null}
        </nav>
      </div>
    </header>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  return <Document>{children}</Document>
}

export default function App() {
  const { flash } = useLoaderData<typeof loader>()
  return (
    <>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <Header />
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-8">
        {flash ? (
          <div className="mb-6">
            <Alert kind={flash.kind}>{flash.text}</Alert>
          </div>
        ) : null}
        <Outlet />
      </main>
    </>
  )
}

export function ErrorBoundary() {
  return (
    <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
      <GeneralErrorBoundary />
    </main>
  )
}
