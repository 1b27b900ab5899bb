/**
 * The organisation's audit trail of changes outside tickets' lifecycles: who
 * saved or applied an SLA policy, made or revoked an API key, changed a
 * ticket's watchers, tags, time logs, related tickets or checklist, the organisation's profile, its team, its
 * departments or its tags, from the portal, the API or the CLI. Written in the same transaction as the
 * change it records, so neither exists without the other.
 */
import { coverUntilWords } from '../domain/case-cover.ts'
import { CHECKLIST_ACTIONS, describeChecklistChange, type ChecklistAction } from '../domain/checklists.ts'
import { describeTaskChange, TASK_ACTIONS, type TaskAction } from '../domain/tasks.ts'
import { formatMinutes } from '../domain/durations.ts'
import { describeTemplateChange, TEMPLATE_ACTIONS, type TemplateAction } from '../domain/templates.ts'
import { TYPE_LABELS, type TicketType } from '../domain/ticket.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'

export type AuditVia = 'portal' | 'api' | 'cli'

export const AUDIT_ACTIONS = [
  'sla_policy.saved',
  'sla_policy.applied',
  'api_key.created',
  'api_key.revoked',
  'watcher.added',
  'watcher.removed',
  'saved_reply.created',
  'saved_reply.deleted',
  'organisation.profile_saved',
  'team.member_invited',
  'team.invitation_resent',
  'team.role_changed',
  'team.member_removed',
  'team.departments_changed',
  'team.capacity_changed',
  'team.capacity_overridden',
  'team.bulk_reassigned',
  'mail.digests_sent_now',
  'case.reassigned',
  'case.handover_written',
  'case.cover_added',
  'case.cover_ended',
  'department.created',
  'department.renamed',
  'department.lead_changed',
  'department.archived',
  'department.restored',
  'tag.added',
  'tag.removed',
  'tag.renamed',
  'tag.merged',
  'time.logged',
  'time.edited',
  'time.deleted',
  'ticket.linked',
  'ticket.unlinked',
  ...CHECKLIST_ACTIONS,
  ...TEMPLATE_ACTIONS,
  ...TASK_ACTIONS,
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** Who made a change: a person (null when it came from the CLI or a key without one) and the way in. */
export interface AuditActor {
  actorId: string | null
  via: AuditVia
}

type Tx = Pick<Db, 'auditEvent'>

export async function recordAudit(
  db: Tx,
  input: AuditActor & { orgId: string; action: AuditAction; data?: Prisma.InputJsonObject },
): Promise<void> {
  await db.auditEvent.create({
    data: { orgId: input.orgId, actorId: input.actorId, via: input.via, action: input.action, data: input.data ?? {} },
  })
}

/** The latest changes of the given kinds, newest first, described for the settings pages. */
export async function recentChanges(db: Db, input: { orgId: string; actions: readonly AuditAction[]; take?: number }) {
  const events = await db.auditEvent.findMany({
    where: { orgId: input.orgId, action: { in: [...input.actions] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.take ?? 10,
    select: { id: true, action: true, via: true, data: true, createdAt: true, actor: { select: { name: true } } },
  })
  return events.map((event) => ({
    id: event.id,
    who: event.actor?.name ?? (event.via === 'api' ? 'An API key' : 'An operator'),
    what: describe(event.action as AuditAction, (event.data ?? {}) as Record<string, unknown>),
    via: event.via,
    at: event.createdAt,
  }))
}

function describe(action: AuditAction, data: Record<string, unknown>): string {
  switch (action) {
    case 'sla_policy.saved':
      return 'saved the SLA policy'
    case 'sla_policy.applied':
      return `applied the SLA policy to ${Number(data.tickets ?? 0)} open tickets`
    case 'api_key.created':
      return `made the key “${String(data.name ?? '')}”`
    case 'api_key.revoked':
      return `revoked the key “${String(data.name ?? '')}”`
    case 'watcher.added':
      return `added ${String(data.name ?? 'someone')} as a watcher of ticket #${Number(data.ticketNumber)}`
    case 'watcher.removed':
      return `removed ${String(data.name ?? 'someone')} as a watcher of ticket #${Number(data.ticketNumber)}`
    case 'saved_reply.created':
      return `added the saved reply “${String(data.title ?? '')}”`
    case 'saved_reply.deleted':
      return `deleted the saved reply “${String(data.title ?? '')}”`
    case 'organisation.profile_saved':
      return describeProfileChanges((data.changes ?? {}) as Record<string, { to?: unknown }>)
    case 'team.member_invited':
      return `invited ${member(data)} as ${roleName(data.role)}`
    case 'team.invitation_resent':
      return `sent ${member(data)} a new invitation link`
    case 'team.role_changed':
      return `made ${member(data)} ${data.to === 'admin' ? 'an admin' : 'staff'} (was ${roleName(data.from)})`
    case 'team.member_removed':
      return `removed ${member(data)} from the team${Number(data.handedOver) ? `, handing ${ticketCount(Number(data.handedOver))} to ${String(data.handedTo ?? 'a colleague')}` : ''}`
    case 'team.departments_changed': {
      const names = Array.isArray(data.departments) ? data.departments.map(String) : []
      return names.length ? `restricted ${member(data)} to ${listed(names)}` : `gave ${member(data)} every department (no restriction)`
    }
    case 'team.capacity_changed': {
      const capacity =
        data.capacity === null || data.capacity === undefined ? 'no case limit' : `a capacity of ${Number(data.capacity)} cases`
      const specialisms =
        Array.isArray(data.specialisms) && data.specialisms.length
          ? `, specialising in ${listed(data.specialisms.map((s) => TYPE_LABELS[s as TicketType] ?? String(s)))}`
          : ''
      return `gave ${member(data)} ${capacity}${specialisms}`
    }
    case 'team.capacity_overridden':
      return `overrode ${String(data.name ?? 'someone')}’s capacity (${Number(data.activeCases)} of ${Number(data.capacity)} cases) ${
        data.caseRef === undefined ? `to assign ticket #${Number(data.ticketNumber)}` : `to open case ${String(data.caseRef)}`
      }`
    case 'team.bulk_reassigned':
      return `reassigned everything ${String(data.fromName ?? 'someone')} held to ${String(data.toName ?? 'a colleague')} (${Number(data.cases)} cases, ${ticketCount(Number(data.tickets))})`
    case 'mail.digests_sent_now':
      return `sent the daily digests now (${Number(data.people) === 1 ? '1 person' : `${Number(data.people)} people`})`
    case 'case.reassigned':
      return `reassigned ${String(data.caseRef ?? 'a case')} from ${String(data.fromName ?? 'nobody')} to ${String(data.toName ?? 'a colleague')}`
    case 'case.handover_written':
      return `left a handover note on ${String(data.caseRef ?? 'a case')}`
    case 'case.cover_added':
      return `added ${String(data.name ?? 'someone')} as cover on ${String(data.caseRef ?? 'a case')} ${coverUntilWords(typeof data.endsOn === 'string' ? data.endsOn : null)}`
    case 'case.cover_ended':
      return `ended ${String(data.name ?? 'someone')}’s cover on ${String(data.caseRef ?? 'a case')}`
    case 'department.created':
      return `added the department “${String(data.name ?? '')}”`
    case 'department.renamed':
      return `renamed the department “${String(data.from ?? '')}” to “${String(data.name ?? '')}”`
    case 'department.lead_changed':
      return data.leadName
        ? `named ${String(data.leadName)} lead of “${String(data.name ?? '')}”`
        : `left “${String(data.name ?? '')}” without a lead`
    case 'department.archived':
      return `archived the department “${String(data.name ?? '')}”`
    case 'department.restored':
      return `brought back the department “${String(data.name ?? '')}”`
    case 'tag.added':
      return `tagged ticket #${Number(data.ticketNumber)} “${String(data.name ?? '')}”`
    case 'tag.removed':
      return `removed the tag “${String(data.name ?? '')}” from ticket #${Number(data.ticketNumber)}`
    case 'tag.renamed':
      return `renamed the tag “${String(data.from ?? '')}” to “${String(data.name ?? '')}”`
    case 'tag.merged':
      return `merged the tag “${String(data.from ?? '')}” into “${String(data.name ?? '')}” (${ticketCount(Number(data.moved ?? 0))} moved)`
    case 'time.logged':
      return `logged ${formatMinutes(Number(data.minutes ?? 0))} on ticket #${Number(data.ticketNumber)}`
    case 'time.edited':
      return `changed a time entry on ticket #${Number(data.ticketNumber)} to ${formatMinutes(Number(data.minutes ?? 0))}`
    case 'time.deleted':
      return `deleted ${formatMinutes(Number(data.minutes ?? 0))} logged on ticket #${Number(data.ticketNumber)}`
    case 'ticket.linked':
      return `linked ticket #${Number(data.ticketNumber)} to #${Number(data.otherNumber)}`
    case 'ticket.unlinked':
      return `unlinked ticket #${Number(data.ticketNumber)} from #${Number(data.otherNumber)}`
    default:
      if ((CHECKLIST_ACTIONS as readonly string[]).includes(action))
        return `${describeChecklistChange(action as ChecklistAction, data)} on ticket #${Number(data.ticketNumber)}`
      if ((TEMPLATE_ACTIONS as readonly string[]).includes(action)) return describeTemplateChange(action as TemplateAction, data)
      if ((TASK_ACTIONS as readonly string[]).includes(action)) return describeTaskChange(action as TaskAction, data)
      return action
  }
}

const member = (data: Record<string, unknown>) => `${String(data.name ?? 'someone')} (${String(data.email ?? '')})`
const roleName = (role: unknown) => (role === 'admin' ? 'admin' : 'staff')
const ticketCount = (n: number) => `${n} ${n === 1 ? 'ticket' : 'tickets'}`

const PROFILE_FIELD_WORDS: Record<string, string> = {
  name: 'name',
  about: 'about text',
  responseTime: 'response time',
  contactEmail: 'contact email',
  contactPhone: 'phone number',
  website: 'website',
  postalAddress: 'postal address',
}

/** "changed the organisation’s name and response time; stopped taking new requests". */
function describeProfileChanges(changes: Record<string, { to?: unknown }>): string {
  // In the form's order: jsonb keeps keys in an order of its own.
  const fields = Object.entries(PROFILE_FIELD_WORDS).flatMap(([field, words]) => (changes[field] ? [words] : []))
  const parts = fields.length ? [`changed the organisation’s ${listed(fields)}`] : []
  if (changes.acceptsRequests) parts.push(changes.acceptsRequests.to ? 'started taking new requests' : 'stopped taking new requests')
  if (changes.assignOnFirstReply)
    parts.push(`turned ${changes.assignOnFirstReply.to ? 'on' : 'off'} assigning a ticket to the first staff member who replies`)
  return parts.join('; ') || 'saved the organisation’s profile'
}

function listed(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0]!
}
