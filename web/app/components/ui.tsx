/**
 * The portal's few building blocks: one look for every page. Fields always have
 * a visible label, errors are tied to their field (aria-describedby) and read
 * out (role="alert"), and every control shows a focus ring.
 */
import { Link } from '@remix-run/react'
import type { ButtonHTMLAttributes, ReactNode } from 'react'
import { formatDateTime } from '../utils/format.ts'
import { SLA_MARKS, type SlaChip as SlaChipData, type SlaTone } from '../utils/sla-chips.ts'

const buttonVariants = {
  primary: 'bg-indigo-700 text-white hover:bg-indigo-800 disabled:bg-indigo-300',
  secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
  quiet: 'text-slate-700 underline-offset-4 hover:underline',
  danger: 'bg-white text-red-800 ring-1 ring-inset ring-red-300 hover:bg-red-50',
} as const

/** A link in running text: underlined, so it is not told apart by colour alone. */
export const linkClass = 'font-medium text-indigo-800 underline underline-offset-4 hover:text-indigo-950'

export function buttonClass(variant: keyof typeof buttonVariants = 'primary') {
  return `inline-flex min-h-11 items-center justify-center rounded-md px-4 py-2 text-base font-semibold shadow-sm sm:min-h-10 sm:text-sm ${buttonVariants[variant]}`
}

export function Button({
  variant = 'primary',
  className = '',
  type = 'submit',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof buttonVariants }) {
  return <button type={type} className={`${buttonClass(variant)} ${className}`} {...props} />
}

export function Card({ children, className = '', ...rest }: { children: ReactNode; className?: string; 'aria-labelledby'?: string }) {
  return (
    <section className={`rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-6 ${className}`} {...rest}>
      {children}
    </section>
  )
}

/** A card's heading, one size everywhere. */
export function CardTitle({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <h2 id={id} className="text-lg font-semibold text-slate-900">
      {children}
    </h2>
  )
}

export function PageHeader({ title, eyebrow, children }: { title: ReactNode; eyebrow?: ReactNode; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        {eyebrow ? <p className="text-sm text-slate-600">{eyebrow}</p> : null}
        <h1 className="text-2xl font-bold text-slate-900 break-words">{title}</h1>
      </div>
      {children ? <div className="flex flex-wrap items-center gap-3">{children}</div> : null}
    </div>
  )
}

