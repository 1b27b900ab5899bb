/**
 * Permissions as typed questions, `action:entity:access`, answered from a
 * person's role towards one ticket or organisation. Shared by server and UI:
 * the server enforces (permissions.server.ts), the UI only hides what it would
 * refuse.
 */
import type { Role } from '../../../domain/ticket.ts'

export type Permission =
  | 'create:ticket:own'
  | 'read:ticket:own'
  | 'reply:ticket:own'
  | 'reopen:ticket:own'
  | 'read:ticket:org'
  | 'read:queue:org'
  | 'reply:ticket:org'
  | 'note:ticket:org'
  | 'change-status:ticket:org'
  | 'change-priority:ticket:org'
  | 'change-type:ticket:org'
  | 'change-department:ticket:org'
  | 'link-case:ticket:org'
  | 'assign:ticket:self'
  | 'watch:ticket:org'
  | 'tag:ticket:org'
  | 'log-time:ticket:org'
  | 'link:ticket:org'
  | 'checklist:ticket:org'
  | 'task:ticket:org'
  | 'start:conversation:org'
  | 'assign:ticket:any'
  | 'triage:queue:org'
  | 'inspect:workflow:org'
  | 'manage:settings:org'
  | 'edit:profile:org'
  | 'manage:team:org'

const FAMILY = ['create:ticket:own', 'read:ticket:own', 'reply:ticket:own', 'reopen:ticket:own'] as const satisfies readonly Permission[]

const STAFF = [
  'read:ticket:org',
  'read:queue:org',
  'reply:ticket:org',
  'note:ticket:org',
  'change-status:ticket:org',
  'change-priority:ticket:org',
  'change-type:ticket:org',
  // Handing a ticket to the team it belongs with, like changing its type.
  'change-department:ticket:org',
  'link-case:ticket:org',
  'assign:ticket:self',
  // Any of the team may watch a ticket, or add a colleague (cover during absence).
  'watch:ticket:org',
  // Tags are the team's own labels: any of it may put them on or take them off.
  'tag:ticket:org',
  // Their own time; admins may correct anyone's (services/time-entries.server.ts).
  'log-time:ticket:org',
  // Relating two tickets they both see, as any of the team (ticket-links.server.ts checks both).
  'link:ticket:org',
  // The steps of a ticket they see: any of the team adds, ticks or removes them (checklists.server.ts checks the ticket).
  'checklist:ticket:org',
  // Tasks of a ticket they see, and their own board (tasks.server.ts checks the ticket or case).
  'task:ticket:org',
  // Writing first to a family of the organisation ("Message a family"): a conversation they own.
  'start:conversation:org',
] as const satisfies readonly Permission[]

// Admins triage: they assign tickets to anyone in the team (from the triage
// page or the ticket), open the workflow behind a ticket in the Temporal UI,
// manage the organisation's settings (SLA policy, saved replies, API keys), edit
// its public profile and look after its team (invite, change roles, remove).
const ADMIN = [
  ...STAFF,
  'assign:ticket:any',
  'triage:queue:org',
  'inspect:workflow:org',
  'manage:settings:org',
  'edit:profile:org',
  'manage:team:org',
] as const satisfies readonly Permission[]

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = { family: FAMILY, staff: STAFF, admin: ADMIN }

export function roleHasPermission(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].includes(permission) : false
}
