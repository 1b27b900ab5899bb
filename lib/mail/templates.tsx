/**
 * Mail templates, rendered with React on the server into an HTML part, with a
 * plain-text part built from the same data: the two parts always say the same.
 * Styles are inline, as mail clients ignore style sheets.
 */
import type { ReactNode } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { CaseNotification } from '../../domain/case-deadlines.ts'
import type { MailAudience } from '../../domain/mail-preferences.ts'
import type { TicketNotificationKind } from '../../domain/ticket-notifications.ts'
import { NOTICE_MAIL_TEMPLATES } from './ticket-notices.ts'

export interface MailContent {
  subject: string
  html: string
  text: string
}

export interface TicketNoticeMail {
  kind: TicketNotificationKind
  recipientName: string
  /** The notice's in-app text. */
  text: string
  ticketNumber: number
  orgName: string
  ticketUrl: string
  settingsUrl: string
  /** Whether a reply to this mail lands on the ticket: the mail then starts with the reply marker. */
  repliable?: boolean
}

/** Above it, a reply by mail; below it, what the inbound parser cuts off (services/inbound-reply.server.ts). */
export const REPLY_MARKER = '## Reply above this line ##'

const page = { fontFamily: 'Arial, Helvetica, sans-serif', fontSize: '16px', lineHeight: '1.5', color: '#1f2937', maxWidth: '560px' }
const button = {
  display: 'inline-block',
  padding: '10px 16px',
  background: '#1d4ed8',
  color: '#ffffff',
  borderRadius: '6px',
  textDecoration: 'underline',
  fontWeight: 'bold',
}
const footer = { fontSize: '13px', color: '#4b5563' }

function Layout({ title, children, footnote }: { title: string; children: ReactNode; footnote: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body style={{ margin: 0, padding: '16px' }}>
        <div style={page}>
          {children}
          <hr style={{ border: 0, borderTop: '1px solid #d1d5db', margin: '24px 0 12px' }} />
          <p style={footer}>{footnote}</p>
        </div>
      </body>
    </html>
  )
}

function html(element: ReactNode): string {
  return `<!doctype html>${renderToStaticMarkup(element)}`
}

/** A notice as a mail: greeting, the in-app text, one button to where it happened. */
function renderNotice(notice: {
  subject: string
  recipientName: string
  text: string
  action: string
  url: string
  orgName: string
  settingsUrl: string
  /** Answering the mail adds to the ticket (tickets only). */
  repliable: boolean
}): MailContent {
  const { subject, action, url } = notice
  const signature = `${notice.orgName}, through Caseway`
  const why = 'You get this mail because of your notification settings'
  return {
    subject,
    html: html(
      <Layout
        title={subject}
        footnote={
          <>
            {signature}. {why}: <a href={notice.settingsUrl}>change what comes by email</a>.
          </>
        }
      >
        {notice.repliable && <p style={footer}>{REPLY_MARKER}</p>}
        <p>Hello {notice.recipientName},</p>
        <p>{notice.text}</p>
        <p>
          <a href={url} style={button}>
            {action}
          </a>
        </p>
        <p style={footer}>Or open this address: {url}</p>
      </Layout>,
    ),
    text: [
      ...(notice.repliable ? [REPLY_MARKER, 'You can answer this mail: your reply is added to the request.', ''] : []),
      `Hello ${notice.recipientName},`,
      '',
      notice.text,
      '',
      `${action}: ${url}`,
      '',
      '-- ',
      `${signature}. ${why}: ${notice.settingsUrl}`,
      '',
    ].join('\n'),
  }
}

export function renderTicketNotice(mail: TicketNoticeMail): MailContent {
  const { title, action } = NOTICE_MAIL_TEMPLATES[mail.kind]
  return renderNotice({
    ...mail,
    subject: `[#${mail.ticketNumber}] ${title}`,
    action,
    url: mail.ticketUrl,
    repliable: mail.repliable === true,
  })
}

export interface CaseNoticeMail {
  kind: CaseNotification['kind']
  recipientName: string
  /** The notice's in-app text. */
  text: string
  caseRef: string
  orgName: string
  caseUrl: string
  settingsUrl: string
}

/** Per kind: the case notice mail's subject after "[caseRef]". */
const CASE_NOTICE_TITLES: Record<CaseNotification['kind'], string> = {
  case_action_overdue: 'Next action overdue',
  case_la_deadline_overdue: 'LA deadline overdue',
}

