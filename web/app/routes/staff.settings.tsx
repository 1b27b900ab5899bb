import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Outlet, useLoaderData, useLocation } from '@remix-run/react'
import { GeneralErrorBoundary } from '../components/error-boundary.tsx'
import { OrganisationSwitch, PageHeader, TabNav } from '../components/ui.tsx'
import { requireSettingsAdmin } from '../utils/permissions.server.ts'

export const meta: MetaFunction = () => [{ title: 'Settings · Caseway' }]

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { team, teams } = await requireSettingsAdmin(context, request)
  const orgParam = teams.length > 1 ? `?org=${team.org.slug}` : ''
  return {
    org: team.org,
    orgs: teams.length > 1 ? teams.map((m) => m.org) : [],
    tabs: [
      { key: 'organisation', label: 'Organisation', href: `/staff/settings/organisation${orgParam}` },
      { key: 'team', label: 'Team', href: `/staff/settings/team${orgParam}` },
      { key: 'departments', label: 'Departments', href: `/staff/settings/departments${orgParam}` },
      { key: 'sla-policy', label: 'SLA policy', href: `/staff/settings/sla-policy${orgParam}` },
      { key: 'saved-replies', label: 'Saved replies', href: `/staff/settings/saved-replies${orgParam}` },
      { key: 'tags', label: 'Tags', href: `/staff/settings/tags${orgParam}` },
      { key: 'templates', label: 'Templates', href: `/staff/settings/templates${orgParam}` },
      { key: 'api-keys', label: 'API keys', href: `/staff/settings/api-keys${orgParam}` },
    ],
  }
}

export default function Settings() {
  const { org, orgs, tabs } = useLoaderData<typeof loader>()
  const { pathname } = useLocation()
  const current = tabs.find((t) => pathname.startsWith(t.href.split('?')[0]!))?.key ?? ''
  return (
    <div className="space-y-6">
      <PageHeader title="Settings" eyebrow={org.name}>
        <OrganisationSwitch orgs={orgs} current={org.slug} href={(slug) => `${pathname}?org=${slug}`} />
      </PageHeader>
      <TabNav label="Settings" tabs={tabs} current={current} />
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
