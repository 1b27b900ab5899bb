import { describe, expect, it } from 'vitest'
import { REPLY_MARKER, renderAccountMail, renderTicketNotice } from './templates.tsx'

const notice = {
  kind: 'staff_replied' as const,
  recipientName: 'Dana <Family>',
  text: 'Sam replied to request #42',
  ticketNumber: 42,
  orgName: 'Bright Path',
  ticketUrl: 'https://caseway.test/tickets/brightpath/42',
  settingsUrl: 'https://caseway.test/account#mail',
}

describe('mail templates', () => {
  it('a notice: "[#n]" subject, the same words and link in both parts, text escaped in the HTML', () => {
    const mail = renderTicketNotice(notice)
    expect(mail.subject).toBe('[#42] New reply from your advocate')
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Sam replied to request #42')
      expect(part).toContain(notice.ticketUrl)
      expect(part).toContain(notice.settingsUrl)
    }
    expect(mail.text).toContain('Read the reply: https://caseway.test/tickets/brightpath/42')
    expect(mail.html).toContain('<a href="https://caseway.test/tickets/brightpath/42"')
    expect(mail.html).toContain('Hello Dana &lt;Family&gt;,')
    expect(mail.html.startsWith('<!doctype html><html lang="en">')).toBe(true)
  })

  it('a notice one can answer starts both parts with the reply marker; one that cannot has none', () => {
    const repliable = renderTicketNotice({ ...notice, repliable: true })
    expect(repliable.text.startsWith(REPLY_MARKER)).toBe(true)
    expect(repliable.html).toContain(REPLY_MARKER)
    const plain = renderTicketNotice(notice)
    expect(plain.text).not.toContain(REPLY_MARKER)
    expect(plain.html).not.toContain(REPLY_MARKER)
  })

  it('account mail keeps its text as written and makes its addresses links', () => {
    const mail = renderAccountMail({
      subject: 'Reset your Caseway password',
      text: 'Hello,\n\nChoose one here: https://x.test/reset?a=1&b=2',
    })
    expect(mail.text).toBe('Hello,\n\nChoose one here: https://x.test/reset?a=1&b=2\n')
    expect(mail.html).toContain('<a href="https://x.test/reset?a=1&amp;b=2">https://x.test/reset?a=1&amp;b=2</a>')
  })
})
