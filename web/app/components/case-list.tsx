/** The case workspace's list: a table on wide screens (from 1280 px), a card per case below. State is in words, never colour alone. */
import { Link } from '@remix-run/react'
import type { CaseStatus } from '../../../domain/case.ts'
import type { FormattedDate } from '../utils/format.ts'
import { caseStatusTone } from '../utils/format.ts'
import { Badge, DateTime, Marker } from './ui.tsx'

export interface CaseListItem {
  href: string
  caseRef: string
  family: string
  childName: string | null
  advocate: string | null
  /** On "My cases" through cover, not as its advocate. */
  cover: boolean
  status: CaseStatus
  statusLabel: string
  nextAction: { title: string; due: FormattedDate | null } | null
  overdueActions: number
  /** An LA deadline of its statutory timeline passed without an exception. */
  laOverdue: boolean
  lastActivity: FormattedDate
  lastMessage: FormattedDate | null
  advocateViewed: FormattedDate | null
}

const dash = <span className="text-slate-500">–</span>

function Overdue({ count }: { count: number }) {
  if (!count) return null
  return <Marker tone="violet">{count === 1 ? 'Overdue: 1 action' : `Overdue: ${count} actions`}</Marker>
}

function LaOverdue({ overdue }: { overdue: boolean }) {
  if (!overdue) return null
  return <Marker tone="violet">LA overdue</Marker>
}

/** Overdue actions and an overdue LA deadline, or a dash for neither. */
function Overdues({ item }: { item: CaseListItem }) {
  if (!item.overdueActions && !item.laOverdue) return dash
  return (
    <span className="flex flex-wrap gap-1">
      <Overdue count={item.overdueActions} />
      <LaOverdue overdue={item.laOverdue} />
    </span>
  )
}

function NextAction({ item }: { item: CaseListItem }) {
  if (!item.nextAction) return <span className="text-slate-600">None</span>
  return (
    <>
      <span className="break-words">{item.nextAction.title}</span>
      <span className="block text-slate-600">
        {item.nextAction.due ? (
          <>
            due <DateTime value={item.nextAction.due} />
          </>
        ) : (
          'no due date'
        )}
      </span>
    </>
  )
}

function LastActivity({ item }: { item: CaseListItem }) {
  return (
    <dl className="space-y-0.5">
      {[
        { label: 'Case', value: item.lastActivity },
        { label: 'Message', value: item.lastMessage },
        { label: 'Advocate opened', value: item.advocateViewed },
      ].map((line) => (
        <div key={line.label} className="flex flex-wrap gap-x-1">
          <dt className="text-slate-600">{line.label}:</dt>
          <dd>{line.value ? <DateTime value={line.value} /> : 'never'}</dd>
        </div>
      ))}
    </dl>
  )
}

export function CaseTable({ caption, cases }: { caption: string; cases: readonly CaseListItem[] }) {
  const cell = 'px-3 py-3'
  return (
    <div className="hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200 xl:block">
      <table className="w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {['Case', 'Family and child', 'Advocate', 'Status', 'Next action', 'Overdue', 'Last activity'].map((label) => (
              <th key={label} scope="col" className={`${cell} align-bottom`}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {cases.map((c) => (
            <tr key={c.href} className="align-top hover:bg-slate-50">
              <td className={`${cell} whitespace-nowrap`}>
                <Link to={c.href} className="font-medium text-indigo-800 underline underline-offset-4">
                  {c.caseRef}
                </Link>
                {c.cover ? (
                  <span className="ml-2">
                    <Marker tone="sky">Cover</Marker>
                  </span>
                ) : null}
              </td>
              <td className={cell}>
                {c.family}
                <span className="block text-slate-600">{c.childName ? `Child: ${c.childName}` : 'Child not named'}</span>
              </td>
              <td className={cell}>{c.advocate ?? dash}</td>
              <td className={`${cell} whitespace-nowrap`}>
                <Badge tone={caseStatusTone(c.status)}>{c.statusLabel}</Badge>
              </td>
              <td className={`${cell} min-w-48`}>
                <NextAction item={c} />
              </td>
              <td className={cell}>
                <Overdues item={c} />
              </td>
              <td className={`${cell} whitespace-nowrap`}>
                <LastActivity item={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export function CaseCards({ caption, cases }: { caption: string; cases: readonly CaseListItem[] }) {
  return (
    <ol aria-label={caption} className="grid gap-3 sm:grid-cols-2 xl:hidden">
      {cases.map((c) => (
        <li key={c.href} className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <h3 className="font-semibold">
            <Link to={c.href} className="text-indigo-800 underline underline-offset-4">
              {c.caseRef}
            </Link>{' '}
            <span className="font-normal text-slate-700">
              {c.family}
              {c.childName ? `, for ${c.childName}` : ''}
            </span>
          </h3>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <Badge tone={caseStatusTone(c.status)}>{c.statusLabel}</Badge>
            {c.cover ? <Marker tone="sky">Cover</Marker> : null}
            <Overdue count={c.overdueActions} />
            <LaOverdue overdue={c.laOverdue} />
          </div>
          <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-2">
            {[
              { label: 'Advocate', value: c.advocate ?? dash },
              { label: 'Next action', value: <NextAction item={c} /> },
              { label: 'Last activity', value: <LastActivity item={c} /> },
            ].map((item) => (
              <div key={item.label} className="min-w-0">
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{item.label}</dt>
                <dd className="break-words text-slate-900">{item.value}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ol>
  )
}
