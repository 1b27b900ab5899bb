/** A titled card of a page's side column, and the timeline one: what happened, who did it and when (a ticket's, a case's). */
import type { ReactNode } from 'react'
import type { FormattedDate } from '../utils/format.ts'
import { Card, CardTitle, DateTime } from './ui.tsx'

export function SideCard({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Card aria-labelledby={id}>
      <CardTitle id={id}>{title}</CardTitle>
      <div className="mt-3 space-y-4">{children}</div>
    </Card>
  )
}

export interface TimelineEntry {
  /** Unique within the timeline (its events and the records merged into it). */
  key: string
  text: string
  actor: string | null
  at: FormattedDate
}

export function TimelineCard({ timeline }: { timeline: readonly TimelineEntry[] }) {
  return (
    <SideCard title="Timeline" id="timeline-heading">
      {timeline.length ? (
        <ol className="space-y-3 border-l-2 border-slate-200 pl-4">
          {timeline.map((event) => (
            <li key={event.key} className="text-sm">
              <p className="text-slate-900">{event.text}</p>
              <p className="text-slate-600">
                {event.actor ? `${event.actor} · ` : ''}
                <DateTime value={event.at} />
              </p>
            </li>
          ))}
        </ol>
      ) : (
        <p className="text-sm text-slate-600">Nothing recorded yet.</p>
      )}
    </SideCard>
  )
}
