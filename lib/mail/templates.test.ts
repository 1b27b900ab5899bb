import { describe, expect, it } from 'vitest'
import { REPLY_MARKER, renderAccountMail, renderDigest, renderTicketNotice, type DigestMailContent } from './templates.tsx'

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

const digest: DigestMailContent = {
  recipientName: 'Ben',
  audience: 'staff',
  day: '2 December',
  settingsUrl: 'https://caseway.test/account#mail',
  tickets: [
    {
      ticketNumber: 42,
      subject: 'Draft plan, section F',
      orgName: 'Bright Path',
      ticketUrl: 'https://caseway.test/tickets/brightpath/42',
      notices: ['Dana replied to request #42', 'Dana replied to request #42 again'],
    },
    {
      ticketNumber: 43,
      subject: 'Tribunal bundle',
      orgName: 'Bright Path',
      ticketUrl: 'https://caseway.test/tickets/brightpath/43',
      notices: ['Elliot replied to request #43'],
    },
  ],
  cases: [
    {
      caseRef: 'BP-2026-014',
      orgName: 'Bright Path',
      caseUrl: 'https://caseway.test/staff/cases/14?org=brightpath',
      notices: ['Overdue on case BP-2026-014 for Leo (Dana): “Chase the council” was due Monday'],
    },
  ],
}

describe('the daily digest', () => {
  it('lists every notice under its ticket or case, with its link, in both parts, and counts them in the subject', () => {
    const mail = renderDigest(digest)
    expect(mail.subject).toBe('Your daily digest for 2 December: 4 notices')
    for (const part of [mail.text, mail.html]) {
      for (const group of [...digest.tickets, ...digest.cases]) for (const notice of group.notices) expect(part).toContain(notice)
      for (const { ticketUrl } of digest.tickets) expect(part).toContain(ticketUrl)
      expect(part).toContain('BP-2026-014')
      expect(part).toContain(digest.settingsUrl)
    }
    expect(mail.text).toContain(
      '#42 Draft plan, section F (Bright Path)\n- Dana replied to request #42\n- Dana replied to request #42 again',
    )
    expect(mail.text).toContain('Open it: https://caseway.test/staff/cases/14?org=brightpath')
    expect(mail.html).toContain('<a href="https://caseway.test/staff/cases/14?org=brightpath">Case BP-2026-014</a>')
    expect(mail.html.match(/<li>/g)).toHaveLength(4)
    expect(renderDigest({ ...digest, tickets: [digest.tickets[1]!], cases: [] }).subject).toBe('Your daily digest for 2 December: 1 notice')
  })

  it('a family’s digest tells of their requests and never shows a case, a staff record, even when one is handed to it', () => {
    const mail = renderDigest({ ...digest, audience: 'family', recipientName: 'Dana' })
    expect(mail.subject).toBe('Your daily digest for 2 December: 3 notices')
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('Here is what happened on your requests.')
      expect(part).not.toContain('BP-2026-014')
      expect(part).not.toContain('/staff/')
      expect(part).not.toMatch(/\bcases?\b/i)
    }
  })

  it('escapes HTML in subjects, names and notices in the HTML part, and keeps them as written in the text part', () => {
    const subject = '<img src=x onerror=alert(1)> & "friends"'
    const mail = renderDigest({
      ...digest,
      recipientName: '<b>Ben</b>',
      tickets: [{ ...digest.tickets[0]!, subject, notices: ['<script>alert(2)</script> replied'] }],
      cases: [],
    })
    expect(mail.html).not.toContain('<img')
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).not.toContain('<b>Ben')
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;friends&quot;')
    expect(mail.html).toContain('&lt;script&gt;alert(2)&lt;/script&gt; replied')
    expect(mail.text).toContain(`#42 ${subject} (Bright Path)`)
    expect(mail.text).toContain('Hello <b>Ben</b>,')
  })
})
