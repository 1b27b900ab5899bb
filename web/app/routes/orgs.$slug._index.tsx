import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { buttonClass, Card } from '../components/ui.tsx'
import { requireOrganisation } from '../utils/organisations.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.org.name} · Caseway` : 'Caseway' }]

// Public: anyone with the link may read an organisation's profile.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const { slug, name, about, responseTime, acceptsRequests } = await requireOrganisation(context, params.slug)
  return { org: { slug, name, about, responseTime, acceptsRequests } }
}

export default function OrganisationProfile() {
  const { org } = useLoaderData<typeof loader>()
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight text-slate-900">{org.name}</h1>
      <Card>
        {org.about ? <p className="whitespace-pre-line text-slate-800">{org.about}</p> : null}
        <p className="mt-4 text-slate-700">
          <span className="font-medium">Response time:</span> usually {org.responseTime}
        </p>
        <div className="mt-6">
          {org.acceptsRequests ? (
            <Link to={`/orgs/${org.slug}/request`} className={buttonClass('primary')}>
              Request support
            </Link>
          ) : (
            <p className="rounded-md bg-slate-100 px-4 py-3 text-slate-800">
              {org.name} is not taking new requests at the moment.
            </p>
          )}
        </div>
      </Card>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
