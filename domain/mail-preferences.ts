/**
 * Which notices a person also gets by mail. People choose per topic (a few
 * kinds of notice read alike), and what they have not chosen follows the
 * defaults of decision 010: families get every notice at once; staff get at
 * once what needs them now (an assignment, a breached target), the rest in the
 * app only.
 */
import { z } from 'zod'
import type { CaseNotification } from './case-deadlines.ts'
import type { TicketNotificationKind } from './ticket-notifications.ts'

/** Every kind of notice that may come by mail: the ticket's and the case's. */
export type MailedNotificationKind = TicketNotificationKind | CaseNotification['kind']

export const MAIL_CHOICES = ['immediately', 'daily_digest', 'in_app'] as const
export type MailChoice = (typeof MAIL_CHOICES)[number]

export const MAIL_CHOICE_LABELS: Record<MailChoice, string> = {
  immediately: 'By email, immediately',
  daily_digest: 'By email, once a day in a digest',
  in_app: 'In the app only',
}

export type MailAudience = 'family' | 'staff'

export const MAIL_TOPICS = {
  family: ['replies', 'status'],
  staff: ['assignments', 'deadlines', 'new_requests', 'family_replies'],
} as const satisfies Record<MailAudience, readonly string[]>
export type MailTopic = (typeof MAIL_TOPICS)[MailAudience][number]

export const MAIL_TOPIC_LABELS: Record<MailTopic, string> = {
  replies: 'Replies from your advocate',
  status: 'Changes to your request (who looks after it, waiting for you, checklist steps, resolved)',
  assignments: 'A ticket assigned to you',
  deadlines: 'Breached SLA targets, overdue LA deadlines and overdue next actions on your cases',
  new_requests: 'New requests (admins)',
  family_replies: 'Family replies on your tickets and those you watch',
}

const TOPIC_OF: Record<MailedNotificationKind, MailTopic> = {
  staff_replied: 'replies',
  conversation_started: 'replies',
  ticket_resolved: 'status',
  awaiting_family: 'status',
  family_reminder: 'status',
  ticket_assigned: 'status',
  checklist_changed: 'status',
  assigned_to_you: 'assignments',
  sla_breached: 'deadlines',
  la_overdue: 'deadlines',
  case_action_overdue: 'deadlines',
  case_la_deadline_overdue: 'deadlines',
  new_request: 'new_requests',
  family_replied: 'family_replies',
}

const DEFAULTS: Record<MailTopic, MailChoice> = {
  replies: 'immediately',
  status: 'immediately',
  assignments: 'immediately',
  deadlines: 'immediately',
  new_requests: 'in_app',
  family_replies: 'in_app',
}

/** What a person has chosen, by topic; unknown topics and values are dropped. */
export const MailChoicesSchema = z.record(z.string(), z.unknown()).transform((stored) => {
  const choices: Partial<Record<MailTopic, MailChoice>> = {}
  for (const topic of Object.keys(DEFAULTS) as MailTopic[]) {
    const value = stored[topic]
    if ((MAIL_CHOICES as readonly unknown[]).includes(value)) choices[topic] = value as MailChoice
  }
  return choices
})
export type MailChoices = z.infer<typeof MailChoicesSchema>

/** The stored JSON column as choices (anything unreadable counts as no choice made). */
export function readMailChoices(stored: unknown): MailChoices {
  const parsed = MailChoicesSchema.safeParse(stored)
  return parsed.success ? parsed.data : {}
}

/** The kinds of notice of these topics (what a digest gathers). */
export function kindsOfTopics(topics: readonly MailTopic[]): MailedNotificationKind[] {
  return (Object.keys(TOPIC_OF) as MailedNotificationKind[]).filter((kind) => topics.includes(TOPIC_OF[kind]))
}

/** The topics this person takes in the daily digest, whatever their audience. */
export function digestTopicsOf(choices: MailChoices): MailTopic[] {
  return (Object.keys(DEFAULTS) as MailTopic[]).filter((topic) => mailChoiceFor(choices, topic) === 'daily_digest')
}

export function mailTopicOf(kind: MailedNotificationKind): MailTopic {
  return TOPIC_OF[kind]
}

/** How this topic reaches the person: their choice, else the default. */
export function mailChoiceFor(choices: MailChoices, topic: MailTopic): MailChoice {
  return choices[topic] ?? DEFAULTS[topic]
}