/** A notice about a case (to its staff only), linking to the case page; replies by mail are for tickets, so none here. */
export function renderCaseNotice(mail: CaseNoticeMail): MailContent {
  const subject = `[${mail.caseRef}] ${CASE_NOTICE_TITLES[mail.kind]}`
  return renderNotice({ ...mail, subject, action: 'Open the case', url: mail.caseUrl, repliable: false })
}

export interface DigestMailContent {
  recipientName: string
  /** A family's digest tells of their requests, and never of cases: those are staff records. */
  audience: MailAudience
  /** "2 December": the day the digest tells of. */
  day: string
  settingsUrl: string
  /** One group a ticket, each notice's in-app text in the order they came. */
  tickets: { ticketNumber: number; subject: string; orgName: string; ticketUrl: string; notices: string[] }[]
  /** One group a case (staff only), likewise. */
  cases: { caseRef: string; orgName: string; caseUrl: string; notices: string[] }[]
}

/** The daily digest: every waiting notice, grouped by ticket and by case, each with its link. */
export function renderDigest(mail: DigestMailContent): MailContent {
  const cases = mail.audience === 'staff' ? mail.cases : []
  const count = [...mail.tickets, ...cases].reduce((sum, group) => sum + group.notices.length, 0)
  const subject = `Your daily digest for ${mail.day}: ${count === 1 ? '1 notice' : `${count} notices`}`
  const why = 'You get this digest because of your notification settings'
  const intro =
    mail.audience === 'family'
      ? 'Here is what happened on your requests.'
      : cases.length
        ? 'Here is what happened on your tickets and cases.'
        : 'Here is what happened on your tickets.'
  return {
    subject,
    html: html(
      <Layout
        title={subject}
        footnote={
          <>
            Caseway. {why}: <a href={mail.settingsUrl}>change what comes by email</a>.
          </>
        }
      >
        <p>Hello {mail.recipientName},</p>
        <p>{intro}</p>
        {mail.tickets.map((ticket) => (
          <div key={`${ticket.orgName}-${ticket.ticketNumber}`}>
            <h2 style={{ fontSize: '18px', margin: '20px 0 4px' }}>
              <a href={ticket.ticketUrl}>
                #{ticket.ticketNumber} {ticket.subject}
              </a>
            </h2>
            <p style={footer}>{ticket.orgName}</p>
            <ul>
              {ticket.notices.map((notice, index) => (
                <li key={index}>{notice}</li>
              ))}
            </ul>
          </div>
        ))}
        {cases.map((kase) => (
          <div key={`${kase.orgName}-${kase.caseRef}`}>
            <h2 style={{ fontSize: '18px', margin: '20px 0 4px' }}>
              <a href={kase.caseUrl}>Case {kase.caseRef}</a>
            </h2>
            <p style={footer}>{kase.orgName}</p>
            <ul>
              {kase.notices.map((notice, index) => (
                <li key={index}>{notice}</li>
              ))}
            </ul>
          </div>
        ))}
      </Layout>,
    ),
    text: [
      `Hello ${mail.recipientName},`,
      '',
      intro,
      ...mail.tickets.flatMap((ticket) => [
        '',
        `#${ticket.ticketNumber} ${ticket.subject} (${ticket.orgName})`,
        ...ticket.notices.map((notice) => `- ${notice}`),
        `Open it: ${ticket.ticketUrl}`,
      ]),
      ...cases.flatMap((kase) => [
        '',
        `Case ${kase.caseRef} (${kase.orgName})`,
        ...kase.notices.map((notice) => `- ${notice}`),
        `Open it: ${kase.caseUrl}`,
      ]),
      '',
      '-- ',
      `Caseway. ${why}: ${mail.settingsUrl}`,
      '',
    ].join('\n'),
  }
}

/** Account mail (a password link, an invitation): its text as written, paragraphs by blank lines, addresses as links. */
export function renderAccountMail(mail: { subject: string; text: string }): MailContent {
  const paragraphs = mail.text.split(/\n\s*\n/)
  return {
    subject: mail.subject,
    html: html(
      <Layout title={mail.subject} footnote="Caseway. This mail is about your account; it is sent whatever your notification settings.">
        {paragraphs.map((paragraph, index) => (
          <p key={index}>{linked(paragraph)}</p>
        ))}
      </Layout>,
    ),
    text: `${mail.text}\n`,
  }
}

function linked(paragraph: string): ReactNode[] {
  return paragraph.split(/(https?:\/\/[^\s]+)/).map((part, index) =>
    index % 2 === 1 ? (
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part.split('\n').flatMap((line, i) => (i === 0 ? [line] : [<br key={`${index}-${i}`} />, line]))
    ),
  )
}
