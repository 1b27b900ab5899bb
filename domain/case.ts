/**
 * The case's vocabulary: where a family's EHCP case stands, as staff and families
 * read it, and which status may follow which (docs/decisions/009-case-statuses.md).
 * Pure, so the workflow bundle can import it.
 */

export const CASE_STATUSES = [
  'intake',
  'assessment_requested',
  'assessment_agreed',
  'draft_plan',
  'final_plan',
  'tribunal',
  'closed',
] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

/** The statuses a case may be put in by hand; it closes through `close` only, which resolves its tickets. */
export const OPEN_CASE_STATUSES = CASE_STATUSES.filter((status) => status !== 'closed')

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  intake: 'Intake',
  assessment_requested: 'Needs assessment requested',
  assessment_agreed: 'Assessment agreed',
  draft_plan: 'Draft plan',
  final_plan: 'Final plan',
  tribunal: 'Tribunal',
  closed: 'Closed',
}

/**
 * Which status may follow which by hand. A case does not only move forward: the
 * council may refuse to assess (back to intake, or on to tribunal), refuse to
 * issue a plan after assessing (tribunal), or a final plan may be appealed
 * (tribunal) and then amended (draft plan again), so every open status may follow
 * every other. Closed is left through reopening only.
 */
export const CASE_STATUS_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  intake: openStatusesBut('intake'),
  assessment_requested: openStatusesBut('assessment_requested'),
  assessment_agreed: openStatusesBut('assessment_agreed'),
  draft_plan: openStatusesBut('draft_plan'),
  final_plan: openStatusesBut('final_plan'),
  tribunal: openStatusesBut('tribunal'),
  closed: [],
}

function openStatusesBut(status: CaseStatus): CaseStatus[] {
  return OPEN_CASE_STATUSES.filter((to) => to !== status)
}

/** The reference of a case opened by an assignment: its number within the organisation. */
export function caseRefOfNumber(number: number): string {
  return `CASE-${number}`
}

/** Whether two cases (or a request and a case) concern the same child: by name, ignoring case and spaces around; no name matches no name. */
export function sameChild(a: string | null, b: string | null): boolean {
  return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase()
}
