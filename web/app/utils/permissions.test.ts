import { describe, expect, it } from 'vitest'
import { roleHasPermission } from './permissions.ts'

describe('roleHasPermission', () => {
  it.each([
    ['family', 'reply:ticket:own', true],
    ['family', 'note:ticket:org', false],
    ['family', 'read:queue:org', false],
    ['staff', 'note:ticket:org', true],
    ['staff', 'assign:ticket:self', true],
    ['staff', 'assign:ticket:any', false],
    ['staff', 'inspect:workflow:org', false],
    ['admin', 'assign:ticket:any', true],
    ['admin', 'inspect:workflow:org', true],
    ['admin', 'create:ticket:own', false],
    ['family', 'reopen:ticket:own', true],
    ['family', 'change-priority:ticket:org', false],
    ['staff', 'change-priority:ticket:org', true],
    ['staff', 'link-case:ticket:org', true],
    ['staff', 'triage:queue:org', false],
    ['admin', 'triage:queue:org', true],
    ['family', 'watch:ticket:org', false],
    ['staff', 'watch:ticket:org', true],
    ['staff', 'manage:settings:org', false],
    ['admin', 'manage:settings:org', true],
    ['family', 'edit:profile:org', false],
    ['staff', 'edit:profile:org', false],
    ['admin', 'edit:profile:org', true],
    ['family', 'manage:team:org', false],
    ['staff', 'manage:team:org', false],
    ['admin', 'manage:team:org', true],
  ] as const)('%s may %s: %s', (role, permission, expected) => {
    expect(roleHasPermission(role, permission)).toBe(expected)
  })

  it('answers no for nobody', () => {
    expect(roleHasPermission(null, 'read:ticket:own')).toBe(false)
  })
})
