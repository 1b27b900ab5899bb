import { describe, expect, it } from 'vitest'
import { MAIL_TOPICS, mailChoiceFor, mailTopicOf, readMailChoices } from './mail-preferences.ts'
import type { TicketNotificationKind } from './ticket-notifications.ts'

describe('mail choices', () => {
  it('defaults: families get every notice at once; staff get assignments and deadlines, the rest in the app', () => {
    const none = readMailChoices({})
    expect(MAIL_TOPICS.family.map((topic) => mailChoiceFor(none, topic))).toEqual(['immediately', 'immediately'])
    expect(Object.fromEntries(MAIL_TOPICS.staff.map((topic) => [topic, mailChoiceFor(none, topic)]))).toEqual({
      assignments: 'immediately',
      deadlines: 'immediately',
      new_requests: 'in_app',
      family_replies: 'in_app',
    })
  })

  it('a choice made wins; unknown topics, unknown values and unreadable JSON count as no choice', () => {
    const choices = readMailChoices({ replies: 'in_app', status: 'hourly', bogus: 'immediately' })
    expect(choices).toEqual({ replies: 'in_app' })
    expect(mailChoiceFor(choices, 'replies')).toBe('in_app')
    expect(mailChoiceFor(choices, 'status')).toBe('immediately')
    for (const stored of [null, 'in_app', [1, 2], 42]) expect(readMailChoices(stored)).toEqual({})
  })

  it('every kind of notice belongs to a topic of the audience that receives it', () => {
    const family: TicketNotificationKind[] = [
      'staff_replied',
      'ticket_resolved',
      'awaiting_family',
      'family_reminder',
      'ticket_assigned',
      'checklist_changed',
    ]
    const staff: TicketNotificationKind[] = ['new_request', 'family_replied', 'sla_breached', 'la_overdue', 'assigned_to_you']
    for (const kind of family) expect(MAIL_TOPICS.family).toContain(mailTopicOf(kind))
    for (const kind of staff) expect(MAIL_TOPICS.staff).toContain(mailTopicOf(kind))
  })
})
