/**
 * How long what people type may be, everywhere: the portal's forms, the API's
 * schemas and the ticket rules read these, so no edge accepts what another
 * refuses. Plain numbers, so the workflow bundle may import them without zod.
 */

/** A message or internal note. */
export const MESSAGE_MAX = 20_000
/** A case management system's reference for a case. */
export const CASE_REF_MAX = 100
/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX = 254
/** A person's name. */
export const NAME_MAX = 120
/** A ticket's subject. */
export const SUBJECT_MAX = 200

const numberFormat = new Intl.NumberFormat('en-GB')

/** The most active cases an advocate's capacity may name (Settings → Team). */
export const MAX_CASE_CAPACITY = 500

/** A limit as people read it: 20,000, not 20000. */
export function formatLimit(limit: number): string {
  return numberFormat.format(limit)
}

/** A tag's name ("Annual review 2026"). */
export const TAG_NAME_MAX = 60

/** A checklist item's title ("Request the EHCP draft"). */
export const CHECKLIST_TITLE_MAX = 200

/** A ticket template's name ("EHCP needs assessment"). */
export const TEMPLATE_NAME_MAX = 100
/** Tags and steps a template carries. */
export const TEMPLATE_TAGS_MAX = 10
export const TEMPLATE_ITEMS_MAX = 50
export const TASK_TITLE_MAX = 200
