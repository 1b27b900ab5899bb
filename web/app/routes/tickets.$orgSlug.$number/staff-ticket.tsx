/** The ticket as its organisation's team sees it: details, targets, the conversation and notes, a reply, and the side cards. */
import { Link } from '@remix-run/react'
import { Alert, Badge, Card, CardTitle, DateTime, DetailList, linkClass, Marker, SlaChip } from '../../components/ui.tsx'
import { answered, ordinal, statusTone } from '../../utils/format.ts'
import { TimelineCard } from '../../components/timeline-card.tsx'
import { MessageList } from './conversation.tsx'
import { ReplyCard } from './reply-card.tsx'
import {
  AssignmentCard,
  CaseCard,
  DepartmentCard,
  LocalAuthorityCard,
  PriorityAndTypeCard,
  StatusCard,
  TagsCard,
  WatchersCard,
} from './staff-side-cards.tsx'
import { ChecklistCard } from './checklist-card.tsx'
import { TasksCard } from './tasks-card.tsx'
import { RelatedCard } from './related-card.tsx'
import { TimeCard } from './time-card.tsx'
import type { StaffData } from './types.ts'

export function StaffTicket({ data }: { data: StaffData }) {
  const {
    ticket,
    sla,
    live,
    conversation,
    notes,
    timeline,
    transitions,
    team,
    departments,
    watchers,
    watchCandidates,
    tags,
    tagSuggestions,
    savedReplies,
    replyDraft,
    me,
    permissions,
    inspectUrl,
    attachments,
    submissionToken,
    timeToken,
    time,
    related,
    checklist,
    checklistToken,
    tasks,
    taskToken,
  } = data
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-600">
          <Link to="/staff/tickets" className={linkClass}>
            Ticket queue
          </Link>{' '}
          · #{ticket.number} · {ticket.organisation.name}
        </p>
        <h1 className="mt-1 break-words text-2xl font-bold text-slate-900">
          {ticket.conversation ? <span className="block text-sm font-semibold text-slate-600">Conversation</span> : null}
          {ticket.subject}
        </h1>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <Badge tone={statusTone(ticket.status)}>
            <span role="status">{ticket.statusLabel}</span>
          </Badge>
          {ticket.familyMarker ? <Marker tone="violet">{ticket.familyMarker}</Marker> : null}
          {answered(ticket.status, ticket.awaiting) ? <Marker tone="sky">Answered</Marker> : null}
          {ticket.caseOpen ? <Marker tone="teal">Case open</Marker> : null}
          {ticket.laOverdue ? <Marker tone="slate">LA overdue</Marker> : null}
          <span className="text-sm text-slate-700">Priority: {ticket.priority}</span>
          {inspectUrl ? (
            <a href={inspectUrl} target="_blank" rel="noreferrer" className={`${linkClass} ml-auto text-sm`}>
              Inspect workflow<span className="sr-only"> (opens the Temporal UI in a new tab)</span>
            </a>
          ) : null}
        </div>
        {ticket.statusReason ? <p className="mt-1 text-sm text-slate-700">Why: {ticket.statusReason}</p> : null}
      </div>

      {live.available ? null : <Alert kind="info">Live state unavailable: {live.message}</Alert>}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">
          <Card aria-labelledby="details-heading">
            <h2 id="details-heading" className="sr-only">
              Details
            </h2>
            <DetailList
              items={[
                { label: 'Family', value: `${ticket.family.name} (${ticket.family.email})` },
                { label: 'Child', value: ticket.childName ?? '–' },
                { label: 'Type', value: ticket.type },
                ...(ticket.department ? [{ label: 'Team', value: ticket.department }] : []),
                { label: 'Priority', value: ticket.priority },
                { label: 'Assignee', value: ticket.assignee ?? 'Unassigned' },
                {
                  label: 'Waiting on',
                  value: ticket.awaiting === 'staff' ? 'The team' : ticket.awaiting === 'family' ? 'The family' : '–',
                },
                {
                  label: 'Case',
                  value: ticket.caseLink ? (
                    <Link to={ticket.caseLink.href} className={linkClass}>
                      {ticket.caseLink.caseRef}
                      <span className="sr-only"> (open the case)</span>
                    </Link>
                  ) : (
                    (ticket.caseRef ?? 'Not linked')
                  ),
                },
                { label: 'Received', value: <DateTime value={ticket.createdAt} /> },
                ...(ticket.laDeadline
                  ? [
                      {
                        label: 'LA deadline',
                        value: (
                          <>
                            {<DateTime value={ticket.laDeadline} />}
                            {ticket.laOverdue ? ' (overdue)' : ''}
                          </>
                        ),
                      },
                    ]
                  : []),
                ...(ticket.autoCloseAt ? [{ label: 'Closes without a reply', value: <DateTime value={ticket.autoCloseAt} /> }] : []),
                ...(ticket.reopenUntil ? [{ label: 'Family can reopen until', value: <DateTime value={ticket.reopenUntil} /> }] : []),
                ...(ticket.closeReason ? [{ label: 'Closed because', value: ticket.closeReason }] : []),
              ]}
            />
          </Card>

          <Card aria-labelledby="sla-heading">
            <CardTitle id="sla-heading">Service level targets</CardTitle>
            {sla.targets.length ? (
              <table className="mt-3 w-full text-left text-sm">
                <caption className="sr-only">Each SLA target, its state and when it is due</caption>
                <thead className="text-xs uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-2 pr-3">
                      Target
                    </th>
                    <th scope="col" className="py-2 pr-3">
                      State
                    </th>
                    <th scope="col" className="py-2">
                      Due
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {sla.targets.map((t) => (
                    <tr key={t.key} className="align-top">
                      <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                        {t.label}
                        {t.waitNumber ? (
                          <span className="block text-xs font-normal text-slate-600">
                            the {ordinal(t.waitNumber)} time the family wrote back and waits for a reply
                          </span>
                        ) : null}
                        {t.calendar ? <span className="block text-xs font-normal text-slate-600">{t.calendar}</span> : null}
                      </th>
                      <td className="py-2 pr-3">
                        <SlaChip chip={t.chip} />
                      </td>
                      <td className="py-2 text-slate-800">
                        {t.due ? (
                          <DateTime value={t.due} />
                        ) : t.stopped ? (
                          <>
                            Done <DateTime value={t.stopped} />
                          </>
                        ) : t.paused ? (
                          'Paused while waiting'
                        ) : (
                          '–'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="mt-2 text-sm text-slate-600">No targets yet.</p>
            )}
            {live.available ? (
              <p className="mt-3 text-xs text-slate-600">
                Live from the ticket workflow (version {live.version}, last change <DateTime value={live.updatedAt} />
                ).
              </p>
            ) : null}
          </Card>

          {permissions.checklist ? <ChecklistCard checklist={checklist} checklistToken={checklistToken} /> : null}
          {permissions.tasks ? <TasksCard tasks={tasks} taskToken={taskToken} /> : null}

          <section aria-labelledby="conversation-heading" className="space-y-4">
            <h2 id="conversation-heading" className="text-lg font-semibold text-slate-900">
              Conversation with the family
            </h2>
            <MessageList messages={conversation} empty="No messages yet." />
          </section>

          <section aria-labelledby="notes-heading" className="space-y-4">
            <h2 id="notes-heading" className="text-lg font-semibold text-slate-900">
              Notes for the team <span className="text-sm font-normal text-slate-600">(staff only, never shown to the family)</span>
            </h2>
            <MessageList messages={notes} empty="No notes yet." />
          </section>

          {permissions.reply ? (
            <ReplyCard
              ticket={ticket}
              transitions={transitions}
              permissions={permissions}
              savedReplies={savedReplies}
              replyDraft={replyDraft}
              attachments={attachments}
              submissionToken={submissionToken}
              formKey={`${conversation.length + notes.length}-${replyDraft?.id ?? ''}`}
            />
          ) : null}
        </div>

        <div className="space-y-6">
          {permissions.changeStatus ? <StatusCard ticket={ticket} transitions={transitions} /> : null}

          {permissions.laResponse ? <LocalAuthorityCard ticket={ticket} /> : null}

          {permissions.assignAny || permissions.assignSelf ? (
            <AssignmentCard ticket={ticket} team={team} me={me} permissions={permissions} opensCase={data.opensCase} />
          ) : null}

          {permissions.changePriority || permissions.changeType ? <PriorityAndTypeCard ticket={ticket} permissions={permissions} /> : null}

          {permissions.changeDepartment ? <DepartmentCard ticket={ticket} departments={departments} /> : null}

          {permissions.linkCase ? <CaseCard ticket={ticket} /> : null}

          {permissions.watch ? <WatchersCard watchers={watchers} watchCandidates={watchCandidates} me={me} /> : null}

          {permissions.tag ? <TagsCard tags={tags} tagSuggestions={tagSuggestions} /> : null}

          {permissions.logTime ? <TimeCard time={time} timeToken={timeToken} /> : null}

          {permissions.link ? <RelatedCard related={related} /> : null}

          <TimelineCard timeline={timeline} />
        </div>
      </div>
    </div>
  )
}
