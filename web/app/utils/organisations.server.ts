/** Reading organisations by their public slug, and which of them families are shown. */
import type { CasewayContext } from '../context.ts'
import { notFound } from './http.ts'

/**
 * The organisations the directory and the start page list: taking requests,
 * with an admin to look after them (one without has nobody to triage them).
 */
export const LISTED_ORGANISATIONS = { acceptsRequests: true, memberships: { some: { role: 'admin' } } } as const

export async function requireOrganisation(ctx: Pick<CasewayContext, 'db'>, slug: string | undefined) {
  const org = slug
    ? await ctx.db.organisation.findUnique({
        where: { slug },
        select: {
          id: true,
          slug: true,
          name: true,
          about: true,
          responseTime: true,
          contactEmail: true,
          contactPhone: true,
          website: true,
          postalAddress: true,
          acceptsRequests: true,
          // What families may choose: archived departments take no new requests.
          departments: { where: { archivedAt: null }, select: { id: true, name: true }, orderBy: { name: 'asc' } },
        },
      })
    : null
  if (!org) throw notFound('We could not find that organisation.')
  return org
}
