/**
 * The statutory timeline in plain words, for the advocate (with the period and
 * the regulation) and for the family (what the council owes them, nothing more).
 */
import { DateTime } from 'luxon'
import { describeLength, type StatutoryDeadlineKey, type StatutoryStage } from './statutory-periods.ts'
import type { StatutoryDeadline, StatutoryDeadlineState } from './statutory-timeline.ts'

/** What the council must do, after "the council's duty to": the notification's words. */
export const STATUTORY_DUTY_WORDS: Record<StatutoryDeadlineKey, string> = {
  assessment_decision: 'decide whether to carry out an EHC needs assessment',
  no_plan_notice: 'say whether it will not issue an EHC plan',
  final_plan: 'issue the final EHC plan',
  draft_plan_comments: 'give the family 15 days to comment on the draft plan',
  annual_review_decision: 'decide what follows the annual review',
  appeal_window: 'leave the family time to appeal',
}

/** What a stage date is called after "from the". */
const STAGE_NOUNS: Record<StatutoryStage, string> = {
  assessment_requested: 'request',
  assessment_decided: 'decision to assess',
  draft_plan_issued: 'draft plan',
  final_plan_issued: 'final plan',
  annual_review_held: 'annual review meeting',
  decision_letter_received: 'decision letter',
  mediation_certificate_issued: 'mediation certificate',
}

export const DEADLINE_STATE_LABELS: Record<StatutoryDeadlineState, string> = {
  due: 'Due',
  met: 'Met',
  overdue: 'Overdue',
  ended: 'Ended',
  exception: 'Exception',
}

type Audience = 'staff' | 'family'

const SENTENCES: Record<StatutoryDeadlineKey, (child: string, by: string, audience: Audience) => string> = {
  assessment_decision: (child, by, audience) =>
    audience === 'staff'
      ? `The council must decide whether to assess ${child} by ${by}`
      : `The council must tell you whether it will assess ${child} by ${by}`,
  no_plan_notice: (child, by, audience) =>
    `If the council decides not to issue an EHC plan for ${child}, it must ${audience === 'staff' ? 'say so' : 'tell you'} by ${by}`,
  final_plan: (child, by) => `The council must issue ${possessive(child)} final EHC plan by ${by}`,
  draft_plan_comments: (child, by, audience) =>
    `${audience === 'staff' ? 'The family has' : 'You have'} until ${by} to comment on ${possessive(child)} draft plan`,
  annual_review_decision: (child, by, audience) =>
    `The council must ${audience === 'staff' ? 'decide' : 'tell you'} what follows ${possessive(child)} annual review by ${by}`,
  appeal_window: (_child, by, audience) => `${audience === 'staff' ? 'The family' : 'You'} can appeal to the tribunal until ${by}`,
}

/**
 * "The council must decide whether to assess Leo by 12 January 2027 (6 weeks from
 * the request on 1 December 2026; SEND Regulations 2014, reg. 5(1))" for staff;
 * the family's sentence stops before the brackets.
 */
export function describeDeadline(deadline: StatutoryDeadline, childName: string | null, audience: Audience): string {
  const child = childName?.trim() || (audience === 'staff' ? 'the child' : 'your child')
  const sentence = SENTENCES[deadline.key](child, formatCalendarDate(deadline.dueDate), audience)
  if (audience === 'family') return `${sentence}.`
  const basis = `${describeLength(deadline.length)} from the ${STAGE_NOUNS[deadline.from]} on ${formatCalendarDate(deadline.startDate)}`
  return `${sentence} (${basis}; ${deadline.regulation}).`
}

/** "12 January 2027". */
export function formatCalendarDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc', locale: 'en-GB' }).toFormat('d MMMM yyyy')
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}’` : `${name}’s`
}
