/**
 * The staff queue's tickets, two ways: a table with sortable column headers on
 * wide screens (xl and up), and a list of cards below that, with the same sorts
 * as links. Both are links and GET pages only, so they work without JavaScript.
 * With a bulk form, each ticket has a checkbox that belongs to that form (by
 * its id), so choosing tickets needs no JavaScript either.
 */
import { Link } from '@remix-run/react'
import { progressLabel, type ChecklistProgress } from '../../../domain/checklists.ts'
import type { TicketStatus } from '../../../domain/ticket.ts'
import type { QueueSort, SortDirection } from '../../../services/queue-query.server.ts'
import type { FormattedDate } from '../utils/format.ts'
import { statusTone } from '../utils/format.ts'
import type { SlaChip as SlaChipData } from '../utils/sla-chips.ts'
import { Passage, type PassagePiece } from './passage.tsx'
import { Badge, DateTime, Marker, SlaChip } from './ui.tsx'

export type QueueOrder = { sort: QueueSort; dir: SortDirection }

export interface QueueTicket {
  href: string
  number: number
  subject: string
  family: string
  type: string
  department: string | null
  status: TicketStatus
  statusLabel: string
  /** "Family replied", "Family reopened" or "Answered", and "Case open". */
  markers: readonly { text: string; tone: 'violet' | 'sky' | 'teal' | 'slate' }[]
  /** The team's tags on it (never shown to families). */
  tags: readonly string[]
  /** Its checklist's progress, when it has one. */
  checklist: ChecklistProgress | null
  /** While searching: the words found in its newest matching message. */
  passage: readonly PassagePiece[] | null
  priority: string
  urgent: boolean
  sla: SlaChipData | null
  assignee: string | null
  mine: boolean
  lastUpdate: FormattedDate
}

/** How the caption and the sort links say the order, in words. */
export const SORT_WORDS: Record<QueueSort, { asc: string; desc: string }> = {
  number: { asc: 'lowest number first', desc: 'highest number first' },
  subject: { asc: 'subject A to Z', desc: 'subject Z to A' },
  family: { asc: 'family A to Z', desc: 'family Z to A' },
  type: { asc: 'by type, EHCP first', desc: 'by type, General first' },
  department: { asc: 'team A to Z, no team last', desc: 'team Z to A, no team first' },
  status: { asc: 'by status, New first', desc: 'by status, Closed first' },
  priority: { asc: 'most urgent first', desc: 'least urgent first' },
  sla: { asc: 'SLA due soonest first', desc: 'SLA due latest first' },
  assignee: { asc: 'assignee A to Z, unassigned last', desc: 'assignee Z to A, unassigned first' },
  activity: { asc: 'oldest activity first', desc: 'most recent activity first' },
}

interface QueueListProps {
  caption: string
  tickets: readonly QueueTicket[]
  order: QueueOrder
  /** The link that sorts by each column (the other direction when it is the current one). */
  sortLinks: Record<QueueSort, string>
  showDepartment: boolean
  /** The id of the change bar's form the tickets' checkboxes belong to; null: no checkboxes. */
  bulkForm: string | null
}

/** The checkbox that puts one ticket in the bulk change (ChangeBar's form). */
function SelectTicket({ ticket, form }: { ticket: QueueTicket; form: string }) {
  return (
    <input
      type="checkbox"
      name="ticket"
      value={ticket.number}
      form={form}
      aria-label={`Select #${ticket.number} ${ticket.subject}`}
      data-bulk-select=""
      className="size-5 rounded border-slate-400 text-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700"
    />
  )
}

function columnsOf(showDepartment: boolean): { sort: QueueSort; label: string }[] {
  return [
    { sort: 'number', label: 'No.' },
    { sort: 'subject', label: 'Subject' },
    { sort: 'family', label: 'Family' },
    { sort: 'type', label: 'Type' },
    ...(showDepartment ? [{ sort: 'department' as const, label: 'Team' }] : []),
    { sort: 'status', label: 'Status' },
    { sort: 'priority', label: 'Priority' },
    { sort: 'sla', label: 'SLA' },
    { sort: 'assignee', label: 'Assignee' },
    { sort: 'activity', label: 'Last update' },
  ]
}

function Arrow({ active, dir }: { active: boolean; dir: SortDirection }) {
  return (
    <span aria-hidden="true" className={active ? 'text-indigo-800' : 'text-slate-400'}>
      {active ? (dir === 'asc' ? '▲' : '▼') : '↕'}
    </span>
  )
}

function Markers({ ticket }: { ticket: QueueTicket }) {
  if (!ticket.markers.length && !ticket.tags.length && !ticket.checklist) return null
  return (
    <span className="mt-1 flex flex-wrap gap-1">
      {ticket.markers.map((m) => (
        <Marker key={m.text} tone={m.tone}>
          {m.text}
        </Marker>
      ))}
      {ticket.checklist ? (
        <Marker tone="slate">
          <span aria-hidden="true">
            ☑ {ticket.checklist.done}/{ticket.checklist.total}
          </span>
          <span className="sr-only">{progressLabel(ticket.checklist)}</span>
        </Marker>
      ) : null}
      {ticket.tags.length ? <span className="sr-only">Tags:</span> : null}
      {ticket.tags.map((tag) => (
        <Marker key={`tag-${tag}`} tone="slate">
          <span aria-hidden="true"># </span>
          {tag}
        </Marker>
      ))}
    </span>
  )
}

