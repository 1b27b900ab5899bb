import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { TextField } from '../components/form-fields.tsx'
import { CONTACT_SELECT, ContactLine } from '../components/organisation-contact.tsx'
import { Button, Card, EmptyState, PageHeader, buttonClass, linkClass } from '../components/ui.tsx'
import { LISTED_ORGANISATIONS } from '../utils/organisations.server.ts'

export const meta: MetaFunction = () => [{ title: 'Find an organisation · Caseway' }]

const PAGE_SIZE = 30

/** Public: the organisations taking requests (and with an admin to look after them), searchable by name. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100)
  const page = Math.max(1, Math.min(1000, Number(url.searchParams.get('page')) || 1))
  const where = { ...LISTED_ORGANISATIONS, ...(q ? { name: { contains: q, mode: 'insensitive' as const } } : {}) }
  const [organisations, total] = await Promise.all([
    context.db.organisation.findMany({
      where,
      select: {
        slug: true,
        name: true,
        about: true,
        responseTime: true,
        ...CONTACT_SELECT,
        departments: { where: { archivedAt: null }, select: { name: true }, orderBy: { name: 'asc' } },
      },
      orderBy: [{ name: 'asc' }, { slug: 'asc' }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
    }),
    context.db.organisation.count({ where }),
  ])
  const href = (p: number) => `/orgs?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`
  return {
    q,
    total,
    organisations: organisations.map((org) => ({
      ...org,
      about: org.about.length > 240 ? `${org.about.slice(0, 237).trimEnd()}…` : org.about,
      departments: org.departments.map((d) => d.name),
    })),
    previous: page > 1 ? href(page - 1) : null,
    next: page * PAGE_SIZE < total ? href(page + 1) : null,
  }
}

export default function Directory() {
  const { q, total, organisations, previous, next } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <PageHeader title="Find an organisation">
        <p className="text-slate-700">Advocacy organisations taking new requests for help.</p>
      </PageHeader>
      <Form method="get" role="search" className="flex max-w-xl flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <TextField label="Organisation name" name="q" type="search" defaultValue={q} />
        </div>
        <Button variant="secondary">Search</Button>
      </Form>
      <p aria-live="polite" className="text-sm text-slate-600">
        {q ? `${total} organisation${total === 1 ? '' : 's'} matching “${q}”` : `${total} organisation${total === 1 ? '' : 's'}`}
      </p>
      {organisations.length ? (
        <ul className="grid gap-4 sm:grid-cols-2" aria-label="Organisations">
          {organisations.map((org) => (
            <li key={org.slug}>
              <Card className="flex h-full flex-col">
                <h2 className="text-lg font-semibold text-slate-900">
                  <Link to={`/orgs/${org.slug}`} className={linkClass}>
                    {org.name}
                  </Link>
                </h2>
                {org.about ? <p className="mt-2 text-slate-700">{org.about}</p> : null}
                {org.departments.length ? <p className="mt-2 text-sm text-slate-600">Teams: {org.departments.join(', ')}</p> : null}
                {org.responseTime ? <p className="mt-2 text-sm text-slate-600">Usually responds {org.responseTime}</p> : null}
                <div className="mt-2">
                  <ContactLine org={org} name={org.name} />
                </div>
                <p className="mt-auto pt-4">
                  <Link to={`/orgs/${org.slug}/request`} className={buttonClass('primary')} aria-label={`Request support from ${org.name}`}>
                    Request support
                  </Link>
                </p>
              </Card>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState>{q ? 'No organisation taking requests matches that name.' : 'No organisation is taking requests yet.'}</EmptyState>
      )}
      {previous || next ? (
        <nav aria-label="Pages" className="flex justify-between">
          {previous ? (
            <Link to={previous} className={buttonClass('secondary')}>
              ← Previous
            </Link>
          ) : (
            <span />
          )}
          {next ? (
            <Link to={next} className={buttonClass('secondary')}>
              Next →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
