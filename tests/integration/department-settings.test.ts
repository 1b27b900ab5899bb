/**
 * Settings → Departments and the departments of Settings → Team, through their
 * loaders and actions: only admins, only their own organisation's departments
 * and people, names unique, leads from the team, the default department kept
 * open, archived ones neither offered to families nor newly given to staff, and
 * every change in the audit trail.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as requestSupport from '../../web/app/routes/orgs.$slug.request.tsx'
import * as settingsDepartments from '../../web/app/routes/staff.settings.departments.tsx'
import * as settingsTeam from '../../web/app/routes/staff.settings.team.tsx'
import { createTestOrganisation } from '../support/fixtures.ts'
import { outcome, routeCalls } from '../support/route-calls.ts'
import { connectToStack, type StackConnection } from '../support/stack.ts'

let stack: StackConnection
let calls: ReturnType<typeof routeCalls>
let a: Awaited<ReturnType<typeof createTestOrganisation>>
let b: Awaited<ReturnType<typeof createTestOrganisation>>

beforeAll(async () => {
  stack = await connectToStack()
  calls = routeCalls(stack, stack.context)
  a = await createTestOrganisation(stack.db)
  b = await createTestOrganisation(stack.db)
})
afterAll(async () => {
  await stack?.close()
})

const url = '/staff/settings/departments'
const department = (name: string) =>
  stack.db.department.findFirstOrThrow({
    where: { orgId: a.org.id, name },
    select: { id: true, slug: true, archivedAt: true, leadId: true },
  })
const advocateMembership = () =>
  stack.db.membership.findFirstOrThrow({ where: { orgId: a.org.id, userId: a.advocate.id }, select: { id: true } })

describe('Settings → Departments', () => {
  it('is for the organisation’s admins', async () => {
    expect((await calls.load(settingsDepartments, a.advocate, url)).status).toBe(403)
    expect((await calls.act(settingsDepartments, a.advocate, url, { intent: 'create', name: 'Sneaky' })).status).toBe(403)
    expect((await calls.load(settingsDepartments, a.family, url)).status).toBe(403)
    expect((await calls.load(settingsDepartments, a.admin, url)).status).toBe(200)
  })

  it('adds, renames and leads departments, refusing a taken name and a lead from outside the team', async () => {
    const added = await calls.act(settingsDepartments, a.admin, url, { intent: 'create', name: 'Annual Reviews!', leadId: a.advocate.id })
    expect(added.status).toBe(302)
    const reviews = await department('Annual Reviews!')
    expect(reviews).toMatchObject({ slug: 'annual-reviews', leadId: a.advocate.id })
    expect((await calls.act(settingsDepartments, a.admin, url, { intent: 'create', name: 'annual reviews!' })).status).toBe(409)
    expect((await calls.act(settingsDepartments, a.admin, url, { intent: 'create', name: '   ' })).status).toBe(400)
    const outsider = await calls.act(settingsDepartments, a.admin, url, { intent: 'create', name: 'Transport', leadId: b.advocate.id })
    expect(outsider).toMatchObject({ status: 409, data: { fieldErrors: { leadId: ['Choose a lead from the team.'] } } })

    const renamed = await calls.act(settingsDepartments, a.admin, url, {
      intent: 'update',
      departmentId: reviews.id,
      name: 'Annual reviews',
      leadId: '',
    })
    expect(renamed.status).toBe(302)
    // The slug integrations use stays as it was made.
    expect(await department('Annual reviews')).toMatchObject({ slug: 'annual-reviews', leadId: null })
    const theirs = await stack.db.department.findFirstOrThrow({ where: { orgId: b.org.id }, select: { id: true } })
    expect(
      (await calls.act(settingsDepartments, a.admin, url, { intent: 'update', departmentId: theirs.id, name: 'Mine now' })).status,
    ).toBe(404)
    const changes = await stack.db.auditEvent.findMany({ where: { orgId: a.org.id, action: { startsWith: 'department.' } } })
    expect(changes.map((c) => c.action).sort()).toEqual(['department.created', 'department.lead_changed', 'department.renamed'])
  })

  it('archives a department (no longer offered to families) and brings it back; the default stays open', async () => {
    await calls.act(settingsDepartments, a.admin, url, { intent: 'create', name: 'Early years' })
    const early = await department('Early years')
    expect((await calls.act(settingsDepartments, a.admin, url, { intent: 'archive', departmentId: early.id })).status).toBe(302)
    expect((await department('Early years')).archivedAt).not.toBeNull()
    const form = await calls.load(requestSupport, a.family, `/orgs/${a.org.slug}/request`, { slug: a.org.slug })
    const offered = (form.data as { org: { departments: { name: string }[] } }).org.departments.map((d) => d.name)
    expect(offered).toContain('General')
    expect(offered).not.toContain('Early years')
    const general = await department('General')
    expect((await calls.act(settingsDepartments, a.admin, url, { intent: 'archive', departmentId: general.id })).status).toBe(409)
    expect((await calls.act(settingsDepartments, a.admin, url, { intent: 'restore', departmentId: early.id })).status).toBe(302)
    expect((await department('Early years')).archivedAt).toBeNull()
  })
})

describe('Settings → Team: departments', () => {
  const teamUrl = '/staff/settings/team'
  it('restricts a member to departments and back to every department, audited', async () => {
    const membershipId = (await advocateMembership()).id
    const early = await department('Early years')
    // Several values of one field, as the browser sends the ticked checkboxes.
    const restrict = async (departmentIds: string[]) => {
      const body = new URLSearchParams({ submissionToken: randomUUID(), intent: 'set-departments', membershipId })
      for (const id of departmentIds) body.append('departmentIds', id)
      const signedIn = await calls.requestAs(a.admin, teamUrl)
      const request = new Request(signedIn.url, {
        method: 'POST',
        headers: { Cookie: signedIn.headers.get('Cookie')!, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      })
      return outcome(() => settingsTeam.action({ request, params: {}, context: stack.context as never }))
    }
    expect((await restrict([early.id])).status).toBe(302)
    expect(await stack.db.membershipDepartment.findMany({ where: { membershipId }, select: { departmentId: true } })).toEqual([
      { departmentId: early.id },
    ])
    // An archived department is not newly given; one already held may stay.
    await stack.db.department.update({ where: { id: early.id }, data: { archivedAt: new Date() } })
    const reviews = await department('Annual reviews')
    expect((await restrict([early.id, reviews.id])).status).toBe(302)
    const general = await department('General')
    await stack.db.department.update({ where: { id: general.id }, data: { archivedAt: new Date() } })
    expect((await restrict([general.id])).status).toBe(409)
    await stack.db.department.update({ where: { id: general.id }, data: { archivedAt: null } })
    expect((await restrict([])).status).toBe(302)
    expect(await stack.db.membershipDepartment.count({ where: { membershipId } })).toBe(0)
    const other = await stack.db.membership.findFirstOrThrow({ where: { orgId: b.org.id, userId: b.advocate.id }, select: { id: true } })
    const form = { intent: 'set-departments', membershipId: other.id }
    expect((await calls.act(settingsTeam, a.admin, teamUrl, form)).status).toBe(404)
    expect((await calls.act(settingsTeam, a.advocate, teamUrl, { intent: 'set-departments', membershipId })).status).toBe(403)
    const audit = await stack.db.auditEvent.findMany({
      where: { orgId: a.org.id, action: 'team.departments_changed' },
      orderBy: { createdAt: 'asc' },
    })
    expect(audit.map((e) => (e.data as { departments: string[] }).departments)).toEqual([
      ['Early years'],
      ['Annual reviews', 'Early years'],
      [],
    ])
  })
})
