/**
 * Who on an organisation's team sees which of its cases: the one rule for the
 * case page, its tabs and every action on them.
 *
 * - Admins see every case of their organisation.
 * - Staff see the cases whose advocate they are.
 *
 * Anyone else (other staff, families, other organisations) is told the case does
 * not exist (404).
 */
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from '../lib/db.ts'

type Tx = Prisma.TransactionClient | Db

/** What a person may see of one organisation's cases. */
export type CaseScope =
  /** An admin of the organisation. */
  | { kind: 'all' }
  /** Staff: the cases they are the advocate of. */
  | { kind: 'advocate'; userId: string }
  /** Not on the organisation's team. */
  | { kind: 'none' }

/** The rule itself, on one case. */
export function maySeeCase(scope: CaseScope, kase: { advocateId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true
    case 'none':
      return false
    case 'advocate':
      return kase.advocateId === scope.userId
  }
}

/** The person's scope in the organisation, read from their membership now (a change applies at once). */
export async function caseScope(db: Tx, input: { orgId: string; userId: string }): Promise<CaseScope> {
  const membership = await db.membership.findUnique({
    where: { orgId_userId: { orgId: input.orgId, userId: input.userId } },
    select: { role: true },
  })
  return scopeOf(input.userId, membership?.role)
}

function scopeOf(userId: string, role: string | undefined): CaseScope {
  if (role === 'admin') return { kind: 'all' }
  if (role === 'staff') return { kind: 'advocate', userId }
  return { kind: 'none' }
}
