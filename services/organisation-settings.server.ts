/**
 * The organisation's own profile, kept by its admins: what families read about
 * it (name, about text, response time, contact details), whether it takes new
 * requests, and whether a first staff reply assigns the ticket. A plain record,
 * saved with its audit event in one transaction.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { Db } from '../lib/db.ts'
import { EmailSchema, wellFormed } from '../domain/input-schemas.ts'
import { recordAudit, type AuditActor } from './audit.server.ts'

export const ABOUT_MAX = 2000
const RESPONSE_TIME_MAX = 80
const PHONE_MAX = 40
const WEBSITE_MAX = 200
const POSTAL_ADDRESS_MAX = 300

/** Optional text: blank is null, which says nothing to families. */
function optionalText(max: number, multiline: boolean, tooLong: string) {
  return wellFormed(z.string().trim().max(max, tooLong), multiline)
    .optional()
    .transform((v) => v || null)
}

// Families read it as "Usually responds …", so a pasted "usually responds within a day" is not said twice.
const ResponseTime = optionalText(RESPONSE_TIME_MAX, false, `Keep this under ${RESPONSE_TIME_MAX} characters`).transform(
  (v) => v?.replace(/^(usually\s+)?responds(\s+|$)/i, '') || null,
)

const Phone = optionalText(PHONE_MAX, false, `A phone number is at most ${PHONE_MAX} characters`).refine(
  (v) => v === null || (/^\+?[\d\s().-]+$/.test(v) && v.replace(/\D/g, '').length >= 6),
  { error: 'Enter a phone number, like 0161 496 0000 or +44 161 496 0000' },
)

/** A web address; "example.org" becomes "https://example.org". Only http(s), so the link is never a script. */
const Website = optionalText(WEBSITE_MAX, false, `A web address is at most ${WEBSITE_MAX} characters`)
  .transform((v) => (v && !/^[a-z][a-z\d+.-]*:/i.test(v) ? `https://${v}` : v))
  .refine((v) => v === null || isWebAddress(v), { error: 'Enter a web address, like https://example.org' })

function isWebAddress(value: string): boolean {
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.') && !url.username && !url.password
}

export const OrganisationProfileSchema = z.object({
  name: wellFormed(
    z
      .string({ error: 'Enter the organisation’s name' })
      .trim()
      .min(2, 'Enter the organisation’s name')
      .max(120, 'Keep the name under 120 characters'),
    false,
  ),
  about: wellFormed(z.string().trim().max(ABOUT_MAX, `Keep this under ${ABOUT_MAX} characters`), true).default(''),
  responseTime: ResponseTime,
  contactEmail: z
    .union([z.literal(''), EmailSchema])
    .optional()
    .transform((v) => v || null),
  contactPhone: Phone,
  website: Website,
  postalAddress: optionalText(POSTAL_ADDRESS_MAX, true, `Keep the address under ${POSTAL_ADDRESS_MAX} characters`),
  acceptsRequests: z.boolean(),
  assignOnFirstReply: z.boolean(),
})
export type OrganisationProfile = z.output<typeof OrganisationProfileSchema>
export type OrganisationProfileField = keyof OrganisationProfile

const PROFILE_SELECT = {
  name: true,
  about: true,
  responseTime: true,
  contactEmail: true,
  contactPhone: true,
  website: true,
  postalAddress: true,
  acceptsRequests: true,
  assignOnFirstReply: true,
} as const satisfies Record<OrganisationProfileField, true>

const PROFILE_FIELDS = Object.keys(PROFILE_SELECT) as OrganisationProfileField[]

/** Changes whenever the stored profile does: the form sends back the one it was filled from. */
function revisionOf(profile: OrganisationProfile): string {
  const values = PROFILE_FIELDS.map((field) => profile[field])
  return createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16)
}

export async function organisationProfile(db: Db, orgId: string): Promise<{ profile: OrganisationProfile; revision: string }> {
  const profile = await db.organisation.findUniqueOrThrow({ where: { id: orgId }, select: PROFILE_SELECT })
  return { profile, revision: revisionOf(profile) }
}

export type SaveProfileResult =
  | { status: 'saved'; changed: OrganisationProfileField[] }
  | { status: 'unchanged' }
  /** Someone saved the profile after the form was filled in: nothing was written. */
  | { status: 'conflict' }

/**
 * Saves the fields that differ from the stored profile, with the organisation's
 * row locked so two admins' saves queue up; with `revision`, only if nobody
 * saved since the form was filled in. The audit event keeps each change's before and after.
 */
export async function saveOrganisationProfile(
  db: Db,
  input: AuditActor & { orgId: string; profile: OrganisationProfile; revision?: string },
): Promise<SaveProfileResult> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "Organisation" WHERE id = ${input.orgId}::uuid FOR UPDATE`
    const current = await tx.organisation.findUniqueOrThrow({ where: { id: input.orgId }, select: PROFILE_SELECT })
    if (input.revision !== undefined && input.revision !== revisionOf(current)) return { status: 'conflict' }
    const changed = PROFILE_FIELDS.filter((field) => current[field] !== input.profile[field])
    if (!changed.length) return { status: 'unchanged' }
    const update = Object.fromEntries(changed.map((field) => [field, input.profile[field]]))
    await tx.organisation.update({ where: { id: input.orgId }, data: update })
    await recordAudit(tx, {
      orgId: input.orgId,
      actorId: input.actorId,
      via: input.via,
      action: 'organisation.profile_saved',
      data: { changes: Object.fromEntries(changed.map((field) => [field, { from: current[field], to: input.profile[field] }])) },
    })
    return { status: 'saved', changed }
  })
}
