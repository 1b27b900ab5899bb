/**
 * An organisation's contact details as families see them, only those it has
 * set: in full on its profile, in one line in lists.
 */
import { linkClass } from './ui.tsx'

export interface ContactDetails {
  contactEmail: string | null
  contactPhone: string | null
  website: string | null
  postalAddress: string | null
}

/** The select for the fields these need. */
export const CONTACT_SELECT = { contactEmail: true, contactPhone: true, website: true, postalAddress: true } as const

export function hasContactDetails(org: ContactDetails): boolean {
  return Boolean(org.contactEmail || org.contactPhone || org.website || org.postalAddress)
}

/** "brightpath.example/help": the address without its scheme, as people say it. */
function websiteText(website: string): string {
  if (!URL.canParse(website)) return website
  const url = new URL(website)
  return `${url.host}${url.pathname === '/' ? '' : url.pathname}`
}

function links(org: ContactDetails, name: string) {
  return {
    email: org.contactEmail ? (
      <a href={`mailto:${org.contactEmail}`} className={`${linkClass} break-all`}>
        {org.contactEmail}
      </a>
    ) : null,
    phone: org.contactPhone ? (
      <a href={`tel:${org.contactPhone.replace(/[^\d+]/g, '')}`} className={`${linkClass} whitespace-nowrap`}>
        {org.contactPhone}
      </a>
    ) : null,
    // Validated as http(s) when saved, so the link is never a script.
    website: org.website ? (
      <a href={org.website} className={`${linkClass} break-all`} rel="noopener noreferrer" aria-label={`${name}’s website`}>
        {websiteText(org.website)}
      </a>
    ) : null,
  }
}

/** The profile's "Contact" list: email, phone, website and postal address. */
export function ContactList({ org, name }: { org: ContactDetails; name: string }) {
  const { email, phone, website } = links(org, name)
  const items = [
    { label: 'Email', value: email },
    { label: 'Phone', value: phone },
    { label: 'Website', value: website },
    { label: 'Post', value: org.postalAddress ? <span className="whitespace-pre-line">{org.postalAddress}</span> : null },
  ].filter((item) => item.value)
  if (!items.length) return null
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-slate-800">
      {items.map((item) => (
        <div key={item.label} className="contents">
          <dt className="font-medium text-slate-700">{item.label}</dt>
          <dd className="min-w-0">{item.value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** One line for a directory card or the start page: email · phone · website. */
export function ContactLine({ org, name }: { org: ContactDetails; name: string }) {
  const parts = Object.values(links(org, name)).filter(Boolean)
  if (!parts.length) return null
  return (
    <p className="flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-700">
      {parts.map((part, i) => (
        <span key={i}>{part}</span>
      ))}
    </p>
  )
}
