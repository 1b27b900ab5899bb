import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { ContactList, hasContactDetails } from '../components/organisation-contact.tsx'
import { buttonClass, Card, linkClass } from '../components/ui.tsx'
import { getUser } from '../utils/auth.server.ts'
import { requireOrganisation } from '../utils/organisations.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.org.name} · Caseway` : 'Caseway' },
  ...(data
    ? [
        {
          name: 'description',
          content: `Ask ${data.org.name} for help.${data.org.responseTime ? ` They usually respond ${data.org.responseTime}.` : ''}`,
        },
      ]
    : []),
]

// Public: anyone with the link may read an organisation's profile. Its shareable
// address is /orgs/<slug>; "Request support" works signed out too (the request
// form creates the account).
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const [org, user] = await Promise.all([requireOrganisation(context, params.slug), getUser(context, request)])
  const staffHere = user?.memberships.some((m) => m.orgId === org.id && m.role !== 'family') ?? false
  return {
    org: {
      slug: org.slug,
      name: org.name,
      about: org.about,
      responseTime: org.responseTime,
      contact: {
        contactEmail: org.contactEmail,
        contactPhone: org.contactPhone,
        website: org.website,
        postalAddress: org.postalAddress,
      },
      acceptsRequests: org.acceptsRequests,
      departments: org.departments.map((d) => d.name),
    },
    signedIn: Boolean(user),
    staffHere,
  }
}

export default function OrganisationProfile() {
  const { org, signedIn, staffHere } = useLoaderData<typeof loader>()
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <p className="text-sm">
        <Link to="/orgs" className={linkClass}>
          All organisations
        </Link>
      </p>
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">{org.name}</h1>
      <Card>
        {org.about ? <p className="whitespace-pre-line text-slate-800">{org.about}</p> : null}
        <dl className="mt-4 space-y-2 text-slate-700">
          {org.responseTime ? (
            <div>
              <dt className="inline font-medium">Response time: </dt>
              <dd className="inline">usually {org.responseTime}</dd>
            </div>
          ) : null}
          {org.departments.length ? (
            <div>
              <dt className="inline font-medium">Teams: </dt>
              <dd className="inline">{org.departments.join(', ')}</dd>
            </div>
          ) : null}
        </dl>
        {hasContactDetails(org.contact) ? (
          <section aria-labelledby="contact-heading" className="mt-6">
            <h2 id="contact-heading" className="text-lg font-semibold text-slate-900">
              Contact
            </h2>
            <div className="mt-2">
              <ContactList org={org.contact} name={org.name} />
            </div>
          </section>
        ) : null}
        <div className="mt-6">
          {staffHere ? (
            <p className="rounded-md bg-slate-100 px-4 py-3 text-slate-800">
              You are on this organisation’s team. Families use this page to ask for help.{' '}
              <Link to="/staff/tickets" className={linkClass}>
                Go to the ticket queue
              </Link>
            </p>
          ) : org.acceptsRequests ? (
            <>
              <Link to={`/orgs/${org.slug}/request`} className={buttonClass('primary')}>
                Request support
              </Link>
              {signedIn ? null : (
                <p className="mt-3 text-sm text-slate-600">New to Caseway? You can create your account as you send your request.</p>
              )}
            </>
          ) : (
            <p className="rounded-md bg-slate-100 px-4 py-3 text-slate-800">{org.name} is not taking new requests at the moment.</p>
          )}
        </div>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