function Assignee({ ticket }: { ticket: QueueTicket }) {
  if (!ticket.assignee) return <span className="text-slate-600">Unassigned</span>
  return (
    <>
      {ticket.assignee}
      {ticket.mine ? <span className="text-slate-600"> (you)</span> : null}
    </>
  )
}

const dash = <span className="text-slate-500">–</span>

/** The table: every column fits the width it is given (text wraps, nothing is cut off). */
export function QueueTable({ caption, tickets, order, sortLinks, showDepartment, bulkForm }: QueueListProps) {
  const cell = 'px-2 py-3'
  return (
    <div className="hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200 xl:block">
      <table className="w-full divide-y divide-slate-200 text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {bulkForm ? (
              <th scope="col" className={`${cell} w-8 align-bottom`}>
                <span className="sr-only">Select</span>
              </th>
            ) : null}
            {columnsOf(showDepartment).map((c) => {
              const active = order.sort === c.sort
              return (
                <th
                  key={c.sort}
                  scope="col"
                  aria-sort={active ? (order.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  className={`${cell} align-bottom`}
                >
                  <Link
                    to={sortLinks[c.sort]}
                    className="inline-flex items-center gap-1 whitespace-nowrap rounded hover:text-slate-900 hover:underline"
                  >
                    {c.label}
                    <Arrow active={active} dir={order.dir} />
                  </Link>
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {tickets.map((t) => (
            <tr key={t.href} className="align-top hover:bg-slate-50">
              {bulkForm ? (
                <td className={cell}>
                  <SelectTicket ticket={t} form={bulkForm} />
                </td>
              ) : null}
              <td className={`${cell} whitespace-nowrap text-slate-600`}>#{t.number}</td>
              <td className={`${cell} min-w-44`}>
                <Link to={t.href} className="font-medium break-words text-indigo-800 underline-offset-4 hover:underline">
                  {t.subject}
                </Link>
                <Markers ticket={t} />
                <Passage pieces={t.passage} />
              </td>
              <td className={cell}>{t.family}</td>
              <td className={cell}>{t.type}</td>
              {showDepartment ? <td className={cell}>{t.department ?? dash}</td> : null}
              <td className={`${cell} whitespace-nowrap`}>
                <Badge tone={statusTone(t.status)}>{t.statusLabel}</Badge>
              </td>
              <td className={`${cell} ${t.urgent ? 'font-semibold text-red-800' : ''}`}>{t.priority}</td>
              <td className={cell}>
                <SlaChip chip={t.sla} />
              </td>
              <td className={cell}>
                <Assignee ticket={t} />
              </td>
              <td className={`${cell} whitespace-nowrap text-slate-600`}>
                <DateTime value={t.lastUpdate} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Below xl: a card per ticket, and the sorts as a row of links above them. */
export function QueueCards({ caption, tickets, order, sortLinks, showDepartment, bulkForm }: QueueListProps) {
  return (
    <div className="space-y-3 xl:hidden">
      <nav aria-label="Sort tickets" className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="text-slate-600">Sort by</span>
        {columnsOf(showDepartment).map((c) => {
          const active = order.sort === c.sort
          return (
            <Link
              key={c.sort}
              to={sortLinks[c.sort]}
              aria-current={active ? 'true' : undefined}
              className="inline-flex min-h-10 items-center gap-1 rounded font-medium text-indigo-800 underline-offset-4 hover:underline aria-[current=true]:underline"
            >
              {c.label}
              <Arrow active={active} dir={order.dir} />
              {active ? <span className="sr-only">, {SORT_WORDS[c.sort][order.dir]}</span> : null}
            </Link>
          )
        })}
      </nav>
      <ol aria-label={caption} className="grid gap-3 sm:grid-cols-2">
        {tickets.map((t) => (
          <li key={t.href} className="min-w-0 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
            <p className="flex items-center gap-2 text-sm text-slate-600">
              {bulkForm ? <SelectTicket ticket={t} form={bulkForm} /> : null}
              <span>
                #{t.number} · updated <DateTime value={t.lastUpdate} />
              </span>
            </p>
            <h3 className="mt-0.5 font-semibold break-words">
              <Link to={t.href} className="text-indigo-800 underline-offset-4 hover:underline">
                {t.subject}
              </Link>
            </h3>
            <Markers ticket={t} />
            <Passage pieces={t.passage} />
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <Badge tone={statusTone(t.status)}>{t.statusLabel}</Badge>
              <SlaChip chip={t.sla} />
            </div>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
              {[
                { label: 'Family', value: t.family },
                { label: 'Type', value: t.type },
                ...(showDepartment ? [{ label: 'Team', value: t.department ?? dash }] : []),
                { label: 'Priority', value: <span className={t.urgent ? 'font-semibold text-red-800' : ''}>{t.priority}</span> },
                { label: 'Assignee', value: <Assignee ticket={t} /> },
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
    </div>
  )
}
