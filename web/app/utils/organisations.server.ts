/** Reading organisations by their public slug. */
import type { CasewayContext } from '../context.ts'
import { notFound } from './http.ts'

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
          acceptsRequests: true,
          departments: { select: { id: true, name: true }, orderBy: { name: 'asc' } },
        },
      })
    : null
  if (!org) throw notFound('We could not find that organisation.')
  return org
}
