import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { CONTACT_SELECT, ContactLine } from '../components/organisation-contact.tsx'
import { buttonClass, Card, linkClass } from '../components/ui.tsx'
import { getUser, homePath } from '../utils/auth.server.ts'
import { LISTED_ORGANISATIONS } from '../utils/organisations.server.ts'

export const meta: MetaFunction = () => [{ title: 'Caseway: support for families' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(context, request)
  if (user) throw redirect(homePath(user))
  const organisations = await context.db.organisation.findMany({
    where: LISTED_ORGANISATIONS,
    select: { slug: true, name: true, responseTime: true, ...CONTACT_SELECT },
    orderBy: { name: 'asc' },
    take: 12,
  })
  return { organisations }
}

export default function Welcome() {
  const { organisations } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-8">
      <section className="max-w-2xl">
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">Support for your child, in one place</h1>
        <p className="mt-3 text-lg text-slate-700">
          Ask an advocacy organisation for help with EHCPs, DLA, tribunals and more, and follow every reply from your advocate here.
        </p>
        <p className="mt-6 flex flex-wrap gap-3">
          <Link to="/orgs" className={buttonClass('primary')}>
            Find an organisation
          </Link>
          <Link to="/login" className={buttonClass('secondary')}>
            Sign in
          </Link>
        </p>
        <p className="mt-3 text-sm text-slate-700">
          New here? Choose an organisation and press Request support: you create your account as you send your request.
        </p>
      </section>
      {organisations.length ? (
        <Card>
          <h2 className="text-lg font-semibold text-slate-900">Organisations you can ask for help</h2>
          <ul className="mt-3 divide-y divide-slate-100">
            {organisations.map((org) => (
              <li key={org.slug} className="py-3">
                <Link to={`/orgs/${org.slug}`} className="font-medium text-indigo-800 underline-offset-4 hover:underline">
                  {org.name}
                </Link>
                {org.responseTime ? <p className="text-sm text-slate-600">Usually responds {org.responseTime}</p> : null}
                <ContactLine org={org} name={org.name} />
              </li>
            ))}
          </ul>
          <p className="mt-3">
            <Link to="/orgs" className={linkClass}>
              See all organisations
            </Link>
          </p>
        </Card>
      ) : null}
    </div>
  )
}
