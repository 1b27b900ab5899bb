import type { MailAudience } from '../domain/mail-preferences.ts'
import type { Prisma } from '../generated/prisma/client.ts'
import type { Db } from './db.ts'

/** Staff if the person works on any organisation's team, else family: whose mail topics and whose words they get. */
export async function mailAudienceOf(db: Db | Prisma.TransactionClient, userId: string): Promise<MailAudience> {
  const staff = await db.membership.count({ where: { userId, role: { in: ['staff', 'admin'] } } })
  return staff > 0 ? 'staff' : 'family'
}
