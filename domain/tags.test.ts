import { describe, expect, it } from 'vitest'
import { tagKey, tidyTagName } from './tags.ts'

describe('tag names', () => {
  it('tidies spacing but keeps the case people chose', () => {
    expect(tidyTagName('  Welsh \t LA ')).toBe('Welsh LA')
  })

  it('gives names differing only in case or spacing one key', () => {
    expect(tagKey('welsh  la')).toBe(tagKey('Welsh LA'))
    expect(tagKey('Tribunal prep')).not.toBe(tagKey('Tribunal'))
  })
})
