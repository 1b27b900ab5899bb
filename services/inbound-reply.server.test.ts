import { describe, expect, it } from 'vitest'
import { REPLY_MARKER } from '../lib/mail/templates.tsx'
import { automaticMailReason, replyBody } from './inbound-reply.server.ts'

const headers = (entries: Record<string, string>) => new Map(Object.entries(entries))

describe('replyBody', () => {
  it('keeps what was written above the quoted notice, not the quote nor its attribution', () => {
    const text = [
      'Thank you, the letter is attached.',
      '',
      'On Wed, 2 Dec 2026 at 10:00, Bright Path <no-reply@caseway.localhost>',
      'wrote:',
      `> ${REPLY_MARKER}`,
      '> Hello Dana,',
      '> Sam replied to request #42',
    ].join('\n')
    expect(replyBody({ text })).toBe('Thank you, the letter is attached.')
  })

  it('cuts at the marker even when the client quoted without ">"', () => {
    const text = `Yes, Tuesday suits us.\n\n${REPLY_MARKER}\nHello Dana,\nSam replied\n`
    expect(replyBody({ text })).toBe('Yes, Tuesday suits us.')
  })

  it('drops a signature and a "sent from" line', () => {
    expect(replyBody({ text: 'See you then.\n\n-- \nDana Smith\n07700 900123\n' })).toBe('See you then.')
    expect(replyBody({ text: 'See you then.\n\nSent from my iPhone' })).toBe('See you then.')
  })

  it('keeps a message with no quote as it is, and an empty one empty', () => {
    expect(replyBody({ text: 'First line.\n\nSecond paragraph.' })).toBe('First line.\n\nSecond paragraph.')
    expect(replyBody({})).toBe('')
  })
})

describe('automaticMailReason', () => {
  it('lets a person through', () => {
    expect(automaticMailReason(headers({ 'auto-submitted': 'no' }), 'dana@family.example')).toBeNull()
    expect(automaticMailReason(headers({}), undefined)).toBeNull()
  })

  it('names every kind of machine mail', () => {
    expect(automaticMailReason(headers({}), '')).toMatch(/bounce/)
    expect(automaticMailReason(headers({ 'auto-submitted': 'auto-replied' }), 'a@b.c')).toMatch(/Auto-Submitted/)
    for (const precedence of ['bulk', 'auto_reply', 'list', 'Bulk'])
      expect(automaticMailReason(headers({ precedence }), 'a@b.c')).toMatch(/Precedence/)
    expect(automaticMailReason(headers({ 'x-autoreply': 'yes' }), 'a@b.c')).toMatch(/x-autoreply/)
    expect(automaticMailReason(new Map([['auto-submitted', { value: 'auto-generated', params: {} }]]), 'a@b.c')).toMatch(/auto-generated/)
  })
})
