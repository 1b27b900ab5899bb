import { describe, expect, it } from 'vitest'
import { noticeMessageId, replyAddress, signReplyToken, tokenOfAddress, tokensInReferences, verifyReplyToken } from './reply-token.ts'

const secret = 'a-secret-of-thirty-two-characters'
const claims = { ticketId: '0b7f8a52-4a0e-4d1c-9a3e-5f1c2b3d4e5f', userId: 'f1e2d3c4-b5a6-4789-8abc-def012345678' }

describe('reply tokens', () => {
  it('names the ticket and the person it was signed for, in an address short enough for a local part', () => {
    const token = signReplyToken(secret, claims)
    expect(verifyReplyToken(secret, token)).toEqual(claims)
    expect(`reply+${token}`.length).toBeLessThanOrEqual(64)
  })

  it('refuses a token signed with another secret', () => {
    expect(verifyReplyToken('another-secret-entirely-here', signReplyToken(secret, claims))).toBeNull()
  })

  it('refuses a token whose ids were altered, keeping the signature', () => {
    const token = signReplyToken(secret, claims)
    const other = signReplyToken(secret, { ...claims, userId: '00000000-0000-4000-8000-000000000000' })
    // The other person's ids with the first person's signature.
    expect(verifyReplyToken(secret, other.slice(0, 43) + token.slice(43))).toBeNull()
  })

  it('refuses any single character changed, a forged token and malformed ones', () => {
    const token = signReplyToken(secret, claims)
    for (const index of [0, 21, 42, 55]) {
      const changed = token.slice(0, index) + (token[index] === 'A' ? 'B' : 'A') + token.slice(index + 1)
      expect(verifyReplyToken(secret, changed)).toBeNull()
    }
    expect(verifyReplyToken(secret, 'A'.repeat(56))).toBeNull()
    expect(verifyReplyToken(secret, token.slice(1))).toBeNull()
    expect(verifyReplyToken(secret, `${token}=`)).toBeNull()
    expect(verifyReplyToken(secret, '')).toBeNull()
  })

  it('is found in the reply address and in the Message-ID a reply refers to', () => {
    const token = signReplyToken(secret, claims)
    expect(tokenOfAddress(replyAddress(token, 'in.example.org'), 'in.example.org')).toBe(token)
    expect(tokenOfAddress(`reply+${token}@IN.example.org`, 'in.example.org')).toBe(token)
    expect(tokenOfAddress(replyAddress(token, 'elsewhere.org'), 'in.example.org')).toBeNull()
    expect(tokenOfAddress('help@in.example.org', 'in.example.org')).toBeNull()
    const id = noticeMessageId('6c1a9d3e-2b4f-4a5c-8d7e-9f0a1b2c3d4e', token, 'mail.example.org')
    expect(tokensInReferences(['<ticket-x@mail.example.org>', id])).toEqual([token])
  })
})
