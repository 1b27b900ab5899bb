import { describe, expect, it } from 'vitest'
import { characterCountText, countShownFrom } from './character-count.tsx'

describe('characterCountText', () => {
  it('says nothing while the text is well under the limit', () => {
    expect(countShownFrom(20_000)).toBe(18_000)
    expect(characterCountText(0, 20_000)).toBeNull()
    expect(characterCountText(17_999, 20_000)).toBeNull()
  })

  it('counts near the limit, with the numbers grouped as people read them', () => {
    expect(characterCountText(18_000, 20_000)).toBe('18,000 of 20,000 characters')
    expect(characterCountText(20_000, 20_000)).toBe('20,000 of 20,000 characters')
  })

  it('says in words how many are too many once over it', () => {
    expect(characterCountText(20_350, 20_000)).toBe('20,350 of 20,000 characters: 350 too many')
  })
})