/** Tabs that are links (each a URL, so they work without JavaScript), with counts. */
export function TabNav({
  label,
  tabs,
  current,
}: {
  label: string
  tabs: readonly { key: string; label: string; count?: number; href: string }[]
  current: string
}) {
  return (
    <nav aria-label={label} className="-mx-4 overflow-x-auto px-4">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {tabs.map((t) => (
          <li key={t.key}>
            <Link
              to={t.href}
              aria-current={t.key === current ? 'page' : undefined}
              className="-mb-px inline-flex min-h-11 items-center gap-2 border-b-2 border-transparent px-3 py-2 text-sm font-medium text-slate-600 hover:text-slate-900 aria-[current=page]:border-indigo-700 aria-[current=page]:text-indigo-800"
            >
              {t.label}
              {t.count !== undefined ? <span className="rounded-full bg-slate-100 px-2 text-xs text-slate-700">{t.count}</span> : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Two or three ways to see one page, side by side as links, the current one marked. */
export function SwitchNav({
  label,
  options,
  current,
}: {
  label: string
  options: readonly { key: string; label: string; href: string }[]
  current: string
}) {
  return (
    <nav aria-label={label}>
      <ul className="inline-flex rounded-md bg-white p-0.5 shadow-sm ring-1 ring-slate-300">
        {options.map((o) => (
          <li key={o.key}>
            <Link
              to={o.href}
              aria-current={o.key === current ? 'page' : undefined}
              className="inline-flex min-h-10 items-center rounded px-3 text-sm font-medium text-slate-700 hover:bg-slate-100 hover:text-slate-900 aria-[current=page]:bg-indigo-700 aria-[current=page]:text-white"
            >
              {o.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/** Links to the same page for each organisation a person may see it for (shown only when there are several). */
export function OrganisationSwitch({
  orgs,
  current,
  href,
}: {
  orgs: readonly { slug: string; name: string }[]
  current: string
  href: (slug: string) => string
}) {
  if (orgs.length < 2) return null
  return (
    <nav aria-label="Organisations" className="flex flex-wrap gap-3 text-sm">
      {orgs.map((o) => (
        <Link key={o.slug} to={href(o.slug)} aria-current={o.slug === current ? 'page' : undefined} className={linkClass}>
          {o.name}
        </Link>
      ))}
    </nav>
  )
}

/** The audit trail of a settings page: who changed what, from where, when. */
export function RecentChanges({
  changes,
  timezone,
}: {
  changes: readonly { id: string; who: string; what: string; via: string; at: string | Date }[]
  /** The organisation's, for the times shown. */
  timezone: string
}) {
  return (
    <Card aria-labelledby="changes-heading">
      <CardTitle id="changes-heading">Recent changes</CardTitle>
      {changes.length ? (
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {changes.map((c) => (
            <li key={c.id} className="py-2">
              <span className="font-medium text-slate-900">{c.who}</span> {c.what} <span className="text-slate-600">via {c.via}</span> ·{' '}
              <DateTime value={formatDateTime(c.at, timezone)} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-3 text-sm text-slate-700">No changes yet.</p>
      )}
    </Card>
  )
}

/** A table's column headings; an empty string is a column named only for screen readers by `srOnly`. */
export function TableHead({ columns }: { columns: readonly { key: string; label: ReactNode; srOnly?: boolean }[] }) {
  return (
    <thead>
      <tr className="text-left text-slate-600">
        {columns.map((c) => (
          <th key={c.key} scope="col" className="px-2 py-2 font-medium">
            {c.srOnly ? <span className="sr-only">{c.label}</span> : c.label}
          </th>
        ))}
      </tr>
    </thead>
  )
}

/** Label-value pairs: a ticket's details. */
export function DetailList({ items }: { items: readonly { label: string; value: ReactNode }[] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
      {items.map((item) => (
        <div key={item.label} className="min-w-0">
          <dt className="font-medium text-slate-600">{item.label}</dt>
          <dd className="mt-0.5 break-words text-slate-900">{item.value}</dd>
        </div>
      ))}
    </dl>
  )
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <Card>
      <div className="text-slate-800">{children}</div>
    </Card>
  )
}

/** A coloured pill that always carries its words. */
export function Badge({ tone, children }: { tone: string; children: ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${tone}`}>{children}</span>
  )
}

export function Alert({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ReactNode }) {
  const tone = {
    error: 'border-red-300 bg-red-50 text-red-900',
    success: 'border-emerald-300 bg-emerald-50 text-emerald-900',
    info: 'border-sky-300 bg-sky-50 text-sky-900',
  }[kind]
  // Errors interrupt (role="alert"); confirmations are announced politely.
  return kind === 'error' ? (
    <div role="alert" className={`rounded-md border px-4 py-3 ${tone}`}>
      {children}
    </div>
  ) : (
    <div aria-live="polite" className={`rounded-md border px-4 py-3 ${tone}`}>
      {children}
    </div>
  )
}

export function DateTime({ value }: { value: { iso: string; text: string; title?: string } }) {
  return (
    <time dateTime={value.iso} title={value.title}>
      {value.text}
    </time>
  )
}

const SLA_TONES: Record<SlaTone, string> = {
  ok: 'bg-emerald-50 text-emerald-900 ring-emerald-300',
  warn: 'bg-amber-50 text-amber-900 ring-amber-400',
  bad: 'bg-red-50 text-red-900 ring-red-300',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
}

/** "At risk · 3h left": in colour, in a shape, and in words (the words are what a screen reader says). */
export function SlaChip({ chip }: { chip: SlaChipData | null }) {
  if (!chip) return <span className="text-slate-500">–</span>
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${SLA_TONES[chip.tone]}`}
    >
      <span aria-hidden="true">{SLA_MARKS[chip.state]}</span>
      <span aria-hidden="true">{chip.text}</span>
      <span className="sr-only">{chip.label}</span>
    </span>
  )
}

/** Small markers beside a subject: "Family replied", "Answered", "Case open". */
export function Marker({ tone, children }: { tone: 'violet' | 'sky' | 'teal' | 'slate'; children: ReactNode }) {
  const tones = {
    violet: 'bg-violet-100 text-violet-900',
    sky: 'bg-sky-100 text-sky-900',
    teal: 'bg-teal-100 text-teal-900',
    slate: 'bg-slate-100 text-slate-800',
  }
  return <span className={`inline-flex whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-semibold ${tones[tone]}`}>{children}</span>
}

/** Previous and next pages, as links. */
export function Pager({ previous, next, label }: { previous: string | null; next: string | null; label: string }) {
  if (!previous && !next) return null
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3">
      {previous ? (
        <Link to={previous} className={buttonClass('secondary')} rel="prev">
          ← Previous page
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link to={next} className={buttonClass('secondary')} rel="next">
          Next page →
        </Link>
      ) : null}
    </nav>
  )
}
