import { inject } from 'vitest'

/** A mail as MailDev's REST API shows it (the fields the tests read). */
export interface CaughtMail {
  id: string
  subject: string
  text: string
  html: string
  to: { address: string }[]
  headers: Record<string, string>
}

/** Every mail the test stack's catcher holds for `address`. */
export async function caughtMailTo(address: string): Promise<CaughtMail[]> {
  const response = await fetch(`${inject('stack').mailCatcherApiUrl}/email`)
  if (!response.ok) throw new Error(`The mail catcher answered ${response.status}`)
  const mails = (await response.json()) as CaughtMail[]
  return mails.filter((mail) => mail.to.some((to) => to.address.toLowerCase() === address.toLowerCase()))
}

/** The mail as it was sent (its headers as written, both parts). */
export async function caughtMailSource(id: string): Promise<string> {
  const response = await fetch(`${inject('stack').mailCatcherApiUrl}/email/${id}/source`)
  if (!response.ok) throw new Error(`The mail catcher answered ${response.status}`)
  return await response.text()
}
